"""The monthly report on generated histories, checked against an independent computation of each month's end."""

import csv
import io
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

import openpyxl
import pytest

from services.monitoring.tracking import projections
from services.monitoring.tracking import service as petition_service
from services.monitoring.tracking.schemas import StatusUpdate
from shared.auth import Principal
from shared.events import PetitionLinked, PetitionReceived, PetitionRouted
from tests.support.apps import auth_headers

UTC = timezone.utc
VN = timezone(timedelta(hours=7))  # Vietnam keeps no daylight saving: a fixed offset is an independent clock
AGENCIES = [("08.SGTVT", "province"), ("08.SYT", "province"), ("070.UBND", "district"), ("073.UBND", "district"),
            ("02200.UBND", "commune")]
TOPICS = ["giao_thong", "dat_dai", "y_te", None]


@dataclass
class Truth:
    """What the oracle knows of one petition: its states over time, as plain tuples."""
    received_at: datetime
    states: list = field(default_factory=list)  # (at, status, level, agency, topic, deadline_at, answered_at)

    def at(self, moment: datetime):
        current = None
        for state in self.states:
            if state[0] <= moment:
                current = state
        return current


def deadline_for(assigned_at: datetime) -> datetime:
    due = (assigned_at.astimezone(VN).date() + timedelta(days=60))
    return datetime.combine(due + timedelta(days=1), time(0), tzinfo=VN).astimezone(UTC)


async def apply(runtime, action) -> None:
    async with runtime.uow() as uow:
        await action(uow)
        await uow.commit()


async def generate(runtime, settings, count: int, seed: int, now: datetime) -> dict[uuid.UUID, Truth]:
    rng, truths, ids = random.Random(seed), {}, []
    for n in range(count):
        petition_id, received_at = uuid.uuid4(), now - timedelta(days=rng.uniform(1, 120))
        truth = Truth(received_at)
        topic = rng.choice(TOPICS)
        received = PetitionReceived(code=f"KN-T-{n:05d}", session_id=uuid.uuid4(), meeting_id=uuid.uuid4(),
                                    meeting_kind="hotline", meeting_unit_code="08", unit_code="08",
                                    content="Nội dung kiến nghị", topic=topic, held_on=received_at.date(),
                                    created_at=received_at)
        await apply(runtime, lambda uow: projections.apply_received(uow.session, petition_id, received, "intake",
                                                                    settings.tz))
        truth.states.append((received_at, "awaiting_routing", None, None, topic, None, None))
        await _follow(runtime, settings, rng, petition_id, truth, now)
        if ids and rng.random() < 0.15:
            earlier = rng.choice(ids)
            linked = PetitionLinked(earlier_id=earlier, matter_id=earlier, by="thu-ky")
            await apply(runtime, lambda uow: projections.apply_linked(uow.session, petition_id, linked, now, settings.tz))
        truths[petition_id] = truth
        ids.append(petition_id)
    return truths


async def _route(runtime, settings, rng, petition_id, truth, at, topic):
    agency, level = rng.choice(AGENCIES)
    routed = PetitionRouted(level=level, agency_code=agency, topic=topic, decided_by="classifier")
    await apply(runtime, lambda uow: projections.apply_routed(uow, petition_id, routed, at, None, settings))
    truth.states.append((at, "assigned", level, agency, topic, deadline_for(at), None))


async def _answer(runtime, settings, petition_id, truth, at, update: StatusUpdate):
    _, _, level, agency, topic, deadline, answered = truth.states[-1]
    user = Principal(sub="can-bo", role="agency", agency=agency)
    await apply(runtime, lambda uow: petition_service.update_status(uow, petition_id, update, user, at, settings.tz))
    if update.status == "returned":
        truth.states.append((at, "returned", None, None, topic, None, None))
    else:
        truth.states.append((at, update.status, level, agency, topic, deadline, answered or at))


