"""Roll-up of own counts over the hierarchy of authorities (parent links).

An authority's totals are its own counts plus those of every authority below it. An
authority whose superior is not known (yet) is the root of its own subtree; a cycle in
the parent links (which the registry does not allow) cannot count anything twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from coso_reporting.domain.indicators import AuthorityCounts, Counts


def subtree_totals(authorities: Iterable[AuthorityCounts]) -> dict[str, Counts]:
    """Totals per authority: own counts summed over the authority and its descendants."""
    by_id = {a.authority_id: a for a in authorities}
    totals = {authority_id: Counts() for authority_id in by_id}
    for authority in by_id.values():
        if authority.own.is_zero:
            continue
        # Add this authority's own counts to itself and each ancestor, once each.
        seen: set[str] = set()
        current: str | None = authority.authority_id
        while current is not None and current in by_id and current not in seen:
            seen.add(current)
            totals[current] = totals[current] + authority.own
            current = by_id[current].parent_id
    return totals


def subordinates(authorities: Iterable[AuthorityCounts]) -> Mapping[str, list[str]]:
    """Direct subordinates of each authority, sorted by id."""
    children: dict[str, list[str]] = {}
    for authority in authorities:
        if authority.parent_id is not None and authority.parent_id != authority.authority_id:
            children.setdefault(authority.parent_id, []).append(authority.authority_id)
    return {parent: sorted(ids) for parent, ids in children.items()}


def buckets_under(authorities: Iterable[AuthorityCounts], root: str) -> dict[str, str]:
    """Each authority of `root`'s subtree, mapped to the direct subordinate of `root` whose
    subtree holds it (`root` itself maps to `root`). Summing own counts by bucket gives the
    subtree totals of `root`'s subordinates in one pass, whatever the size of the tree."""
    children = subordinates(authorities)
    buckets = {root: root}
    for child in children.get(root, []):
        stack = [child]
        while stack:
            current = stack.pop()
            if current in buckets:
                continue
            buckets[current] = child
            stack.extend(children.get(current, []))
    return buckets


def sum_by_bucket(own: Mapping[str, Counts], buckets: Mapping[str, str]) -> tuple[dict[str, Counts], Counts]:
    """Own counts summed per bucket (see `buckets_under`), and their grand total."""
    sums: dict[str, Counts] = {}
    total = Counts()
    for authority_id, counts in own.items():
        bucket = buckets.get(authority_id)
        if bucket is None:
            continue
        sums[bucket] = sums.get(bucket, Counts()) + counts
        total = total + counts
    return sums, total
