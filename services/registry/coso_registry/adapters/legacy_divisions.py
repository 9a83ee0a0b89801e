"""The administrative divisions before 1 July 2025 (63 provinces, 696 districts, 10,040
communes and wards, from the `vietnamadminunits` package) and the 2025 reorganization as
restructuring commands: legacy wards merged into (or split among) the new communes, districts
dissolved (their remaining tasks passing to the new province), legacy provinces merged into
the new ones.

Legacy identifiers live in their own namespace, from the package's keys:
`vn63.<province>` (`vn63.tinhbacninh`), `vn63.<province>.<district>`,
`vn63.<province>.<district>.<ward>`.
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from importlib.resources import files
from typing import Any

from vietnamadminunits.database import query

from coso_backbone.contracts.registry import AuthorityLevel
from coso_registry.adapters.divisions import REORGANIZED_ON, province_ids, ward_ids
from coso_registry.application.commands import (
    DissolveAuthority,
    MergeAuthorities,
    RegisterAuthority,
    SplitAuthority,
)

LEGACY_FROM = date(2020, 1, 1)
PROVINCES_BASIS = "Nghị quyết 202/2025/QH15 về sắp xếp đơn vị hành chính cấp tỉnh"
COMMUNES_BASIS = "Nghị quyết của UBTVQH15 về sắp xếp đơn vị hành chính cấp xã năm 2025"
DISTRICTS_BASIS = "Luật Tổ chức chính quyền địa phương số 72/2025/QH15 (không tổ chức cấp huyện)"

_DISTRICT_COMMITTEE = {"Quận": "Quận ủy", "Huyện": "Huyện ủy", "Thị xã": "Thị ủy", "Thành phố": "Thành ủy"}


@dataclass
class Reorganization:
    """What loading the history records, in order."""

    registrations: list[RegisterAuthority] = field(default_factory=list)
    ward_mergers: list[MergeAuthorities] = field(default_factory=list)
    ward_splits: list[SplitAuthority] = field(default_factory=list)
    dissolutions: list[DissolveAuthority] = field(default_factory=list)
    province_mergers: list[MergeAuthorities] = field(default_factory=list)


def _ascii(key: str) -> str:
    """A few of the source's keys keep Vietnamese letters ('xãtràdon'): fold them to ASCII."""
    folded = unicodedata.normalize("NFD", key.replace("đ", "d").replace("Đ", "d"))
    return "".join(c for c in folded if not unicodedata.combining(c)).lower()


def _legacy_id(*keys: str) -> str:
    return ".".join(["vn63", *(_ascii(k) for k in keys)])


def _lowered(name: str) -> str:
    return name[:1].lower() + name[1:]


def _province_committee(name: str) -> str:
    if name.startswith("Thành phố "):
        return "Thành ủy " + name.removeprefix("Thành phố ")
    return "Tỉnh ủy " + name.removeprefix("Tỉnh ")


