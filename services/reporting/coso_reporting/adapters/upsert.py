"""Many-row writes through the database driver, for the projection's batches.

Two ways of writing, chosen per connection:

- live (the consumer's batches): `INSERT ... ON CONFLICT (key) DO UPDATE` of many rows per
  statement (psycopg2's `execute_values`, 500 rows each; SQLite: `executemany`).
- bulk (a rebuild's fresh tables, a connection with the execution option `coso_bulk`): on
  PostgreSQL the rows are sent with `COPY ... FROM STDIN` (in its text format), straight
  into the table when they are known to be new, else into a staging table that one
  `INSERT ... SELECT ... ON CONFLICT DO UPDATE` applies, with the same update as the live
  statement. Measured here on 100,000 member rows: `execute_values` upsert 2.0 s, staged
  COPY 0.45 s, COPY into the table 0.28 s (both with CSV, written by the `csv` module,
  which took twice the time of the text format's lines). On SQLite bulk is live.

Driver errors are raised as SQLAlchemy's (`IntegrityError`, `DataError` …), as statements
run through SQLAlchemy raise them, so a page's refusal is recognised whichever path wrote it.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any

from sqlalchemy import Connection, Select, Table, and_, bindparam, delete, insert, select, tuple_
from sqlalchemy.exc import DBAPIError

_UPSERT_ROWS = 500  # rows per multi-row statement on PostgreSQL
_IN_CHUNK = 500  # ids per `IN (...)` of a read
# Ids looked up in bulk travel as one string, split by the server (`string_to_array`): psycopg2
# quoting each of 20,000 ids into an array took ~12 ms of this process's time, and the
# server took a third less time to split one string than to read the array.
_ID_SEPARATOR = "\x1f"
BULK = "coso_bulk"  # the execution option of connections that write a rebuild's fresh tables


def group_in_memory(connection: Connection) -> None:
    """Let PostgreSQL hold the groupings and sorts of the counts made over a whole table (a
    rebuild's end, a migration) in memory, for the rest of the transaction."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL work_mem = '128MB'")


def is_bulk(connection: Connection) -> bool:
    """Whether this connection writes in bulk (COPY) rather than statement by statement.
    Not while psycopg2 cooperates with eventlet (a nameko service's process): COPY cannot
    run under its wait callback."""
    if connection.dialect.driver != "psycopg2" or not connection.get_execution_options().get(BULK):
        return False
    from psycopg2.extensions import get_wait_callback

    return get_wait_callback() is None


class DriverUpsert:
    """`INSERT ... ON CONFLICT (key) DO UPDATE SET ...`, for many rows at once, through the driver.

    On psycopg2 the rows go through the driver's `execute_values` (multi-row statements of
    500 rows) on the transaction's own connection, or through COPY on a bulk connection;
    elsewhere (SQLite) through the driver's `executemany` of the one-row statement
    (`exec_driver_sql`). All skip SQLAlchemy's compiling and handling of named parameters
    per row or per multi-row statement, measured here at 1.5–2 times the cost of the writes
    themselves. Rows of one call must have distinct keys (a multi-row statement may not
    touch a row twice), as the batches' dicts guarantee.
    """

    def __init__(self, table: str, columns: Sequence[str], keys: Sequence[str], updates: str) -> None:
        self.table = table
        self.columns = tuple(columns)
        listed = ", ".join(self.columns)
        head = f"INSERT INTO {table} ({listed}) VALUES "
        tail = f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
        self._values_template = head + "%s" + tail
        self._by_style = {
            "qmark": head + "(" + ", ".join("?" for _ in self.columns) + ")" + tail,
            "format": head + "(" + ", ".join("%s" for _ in self.columns) + ")" + tail,
        }
        stage = f"{table}__stage"
        self._stage = stage
        self._create_stage = f"CREATE TEMPORARY TABLE {stage} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP"
        self._copy_to_stage = f"COPY {stage} ({listed}) FROM STDIN"
        self._apply_stage = f"INSERT INTO {table} ({listed}) SELECT {listed} FROM {stage}{tail}"
        self._drop_stage = f"DROP TABLE {stage}"
        self._copy = f"COPY {table} ({listed}) FROM STDIN"

    @classmethod
    def replacing(cls, table: Table) -> DriverUpsert:
        """The upsert that sets every column but the key to the new row's."""
        columns = [c.name for c in table.columns]
        keys = [c.name for c in table.primary_key.columns]
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)
        return cls(table.name, columns, keys, updates)

    @classmethod
    def adding(cls, table: Table, counted: Sequence[str]) -> DriverUpsert:
        """The upsert of a table of counts that adds the new row's `counted` columns to the
        stored ones (a batch's moves)."""
        return _adding(table, tuple(counted))

    def execute(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        if not rows:
            return
        if is_bulk(connection):
            with _driver_cursor(connection, self._apply_stage) as cursor:
                cursor.execute(self._create_stage)
                cursor.copy_expert(self._copy_to_stage, _copy_text(rows, self.columns))
                cursor.execute(self._apply_stage)
                cursor.execute(self._drop_stage)
            return
        values = [tuple(row[column] for column in self.columns) for row in rows]
        if connection.dialect.driver != "psycopg2":
            style = "qmark" if connection.dialect.paramstyle == "qmark" else "format"
            connection.exec_driver_sql(self._by_style[style], values)
            return
        from psycopg2.extras import execute_values

        with _driver_cursor(connection, self._values_template) as cursor:
            execute_values(cursor, self._values_template, values, page_size=_UPSERT_ROWS)

    def insert_new(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Rows whose keys the table does not hold yet: copied straight into it on a bulk
        connection (a key it holds after all is an `IntegrityError`), upserted otherwise."""
        if not rows:
            return
        if not is_bulk(connection):
            self.execute(connection, rows)
            return
        with _driver_cursor(connection, self._copy) as cursor:
            cursor.copy_expert(self._copy, _copy_text(rows, self.columns))


@cache
def _adding(table: Table, counted: tuple[str, ...]) -> DriverUpsert:
    columns = [c.name for c in table.columns]
    keys = [c.name for c in table.primary_key.columns]
    return DriverUpsert(table.name, columns, keys, ", ".join(f"{c} = {table.name}.{c} + excluded.{c}" for c in counted))


def insert_rows(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Plain inserts of many rows: COPY on a bulk connection, SQLAlchemy's `executemany`
    otherwise. A key the table holds already is an `IntegrityError` either way."""
    if not rows:
        return
    if not is_bulk(connection):
        connection.execute(insert(table), list(rows))
        return
    columns = tuple(c.name for c in table.columns)
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    with _driver_cursor(connection, statement) as cursor:
        cursor.copy_expert(statement, _copy_text(rows, columns))


def add_signed(
    connection: Connection,
    table: Table,
    key: Sequence[str],
    measures: Sequence[str],
    moved: Mapping[tuple[Any, ...], Sequence[int]],
) -> None:
    """Add `moved` (signed changes) to the kept rows of `table` by `key`; each row moved that
    is left with nothing in every measure is deleted (what is added may make up for what
    was taken away)."""
    changed = [
        {**dict(zip(key, values, strict=True)), **dict(zip(measures, sums, strict=True))}
        for values, sums in moved.items()
        if any(sums)
    ]
    DriverUpsert.adding(table, tuple(measures)).execute(connection, changed)
    nothing = and_(*(table.c[m] == 0 for m in measures))
    keys = [tuple(row[k] for k in key) for row in changed]
    row_key = tuple_(*(table.c[k] for k in key))
    for start in range(0, len(keys), _IN_CHUNK):
        connection.execute(delete(table).where(nothing, row_key.in_(keys[start : start + _IN_CHUNK])))


def rows_with_keys(
    connection: Connection, table: Table, key: str, ids: Collection[str], columns: Sequence[str]
) -> list[tuple[Any, ...]]:
    """`columns` of the rows whose `key` is one of `ids`: on a bulk connection one statement
    through the driver (`key = ANY(array)`, the array sent as one string unless an id holds
    the separator or is empty), otherwise SQLAlchemy's `IN` of 500 ids at a time
    (compiling those cost more than the index lookups on a rebuild's pages)."""
    if not ids:
        return []
    if is_bulk(connection):
        listed = f"SELECT {', '.join(columns)} FROM {table.name} WHERE {key} = ANY("
        joined = _ID_SEPARATOR.join(ids)
        if "\x00" in joined:  # PostgreSQL's text holds no NUL, nor does the driver send one: not stored
            ids = [i for i in ids if "\x00" not in i]
            if not ids:
                return []
            joined = _ID_SEPARATOR.join(ids)
        parameter: str | list[str] = joined
        if joined.count(_ID_SEPARATOR) == len(ids) - 1 and "" not in ids:  # split back into the same ids
            statement = listed + "string_to_array(%s, E'\\x1f'))"
        else:
            statement, parameter = listed + "%s)", list(ids)
        with _driver_cursor(connection, statement) as cursor:
            cursor.execute(statement, (parameter,))
            return list(cursor.fetchall())
    query = _select_by_key(table, key, tuple(columns))
    ordered = sorted(ids)
    found: list[tuple[Any, ...]] = []
    for start in range(0, len(ordered), _IN_CHUNK):
        found.extend(tuple(row) for row in connection.execute(query, {"ids": ordered[start : start + _IN_CHUNK]}))
    return found


@cache
def _select_by_key(table: Table, key: str, columns: tuple[str, ...]) -> Select[Any]:
    return select(*(table.c[c] for c in columns)).where(table.c[key].in_(bindparam("ids", expanding=True)))


_COPY_NULL = "\\N"  # NULL in COPY's text format


def _copy_text(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> io.StringIO:
    """The rows in COPY's text format: fields separated by tabs, NULL written `\\N`, and a
    backslash, tab, newline or carriage return in a value escaped with a backslash. Most
    values have none: one that is printable (`str.isprintable`, false for tabs, newlines
    and every other control character) and holds no backslash goes as it is. Half the
    time of CSV written by the C `csv` module here (~18 ms against ~36 ms of this process's
    time for 20,000 member rows)."""
    null, escaped = _COPY_NULL, _escaped
    lines = [
        "\t".join(
            [
                null
                if (value := row[column]) is None
                else value
                if value.__class__ is str and value.isprintable() and "\\" not in value
                else escaped(value)
                for column in columns
            ]
        )
        for row in rows
    ]
    lines.append("")  # the last row's end of line
    return io.StringIO("\n".join(lines))


def _escaped(value: Any) -> str:
    """A value as COPY's text format reads it back: its text (a number's `str`, as the
    `csv` module wrote it), the format's special characters escaped."""
    text = value if isinstance(value, str) else str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


@contextmanager
def _driver_cursor(connection: Connection, statement: str) -> Iterator[Any]:
    """A cursor of the transaction's own driver connection; driver errors come out as
    SQLAlchemy's exceptions of the same kind."""
    cursor = connection.connection.cursor()
    try:
        yield cursor
    except connection.dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(statement, None, exc, connection.dialect.loaded_dbapi.Error) from exc
    finally:
        cursor.close()
