"""The monthly review (báo cáo giao ban hằng tháng) for the standing committee. Never commits."""

from collections import Counter
from datetime import datetime, timedelta

from services.monitoring import labels
from services.monitoring.catalog import CatalogAgency
from services.monitoring.reports import repository as report_repository
from services.monitoring.reports.breakdowns import breakdown, crosstab, rollup
from services.monitoring.reports.periods import ReportPeriod, month_period
from services.monitoring.reports.schemas import (
    AgencyRow,
    Comparison,
    MonthlyReport,
    OverdueItem,
    OverdueList,
    RepeatedMatter,
    RepeatedMatters,
    SpotCheckLotOutcome,
    SpotCheckOutcome,
    SpotCheckSummary,
)
from services.monitoring.settings import MonitoringSettings
from services.monitoring.spot_checks import service as spot_check_service
from services.monitoring.tracking import state_machine as sm
from shared.catalog import Catalog, load_catalog
from shared.catalog_copy import current_catalog
from shared.unit_of_work import UnitOfWork

LEVELS = ("province", "district", "commune", "central")
TIMELINESS = tuple(labels.TIMELINESS)
ANSWER_TIMELINESS = ("on_time", "late")
OUTCOMES = (sm.RESOLVED, sm.IN_PROGRESS, sm.UNRESOLVED)
TOP_MATTERS = 10


async def monthly_report(uow: UnitOfWork, month: str | None, settings: MonitoringSettings,
                         now: datetime) -> MonthlyReport:
    period = month_period(month, settings.tz, now)
    session = uow.session
    cube = await report_repository.state_counts(session, period.month)
    topics = await report_repository.topic_counts(session, period.month)
    deadlines = await _timeliness_rows(uow, period)
    overdue_rows = await report_repository.overdue(session, period.as_of, settings.report_overdue_limit)
    new = await _compare(period, lambda a, b: report_repository.received_between(session, a, b))
    resolved = await _compare(period, lambda a, b: report_repository.entered_between(session, sm.RESOLVED, a, b))
    total = sum(row["count"] for row in cube)
    matters = await _repeated_matters(uow, period, total)
    spot_checks = await _spot_checks(uow, period)
    timeliness, statuses = rollup(deadlines, "timeliness"), rollup(cube, "status")
    agency_names = await _agency_names(session, settings)
    return MonthlyReport(
        council_name=settings.council_name, month=period.month, as_of=period.as_of, current_month=period.current, generated_at=now,
        total=total,
        by_status=breakdown(statuses, sm.STATUSES),
        by_outcome=breakdown({key: statuses.get(key, 0) for key in OUTCOMES}, OUTCOMES),
        by_level=breakdown(rollup(cube, "level"), LEVELS),
        by_agency=breakdown(rollup(cube, "agency_code")),
        by_topic=breakdown(topics),
        timeliness=breakdown(timeliness, TIMELINESS),
        answered=breakdown({key: timeliness.get(key, 0) for key in ANSWER_TIMELINESS}, ANSWER_TIMELINESS),
        agencies=_agency_rows(cube, deadlines, agency_names),
        overdue=OverdueList(count=timeliness.get("overdue", 0),
                            items=[_overdue_item(row, period.as_of, settings) for row in overdue_rows]),
        new=new, resolved=resolved, repeated_matters=matters, spot_checks=spot_checks,
        labels=_labels(cube, agency_names),
    )


async def _timeliness_rows(uow: UnitOfWork, period: ReportPeriod) -> list[dict]:
    """(agency, timeliness, count) at the report's moment: unanswered petitions are overdue once their deadline passed.

    The ledger keeps unanswered petitions by deadline month: earlier months are overdue at the end of the
    report month, later ones are not; for the month in progress the day counts, so those are split now.
    """
    rows = await report_repository.deadline_counts(uow.session, period.month)
    passed = (await report_repository.unanswered_due_between(uow.session, period.start, period.as_of)
              if period.current else {})
    result = []
    for row in rows:
        agency_code, count = row["agency_code"], int(row["count"])
        if row["kind"] != "unanswered":
            result.append({"agency_code": agency_code, "timeliness": row["kind"], "count": count})
        elif row["deadline_month"] < period.month or (row["deadline_month"] == period.month and not period.current):
            result.append({"agency_code": agency_code, "timeliness": "overdue", "count": count})
        elif row["deadline_month"] > period.month:
            result.append({"agency_code": agency_code, "timeliness": "within_deadline", "count": count})
        else:
            overdue = passed.get(agency_code, 0)
            result += [{"agency_code": agency_code, "timeliness": "overdue", "count": overdue},
                       {"agency_code": agency_code, "timeliness": "within_deadline", "count": count - overdue}]
    return result


