"""The keys a rebuild has written into its fresh fact tables, kept as Bloom filters (rbloom).

Before a batch is tallied, the stored rows of the enterprises, organizations, trade unions
and members it touches are looked up (adapters/facts.py). In a rebuild the fresh tables
hold only what the rebuild wrote, so a key it never wrote cannot be there: most keys of a
national rebuild are new ones (a member's first event), and looking them up one by one in
a table of millions of rows took 89 s of a 262 s replay at `--scale 1` on PostgreSQL. A
filter answers "never written" for certain and "maybe written" with 1 % of false positives,
which are looked up as before. Keys are added before their rows are written, so a batch
that fails leaves at most keys that are looked up for nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from rbloom import Bloom

FALSE_POSITIVES = 0.01
SMALLEST = 100_000  # keys a filter is made for at least (~120 kB)


class WrittenKeys:
    """One filter per table, each made for `expected` keys (a source's event count bounds
    the keys it can write); past that the false positives grow, the answers stay right."""

    def __init__(self, expected: int) -> None:
        self._expected = max(expected, SMALLEST)
        self._filters: dict[str, Bloom] = {}

    def add(self, table: str, keys: Iterable[str]) -> None:
        self._filter(table).update(keys)

    def maybe_written(self, table: str, keys: Iterable[str]) -> frozenset[str]:
        """The keys that may have been written to `table`: every key that was, and a few others."""
        written = self._filter(table)
        return frozenset(key for key in keys if key in written)

    def _filter(self, table: str) -> Bloom:
        found = self._filters.get(table)
        if found is None:
            found = self._filters[table] = Bloom(self._expected, FALSE_POSITIVES)
        return found
