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
        proposed += 1
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
