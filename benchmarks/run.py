"""`make bench`: every benchmark module's rows in one table, printed and written to bench/results/*.json.

    .venv/bin/python -m benchmarks.run [--only pipeline,routing]     (BENCH_QUICK=1: the short run)

The contract a module plugs in with: a file `benchmarks/bench_<name>.py` defining
`rows(quick: bool) -> list[dict]`, each dict made with `benchmarks.table.row(...)` (area, measure, db,
value, unit, baseline measured in the same run, what the baseline is, target, met, note). The module
starts what it needs (real processes, see benchmarks.system) and stops it before returning. Modules run
one after the other in name order, so they do not load the machine for each other.

A benchmark is not a test: a missed target is a figure in the table, and a module that fails becomes a
row saying so; the run exits 0 either way.
"""

import argparse
import importlib
import os
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.table import format_table, machine, row, write_json  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def modules(only: set[str] | None) -> list[str]:
    names = sorted(path.stem for path in (ROOT / "benchmarks").glob("bench_*.py"))
    return [name for name in names if only is None or name.removeprefix("bench_") in only]


def run_module(name: str, quick: bool) -> tuple[list[dict], float]:
    started = time.monotonic()
    try:
        found = importlib.import_module(f"benchmarks.{name}").rows(quick)
    except Exception as exc:  # one broken module must not cost the other figures
        traceback.print_exc()
        found = [row(name.removeprefix("bench_"), "FAILED", None, "", note=f"{type(exc).__name__}: {exc}"[:300])]
    return found, time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated module names without bench_ (e.g. pipeline,routing)")
    args = parser.parse_args()
    quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")
    meta = dict(machine(), quick=quick, modules={})
    rows: list[dict] = []
    for name in modules(set(args.only.split(",")) if args.only else None):
        print(f"== {name} (load average {os.getloadavg()[0]:.2f})", flush=True)
        found, seconds = run_module(name, quick)
        rows += found
        meta["modules"][name] = {"seconds": round(seconds, 1), "loadavg_after": round(os.getloadavg()[0], 2)}
    meta["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    print()
    print(f"make bench{' (BENCH_QUICK=1)' if quick else ''} on {meta['host']}, {meta['cpus']} CPUs, "
          f"{meta['when']}; load average at start {meta['loadavg']}, at end {meta['loadavg_end']} "
          "(other work on the machine shifts absolute figures; each baseline is from the same run)")
    print(format_table(rows))
    timings = ", ".join(f"{name} {m['seconds']:.0f} s" for name, m in meta["modules"].items())
    print(f"modules: {timings}; written to {write_json(rows, meta, RESULTS).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