def _converter() -> dict[str, Any]:
    text = (files("vietnamadminunits") / "data" / "converter_2025.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _new_ward_ids() -> dict[tuple[str, str], str]:
    """(new province key, new ward key) of the package -> our commune identifier."""
    by_code = {int(w.code): i for w, i in ward_ids().items()}
    by_key = {(int(w.province_code), w.codename.replace("_", "")): i for w, i in ward_ids().items()}
    found: dict[tuple[str, str], str] = {}
    for row in query("SELECT provinceKey, provinceCode, wardKey, wardCode FROM admin_units"):
        ours = by_code.get(int(row["wardCode"])) or by_key.get((int(row["provinceCode"]), row["wardKey"]))
        if ours is not None:
            found[(row["provinceKey"], row["wardKey"])] = ours
    return found


def reorganization(
    new_provinces: Collection[str] | None = None,
    legacy_from: date = LEGACY_FROM,
    reorganized_on: date = REORGANIZED_ON,
) -> Reorganization:
    """The legacy units and the 2025 changes, for every new province or those in `new_provinces`
    (our identifiers, e.g. `bac-ninh`): a new province's slice holds every legacy province merged
    into it. The new units themselves come from `divisions()` and must be loaded first."""
    converter = _converter()
    new_province_ids = {
        row["provinceKey"]: province_ids()[int(row["provinceCode"])]
        for row in query("SELECT DISTINCT provinceKey, provinceCode FROM admin_units")
    }
    new_wards = _new_ward_ids()
    plan = Reorganization()
    for new_key, old_keys in sorted(converter["DICT_PROVINCE"].items()):
        new_province = new_province_ids[new_key]
        if new_provinces is not None and new_province not in new_provinces:
            continue
        successors: dict[str, str] = {}  # legacy ward id -> new commune id (not divided)
        for new_ward_key, olds in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].get(new_key, {}).items():
            for old in olds:
                target = new_wards.get((new_key, new_ward_key))
                if target is not None:
                    successors[_legacy_id(*old.split("_"))] = target
        divided: dict[str, list[str]] = {}
        for old, news in converter["DICT_PROVINCE_WARD_DIVIDED"].get(new_key, {}).items():
            targets = sorted(
                {new_wards[(new_key, n["newWardKey"])] for n in news if (new_key, n["newWardKey"]) in new_wards}
            )
            if targets:
                divided[_legacy_id(*old.split("_"))] = targets
        keys = ", ".join(f"'{k}'" for k in old_keys)
        rows = query(
            "SELECT province, district, ward, districtType, provinceKey, districtKey, wardKey, wardCode "
            f"FROM admin_units_legacy WHERE provinceKey IN ({keys}) ORDER BY provinceKey, districtKey, wardKey"
        )
        merged_into: dict[str, list[str]] = defaultdict(list)
        seen_provinces: list[str] = []
        seen_districts: list[str] = []
        seen_wards: set[str] = set()
        for row in rows:
            province_id = _legacy_id(row["provinceKey"])
            district_id = _legacy_id(row["provinceKey"], row["districtKey"])
            if province_id not in seen_provinces:
                seen_provinces.append(province_id)
                plan.registrations.append(
                    RegisterAuthority(
                        authority_id=province_id,
                        name=_province_committee(row["province"]),
                        level=AuthorityLevel.PROVINCE,
                        effective_from=legacy_from,
                    )
                )
            if district_id not in seen_districts:
                seen_districts.append(district_id)
                committee = _DISTRICT_COMMITTEE.get(row["districtType"], "Huyện ủy")
                plan.registrations.append(
                    RegisterAuthority(
                        authority_id=district_id,
                        name=f"{committee} {row['district'].removeprefix(row['districtType']).strip()}",
                        level=AuthorityLevel.DISTRICT,
                        parent_id=province_id,
                        effective_from=legacy_from,
                    )
                )
            if not row["wardKey"]:
                continue
            key_id = _legacy_id(row["provinceKey"], row["districtKey"], row["wardKey"])
            ward_id = key_id
            if key_id in seen_wards:  # two wards of a district share a key: tell them apart by code
                ward_id = f"{key_id}-{row['wardCode']}"
            seen_wards.add(ward_id)
            plan.registrations.append(
                RegisterAuthority(
                    authority_id=ward_id,
                    name="Đảng ủy " + _lowered(row["ward"]),
                    level=AuthorityLevel.COMMUNE,
                    parent_id=district_id,
                    effective_from=legacy_from,
                )
            )
            if key_id in successors:
                merged_into[successors[key_id]].append(ward_id)
            elif len(divided.get(key_id, [])) > 1:
                plan.ward_splits.append(
                    SplitAuthority(
                        authority_id=ward_id,
                        successor_ids=divided[key_id],
                        effective_from=reorganized_on,
                        legal_basis=COMMUNES_BASIS,
                    )
                )
            elif key_id in divided:
                merged_into[divided[key_id][0]].append(ward_id)
            else:
                plan.dissolutions.append(
                    DissolveAuthority(
                        authority_id=ward_id,
                        reason="sắp xếp đơn vị hành chính cấp xã năm 2025",
                        successor_id=new_province,
                        effective_from=reorganized_on,
                        legal_basis=COMMUNES_BASIS,
                    )
                )
        plan.ward_mergers.extend(
            MergeAuthorities(
                merged_ids=merged, successor_id=target, effective_from=reorganized_on, legal_basis=COMMUNES_BASIS
            )
            for target, merged in sorted(merged_into.items())
        )
        plan.dissolutions.extend(
            DissolveAuthority(
                authority_id=district_id,
                reason="không tổ chức đơn vị hành chính cấp huyện từ 01/7/2025",
                successor_id=new_province,
                effective_from=reorganized_on,
                legal_basis=DISTRICTS_BASIS,
            )
            for district_id in seen_districts
        )
        plan.province_mergers.append(
            MergeAuthorities(
                merged_ids=seen_provinces,
                successor_id=new_province,
                effective_from=reorganized_on,
                legal_basis=PROVINCES_BASIS,
            )
        )
    return plan
