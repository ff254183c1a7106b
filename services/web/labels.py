"""Vietnamese labels the pages show (rendered into the page for the scripts as well)."""

STATUS = {
    "awaiting_routing": "Chờ phân loại",
    "assigned": "Đã giao",
    "in_progress": "Đang giải quyết",
    "resolved": "Đã giải quyết",
    "unresolved_lack_of_resources": "Chưa giải quyết do thiếu nguồn lực",
    "returned": "Trả lại (không thuộc thẩm quyền)",
    "withdrawn": "Đã rút",
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
    "withdrawn": "Đã rút",
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
    "corrected": "Đính chính kiến nghị",
    "withdrawn": "Rút kiến nghị",
    "routed_ignored": "Quyết định phân loại sau khi đã rút (không áp dụng)",
}

# What a correction may change, as the history of corrections names it.
FIELD = {"content": "Nội dung", "unit_code": "Đơn vị", "meeting_id": "Buổi tiếp xúc", "topic": "Lĩnh vực",
         "voters_count": "Số cử tri", "petitioners": "Người kiến nghị", "session_id": "Kỳ họp",
         "held_on": "Ngày tiếp xúc", "kind": "Hình thức", "delegates": "Đại biểu", "note": "Ghi chú",
         "name": "Tên kỳ họp", "term": "Nhiệm kỳ", "starts_on": "Ngày khai mạc"}
CHANGE_KIND = {"corrected": "Đính chính", "withdrawn": "Rút"}

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


def for_scripts() -> dict:
    return {"status": STATUS, "level": LEVEL, "role": ROLE, "meeting_kind": MEETING_KIND,
            "routing_state": ROUTING_STATE, "verdict": VERDICT, "conclusion": CONCLUSION,
            "timeline": TIMELINE, "topic": TOPIC, "place": PLACE, "field": FIELD, "change_kind": CHANGE_KIND}
