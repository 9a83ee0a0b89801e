"""Closing reporting periods: each authority's figures for a quarter, half-year and year are
recorded once, on the hierarchy of the period's last day, for the relay to publish."""

from __future__ import annotations

from datetime import date

from coso_backbone.contracts.admissions import CandidateProposed, JobCategory, SourceChannel
from coso_backbone.contracts.reporting import PeriodKind
from coso_backbone.eventstore import EventStore
from coso_reporting.adapters.periods import StoreClosedPeriods, stream_of_period
from coso_reporting.adapters.plans import SqlIndicatorHistory
from coso_reporting.adapters.trees import SqlAuthorityTrees
from coso_reporting.application.period_closings import PeriodClosings


def _proposed(world, candidate_id: str, authority_id: str, on: date):
    event = CandidateProposed(
        candidate_id=candidate_id,
        enterprise_id=f"e-{authority_id}",
        authority_id=authority_id,
        source_channel=SourceChannel.LABOUR_FEDERATION,
        job_category=JobCategory.PRODUCTION_WORKER,
        proposed_on=on,
    )
    return world.admissions.record(f"candidate-{candidate_id}", event)


def _closings(projection, today: list[date]) -> PeriodClosings:
    engine = projection.engine
    return PeriodClosings(
        SqlAuthorityTrees(engine),
        SqlIndicatorHistory(engine),
        StoreClosedPeriods(EventStore(engine)),
        lambda: today[0],
        catch_up_days=40,
    )


def test_each_authority_s_figures_are_recorded_once_when_the_quarter_is_over(world, projection) -> None:
    projection.deliver(
        [
            world.authority("hn"),
            world.authority("hn.a", parent_id="hn"),
            world.authority("hn.b", parent_id="hn"),
            world.enterprise("e-hn.a", "hn.a"),  # registered 2024-01-02
            world.enterprise("e-hn.b", "hn.b"),
            _proposed(world, "c1", "hn.a", date(2025, 2, 1)),
            _proposed(world, "c2", "hn.a", date(2025, 3, 31)),
            _proposed(world, "c3", "hn.b", date(2024, 12, 31)),
            _proposed(world, "c4", "hn.b", date(2025, 4, 1)),  # the next quarter
        ]
    )
    today = [date(2025, 3, 31)]
    closings = _closings(projection, today)
    assert closings.close_ended() == []  # the quarter's last day is not over

    today[0] = date(2025, 4, 1)
    assert closings.close_ended() == ["2025-Q1"]
    recorded = EventStore(projection.engine).read_stream(stream_of_period("2025-Q1"))
    figures = {e.data["authority_id"]: e.data for e in recorded}
    assert sorted(figures) == ["hn", "hn.a", "hn.b"]
    assert {e.authority for e in recorded} == {"hn", "hn.a", "hn.b"}  # ce-authority of each
    assert figures["hn"]["in_period"] == {"enterprises": 0, "candidates_proposed": 2}
    assert figures["hn"]["cumulative"] == {"enterprises": 2, "candidates_proposed": 3}
    assert figures["hn.b"]["in_period"]["candidates_proposed"] == 0
    assert figures["hn.a"]["parent_id"] == "hn" and figures["hn"]["kind"] == PeriodKind.QUARTER.value

    assert closings.close_ended() == []  # once only
    assert len(EventStore(projection.engine).read_stream(stream_of_period("2025-Q1"))) == 3


class _CheckedBeforeTheOtherCommitted(StoreClosedPeriods):
    """A worker that looked before the other worker's append committed."""

    def is_closed(self, period: str) -> bool:
        return False


def test_a_second_worker_does_not_record_a_period_twice(world, projection) -> None:
    projection.deliver([world.authority("hn"), world.enterprise("e1", "hn")])
    today = [date(2025, 7, 1)]
    first = _closings(projection, today)
    engine = projection.engine
    second = PeriodClosings(
        SqlAuthorityTrees(engine),
        SqlIndicatorHistory(engine),
        _CheckedBeforeTheOtherCommitted(EventStore(engine)),
        lambda: today[0],
        catch_up_days=40,
    )
    assert first.close_ended() == ["2025-Q2", "2025-H1"]
    assert second.close_ended() == []  # its appends at version 0 conflict
    store = EventStore(engine)
    assert [len(store.read_stream(stream_of_period(p))) for p in ("2025-Q2", "2025-H1")] == [1, 1]