async def _follow(runtime, settings, rng, petition_id, truth, now):
    at, topic = truth.received_at, truth.states[-1][4]
    for _round in range(2):
        at += timedelta(days=rng.uniform(0.1, 5))
        if at > now or rng.random() < 0.1:
            return
        topic = topic or rng.choice(TOPICS)
        await _route(runtime, settings, rng, petition_id, truth, at, topic)
        at += timedelta(days=rng.uniform(1, 90))
        if at > now or rng.random() < 0.25:
            return
        choice = rng.random()
        if choice < 0.1:
            await _answer(runtime, settings, petition_id, truth, at, StatusUpdate(status="returned", note="Không đúng thẩm quyền"))
            continue
        if choice < 0.45:
            await _answer(runtime, settings, petition_id, truth, at, StatusUpdate(status="resolved", resolution="Xong"))
            return
        if choice < 0.75:
            await _answer(runtime, settings, petition_id, truth, at,
                          StatusUpdate(status="in_progress", planned_completion=date(2030, 1, 1)))
        else:
            await _answer(runtime, settings, petition_id, truth, at,
                          StatusUpdate(status="unresolved_lack_of_resources", reason="Chưa có vốn"))
        later = at + timedelta(days=rng.uniform(1, 40))
        if later < now and rng.random() < 0.5:
            await _answer(runtime, settings, petition_id, truth, later, StatusUpdate(status="resolved", resolution="Xong"))
        return


def expected(truths: dict[uuid.UUID, Truth], moment: datetime) -> dict[str, Counter]:
    result = {name: Counter() for name in ("status", "level", "agency", "topic", "timeliness")}
    for truth in truths.values():
        state = truth.at(moment)
        if state is None:
            continue
        _, status, level, agency, topic, deadline, answered = state
        result["status"][status] += 1
        result["level"][level or "unassigned"] += 1
        result["agency"][agency or "unassigned"] += 1
        result["topic"][topic or "unclassified"] += 1
        result["timeliness"][
            "not_assigned" if deadline is None else ("late" if answered >= deadline else "on_time") if answered
            else ("overdue" if moment >= deadline else "within_deadline")] += 1
    return result


def month_bounds(month: str) -> tuple[datetime, datetime]:
    year, number = map(int, month.split("-"))
    start = datetime(year, number, 1, tzinfo=VN)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=VN)
    return start.astimezone(UTC), end.astimezone(UTC)


def counts(breakdown: dict) -> Counter:
    return Counter({key: share["count"] for key, share in breakdown.items() if share["count"]})


