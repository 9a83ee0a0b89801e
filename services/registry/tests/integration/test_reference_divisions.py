"""The real administrative divisions load with one command, once."""

from collections.abc import Iterator
from datetime import date

import pytest

from coso_backbone.config import CosoSettings
from coso_registry import bootstrap
from coso_registry.adapters.divisions import divisions


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
