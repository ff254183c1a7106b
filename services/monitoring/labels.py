"""Vietnamese labels for what a council officer reads (pages, spreadsheets, error messages)."""

STATUS = {
    "awaiting_routing": "Chờ phân loại",
    "assigned": "Đã giao, chưa trả lời",
    "in_progress": "Đang giải quyết (có lộ trình)",
    "resolved": "Đã giải quyết",
    "unresolved_lack_of_resources": "Chưa giải quyết (chưa có nguồn lực)",
    "returned": "Trả lại (không đúng thẩm quyền)",
    "withdrawn": "Đã rút (không theo dõi nữa)",
}

LEVEL = {
    "province": "Cấp tỉnh",
    "district": "Cấp huyện",
    "commune": "Cấp xã",
    "central": "Trung ương",
    "unassigned": "Chưa phân cấp",
}

TIMELINESS = {
    "on_time": "Trả lời đúng hạn",
    "late": "Trả lời trễ hạn",
    "overdue": "Quá hạn, chưa trả lời",
    "within_deadline": "Chưa trả lời, còn trong hạn",
    "not_assigned": "Chưa giao cơ quan",
    "withdrawn": "Đã rút",
}

TOPIC = {
    "giao_thong": "Giao thông",
    "thuy_loi": "Thủy lợi",
    "dat_dai": "Đất đai",
    "moi_truong": "Môi trường",
    "giao_duc": "Giáo dục",
    "y_te": "Y tế",
    "bao_hiem": "Bảo hiểm",
    "chinh_sach_xa_hoi": "Chính sách xã hội",
    "giam_ngheo": "Giảm nghèo",
    "dien": "Điện",
    "nuoc_sach": "Nước sạch",
    "nong_lam_nghiep": "Nông, lâm nghiệp",
    "dan_toc": "Dân tộc",
    "an_ninh_trat_tu": "An ninh, trật tự",
    "xay_dung_quy_hoach": "Xây dựng, quy hoạch",
    "thu_tuc_hanh_chinh": "Thủ tục hành chính",
    "vien_thong": "Viễn thông",
    "tai_chinh": "Tài chính, giá, thuế",
    "van_hoa": "Văn hóa, thể thao",
    "chinh_sach_phap_luat": "Chính sách, pháp luật",
    "unclassified": "Chưa phân loại lĩnh vực",
}

VERDICT = {
    "confirmed": "Đúng là đã giải quyết",
    "not_resolved": "Chưa giải quyết",
    "partially_resolved": "Mới giải quyết một phần",
}

CONCLUSION = {
    "accepted": "Đạt: chấp nhận báo cáo",
    "widen": "Mở rộng mẫu (giai đoạn 2)",
    "refer": "Chuyển UBND kiểm tra lại toàn bộ",
    "pending": "Đang giám sát",
}

UNASSIGNED_AGENCY = "Chưa giao cơ quan"


def status(key: str) -> str:
    return STATUS.get(key, key)
