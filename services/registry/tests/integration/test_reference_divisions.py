"""The real administrative divisions load with one command, once."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coso_backbone.config import CosoSettings
from coso_registry import bootstrap
from coso_registry.adapters.divisions import divisions
from coso_registry.entrypoints.cli import app as cli


@pytest.fixture
def app(database_url: str, amqp_uri: str) -> Iterator[bootstrap.RegistryApp]:
    settings = CosoSettings(
        service="registry", database_url=database_url, amqp_uri=amqp_uri, http_port=0, metrics_port=0
    )
    bootstrap.migrate(settings)
    application = bootstrap.build(settings)
    yield application
    application.store.engine.dispose()


def test_the_34_provinces_and_their_communes_load_once(app: bootstrap.RegistryApp) -> None:
    reference = divisions()
    assert len({c.authority_id for c in reference}) == len(reference)
    first = app.authorities.register_many(reference)
    assert first == {"registered": 34 + 3321, "skipped": 0}
    assert app.authorities.register_many(divisions()) == {"registered": 0, "skipped": 3355}
    assert app.store.last_position() == 3355
    today = app.authorities.tree(date(2025, 7, 1))
    assert len(today.roots()) == 34
    assert app.authorities.tree(date(2025, 6, 30)).nodes == {}
    hanoi = app.authorities.subtree("ha-noi", date(2025, 7, 1))
    assert hanoi[0]["name"] == "Thành ủy Hà Nội"
    assert "Đảng ủy phường Hoàn Kiếm" in {n["name"] for n in hanoi}


def test_one_province_loads_with_its_pre_2025_units_merged_into_their_successors_once(
    app: bootstrap.RegistryApp, tmp_path: Path
) -> None:
    config = tmp_path / "registry.yml"
    settings = app.settings
    config.write_text(
        "coso:\n  service: registry\n"
        f"  database_url: {settings.database_url}\n  amqp_uri: {settings.amqp_uri}\n"
        "  http_port: 0\n  metrics_port: 0\n"
    )
    command = ["load-divisions", "--with-history", "--province", "bac-ninh", "--config", str(config)]
    loaded = CliRunner().invoke(cli, command)
    assert loaded.exit_code == 0, loaded.output
    assert "118 restructurings recorded" in loaded.output  # 99 communes, 18 districts, 1 province merger
    before = app.authorities.tree(date(2025, 6, 30))
    assert sorted(before.roots()) == ["vn63.tinhbacgiang", "vn63.tinhbacninh"]
    assert "vn63.tinhbacninh.thixaquevo.phuongbonglai" in before.nodes
    after = app.authorities.tree(date(2025, 7, 1))
    assert after.roots() == ["bac-ninh"] and not any(a.startswith("vn63.") for a in after.nodes)
    successor = app.authorities.successors("vn63.tinhbacninh.thixaquevo.phuongbonglai", date(2025, 7, 1))
    assert successor["successors"] == ["bac-ninh.phuong-bong-lai"]
    assert app.authorities.successors("vn63.tinhbacgiang", date(2025, 7, 1))["successors"] == ["bac-ninh"]
    district = app.authorities.authority("vn63.tinhbacninh.thixaquevo")
    assert district["level"] == "district"
    position = app.store.last_position()
    again = CliRunner().invoke(cli, command)
    assert again.exit_code == 0, again.output
    assert "0 restructurings recorded" in again.output
    assert app.store.last_position() == position
