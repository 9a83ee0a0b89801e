"""The keys a rebuild has written (adapters/written_keys.py): never a written key missed."""

from __future__ import annotations

from coso_reporting.adapters.written_keys import WrittenKeys


def test_every_written_key_may_have_been_written_and_few_others_are_said_to_be() -> None:
    keys = WrittenKeys(50_000)
    written = [f"member-{n}" for n in range(50_000)]
    keys.add("members", written)
    never = [f"never-{n}" for n in range(50_000)]

    assert keys.maybe_written("members", written) == frozenset(written)
    assert len(keys.maybe_written("members", never)) < 1_000  # 1 % expected: 500 ± 22


def test_keys_are_kept_per_table() -> None:
    keys = WrittenKeys(10)
    keys.add("members", ["m1"])

    assert keys.maybe_written("members", ["m1", "m2"]) == {"m1"}
    assert keys.maybe_written("organizations", ["m1"]) == frozenset()
