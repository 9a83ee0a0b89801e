"""The Grafana dashboard and the Prometheus configuration name only metrics the code exports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "deploy" / "grafana" / "coso-links.json"
DEFINITION = re.compile(
    r"\b(Counter|Gauge|Histogram|Summary|GaugeMetricFamily|CounterMetricFamily|HistogramMetricFamily)"
    r"\(\s*[\"'](coso_[a-z0-9_]+)[\"']"
)
SUFFIXES = {"Histogram": ("_bucket", "_sum", "_count"), "HistogramMetricFamily": ("_bucket", "_sum", "_count")}


def exported_metrics() -> set[str]:
    """Names Prometheus sees, from the metric definitions in the backbone and the services."""
    names: set[str] = set()
    sources = [*(ROOT / "backbone" / "coso_backbone").rglob("*.py"), *(ROOT / "services").glob("*/coso_*/**/*.py")]
    for source in sources:
        for kind, name in DEFINITION.findall(source.read_text(encoding="utf-8")):
            if kind.startswith("Counter"):  # exported as <name>_total, whether or not it ends so
                names.add(name.removesuffix("_total") + "_total")
            else:
                names.add(name)
                names.update(name + suffix for suffix in SUFFIXES.get(kind, ()))
    return names


def dashboard_metrics() -> set[str]:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    expressions = [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]
    expressions += [v["definition"] for v in dashboard["templating"]["list"] if "definition" in v]
    return {name for expr in expressions for name in re.findall(r"\bcoso_[a-z0-9_]+\b", expr)}


def test_the_service_panels_use_metrics_the_services_define() -> None:
    used = {name for name in dashboard_metrics() if not name.startswith("coso_link_")}
    assert {"coso_consumer_lag_events", "coso_consumer_position", "coso_dead_letters_total"} <= used
    assert used - exported_metrics() == set()


def test_the_link_panels_use_metrics_the_link_code_defines() -> None:
    used = {name for name in dashboard_metrics() if name.startswith("coso_link_")}
    assert used == {
        "coso_link_up",
        "coso_link_lag_events",
        "coso_link_lag_seconds",
        "coso_link_dead_letters",
        "coso_link_last_error_timestamp_seconds",
    }
    defined = {name for name in exported_metrics() if name.startswith("coso_link_")}
    if not defined:
        pytest.skip("no coso_link_* metric is defined in the code yet (coso_backbone.links is not merged)")
    assert used - defined == set()


def test_every_panel_is_titled_in_vietnamese_first_and_has_a_query() -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    for panel in dashboard["panels"]:
        assert re.search(r"[à-ỹđ]", panel["title"].split("(")[0]), panel["title"]
        if panel["type"] != "row":
            assert panel["targets"] and panel["datasource"]["uid"] == "${datasource}"
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))


def test_the_prometheus_example_scrapes_the_example_authority() -> None:
    config = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
    targets = config["scrape_configs"][0]["static_configs"][0]["targets"]
    authority = yaml.safe_load((ROOT / "deploy" / "authority.example.yml").read_text())
    api, metrics = authority["ports"]["api_base"], authority["ports"]["metrics_base"]
    assert targets == [f"127.0.0.1:{api + i}" for i in range(1, 5)] + [f"127.0.0.1:{metrics + i}" for i in range(1, 5)]
