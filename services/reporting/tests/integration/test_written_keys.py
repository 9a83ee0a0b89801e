"""A rebuild does not look up the fact rows it never wrote (adapters/written_keys.py), and
still finds and updates the ones it did."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, select

from coso_backbone.contracts import admissions as a
from coso_backbone.database import create_database_engine
from coso_reporting.adapters.facts import apply_facts
from coso_reporting.adapters.schema import migrate_engine
from coso_reporting.adapters.tables import LIVE
from coso_reporting.adapters.written_keys import WrittenKeys

MEMBERS = LIVE.members.name


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """SQLite, where every lookup goes through SQLAlchemy and can be seen."""
    engine = create_database_engine(f"sqlite:///{tmp_path / 'reporting.db'}")
    migrate_engine(engine)
    yield engine
    engine.dispose()


def enrolled(member_id: str) -> a.MemberEnrolled:
    return a.MemberEnrolled(
        member_id=member_id,
        authority_id="hn",
        organization="Chi bộ Công ty A",
        enterprise_id="e1",
        job_category=a.JobCategory.PRODUCTION_WORKER,
        status=a.MemberStatus.PROBATIONARY,
        admitted_on=date(2024, 5, 1),
        official_on=None,
        via="import",
    )


def recognised(member_id: str) -> a.MemberStatusChanged:
    return a.MemberStatusChanged(
        member_id=member_id,
        authority_id="hn",
        previous_status=a.MemberStatus.PROBATIONARY,
        status=a.MemberStatus.OFFICIAL,
        on=date(2025, 5, 1),
    )


def _lookups_of_members(engine: Engine) -> list[str]:
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def looked_up(_conn, _cursor, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT") and MEMBERS in statement:
            seen.append(statement)

    return seen


def test_members_never_written_are_not_looked_up_and_written_ones_are(engine: Engine) -> None:
    written = WrittenKeys(1_000)
    lookups = _lookups_of_members(engine)
    with engine.begin() as connection:
        apply_facts(connection, LIVE, [enrolled("m1"), enrolled("m2")], keep_counts=False, written=written)
    assert lookups == []

    with engine.begin() as connection:
        apply_facts(connection, LIVE, [recognised("m1"), enrolled("m3")], keep_counts=False, written=written)
    assert len(lookups) == 1

    with engine.connect() as connection:
        statuses = dict(connection.execute(select(LIVE.members.c.member_id, LIVE.members.c.status)).all())
    assert statuses == {"m1": "official", "m2": "probationary", "m3": "probationary"}


def test_without_the_written_keys_every_touched_member_is_looked_up(engine: Engine) -> None:
    lookups = _lookups_of_members(engine)
    with engine.begin() as connection:
        apply_facts(connection, LIVE, [enrolled("m1")], keep_counts=False)
    assert len(lookups) == 1
