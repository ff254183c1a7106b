"""Vietnamese labels the pages show (rendered into the page for the scripts as well)."""

STATUS = {
    "awaiting_routing": "Chờ phân loại",
    "assigned": "Đã giao",
    "in_progress": "Đang giải quyết",
    "resolved": "Đã giải quyết",
    "unresolved_lack_of_resources": "Chưa giải quyết do thiếu nguồn lực",
    "returned": "Trả lại (không thuộc thẩm quyền)",
}

# What an agency may report (the four payload kinds of POST /petitions/{id}/status-updates).
AGENCY_STATUS = ("in_progress", "resolved", "unresolved_lack_of_resources", "returned")

LEVEL = {
    "province": "Cấp tỉnh",
    "district": "Cấp huyện",
    "commune": "Cấp xã",
    "central": "Trung ương",
}

ROLE = {
    "secretariat": "Văn phòng",
    "agency": "Cơ quan giải quyết",
    "committee": "Thường trực HĐND",
    "admin": "Quản trị",
}

MEETING_KIND = {
    "voter_meeting": "Tiếp xúc cử tri",
    "hotline": "Đường dây nóng",
}

ROUTING_STATE = {
    "assigned": "Đã giao cơ quan",
    "needs_review": "Chờ Văn phòng xác nhận",
}

VERDICT = {
    "confirmed": "Đúng là đã giải quyết",
    "partially_resolved": "Mới giải quyết một phần",
    "not_resolved": "Chưa giải quyết",
}

CONCLUSION = {
    "accepted": "Đạt: chấp nhận báo cáo",
    "widen": "Mở rộng mẫu (giai đoạn 2)",
    "refer": "Chuyển UBND kiểm tra lại toàn bộ",
    "pending": "Đang giám sát",
}

TIMELINE = {
    "received": "Tiếp nhận kiến nghị",
    "routed": "Phân loại, giao cơ quan",
    "linked": "Liên kết với kiến nghị trước",
    "unlinked": "Bỏ liên kết kiến nghị lặp lại",
    "status_changed": "Cập nhật trạng thái",
    "returned": "Cơ quan trả lại",
    "spot_check_finding": "Kết quả giám sát xác suất",
    "resolution_disputed": "Giám sát: chưa giải quyết, mở lại",
}

# Where an earlier, similar petition was raised, compared with the one being entered.
PLACE = {"unit": "Cùng đơn vị", "district": "Cùng huyện", "": "Nơi khác"}

TOPIC = {
    "giao_thong": "Giao thông", "thuy_loi": "Thủy lợi", "dat_dai": "Đất đai", "moi_truong": "Môi trường",
    "giao_duc": "Giáo dục", "y_te": "Y tế", "bao_hiem": "Bảo hiểm", "chinh_sach_xa_hoi": "Chính sách xã hội",
    "giam_ngheo": "Giảm nghèo", "dien": "Điện", "nuoc_sach": "Nước sạch", "nong_lam_nghiep": "Nông, lâm nghiệp",
    "dan_toc": "Dân tộc", "an_ninh_trat_tu": "An ninh, trật tự", "xay_dung_quy_hoach": "Xây dựng, quy hoạch",
    "thu_tuc_hanh_chinh": "Thủ tục hành chính", "vien_thong": "Viễn thông", "tai_chinh": "Tài chính, giá, thuế",
    "van_hoa": "Văn hóa, thể thao", "chinh_sach_phap_luat": "Chính sách, pháp luật",
    "unclassified": "Chưa phân loại lĩnh vực",
}


# Who did something, when it was a service rather than an officer (timelines name officers by user name).
ACTOR = {
    "classifier": "Hệ thống phân loại tự động",
    "intake": "Hệ thống tiếp nhận",
    "routing": "Hệ thống phân loại",
    "monitoring": "Hệ thống theo dõi",
    "system": "Hệ thống",
}

# Request fields a refusal may name that are no form field on the page.
FIELD = {"body": "Dữ liệu gửi lên", "file": "Tệp", "query": "Điều kiện tìm", "cursor": "Trang tiếp theo"}


def for_scripts() -> dict:
    return {"status": STATUS, "level": LEVEL, "role": ROLE, "meeting_kind": MEETING_KIND,
            "routing_state": ROUTING_STATE, "verdict": VERDICT, "conclusion": CONCLUSION,
            "timeline": TIMELINE, "topic": TOPIC, "place": PLACE, "actor": ACTOR, "field": FIELD}
