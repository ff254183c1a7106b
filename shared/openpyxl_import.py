"""openpyxl, loaded without numpy by a service that does not otherwise need numpy.

openpyxl imports numpy whenever it is installed (routing's scikit-learn puts it in the environment), only
to accept numpy numbers as cell values, which nothing here writes. In intake that import was 15 MB of a
150 MB budget. So intake loads the modules that use openpyxl when the first spreadsheet arrives, after
`load_openpyxl()`; a process that already holds numpy (routing) gets openpyxl as usual.
"""

import importlib
import sys
from types import ModuleType


def load_openpyxl() -> ModuleType:
    if "openpyxl" in sys.modules or "numpy" in sys.modules:
        return importlib.import_module("openpyxl")  # waits for an import another thread is running
    sys.modules["numpy"] = None  # "import numpy" raises ImportError, as if it were not installed
    try:
        return importlib.import_module("openpyxl")
    finally:
        if sys.modules.get("numpy", "") is None:
            del sys.modules["numpy"]
