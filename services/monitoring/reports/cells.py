"""What a report writes into a spreadsheet cell: the shared rule (shared/spreadsheet_cells.py)."""

from shared.spreadsheet_cells import FORMULA_STARTS, cell_row, cell_value

__all__ = ["FORMULA_STARTS", "cell_row", "cell_value"]
