"""The indicators reporting keeps per authority, and their labels.

`Counts` are what an authority has directly (its own enterprises and the candidates
proposed in them) or, summed over its subtree, what it answers for.
"""

from __future__ import annotations

from dataclasses import dataclass

# Dashboard labels, Vietnamese first (the English key is the API name).
LABELS: dict[str, str] = {
    "enterprises": "Doanh nghiệp ngoài khu vực nhà nước",
    "candidates_proposed": "Quần chúng ưu tú được giới thiệu",
}


@dataclass(frozen=True)
class Counts:
    enterprises: int = 0
    candidates_proposed: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.enterprises + other.enterprises,
            self.candidates_proposed + other.candidates_proposed,
        )

    @property
    def is_zero(self) -> bool:
        return self.enterprises == 0 and self.candidates_proposed == 0

    def as_dict(self) -> dict[str, int]:
        return {"enterprises": self.enterprises, "candidates_proposed": self.candidates_proposed}


@dataclass(frozen=True)
class AuthorityCounts:
    """One authority as reporting knows it, with its own counts.

    An authority can be counted before its registration arrives (events of two sources
    are not ordered with each other): it then has no name, level or parent yet.
    """

    authority_id: str
    name: str | None
    level: str | None
    parent_id: str | None
    own: Counts

    @property
    def registered(self) -> bool:
        return self.name is not None


# Report axes of proposed candidates (values of the admissions contract), Vietnamese labels.
SOURCE_CHANNEL_LABELS: dict[str, str] = {
    "enterprise_trade_union": "Công đoàn cơ sở doanh nghiệp",
    "labour_federation": "Liên đoàn Lao động",
    "industrial_zone_committee": "Đảng ủy khu công nghiệp",
    "commune_committee": "Đảng ủy xã, phường",
    "youth_union": "Đoàn Thanh niên",
    "enterprise_owner": "Chủ doanh nghiệp",
    "other": "Khác",
}
JOB_CATEGORY_LABELS: dict[str, str] = {
    "production_worker": "Công nhân trực tiếp sản xuất",
    "technician": "Kỹ thuật viên",
    "manager": "Quản lý",
    "owner": "Chủ doanh nghiệp",
    "security_guard": "Bảo vệ",
    "retiree": "Hưu trí",
    "other": "Khác",
}
