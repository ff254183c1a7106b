"""Vietnamese messages for pydantic's validation errors: the officer reads them next to the field."""

_BY_TYPE = {
    "missing": "Trường bắt buộc, chưa có giá trị",
    "extra_forbidden": "Trường không được phép",
    "json_invalid": "Nội dung gửi lên không phải JSON hợp lệ",
    "string_type": "Phải là chuỗi ký tự",
    "string_too_short": "Quá ngắn: cần ít nhất {min_length} ký tự",
    "string_too_long": "Quá dài: tối đa {max_length} ký tự",
    "string_pattern_mismatch": "Sai định dạng",
    "int_parsing": "Phải là số nguyên",
    "int_type": "Phải là số nguyên",
    "int_from_float": "Phải là số nguyên",
    "float_parsing": "Phải là số",
    "float_type": "Phải là số",
    "bool_parsing": "Phải là true hoặc false",
    "greater_than": "Phải lớn hơn {gt}",
    "greater_than_equal": "Phải lớn hơn hoặc bằng {ge}",
    "less_than": "Phải nhỏ hơn {lt}",
    "less_than_equal": "Phải nhỏ hơn hoặc bằng {le}",
    "uuid_parsing": "Phải là mã định danh UUID hợp lệ",
    "uuid_type": "Phải là mã định danh UUID hợp lệ",
    "date_parsing": "Phải là ngày dạng YYYY-MM-DD",
    "date_from_datetime_parsing": "Phải là ngày dạng YYYY-MM-DD",
    "date_type": "Phải là ngày dạng YYYY-MM-DD",
    "datetime_parsing": "Phải là thời điểm ISO 8601, ví dụ 2025-01-31T08:00:00+07:00",
    "datetime_from_date_parsing": "Phải là thời điểm ISO 8601, ví dụ 2025-01-31T08:00:00+07:00",
    "timezone_aware": "Cần ghi rõ múi giờ, ví dụ 2025-01-31T08:00:00+07:00",
    "datetime_object_invalid": "Thời điểm không tồn tại",
    "string_unicode": "Phải là chuỗi ký tự Unicode hợp lệ",
    "literal_error": "Phải là một trong: {expected}",
    "enum": "Phải là một trong: {expected}",
    "list_type": "Phải là một danh sách",
    "too_short": "Cần ít nhất {min_length} phần tử",
    "too_long": "Tối đa {max_length} phần tử",
    "dict_type": "Phải là một đối tượng JSON",
    "model_type": "Phải là một đối tượng JSON",
    "model_attributes_type": "Phải là một đối tượng JSON",
}


def vietnamese_message(error: dict) -> str:
    """The message for one pydantic error dict; our own ValueErrors already speak Vietnamese."""
    kind = error.get("type", "")
    if kind in ("value_error", "assertion_error"):
        message = str(error.get("ctx", {}).get("error", error.get("msg", "")))
        return message.removeprefix("Value error, ")
    template = _BY_TYPE.get(kind)
    if template is None:
        return error.get("msg", "Giá trị không hợp lệ")
    context = dict(error.get("ctx", {}))
    if "expected" in context:  # pydantic joins the choices with an English "or"
        context["expected"] = str(context["expected"]).replace(" or ", " hoặc ")
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return template
