"""Intake reads and writes spreadsheets without loading numpy (15 MB of its memory budget), and a process
that holds numpy keeps it. Each case runs in a fresh interpreter: what is imported is the behaviour."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

INTAKE_WITH_A_SPREADSHEET = """
import sys
import services.intake.app
assert "openpyxl" not in sys.modules, "intake loads openpyxl before any spreadsheet arrives"
from services.intake.petitions.import_template import template_xlsx
from services.intake.petitions.importer import read_rows
rows = read_rows("mau.xlsx", template_xlsx(), 100_000)
assert rows[0][1]["content"].startswith("Cử tri thôn Tân Lập"), rows
assert "numpy" not in sys.modules, "openpyxl brought numpy in"
import numpy  # hidden only while openpyxl loaded
print("ok")
"""

NUMPY_FIRST = """
import numpy
from shared.openpyxl_import import load_openpyxl
openpyxl = load_openpyxl()
from openpyxl.compat.numbers import NUMPY
assert NUMPY and numpy.float64 in openpyxl.compat.numbers.NUMERIC_TYPES
print("ok")
"""


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_intake_handles_a_spreadsheet_without_numpy():
    done = _run(INTAKE_WITH_A_SPREADSHEET)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_a_process_that_holds_numpy_gets_openpyxl_as_usual():
    done = _run(NUMPY_FIRST)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