async def _compare(period: ReportPeriod, count) -> Comparison:
    this_month = await count(period.start, period.end)
    last_month = await count(period.previous_start, period.start)
    return Comparison(this_month=this_month, last_month=last_month, change=this_month - last_month)


def _agency_rows(cube: list[dict], deadlines: list[dict], names: dict[str, str]) -> list[AgencyRow]:
    statuses = crosstab(cube, "agency_code", "status")
    timeliness = crosstab(deadlines, "agency_code", "timeliness")
    rows = [AgencyRow(agency_code=code, name=_agency_name(code, names), total=sum(counts.values()),
                      by_status={s: counts.get(s, 0) for s in sm.STATUSES},
                      on_time=timeliness.get(code, {}).get("on_time", 0), late=timeliness.get(code, {}).get("late", 0),
                      overdue=timeliness.get(code, {}).get("overdue", 0))
            for code, counts in statuses.items()]
    return sorted(rows, key=lambda row: (-row.overdue, -row.total, row.agency_code))


def _overdue_item(row: dict, as_of: datetime, settings: MonitoringSettings) -> OverdueItem:
    due_on = (row["deadline_at"].astimezone(settings.tz) - timedelta(days=1)).date()
    days = (as_of.astimezone(settings.tz).date() - due_on).days
    return OverdueItem(petition_id=row["petition_id"], code=row["code"], status=row["status"], level=row["level"],
                       agency_code=row["agency_code"], topic=row["topic"], deadline=due_on, days_overdue=days)


async def _repeated_matters(uow: UnitOfWork, period: ReportPeriod, total: int) -> RepeatedMatters:
    in_matters, repeated, top = await report_repository.repeated_matters(uow.session, period.as_of, TOP_MATTERS)
    repeats = in_matters - repeated
    return RepeatedMatters(matters=total - repeats, repeated_matters=repeated,
                           petitions_in_repeated_matters=in_matters, repeat_petitions=repeats,
                           top=[RepeatedMatter(**row) for row in top])


async def _spot_checks(uow: UnitOfWork, period: ReportPeriod) -> SpotCheckSummary:
    outcomes = await spot_check_service.outcomes_between(uow, period.start, period.end)
    conclusions = Counter(lot.conclusion for outcome in outcomes for lot in outcome.lots)
    items = [SpotCheckOutcome(id=o.id, assigned_to=o.assigned_to, period_from=o.period_from, period_to=o.period_to,
                              created_at=o.created_at,
                              lots=[SpotCheckLotOutcome(**lot.model_dump()) for lot in o.lots])
             for o in outcomes]
    return SpotCheckSummary(count=len(items), items=items,
                            conclusions={key: conclusions.get(key, 0) for key in labels.CONCLUSION})


async def _agency_names(session, settings: MonitoringSettings) -> dict[str, str]:
    """The shipped catalog's names, with those routing announced since laid over them."""
    try:
        shipped = load_catalog(settings.catalog_file)
    except (OSError, ValueError, KeyError):
        shipped = Catalog({}, {})
    catalog = await current_catalog(session, shipped, agency_model=CatalogAgency)
    return {code: agency.name for code, agency in catalog.agencies.items()}


def _labels(cube: list[dict], agency_names: dict[str, str]) -> dict[str, dict[str, str]]:
    agencies = {row["agency_code"] for row in cube}
    return {
        "status": dict(labels.STATUS), "level": dict(labels.LEVEL), "topic": dict(labels.TOPIC),
        "timeliness": dict(labels.TIMELINESS), "conclusion": dict(labels.CONCLUSION),
        "agency": {code: _agency_name(code, agency_names) for code in sorted(agencies)},
    }


def _agency_name(code: str, names: dict[str, str]) -> str:
    return labels.UNASSIGNED_AGENCY if code == "unassigned" else names.get(code, code)
