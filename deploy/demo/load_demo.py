"""Loads a small demo data set into a running local stack through the services' HTTP APIs.

Used by `make run`: waits until the four services answer, registers a province, two wards
and an industrial-zone committee, six enterprises, and proposes candidates, then stays
running (so that the process manager keeps the stack up) and prints where to look.
Running it again is harmless: what exists already is reported and skipped.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

import requests
from stdnum.vn import mst

REGISTRY = os.environ.get("COSO_REGISTRY_URL", "http://127.0.0.1:8001")
ADMISSIONS = os.environ.get("COSO_ADMISSIONS_URL", "http://127.0.0.1:8002")
REPORTING = os.environ.get("COSO_REPORTING_URL", "http://127.0.0.1:8003")
NOTIFICATIONS = os.environ.get("COSO_NOTIFICATIONS_URL", "http://127.0.0.1:8004")

AUTHORITIES = [
    {"authority_id": "hn", "name": "Thành ủy Hà Nội", "level": "province", "parent_id": None},
    {"authority_id": "hn.ba-dinh", "name": "Đảng ủy phường Ba Đình", "level": "commune", "parent_id": "hn"},
    {"authority_id": "hn.dong-anh", "name": "Đảng ủy xã Đông Anh", "level": "commune", "parent_id": "hn"},
    {
        "authority_id": "hn.kcn-thang-long",
        "name": "Đảng ủy các Khu công nghiệp Thăng Long",
        "level": "industrial_zone",
        "parent_id": "hn",
    },
]

ENTERPRISES = [
    ("Công ty TNHH Điện tử Thăng Long", "hn.kcn-thang-long", "foreign_invested", 2400),
    ("Công ty TNHH May mặc Đông Anh", "hn.dong-anh", "domestic_private", 650),
    ("Công ty Cổ phần Cơ khí Ba Đình", "hn.ba-dinh", "domestic_private", 180),
    ("Công ty TNHH Linh kiện Nhật Việt", "hn.kcn-thang-long", "foreign_invested", 1200),
    ("Hợp tác xã Nông nghiệp Đông Anh", "hn.dong-anh", "cooperative", 45),
    ("Công ty TNHH Thực phẩm Sông Hồng", "hn.ba-dinh", "domestic_private", 320),
]

CANDIDATES = [
    (0, "enterprise_trade_union", "production_worker"),
    (0, "industrial_zone_committee", "technician"),
    (1, "labour_federation", "production_worker"),
    (3, "enterprise_trade_union", "production_worker"),
    (5, "youth_union", "production_worker"),
]


def tax_codes(count: int) -> list[str]:
    """Valid 10-digit tax codes (a base whose check digit would be 10 has none, so is skipped)."""
    codes = []
    n = 0
    while len(codes) < count:
        n += 1
        base = f"0109{n:05d}"
        digit = mst.calc_check_digit(base)
        if len(digit) == 1:
            codes.append(base + digit)
    return codes


# Trade unions, a youth union and party organizations in some demo enterprises (index, kind, founded on).
MASS_ORGANIZATIONS = [
    (0, "trade_union", "Công đoàn cơ sở Công ty TNHH Điện tử Thăng Long", "2026-03-20", 1800),
    (0, "youth_union", "Chi đoàn Công ty TNHH Điện tử Thăng Long", "2026-04-10", 320),
    (1, "trade_union", "Công đoàn cơ sở Công ty TNHH May mặc Đông Anh", "2026-03-25", 540),
    (3, "trade_union", "Công đoàn cơ sở Công ty TNHH Linh kiện Nhật Việt", "2026-05-05", 900),
]
ORGANIZATIONS = [
    (0, "grassroots_cell", "Chi bộ Công ty TNHH Điện tử Thăng Long", "hn.kcn-thang-long", "2026-06-15", 5),
    (1, "grassroots_cell", "Chi bộ Công ty TNHH May mặc Đông Anh", "hn.dong-anh", "2026-08-20", 3),
]


def wait_for(url: str, name: str) -> None:
    for _ in range(120):
        try:
            if requests.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    sys.exit(f"{name} at {url} did not become healthy")


def post(url: str, body: dict[str, Any]) -> requests.Response:
    return requests.post(url, json=body, timeout=10)


def adopt_plan() -> None:
    """The province's 2026 plan, with its targets split among its units (idempotent)."""
    body = {
        "plan_id": "demo-2026",
        "authority_id": "hn",
        "title": "Kế hoạch phát triển đảng viên trong doanh nghiệp năm 2026",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "adopted_on": "2026-01-15",
    }
    for _ in range(60):  # reporting learns of the authority from registry's events
        plan = post(f"{REPORTING}/plans", body)
        if plan.status_code != 404:
            break
        time.sleep(0.5)
    if plan.status_code == 409:
        return
    if plan.status_code != 201:
        sys.exit(f"adopting the demo plan failed: {plan.status_code} {plan.text}")
    targets = {"candidates_proposed": (12, [4, 3, 5]), "enterprises_registered": (8, [3, 2, 3])}
    units = ["hn.ba-dinh", "hn.dong-anh", "hn.kcn-thang-long"]
    for indicator, (value, shares) in targets.items():
        url = f"{REPORTING}/plans/demo-2026/targets/{indicator}"
        requests.put(url, json={"value": value}, timeout=10)
        requests.put(
            f"{url}/split",
            json={"shares": [{"authority_id": a, "value": v} for a, v in zip(units, shares, strict=True)]},
            timeout=10,
        )


