"""SQL queries behind the indicators: the projection's rows and the consumer's positions."""

from __future__ import annotations

from sqlalchemy import Engine, select

from coso_backbone.schema import consumer_checkpoints
from coso_reporting.adapters.tables import LIVE
from coso_reporting.domain.indicators import AuthorityCounts, Counts

ProjectionState = tuple[tuple[str, str, int], ...]


def projection_state(engine: Engine, producer: str | None = None) -> ProjectionState:
    """Every consumer's checkpoints: they move with every applied batch and with a rebuild's
    swap, so an answer made in one state is current while the state holds (StateCache).
    With `producer`, only the checkpoints of that producer's sources (`/coso/<deployment>/
    <producer>`): what rests only on its events stays current while the others move."""
    c = consumer_checkpoints.c
    query = select(c.consumer, c.source, c.position).order_by(c.consumer, c.source)
    if producer is not None:
        query = query.where(c.source.like(f"%/{producer}"))
    with engine.connect() as connection:
        return tuple((consumer, source, int(position)) for consumer, source, position in connection.execute(query))


class SqlIndicatorQueries:
    def __init__(self, engine: Engine, consumer: str) -> None:
        self._engine = engine
        self._consumer = consumer

    def authorities(self) -> list[AuthorityCounts]:
        table = LIVE.authority_indicators
        # One statement in its own transaction: a rebuild's swap locks the tables it
        # replaces, so a reader must not hold one of them while waiting for another.
        with self._engine.connect() as connection:
            rows = connection.execute(select(table)).all()
        return [
            AuthorityCounts(
                authority_id=r.authority_id,
                name=r.name,
                level=r.level,
                parent_id=r.parent_id,
                own=Counts(int(r.enterprises), int(r.candidates_proposed)),
            )
            for r in rows
        ]

    def positions(self) -> dict[str, int]:
        query = select(consumer_checkpoints.c.source, consumer_checkpoints.c.position).where(
            consumer_checkpoints.c.consumer == self._consumer
        )
        with self._engine.connect() as connection:
            return {source: int(position) for source, position in connection.execute(query)}
