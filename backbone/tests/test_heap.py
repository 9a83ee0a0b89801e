"""A service's long-lived objects are left out of the garbage collector's passes."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from coso_backbone import heap
from coso_backbone.service_support import WiredApplication


@pytest.fixture(autouse=True)
def thawed() -> Iterator[None]:
    yield
    gc.unfreeze()


def collected(obj: object) -> bool:
    """Whether the collector's passes still visit `obj`."""
    return any(o is obj for o in gc.get_objects())


def test_settle_leaves_what_is_alive_out_of_later_passes_and_collects_later_objects() -> None:
    kept = {"kept": [1, 2, 3]}
    assert collected(kept)

    assert heap.settle() > 0

    assert not collected(kept)
    later = {"later": []}
    assert collected(later)


def test_a_wired_application_is_settled_once_built() -> None:
    application = {"wired": ["ports"]}
    provider = WiredApplication(lambda settings: application)
    config = {
        "service": "registry",
        "database_url": "sqlite://",
        "amqp_uri": "amqp://guest:guest@127.0.0.1:5672/",
        "http_port": 0,
        "metrics_port": 0,
    }
    provider.container = SimpleNamespace(config={"coso": config})  # type: ignore[assignment]

    provider.setup()

    assert provider.application is application
    assert not collected(application)
