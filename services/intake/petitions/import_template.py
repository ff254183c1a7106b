"""The XLSX an office starts an import from: Vietnamese headers, a title block and an example row."""

import io

from shared.openpyxl_import import load_openpyxl

TITLE = "DANH SÁCH KIẾN NGHỊ CỬ TRI"
NOTE = ("Mỗi dòng một kiến nghị. Bắt buộc: Nội dung kiến nghị. Bỏ trống Mã buổi tiếp xúc khi chọn buổi "
        "tiếp xúc trên trang nhập. Mã đơn vị để trống: lấy đơn vị của buổi tiếp xúc.")
# (header, width, example): each header is one the importer recognises (importer.COLUMN_ALIASES).
COLUMNS = (
    ("STT", 6, 1),
    ("Nội dung kiến nghị", 70, "Cử tri thôn Tân Lập đề nghị sửa chữa đoạn đường liên thôn bị sạt lở sau mưa lũ."),
    ("Số cử tri", 10, 12),
    ("Mã đơn vị", 12, ""),
    ("Lĩnh vực", 16, "giao_thong"),
    ("Họ tên", 24, "Nguyễn Văn A"),
    ("Địa chỉ", 30, "Thôn Tân Lập"),
    ("Số điện thoại", 16, "0912345678"),
    ("Mã buổi tiếp xúc", 38, ""),
)
TEXT_COLUMNS = ("Mã đơn vị", "Số điện thoại", "Mã buổi tiếp xúc")  # kept as text: leading zeros stay
HEADER_ROW = 4


def template_xlsx() -> bytes:
    openpyxl = load_openpyxl()  # only once an office asks for the template (see shared.openpyxl_import)
    from openpyxl.styles import Font
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Kiến nghị"
    sheet["A1"], sheet["A2"] = TITLE, NOTE
    sheet["A1"].font = Font(bold=True, size=14)
    for index, (header, width, example) in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=HEADER_ROW, column=index).column_letter
        sheet.column_dimensions[letter].width = width
        sheet.cell(row=HEADER_ROW, column=index, value=header).font = Font(bold=True)
        sheet.cell(row=HEADER_ROW + 1, column=index, value=example if example != "" else None)
        if header in TEXT_COLUMNS:
            for row in range(HEADER_ROW + 1, HEADER_ROW + 501):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
