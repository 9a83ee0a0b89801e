"""Vietnamese labels of the fact reports' axes (the English key is the API's value)."""

from __future__ import annotations

ORGANIZATION_KINDS: dict[str, str] = {
    "grassroots_cell": "Chi bộ cơ sở",
    "grassroots_committee": "Đảng bộ cơ sở",
    "attached_cell": "Chi bộ trực thuộc",
    "combined_cell": "Chi bộ ghép",
}
MASS_ORGANIZATION_KINDS: dict[str, str] = {
    "trade_union": "Công đoàn cơ sở",
    "youth_union": "Đoàn Thanh niên",
    "womens_union": "Hội Phụ nữ",
    "veterans": "Hội Cựu chiến binh",
}
OWNERSHIP: dict[str, str] = {
    "domestic_private": "Doanh nghiệp tư nhân trong nước",
    "foreign_invested": "Doanh nghiệp có vốn đầu tư nước ngoài",
    "cooperative": "Hợp tác xã",
    "household_business": "Hộ kinh doanh",
    "other": "Khác",
    "unknown": "Chưa rõ",
}
NO_ZONE = "Ngoài khu công nghiệp"
COVERAGE_MEASURES: dict[str, str] = {
    "enterprises": "Tổng số doanh nghiệp",
    "with_trade_union": "Có công đoàn cơ sở",
    "with_party_organization": "Có tổ chức đảng",
    "members_without_organization": "Có đảng viên, chưa có tổ chức đảng",
    "enough_members_without_organization": "Đủ đảng viên chính thức, chưa có tổ chức đảng",
}
MEMBER_STATUSES: dict[str, str] = {
    "probationary": "Đảng viên dự bị",
    "official": "Đảng viên chính thức",
    "transferred_out": "Chuyển sinh hoạt đi",
    "deceased": "Từ trần",
    "removed": "Xóa tên, khai trừ",
}
QUALITY_LEVELS: dict[str, str] = {
    "excellent": "Hoàn thành xuất sắc nhiệm vụ",
    "good": "Hoàn thành tốt nhiệm vụ",
    "complete": "Hoàn thành nhiệm vụ",
    "not_complete": "Không hoàn thành nhiệm vụ",
}
STAGES: dict[str, str] = {
    "proposed": "Được giới thiệu (quần chúng ưu tú)",
    "awareness_class": "Đã học lớp nhận thức về Đảng",
    "application_submitted": "Đã nộp đơn, lý lịch",
    "background_verified": "Đã thẩm tra lý lịch",
    "introduced": "Đã có người giới thiệu",
    "cell_voted": "Chi bộ đã biểu quyết",
    "grassroots_resolved": "Đảng ủy cơ sở đã nghị quyết",
    "admission_decided": "Đã có quyết định kết nạp",
    "ceremony_held": "Đã kết nạp (dự bị)",
    "recognised": "Đã công nhận chính thức",
    "probationary_removed": "Xóa tên (không công nhận)",
    "withdrawn": "Rút hồ sơ",
    "rejected": "Không được chấp thuận",
}
DEADLINES: dict[str, str] = {
    "file_expires_on": "Hồ sơ hết hiệu lực",
    "decision_due": "Hạn ra quyết định kết nạp",
    "ceremony_due": "Hạn tổ chức lễ kết nạp",
    "recognition_due": "Hạn xét công nhận chính thức",
}
