"""The Vietnamese labels of the domain vocabulary (shared.events), for everything a council officer reads.

One table for the services' reports and the web pages, so a status reads the same everywhere.
"""

from shared.events import Level, MeetingKind, Status, Topic, Verdict

# The breakdown rows of a petition not yet given a level or a topic.
NO_LEVEL = "unassigned"
NO_TOPIC = "unclassified"

STATUS: dict[str, str] = {
    Status.AWAITING_ROUTING: "Chờ phân loại",
    Status.ASSIGNED: "Đã giao, chưa trả lời",
    Status.IN_PROGRESS: "Đang giải quyết (có lộ trình)",
    Status.RESOLVED: "Đã giải quyết",
    Status.UNRESOLVED: "Chưa giải quyết (chưa có nguồn lực)",
    Status.RETURNED: "Trả lại (không thuộc thẩm quyền)",
    Status.WITHDRAWN: "Đã rút (không theo dõi nữa)",
}

LEVEL: dict[str, str] = {
    Level.PROVINCE: "Cấp tỉnh",
    Level.DISTRICT: "Cấp huyện",
    Level.COMMUNE: "Cấp xã",
    Level.CENTRAL: "Trung ương",
}

# A report's breakdown by level also counts the petitions not yet routed.
LEVEL_OR_NONE: dict[str, str] = {**LEVEL, NO_LEVEL: "Chưa phân cấp"}

TOPIC: dict[str, str] = {
    Topic.GIAO_THONG: "Giao thông",
    Topic.THUY_LOI: "Thủy lợi",
    Topic.DAT_DAI: "Đất đai",
    Topic.MOI_TRUONG: "Môi trường",
    Topic.GIAO_DUC: "Giáo dục",
    Topic.Y_TE: "Y tế",
    Topic.BAO_HIEM: "Bảo hiểm",
    Topic.CHINH_SACH_XA_HOI: "Chính sách xã hội",
    Topic.GIAM_NGHEO: "Giảm nghèo",
    Topic.DIEN: "Điện",
    Topic.NUOC_SACH: "Nước sạch",
    Topic.NONG_LAM_NGHIEP: "Nông, lâm nghiệp",
    Topic.DAN_TOC: "Dân tộc",
    Topic.AN_NINH_TRAT_TU: "An ninh, trật tự",
    Topic.XAY_DUNG_QUY_HOACH: "Xây dựng, quy hoạch",
    Topic.THU_TUC_HANH_CHINH: "Thủ tục hành chính",
    Topic.VIEN_THONG: "Viễn thông",
    Topic.TAI_CHINH: "Tài chính, giá, thuế",
    Topic.VAN_HOA: "Văn hóa, thể thao",
    Topic.CHINH_SACH_PHAP_LUAT: "Chính sách, pháp luật",
    NO_TOPIC: "Chưa phân loại lĩnh vực",
}

VERDICT: dict[str, str] = {
    Verdict.CONFIRMED: "Đúng là đã giải quyết",
    Verdict.NOT_RESOLVED: "Chưa giải quyết",
    Verdict.PARTIALLY_RESOLVED: "Mới giải quyết một phần",
}

# A spot-check's conclusion (monitoring.spot_checks.decision).
CONCLUSION: dict[str, str] = {
    "accepted": "Đạt: chấp nhận báo cáo",
    "widen": "Mở rộng mẫu (giai đoạn 2)",
    "refer": "Chuyển UBND kiểm tra lại toàn bộ",
    "pending": "Đang giám sát",
}

MEETING_KIND: dict[str, str] = {
    MeetingKind.VOTER_MEETING: "Tiếp xúc cử tri",
    MeetingKind.HOTLINE: "Đường dây nóng",
}


def status(key: str) -> str:
    return STATUS.get(key, key)