def csv_blocks(content: bytes) -> dict[str, list[list[str]]]:
    """The report CSV's blocks: {title: data rows} (a title row, a header row, rows, a blank row)."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    blocks, index = {}, 0
    while index < len(rows):
        if rows[index] and len(rows[index]) == 1 and index + 1 < len(rows) and len(rows[index + 1]) > 1:
            end = rows.index([], index) if [] in rows[index:] else len(rows)
            blocks[rows[index][0]] = rows[index + 2:end]
            index = end
        index += 1
    return blocks


def assert_reconciles(report: dict) -> None:
    for name in ("by_status", "by_level", "by_agency", "by_topic", "timeliness"):
        assert sum(share["count"] for share in report[name].values()) == report["total"], name
        if report["total"]:
            assert abs(sum(share["percent"] for share in report[name].values()) - 100) <= 0.1, name
    assert sum(row["total"] for row in report["agencies"]) == report["total"]
    answered = report["timeliness"]["on_time"]["count"] + report["timeliness"]["late"]["count"]
    assert sum(share["count"] for share in report["answered"].values()) == answered
    assert report["overdue"]["count"] == report["timeliness"]["overdue"]["count"]


@pytest.fixture
async def history(runtime, settings):
    now = datetime.now(UTC)
    return now, await generate(runtime, settings, 140, seed=20240501, now=now)


async def test_report_matches_an_independent_count_for_past_and_current_months(client, settings, history):
    now, truths = history
    headers = auth_headers(settings, "committee")
    this_month = now.astimezone(VN).strftime("%Y-%m")
    months = sorted({(now - timedelta(days=d)).astimezone(VN).strftime("%Y-%m") for d in (0, 35, 70, 105)})
    for month in months:
        response = await client.get("/reports/monthly", params={"month": month}, headers=headers)
        assert response.status_code == 200, response.text
        report = response.json()
        start, end = month_bounds(month)
        moment = now if month == this_month else end - timedelta(microseconds=1)
        truth = expected(truths, moment)
        assert report["total"] == sum(truth["status"].values())
        assert counts(report["by_status"]) == truth["status"], month
        assert counts(report["by_level"]) == truth["level"]
        assert counts(report["by_agency"]) == truth["agency"]
        assert counts(report["by_topic"]) == truth["topic"]
        assert counts(report["timeliness"]) == truth["timeliness"], month
        assert_reconciles(report)
        new = sum(start <= t.received_at < end for t in truths.values())
        resolved = sum(any(start <= s[0] < end and s[1] == "resolved" for s in t.states) for t in truths.values())
        assert (report["new"]["this_month"], report["resolved"]["this_month"]) == (new, resolved), month
        overdue_ids = {i["petition_id"] for i in report["overdue"]["items"]}
        assert len(overdue_ids) == report["overdue"]["count"]


async def test_repeated_matters_and_formats(client, settings, history):
    now, truths = history
    headers = auth_headers(settings, "secretariat")
    report = (await client.get("/reports/monthly", headers=headers)).json()
    matters = report["repeated_matters"]
    assert matters["matters"] + matters["repeat_petitions"] == report["total"]
    assert matters["repeated_matters"] >= 1 and matters["top"][0]["petitions"] >= 2

    csv_response = await client.get("/reports/monthly", params={"format": "csv"}, headers=headers)
    assert csv_response.status_code == 200 and csv_response.headers["content-type"].startswith("text/csv")
    blocks = csv_blocks(csv_response.content)
    by_status = {label: int(count) for label, count, _ in blocks["Theo trạng thái giải quyết"]}
    assert by_status == {report["labels"]["status"][key]: share["count"] for key, share in report["by_status"].items()}

    xlsx = await client.get("/reports/monthly", params={"format": "xlsx"}, headers=headers)
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert workbook.sheetnames == ["Tổng hợp", "Theo cơ quan", "Quá hạn", "Vụ việc lặp lại", "Giám sát xác suất"]
    assert workbook["Tổng hợp"]["B3"].value == report["total"]
    assert workbook["Quá hạn"].max_row == 2 + len(report["overdue"]["items"])

    html = await client.get("/reports/monthly", params={"format": "html"}, headers=headers)
    page = html.text
    assert html.headers["content-type"].startswith("text/html")
    assert "Báo cáo kết quả giải quyết kiến nghị cử tri tháng" in page and page.count("<svg") >= 5
    assert "<script" not in page and "http://" not in page and "https://" not in page


async def test_report_access_and_bad_months(client, settings):
    assert (await client.get("/reports/monthly")).status_code == 401
    agency = auth_headers(settings, "agency", "08.SGTVT")
    assert (await client.get("/reports/monthly", headers=agency)).status_code == 403
    headers = auth_headers(settings, "admin")
    for bad in ("2024-13", "may", "2999-01"):
        response = await client.get("/reports/monthly", params={"month": bad}, headers=headers)
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "month"
    assert (await client.get("/reports/monthly", params={"format": "pdf"}, headers=headers)).status_code == 422
    empty = (await client.get("/reports/monthly", params={"month": "2020-02"}, headers=headers)).json()
    assert empty["total"] == 0 and all(share["percent"] == 0 for share in empty["by_status"].values())
