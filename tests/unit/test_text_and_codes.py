from datetime import datetime, timezone

import pytest

from services.intake.petitions import similarity
from services.intake.petitions.codes import code_year, format_code
from services.intake.petitions.importer import read_rows
from shared.errors import ProblemError
from shared.text import clean, fold


def test_fold_removes_diacritics_and_case_including_d_bar():
    assert fold("Đường GIAO THÔNG liên thôn") == "duong giao thong lien thon"
    assert fold("Thủy lợi") == fold("Thuỷ lợi") == "thuy loi"
    assert fold("Ỷ La") == "y la"


def test_clean_normalises_to_nfc_and_collapses_spaces():
    assert clean("  Đe\u0302\u0300   nghị\n") == "Đề nghị"


def test_code_year_uses_vietnam_time_and_codes_are_zero_padded():
    new_year_eve_utc = datetime(2024, 12, 31, 18, 0, tzinfo=timezone.utc)  # 01:00 on 1 Jan in Hà Nội
    assert code_year(new_year_eve_utc, "Asia/Ho_Chi_Minh") == 2025
    assert format_code(2025, 123) == "KN-2025-000123"


def test_similarity_scores_repeats_above_unrelated():
    road = similarity.signature("Đề nghị sửa chữa tuyến đường ĐT.186 bị sạt lở")
    road_again = similarity.signature("Tiếp tục đề nghị sửa chữa đường ĐT 186 sạt lở")
    school = similarity.signature("Đề nghị bổ sung giáo viên mầm non")
    assert similarity.score(road, road_again) > 0.3 > similarity.score(road, school)
    assert similarity.score(road, frozenset()) == 0.0


def test_read_rows_maps_vietnamese_headers_and_skips_blank_lines():
    data = "Nội dung;Số cử tri\nSửa đường liên thôn bị sạt lở;4\n;\n".encode()
    assert read_rows("x.csv", data, max_rows=10) == [(2, {"content": "Sửa đường liên thôn bị sạt lở", "voters_count": "4"})]


def test_read_rows_refuses_too_many_rows():
    data = ("content\n" + "Nội dung đủ dài để nhận\n" * 3).encode()
    with pytest.raises(ProblemError) as raised:
        read_rows("x.csv", data, max_rows=2)
    assert raised.value.errors[0].field == "file"
