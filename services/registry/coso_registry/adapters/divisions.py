"""The real administrative divisions after 1 July 2025 (34 provinces, 3,321 communes, wards
and special zones), from the `vietnam-provinces` package, as authorities to register.

Identifiers are readable and stable: the province's codename (`ha-noi`), and for a commune
`<province>.<codename>` (`ha-noi.phuong-hoan-kiem`), with the official ward code appended
where two units of a province share a codename.
"""

from __future__ import annotations

from collections import Counter
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


def divisions(effective_from: date = REORGANIZED_ON) -> list[RegisterAuthority]:
    """Provinces first, then their communes, ready to register."""
    provinces = sorted(Province.iter_all(), key=lambda p: int(p.code))
    ids = {int(p.code): _slug(p.codename) for p in provinces}
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
    wards = sorted(Ward.iter_all(), key=lambda w: int(w.code))
    shared = Counter((int(w.province_code), w.codename) for w in wards)
    for ward in wards:
        province_id = ids[int(ward.province_code)]
        slug = _slug(ward.codename)
        if shared[(int(ward.province_code), ward.codename)] > 1:
            slug = f"{slug}-{int(ward.code):05d}"
        commands.append(
            RegisterAuthority(
                authority_id=f"{province_id}.{slug}",
                name=_ward_name(ward),
                level=AuthorityLevel.COMMUNE,
                parent_id=province_id,
                effective_from=effective_from,
            )
        )
    return commands
