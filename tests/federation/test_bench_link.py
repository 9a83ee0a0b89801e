"""The link `make bench-federation` measures is one the link tool accepts: admissions' events
up, in the policy measured, and nothing down (not even the rules the default carries)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest

from bench.federation import link_between


@pytest.mark.parametrize("policy", ["all", "pseudonymous"])
def test_the_bench_link_carries_admissions_up_in_its_policy_and_nothing_down(policy: str) -> None:
    province = SimpleNamespace(deployment="bf0001-province", vhost="coso-bench-bf0001-province")
    commune = SimpleNamespace(
        deployment="bf0001-commune-all",
        vhost="coso-bench-bf0001-all",
        read_apis={"admissions": "http://127.0.0.1:18002"},
    )
    link = link_between("bf0001", cast(Any, province), cast(Any, commune), policy)
    assert link.name == f"bf0001-{policy[:3]}"
    assert (link.up.producers, link.up.policy) == (["admissions"], policy)
    assert (link.down.producers, link.down.rules_producers) == ([], [])
    assert link.source_read_apis() == {
        "/coso/bf0001-commune-all/admissions": {"url": "http://127.0.0.1:18002", "token": "token-bf0001-0123456789"}
    }
