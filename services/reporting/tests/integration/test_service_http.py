"""The nameko service answering over HTTP: `nameko run` in a subprocess, real RabbitMQ."""

from __future__ import annotations

import requests
from nameko.standalone.rpc import ClusterRpcProxy


def test_the_service_serves_indicators_per_authority_and_a_problem_for_an_unknown_one(reporting_api: str) -> None:
    everything = requests.get(f"{reporting_api}/indicators", timeout=5)
    assert everything.status_code == 200
    by_id = {a["authority_id"]: a for a in everything.json()["authorities"]}
    assert by_id["hn"]["own"] == {"enterprises": 1, "candidates_proposed": 0}
    assert by_id["hn"]["subtree"] == {"enterprises": 2, "candidates_proposed": 1}

    one = requests.get(f"{reporting_api}/indicators/hn", timeout=5).json()
    assert [s["authority_id"] for s in one["subordinates"]] == ["hn.kcn"]

    unknown = requests.get(f"{reporting_api}/indicators/hcm", timeout=5)
    assert unknown.status_code == 404
    assert unknown.headers["Content-Type"].startswith("application/problem+json")
    assert (unknown.json()["field"], unknown.json()["rule"]) == ("authority_id", "exists")


def test_plans_are_adopted_targeted_and_split_over_http_with_refusals_naming_field_and_rule(
    reporting_api: str, amqp_uri: str
) -> None:
    adopted = requests.post(
        f"{reporting_api}/plans",
        json={
            "plan_id": "hn-2025",
            "authority_id": "hn",
            "title": "Kế hoạch phát triển đảng viên năm 2025",
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
        },
        timeout=5,
    )
    assert adopted.status_code == 201, adopted.text
    target = requests.put(f"{reporting_api}/plans/hn-2025/targets/candidates_proposed", json={"value": 4}, timeout=5)
    assert target.status_code == 200, target.text

    uneven = requests.put(
        f"{reporting_api}/plans/hn-2025/targets/candidates_proposed/split",
        json={"shares": [{"authority_id": "hn.kcn", "value": 3}]},
        timeout=5,
    )
    assert uneven.status_code == 422
    assert (uneven.json()["field"], uneven.json()["rule"]) == ("shares", "sum_equals_target")
    unknown_indicator = requests.put(f"{reporting_api}/plans/hn-2025/targets/smiles", json={"value": 4}, timeout=5)
    assert unknown_indicator.status_code == 422
    assert unknown_indicator.json()["errors"][0]["field"] == "indicator"

    split = requests.put(
        f"{reporting_api}/plans/hn-2025/targets/candidates_proposed/split",
        json={"shares": [{"authority_id": "hn.kcn", "value": 4}]},
        timeout=5,
    )
    assert split.status_code == 200, split.text

    progress = requests.get(f"{reporting_api}/plans/hn-2025/progress", params={"as_of": "2025-06-30"}, timeout=5)
    [candidates] = progress.json()["targets"]
    assert (candidates["target"], candidates["achieved"], candidates["split"][0]["achieved"]) == (4, 1, 1)
    bad_date = requests.get(f"{reporting_api}/plans/hn-2025/progress", params={"as_of": "30/06/2025"}, timeout=5)
    assert bad_date.status_code == 422
    assert (bad_date.json()["field"], bad_date.json()["rule"]) == ("as_of", "iso_date")
    assert requests.get(f"{reporting_api}/plans/nothing", timeout=5).status_code == 404

    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=10) as cluster:
        over_rpc = cluster.reporting.plan_progress("hn-2025", as_of="2025-06-30")
        report = cluster.reporting.indicator_report("hn", "2025-01-01", "2025-12-31")
    assert over_rpc["targets"][0]["achieved"] == 1
    assert report["totals"]["in_period"]["candidates_proposed"] == 1


def test_reports_download_as_xlsx_and_pdf_and_an_unknown_format_is_refused(reporting_api: str) -> None:
    params = {"authority_id": "hn", "from": "2024-01-01", "to": "2025-12-31"}
    report = requests.get(f"{reporting_api}/reports/indicators", params=params, timeout=5).json()
    assert report["totals"]["in_period"] == {"enterprises": 2, "candidates_proposed": 1}
    workbook = requests.get(f"{reporting_api}/reports/indicators.xlsx", params=params, timeout=10)
    assert workbook.status_code == 200
    assert workbook.headers["Content-Disposition"].endswith('.xlsx"')
    document = requests.get(f"{reporting_api}/reports/indicators.pdf", params=params, timeout=10)
    assert (document.status_code, document.content[:5]) == (200, b"%PDF-")
    refused = requests.get(f"{reporting_api}/reports/indicators.doc", params=params, timeout=5)
    assert refused.status_code == 422
    assert (refused.json()["field"], refused.json()["rule"]) == ("format", "one_of")
    backwards = requests.get(
        f"{reporting_api}/reports/indicators.pdf", params={**params, "to": "2023-01-01"}, timeout=5
    )
    assert (backwards.status_code, backwards.json()["field"]) == (422, "to")
    admissions = requests.get(f"{reporting_api}/reports/admissions.pdf", params=params, timeout=10)
    assert (admissions.status_code, admissions.content[:5]) == (200, b"%PDF-")
    assert "bao-cao-gioi-thieu-hn-" in admissions.headers["Content-Disposition"]
