"""The own counts a rebuild counts once at its end from the records it loaded, instead of
adding each batch's tally (adapters/projection.py, `write_tally`): per authority
(`reporting_authority_indicators`' enterprises and candidates proposed), per authority and
day (`reporting_daily_indicators`), and the candidates per authority, day, source channel
and job category (`reporting_daily_candidates`).

An enterprise counts under its authority on its registration day, a candidate under the
authority it is counted under (its enterprise's, once known: domain/tally.py) on its
proposal day: what the live tally adds event by event, summed. A row the live tally
brought to nothing (a candidate counted under one authority until its enterprise came)
is not there at all, which every reader sums the same.

At `--scale 1` the upserts of these counts took about 40 % of the rebuild's writer while
it replayed the registry's and the candidates' events, and the replay waited on it; counted
here, in the order of their days, they take a few seconds of the end.
"""

from __future__ import annotations

from sqlalchemy import Connection, delete, exists, func, insert, literal, null, select, union_all, update

from coso_reporting.adapters.tables import ProjectionTables


def count_indicators(connection: Connection, tables: ProjectionTables) -> None:
    """Fill the daily counts and the candidates' by kind from the enterprises and candidates,
    replacing what they held, and set each authority's own counts (an authority with
    records and no registration gets a row with no name, as the live tally gives it)."""
    e, c, a = tables.enterprises, tables.candidates, tables.authority_indicators
    daily, kinds = tables.daily_indicators, tables.daily_candidates
    for table in (daily, kinds):
        connection.execute(delete(table))
    dated = union_all(
        select(
            e.c.authority_id,
            e.c.registered_on.label("day"),
            literal(1).label("enterprises"),
            literal(0).label("candidates_proposed"),
        ),
        select(c.c.authority_id, c.c.proposed_on, literal(0), literal(1)),
    ).subquery("dated")
    # Stored in the order of their days: a report reads its period's.
    connection.execute(
        insert(daily).from_select(
            ["authority_id", "day", "enterprises", "candidates_proposed"],
            select(
                dated.c.authority_id, dated.c.day, func.sum(dated.c.enterprises), func.sum(dated.c.candidates_proposed)
            )
            .where(dated.c.day.is_not(None))
            .group_by(dated.c.authority_id, dated.c.day)
            .order_by(dated.c.day),
        )
    )
    connection.execute(
        insert(kinds).from_select(
            ["authority_id", "day", "source_channel", "job_category", "candidates"],
            select(c.c.authority_id, c.c.proposed_on, c.c.source_channel, c.c.job_category, func.count())
            .where(c.c.proposed_on.is_not(None), c.c.source_channel.is_not(None), c.c.job_category.is_not(None))
            .group_by(c.c.authority_id, c.c.proposed_on, c.c.source_channel, c.c.job_category)
            .order_by(c.c.proposed_on),
        )
    )
    own = (
        select(
            dated.c.authority_id,
            func.sum(dated.c.enterprises).label("enterprises"),
            func.sum(dated.c.candidates_proposed).label("candidates_proposed"),
        )
        .group_by(dated.c.authority_id)
        .subquery("own")
    )
    connection.execute(
        update(a)
        .where(a.c.authority_id == own.c.authority_id)
        .values(enterprises=own.c.enterprises, candidates_proposed=own.c.candidates_proposed)
    )
    connection.execute(
        insert(a).from_select(
            ["authority_id", "name", "level", "parent_id", "enterprises", "candidates_proposed"],
            select(own.c.authority_id, null(), null(), null(), own.c.enterprises, own.c.candidates_proposed).where(
                ~exists().where(a.c.authority_id == own.c.authority_id)
            ),
        )
    )