def tolerated(answer: requests.Response, what: str) -> None:
    """Report a refusal other than "already there" without stopping the demo."""
    if answer.status_code not in (200, 201, 409):
        print(f"demo: {what} was refused: {answer.status_code} {answer.text[:300]}", flush=True)


def load_organizations_and_members(enterprise_ids: list[str], candidate_ids: list[str]) -> None:
    """Mass and party organizations and some pipeline steps (two candidates admitted, so members too),
    so that the coverage, organization, member and pipeline reports have something to show. A rerun
    only founds again what is missing (409s are quiet)."""
    for n, (index, kind, name, founded_on, members) in enumerate(MASS_ORGANIZATIONS, start=1):
        body = {
            "mass_organization_id": f"demo-mass-{n}",
            "kind": kind,
            "enterprise_id": enterprise_ids[index],
            "name": name,
            "founded_on": founded_on,
            "members": members,
        }
        tolerated(post(f"{REGISTRY}/mass-organizations", body), f"founding {name}")
    for n, (index, kind, name, authority_id, founded_on, officials) in enumerate(ORGANIZATIONS, start=1):
        body = {
            "organization_id": f"demo-org-{n}",
            "name": name,
            "kind": kind,
            "authority_id": authority_id,
            "enterprise_ids": [enterprise_ids[index]],
            "decision_number": f"{100 + n}-QĐ/ĐU",
            "founded_on": founded_on,
            "official_members": officials,
        }
        tolerated(post(f"{REGISTRY}/organizations", body), f"founding {name}")
    # Two candidates are admitted (the ceremony enrols them as probationary members), one waits for the
    # decision, one has applied, the last withdraws.
    introducers = [
        {"kind": "official_member", "ref": "demo-member-a", "worked_with_candidate_since": "2024-03-01"},
        {"kind": "trade_union_committee", "ref": "demo-mass-1", "worked_with_candidate_since": "2024-06-01"},
    ]

    def through(until: str, start_day: int) -> list[tuple[str, dict[str, Any]]]:
        days = [f"2026-10-{start_day + 2 * n:02d}" for n in range(8)]
        path: list[tuple[str, dict[str, Any]]] = [
            ("awareness-class", {"on": days[0], "document": {"number": "15-GCN/TTCT", "issued_on": days[0]}}),
            ("application", {"on": days[1]}),
            ("background-check", {"on": days[2]}),
            ("introduction", {"on": days[3], "introducers": introducers}),
            ("cell-vote", {"on": days[4], "votes_for": 5, "official_members": 5}),
            ("grassroots-resolution", {"on": days[5], "document": {"number": "21-NQ/ĐU", "issued_on": days[5]}}),
            ("decision", {"on": days[6], "document": {"number": "305-QĐ/ĐU", "issued_on": days[6]}}),
            ("ceremony", {"on": days[7]}),
        ]
        return path[: [name for name, _ in path].index(until) + 1]

    steps: list[tuple[int, str, dict[str, Any]]] = [
        *((0, name, fields) for name, fields in through("ceremony", 16)),
        *((1, name, fields) for name, fields in through("grassroots-resolution", 16)),
        *((2, name, fields) for name, fields in through("application", 17)),
        *((3, name, fields) for name, fields in through("ceremony", 15)),
        (4, "withdrawal", {"on": "2026-10-30", "reason": "Chuyển công tác sang doanh nghiệp khác"}),
    ]
    for index, step, fields in steps:
        if index < len(candidate_ids):
            answer = post(f"{ADMISSIONS}/candidates/{candidate_ids[index]}/{step}", {"body": "Chi bộ cơ sở", **fields})
            tolerated(answer, f"step {step} of a demo candidate")


