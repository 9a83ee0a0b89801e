"""A member's status and job group by domain/member_counts.py's rules, in SQL: of a member's
row (`reporting_fact_members`) or of its kept last change (`reporting_fact_member_changes`),
which have the same columns. The counts a rebuild makes, the half years' ends and the
reports' recounts all read them from here, so that they cannot differ."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, and_, case, literal
from sqlalchemy.sql.elements import ColumnElement

from coso_reporting.domain.fact_records import LEFT_STATUSES
from coso_reporting.domain.member_counts import REPORTED_JOBS, UNKNOWN


def status_now(m: Table | Any) -> ColumnElement[str]:
    """domain/member_counts.py `status_now` in SQL, of a member's row or its kept last change."""
    return case(
        (and_(m.c.ended_on.is_not(None), m.c.status.in_(LEFT_STATUSES)), m.c.status),
        (m.c.official_on.is_not(None), literal("official")),
        else_=literal("probationary"),
    )


def status_on(m: Table | Any, on: str | ColumnElement[str]) -> ColumnElement[str | None]:
    """domain/member_counts.py `status_on` in SQL, of a member's row or its kept last change,
    on the day `on` (ISO; or the parameter or column that holds it)."""
    return case(
        (m.c.admitted_on > on, literal(None)),
        (and_(m.c.ended_on <= on, m.c.status.in_(LEFT_STATUSES)), m.c.status),
        (m.c.official_on <= on, literal("official")),
        else_=literal("probationary"),
    )


def job_group(job_category: ColumnElement[str]) -> ColumnElement[str]:
    """domain/member_counts.py `job_group` in SQL."""
    return case((job_category.in_(REPORTED_JOBS), job_category), else_=literal(UNKNOWN))
