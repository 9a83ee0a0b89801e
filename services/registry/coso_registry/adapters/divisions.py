"""The real administrative divisions after 1 July 2025 (34 provinces, 3,321 communes, wards
and special zones), from the `vietnam-provinces` package, as authorities to register.

Identifiers are readable and stable: the province's codename (`ha-noi`), and for a commune
`<province>.<codename>` (`ha-noi.phuong-hoan-kiem`), with the official ward code appended
where two units of a province share a codename.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from datetime import date

from vietnam_provinces import Province, VietNamDivisionType, Ward

from coso_backbone.contracts.registry import AuthorityLevel
from coso_registry.application.commands import RegisterAuthority

REORGANIZED_ON = date(2025, 7, 1)


def _slug(codename: str) -> str:
    return codename.replace("_", "-")


def _province_name(province: Province) -> str:
    if province.division_type is VietNamDivisionType.THANH_PHO_TRUNG_UONG:
        return "Thành ủy " + province.name.removeprefix("Thành phố ").strip()
    return "Tỉnh ủy " + province.name.removeprefix("Tỉnh ").strip()


def _ward_name(ward: Ward) -> str:
    return "Đảng ủy " + ward.name[:1].lower() + ward.name[1:]


def province_ids() -> dict[int, str]:
    """Authority identifier of each province, by its official code."""
    return {int(p.code): _slug(p.codename) for p in Province.iter_all()}


def ward_ids() -> dict[Ward, str]:
    """Authority identifier of each commune, ward and special zone, in code order."""
    ids = province_ids()
    wards = sorted(Ward.iter_all(), key=lambda w: int(w.code))
    shared = Counter((int(w.province_code), w.codename) for w in wards)
    found: dict[Ward, str] = {}
    for ward in wards:
        slug = _slug(ward.codename)
        if shared[(int(ward.province_code), ward.codename)] > 1:
            slug = f"{slug}-{int(ward.code):05d}"
        found[ward] = f"{ids[int(ward.province_code)]}.{slug}"
    return found


def divisions(
    effective_from: date = REORGANIZED_ON, provinces_only: Collection[str] | None = None
) -> list[RegisterAuthority]:
    """Provinces first, then their communes, ready to register (all 34 provinces, or those
    whose identifiers are in `provinces_only`)."""
    provinces = sorted(Province.iter_all(), key=lambda p: int(p.code))
    ids = {int(p.code): _slug(p.codename) for p in provinces}
    if provinces_only is not None:
        provinces = [p for p in provinces if ids[int(p.code)] in provinces_only]
    commands = [
        RegisterAuthority(
            authority_id=ids[int(p.code)],
            name=_province_name(p),
            level=AuthorityLevel.PROVINCE,
            parent_id=None,
            effective_from=effective_from,
        )
        for p in provinces
    ]
    wanted = {int(p.code) for p in provinces}
    for ward, authority_id in ward_ids().items():
        if int(ward.province_code) not in wanted:
            continue
        province_id = ids[int(ward.province_code)]
        commands.append(
            RegisterAuthority(
                authority_id=authority_id,
                name=_ward_name(ward),
                level=AuthorityLevel.COMMUNE,
                parent_id=province_id,
                effective_from=effective_from,
            )
        )
    return commands
