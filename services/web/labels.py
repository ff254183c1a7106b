"""Vietnamese labels the pages show (rendered into the page for the scripts as well).

The domain vocabulary's labels come from shared.labels, the table the reports use too.
"""

from shared.events import AGENCY_STATUSES
from shared.labels import CONCLUSION, LEVEL, MEETING_KIND, STATUS, TOPIC, VERDICT

# What an agency may report (the four payload kinds of POST /petitions/{id}/status-updates).
AGENCY_STATUS = tuple(str(status) for status in AGENCY_STATUSES)

ROLE = {
    "secretariat": "Văn phòng",
    "agency": "Cơ quan giải quyết",
    "committee": "Thường trực HĐND",
    "admin": "Quản trị",
}

ROUTING_STATE = {
    "assigned": "Đã giao cơ quan",
    "needs_review": "Chờ Văn phòng xác nhận",
    "withdrawn": "Đã rút",
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

# Fields a refusal or the history of corrections may name (request fields that are no form field included).
FIELD = {"body": "Dữ liệu gửi lên", "file": "Tệp", "query": "Điều kiện tìm", "cursor": "Trang tiếp theo",
         "content": "Nội dung", "unit_code": "Đơn vị", "meeting_id": "Buổi tiếp xúc", "topic": "Lĩnh vực",
         "voters_count": "Số cử tri", "petitioners": "Người kiến nghị", "session_id": "Kỳ họp",
         "held_on": "Ngày tiếp xúc", "kind": "Hình thức", "delegates": "Đại biểu", "note": "Ghi chú",
         "name": "Tên kỳ họp", "term": "Nhiệm kỳ", "starts_on": "Ngày khai mạc"}
CHANGE_KIND = {"corrected": "Đính chính", "withdrawn": "Rút"}

# Where an earlier, similar petition was raised, compared with the one being entered.
PLACE = {"unit": "Cùng đơn vị", "district": "Cùng huyện", "": "Nơi khác"}


# Who did something, when it was a service rather than an officer (timelines name officers by user name).
ACTOR = {
    "classifier": "Hệ thống phân loại tự động",
    "intake": "Hệ thống tiếp nhận",
    "routing": "Hệ thống phân loại",
    "monitoring": "Hệ thống theo dõi",
    "system": "Hệ thống",
}

def for_scripts() -> dict:
    return {"status": STATUS, "level": LEVEL, "role": ROLE, "meeting_kind": MEETING_KIND,
            "routing_state": ROUTING_STATE, "verdict": VERDICT, "conclusion": CONCLUSION,
            "timeline": TIMELINE, "topic": TOPIC, "place": PLACE, "actor": ACTOR, "field": FIELD,
            "change_kind": CHANGE_KIND}
