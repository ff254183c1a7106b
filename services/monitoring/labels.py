"""Vietnamese labels of monitoring's own report terms; the domain vocabulary's are in shared.labels."""

from shared.labels import CONCLUSION, LEVEL_OR_NONE, STATUS, TOPIC, VERDICT, status

__all__ = ["CONCLUSION", "LEVEL", "STATUS", "TIMELINESS", "TOPIC", "UNASSIGNED_AGENCY", "VERDICT", "status"]

LEVEL = LEVEL_OR_NONE  # a report counts the petitions without a level too

TIMELINESS = {
    "on_time": "Trả lời đúng hạn",
    "late": "Trả lời trễ hạn",
    "overdue": "Quá hạn, chưa trả lời",
    "within_deadline": "Chưa trả lời, còn trong hạn",
    "not_assigned": "Chưa giao cơ quan",
    "withdrawn": "Đã rút",
}

UNASSIGNED_AGENCY = "Chưa giao cơ quan"
