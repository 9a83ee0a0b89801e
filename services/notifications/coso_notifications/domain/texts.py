"""The Vietnamese text of each notification: what an organization department reads."""

from __future__ import annotations

from coso_backbone.contracts.admissions import CandidateProposed, SourceChannel

SOURCE_CHANNELS: dict[SourceChannel, str] = {
    SourceChannel.ENTERPRISE_TRADE_UNION: "Công đoàn cơ sở doanh nghiệp",
    SourceChannel.LABOUR_FEDERATION: "Liên đoàn Lao động",
    SourceChannel.INDUSTRIAL_ZONE_COMMITTEE: "Đảng ủy các khu công nghiệp",
    SourceChannel.COMMUNE_COMMITTEE: "Đảng ủy xã, phường",
    SourceChannel.YOUTH_UNION: "Đoàn Thanh niên",
    SourceChannel.ENTERPRISE_OWNER: "Chủ doanh nghiệp",
    SourceChannel.OTHER: "Nguồn khác",
}


def candidate_proposed_text(event: CandidateProposed) -> str:
    reference = f" (hồ sơ {event.display_ref})" if event.display_ref else ""
    channel = SOURCE_CHANNELS.get(event.source_channel, event.source_channel.value)
    return (
        f"Quần chúng ưu tú {event.candidate_id}{reference} được đề nghị xem xét kết nạp Đảng "
        f"tại doanh nghiệp {event.enterprise_id}, ngày {event.proposed_on:%d/%m/%Y}; "
        f"nguồn giới thiệu: {channel}."
    )
