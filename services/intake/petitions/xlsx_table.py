"""The first worksheet of an XLSX as lines of cell values, read with openpyxl's own parsers, streaming.

`load_workbook(read_only=True)` reads the whole sheet once before the first row when the sheet does not
declare its size (openpyxl's write-only files, among others), only to learn a size we ignore anyway (a
declared size is the file's claim, not its content); and it builds an object tree for each inline
string. A third of the reading of a 5,000-row file (issue 14). Here the workbook's parts we need (its
sheets, shared strings, styles for dates) are read by openpyxl's reader, and the sheet's rows by
openpyxl's sheet parser, as load_workbook would, without those two costs.
"""

import io
from collections.abc import Iterator

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.worksheet._reader import INLINE_STRING, WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS

_TEXT = "{%s}t" % SHEET_MAIN_NS
_RUN = "{%s}r" % SHEET_MAIN_NS


def sheet_values(data: bytes, max_columns: int) -> Iterator[list]:
    """Each row of the first worksheet, numbered as the sheet numbers them (missing rows come as []),
    as a list of its first `max_columns` values (None where a cell is empty). Raises on a broken file."""
    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        workbook = reader.wb
        with reader.archive.open(_first_worksheet(reader)) as source:
            parser = _SheetParser(source, reader.shared_strings, data_only=True, epoch=workbook.epoch,
                                  date_formats=workbook._date_formats,
                                  timedelta_formats=workbook._timedelta_formats)
            yield from _lines(parser.parse(), max_columns)
    finally:
        reader.archive.close()


def _first_worksheet(reader: ExcelReader) -> str:
    """The part openpyxl's `workbook.worksheets[0]` is read from (chart sheets are not worksheets)."""
    for _sheet, rel in reader.parser.find_sheets():
        if rel.target in reader.valid_files and "chartsheet" not in rel.Type:
            return rel.target
    raise ValueError("no worksheet")


def _lines(rows, max_columns: int) -> Iterator[list]:
    """As openpyxl's read-only iter_rows(values_only=True): the gaps between rows filled, a row that
    comes again (or out of order) dropped."""
    expected = 1
    for index, cells in rows:
        while expected < index:
            expected += 1
            yield []
        if expected == index:
            expected += 1
            line = [None] * max_columns
            for cell in cells:
                if 1 <= cell["column"] <= max_columns:
                    line[cell["column"] - 1] = cell["value"]
            yield line


class _SheetParser(WorkSheetParser):
    def parse_cell(self, element):
        inline = element.find(INLINE_STRING) if element.get("t") == "inlineStr" else None
        if inline is None:
            return super().parse_cell(element)
        # Its text as openpyxl's Text(...).content reads it (the plain text, then each run's; phonetic
        # runs left out), without building the Text object.
        element.remove(inline)
        text = (inline.findtext(_TEXT) or "") + "".join(run.findtext(_TEXT) or "" for run in inline.iterfind(_RUN))
        return dict(super().parse_cell(element), value=text, data_type="s")
