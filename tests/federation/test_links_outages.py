"""A link that goes down loses and duplicates nothing; a long outage is caught up through the
lower stack's read API; status and metrics tell what is going on."""

from __future__ import annotations

from urllib.parse import quote

from prometheus_client import REGISTRY, generate_latest

from coso_backbone.links.admin import apply_link, remove_link
from coso_backbone.links.spec import LinkSpec, WatchedConsumer
from coso_backbone.links.status import LinkInspector, LinkMetrics
from tests.federation.harness import Federation, Reporting, admin, source_read_apis, wait_for_federation, wait_until


def _watched(link: LinkSpec, database_url: str) -> LinkSpec:
    consumers = [WatchedConsumer(name="reporting", database_url=database_url, producers=["admissions"])]
    return link.model_copy(update={"superior": link.superior.model_copy(update={"consumers": consumers})})


def _caught_up(source: str) -> float:
    value = REGISTRY.get_sample_value("coso_catch_up_events_total", {"consumer": "reporting", "source": source})
    return value or 0.0


def _block(link: LinkSpec) -> None:
    """Cut the link as a network or credential failure would: the superior's federation can no
    longer log in to the lower broker, and its current connection is closed."""
    api = admin()

    def connections() -> list[str]:
        return [c["name"] for c in api.get("/connections") if c.get("user") == link.up_user]

    # The management API lists connections from its statistics, a few seconds behind.
    wait_until(lambda: len(connections()) == len(link.up.producers), what="the link's connections to be listed")
    api.ensure_user(link.up_user, "not-the-password")
    for name in connections():
        api.delete(f"/connections/{quote(name, safe='')}")


def test_a_link_cut_for_5000_events_loses_and_duplicates_nothing(federation: Federation, postgres_url: str) -> None:
    fed = federation
    b = fed.communes["b"]
    link = _watched(fed.links["b"], postgres_url)
    apply_link(link)
    wait_for_federation(admin(), fed.province.vhost, 2)
    # Only federation can bring b's events here: no read API is configured for b's sources.
    reporting = Reporting(fed.province, postgres_url, {}).start()
    inspector, metrics = LinkInspector(), LinkMetrics()
    try:
        b.propose(100, "xb")
        b.publish("admissions")
        wait_until(lambda: reporting.candidates() == {"xb": 100}, what="the first 100 candidates")

        _block(link)
        wait_until(lambda: inspector.status(link).last_error is not None, what="the link to be seen failing")
        b.propose(5000, "xb", personal_every=4)
        b.publish("admissions")
        wait_until(lambda: inspector.status(link).last_error is not None, what="the link's error")
        down = inspector.status(link)
        metrics.update([down])
        exported = generate_latest(metrics.registry).decode()
        assert f'coso_link_up{{link="{link.name}"}} 0.0' in exported
        assert not down.up and down.last_error_at
        assert reporting.candidates() == {"xb": 100}

        apply_link(link)  # the credentials are right again
        last = b.stores["admissions"].last_position()
        wait_until(
            lambda: reporting.consumer.checkpoints().get(b.source("admissions")) == last,
            what="the 5,000 events held while the link was down",
        )
        assert reporting.candidates() == {"xb": 5100}
        up = inspector.status(link)
        assert up.up
        assert [(s.source, s.lag_events) for s in up.sources if s.source == b.source("admissions")] == [
            (b.source("admissions"), 0)
        ]
        metrics.update([up])
        exported = generate_latest(metrics.registry).decode()
        assert f'coso_link_up{{link="{link.name}"}} 1.0' in exported
        assert f'coso_link_lag_events{{link="{link.name}",source="{b.source("admissions")}"}} 0.0' in exported
        assert f'coso_link_dead_letters{{link="{link.name}"}} 0.0' in exported
        assert "coso_link_last_error_timestamp_seconds" in exported
    finally:
        reporting.close()
        inspector.close()


def test_after_a_long_outage_the_province_catches_up_through_the_communes_read_api(
    federation: Federation, postgres_url: str
) -> None:
    fed = federation
    a = fed.communes["a"]
    link = _watched(fed.links["a"], postgres_url)
    apply_link(link)
    wait_for_federation(admin(), fed.province.vhost, 2)
    reporting = Reporting(fed.province, postgres_url, source_read_apis(link)).start()
    inspector = LinkInspector()
    try:
        a.propose(10, "xa", personal_every=2)
        a.publish("admissions")
        wait_until(lambda: reporting.candidates() == {"xa": 10}, what="the first candidates")

        # The link is taken away altogether: what is published meanwhile is in no queue of it.
        remove_link(link, "superior")
        reporting.stop()
        a.propose(2000, "xa", personal_every=2)
        a.publish("admissions")
        lagging = inspector.status(link)
        assert not lagging.up
        lag = next(s for s in lagging.sources if s.source == a.source("admissions"))
        assert lag.lag_events is not None and lag.lag_events > 2000 and lag.lag_seconds is not None

        caught_up_before = _caught_up(a.source("admissions"))
        apply_link(link)
        reporting.start()
        a.propose(5, "xa", personal_every=2)
        a.publish("admissions")
        last = a.stores["admissions"].last_position()
        wait_until(
            lambda: reporting.consumer.checkpoints().get(a.source("admissions")) == last,
            what="the province to catch up through commune a's read API",
        )
        assert reporting.candidates() == {"xa": 2015}
        # The 2,000 proposals of the outage came through the read API (the link's policy kept
        # back the 1,000 personal records), not through a federation queue.
        assert _caught_up(a.source("admissions")) - caught_up_before >= 2000
        assert next(s for s in inspector.status(link).sources if s.source == a.source("admissions")).lag_events == 0
    finally:
        reporting.close()
        inspector.close()
