"""What goes into a spreadsheet cell: never a live formula, never a character XLSX forbids.

Topics, agency codes, petition texts and spot-check assignees come from other people's input; a cell
that starts with = + - @ (or a tab or CR, which some programs skip before one) would run as a formula in
the committee's spreadsheet, so it is prefixed with an apostrophe (OWASP's advice for CSV injection).
Used by monitoring's reports and the web pages' list exports.
"""

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_value(value):
    """`value` as safe to put in a CSV or XLSX cell; numbers, dates and None pass unchanged."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def cell_row(values) -> list:
    return [cell_value(value) for value in values]
