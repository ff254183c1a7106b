"""The exports the committee hands on carry every breakdown and list of the JSON report, in Vietnamese."""

import io
import re
from datetime import UTC, date, datetime

import openpyxl
import pytest

from services.monitoring.reports.schemas import Breakdown, MonthlyReport
from services.monitoring.reports.sections import breakdown_sections
from tests.integration.monitoring.test_reports import csv_blocks, generate
from tests.support.apps import auth_headers

DD_MM_YYYY = re.compile(r"^\d{2}/\d{2}/\d{4}$")
BREAKDOWNS = [name for name, info in MonthlyReport.model_fields.items() if info.annotation == Breakdown]


@pytest.fixture
async def petitions(runtime, settings):
    """A generated history of 140 petitions (every status, repeats, overdue ones, spot-checks)."""
    return await generate(runtime, settings, 140, seed=20240501, now=datetime.now(UTC))


def _xlsx_sections(sheet) -> dict[str, dict[str, tuple]]:
    """{section title: {label: (count, percent)}} of the summary sheet."""
    rows = [[cell.value for cell in row[:3]] for row in sheet.iter_rows()]
    found = {}
    for index, row in enumerate(rows[:-1]):
        if row[0] and rows[index + 1][:3] == ["Nội dung", "Số lượng", "Tỷ lệ (%)"]:
            body = {}
            for label, count, percent in rows[index + 2:]:
                if label is None:
                    break
                body[label] = (count, percent)
            found[row[0]] = body
    return found


async def test_every_json_breakdown_is_in_the_xlsx_and_csv(client, settings, petitions):
    headers = auth_headers(settings, "committee")
    report = (await client.get("/reports/monthly", headers=headers)).json()
    titles = {section.key: section.title for section in breakdown_sections(MonthlyReport.model_validate(report))}
    assert set(BREAKDOWNS) <= set(titles), "a breakdown of the JSON has no section"
    assert "by_outcome" in BREAKDOWNS and set(report["by_outcome"]) == {
        "resolved", "in_progress", "unresolved_lack_of_resources"}
    labels = report["labels"]
    names = {"by_status": labels["status"], "by_outcome": labels["status"], "by_level": labels["level"],
             "by_agency": labels["agency"], "by_topic": labels["topic"], "timeliness": labels["timeliness"],
             "answered": labels["timeliness"]}

    xlsx = await client.get("/reports/monthly", params={"format": "xlsx"}, headers=headers)
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    sections = _xlsx_sections(workbook["Tổng hợp"])
    blocks = csv_blocks((await client.get("/reports/monthly", params={"format": "csv"}, headers=headers)).content)
    for name in BREAKDOWNS:
        expected = {names[name].get(key, key): (share["count"], share["percent"]) for key, share in report[name].items()}
        assert sections[titles[name]] == expected, name
        assert {label: (int(count), float(percent)) for label, count, percent in blocks[titles[name]]} == expected, name
        assert not any(key in sections[titles[name]] for key in report[name] if key in names[name]), name

    agencies = {row[0].value: [c.value for c in row] for row in workbook["Theo cơ quan"].iter_rows(min_row=3)}
    for agency in report["agencies"]:
        row = agencies[agency["agency_code"]]
        assert row[2] == agency["total"] and row[-3:] == [agency["on_time"], agency["late"], agency["overdue"]]
    overdue = list(workbook["Quá hạn"].iter_rows(min_row=3))
    assert [row[0].value for row in overdue] == [item["code"] for item in report["overdue"]["items"]]
    for row, item in zip(overdue, report["overdue"]["items"]):
        assert row[5].value.date() == date.fromisoformat(item["deadline"]) and row[5].number_format == "dd/mm/yyyy"
    top = [row[0].value for row in workbook["Vụ việc lặp lại"].iter_rows(min_row=3)]
    assert top == [matter["code"] for matter in report["repeated_matters"]["top"]]
    summary_text = [c.value for row in workbook["Tổng hợp"].iter_rows() for c in row if c.value is not None]
    for value in (report["new"]["this_month"], report["resolved"]["last_month"],
                  report["repeated_matters"]["petitions_in_repeated_matters"]):
        assert value in summary_text
    assert report["council_name"] in summary_text

    overdue_block = blocks[next(title for title in blocks if title.startswith("Kiến nghị quá hạn"))]
    assert [row[0] for row in overdue_block] == [item["code"] for item in report["overdue"]["items"]]
    assert all(DD_MM_YYYY.match(row[5]) for row in overdue_block)
    english = re.compile(r"\b(by_status|timeliness|resolved|in_progress|agency_code|total)\b")
    assert not english.search(" ".join(map(str, summary_text)))
    assert not any(english.search(title) for title in blocks)


async def test_the_printable_report_has_the_council_header_page_numbers_and_no_half_empty_pages(client, settings):
    settings.council_name = "Hội đồng nhân dân tỉnh Hà Giang"
    page = (await client.get("/reports/monthly", params={"format": "html"},
                             headers=auth_headers(settings, "committee"))).text
    assert "HỘI ĐỒNG NHÂN DÂN TỈNH HÀ GIANG" in page and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page
    assert re.search(r"@page\s*\{[^}]*@bottom-center\s*\{[^}]*counter\(page\)", page, re.DOTALL)
    assert "counter(pages)" in page
    # Long tables may break across pages (a whole section kept together leaves half-empty pages);
    # headings stay with what follows and a table's header repeats on each page.
    assert re.search(r"h2\s*\{[^}]*break-after:\s*avoid", page)
    assert re.search(r"thead\s*\{[^}]*display:\s*table-header-group", page)
    assert re.search(r"tr\s*\{[^}]*break-inside:\s*avoid", page)
    assert not re.search(r"(^|\s)section\s*\{[^}]*break-inside:\s*avoid", page)