def load() -> None:
    for name, url in (
        ("registry", REGISTRY),
        ("admissions", ADMISSIONS),
        ("reporting", REPORTING),
        ("notifications", NOTIFICATIONS),
    ):
        wait_for(url, name)
    for authority in AUTHORITIES:
        post(f"{REGISTRY}/authorities", {**authority, "effective_from": "2025-07-01"})
    enterprise_ids = []
    codes = tax_codes(len(ENTERPRISES))
    for n, (name, authority_id, ownership, workers) in enumerate(ENTERPRISES, start=1):
        answer = post(
            f"{REGISTRY}/enterprises",
            {
                "tax_code": codes[n - 1],
                "name": name,
                "authority_id": authority_id,
                "ownership": ownership,
                "worker_count": workers,
                "registered_on": "2026-03-02",
                "enterprise_id": f"demo-{n}",
            },
        )
        if answer.status_code not in (201, 409):
            sys.exit(f"registering {name} failed: {answer.status_code} {answer.text}")
        enterprise_ids.append(f"demo-{n}")
    proposed = 0
    proposed_ids: list[str] = []
    existing = requests.get(f"{ADMISSIONS}/candidates", params={"authority_id": "hn.kcn-thang-long"}, timeout=10)
    if existing.status_code == 200 and existing.json():
        print("demo candidates are already there", flush=True)
        candidates: list[tuple[int, str, str]] = []
    else:
        candidates = CANDIDATES
    for index, channel, job in candidates:
        body = {
            "display_ref": f"demo-{proposed + 1}",
            "enterprise_id": enterprise_ids[index],
            "source_channel": channel,
            "job_category": job,
            "proposed_on": "2026-10-15",
        }
        # Admissions learns of enterprises from registry's events: wait until it has.
        for _ in range(60):
            answer = post(f"{ADMISSIONS}/candidates", body)
            if answer.status_code != 404:
                break
            time.sleep(0.5)
        if answer.status_code not in (201, 409):
            sys.exit(f"proposing a candidate failed: {answer.status_code} {answer.text}")
        if answer.status_code == 201:
            proposed_ids.append(answer.json()["candidate_id"])
        proposed += 1
    load_organizations_and_members(enterprise_ids, proposed_ids)
    adopt_plan()
    print(
        f"demo data loaded: {len(AUTHORITIES)} authorities, {len(ENTERPRISES)} enterprises, {proposed} candidates.\n"
        f"  dashboard:      {REPORTING}/\n"
        f"  indicators:     {REPORTING}/indicators\n"
        f"  deliveries:     {NOTIFICATIONS}/deliveries\n"
        f"  registry API:   {REGISTRY}/enterprises",
        flush=True,
    )


def main() -> None:
    try:
        load()
    except SystemExit as failure:
        # Keep the stack up (the process manager stops everything when one process ends).
        print(f"the demo data could not be loaded: {failure}", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
