"""`make bench`'s table: each figure beside its baseline, the ratio, the target's verdict, and the JSON kept."""

import json

from benchmarks.table import format_table, row, write_json


def test_row_sets_each_figure_beside_its_baseline_with_the_ratio():
    item = row("intake", "POST /petitions accepted /s", 76.0, "/s", "postgres", 650.0, "bare insert+outbox",
               ">= 1000/s", False, note="16 connections")
    table = format_table([item, row("memory", "intake peak RSS", 120.0, "MB")])
    first = table.splitlines()[2]
    assert "76.0 /s" in first and "650 /s bare insert+outbox" in first and "12%" in first and "NO" in first
    assert "| 2 | memory" in table and "| —  " in table.splitlines()[3]  # no baseline: a dash, no ratio
    assert "1. 16 connections" in table


def test_write_json_keeps_rows_and_machine(tmp_path):
    rows = [row("routing", "classify one petition, p95", 0.6, "ms", baseline=0.5, baseline_of="rules alone")]
    path = write_json(rows, {"loadavg": [1.0, 1.0, 1.0], "quick": True}, tmp_path / "bench" / "results")
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["meta"]["quick"] is True
    assert saved["rows"][0]["ratio"] == 1.2 and saved["rows"][0]["value"] == 0.6
