"""Giám sát xác suất: draw a reproducible stratified sample, record findings, conclude per agency."""

import json
import uuid
from collections import defaultdict
from datetime import datetime

from services.monitoring.errors import InvalidValue
from services.monitoring.settings import MonitoringSettings
from services.monitoring.spot_checks import repository as spot_check_repository
from services.monitoring.spot_checks.decision import (
    FAILURE_VERDICTS,
    StageResult,
    conclude,
)
from services.monitoring.spot_checks.models import (
    SpotCheck,
    SpotCheckFinding,
    SpotCheckItem,
    SpotCheckLot,
)
from services.monitoring.spot_checks.sampling import draw_order, lot_hash, new_seed
from services.monitoring.spot_checks.schemas import (
    FindingCreate,
    LotOut,
    LotPlanOut,
    PlanOut,
    SampleItem,
    SpotCheckCreate,
    SpotCheckOut,
)
from services.monitoring.spot_checks.statistics import clopper_pearson_upper, plan_lot
from services.monitoring.tracking import service as petition_service
from services.monitoring.tracking.deadlines import local_day_start
from shared.auth import Principal
from shared.errors import not_found
from shared.unit_of_work import UnitOfWork

METHOD = ("Hypergeometric, two stages planned in advance: stage 1 of n1 accepts the lot with no failure; "
          "exactly one failure draws n2 more, accepted only if they hold none; otherwise refer.")
ORDER = 'ascending SHA-256 hex of "<seed>:<petition id>" (UTF-8), per lot; lot_hash = SHA-256 of sorted ids joined by "\\n"'


async def create(uow: UnitOfWork, payload: SpotCheckCreate, user: Principal, settings: MonitoringSettings,
                 now: datetime, request_id: str | None = None) -> SpotCheck:
    start, end = local_day_start(payload.period_from, settings.tz), local_day_start(payload.period_to, settings.tz, 1)
    resolved = await petition_service.resolved_between(uow, start, end, payload.agency_codes, payload.level)
    if not resolved:
        raise InvalidValue("period_from", "Không có kiến nghị nào được báo cáo đã giải quyết trong thời gian và "
                                          "phạm vi này; hãy chọn khoảng thời gian hoặc cơ quan khác")
    spot_check = SpotCheck(
        id=uuid.uuid4(), seed=payload.seed or new_seed(), period_from=payload.period_from,
        period_to=payload.period_to, level=payload.level, confidence=payload.confidence,
        tolerable_rate=payload.tolerable_rate, assigned_to=payload.assigned_to, created_by=user.sub,
        created_at=now, request_id=request_id,
        agency_codes=json.dumps(payload.agency_codes) if payload.agency_codes else None,
    )
    by_agency: dict[str, list[uuid.UUID]] = defaultdict(list)
    for petition_id, agency_code in resolved:
        by_agency[agency_code].append(petition_id)
    lots, items = [], []
    for agency_code, petition_ids in sorted(by_agency.items()):
        lot, lot_items = _draw_lot(spot_check, agency_code, petition_ids)
        lots.append(lot)
        items.extend(lot_items)
    spot_check_repository.add(uow.session, spot_check, lots)
    await spot_check_repository.add_items(uow.session, items)
    return spot_check


def _draw_lot(spot_check: SpotCheck, agency_code: str, petition_ids: list[uuid.UUID]) -> tuple[SpotCheckLot, list[dict]]:
    plan = plan_lot(len(petition_ids), spot_check.tolerable_rate, spot_check.confidence)
    lot = SpotCheckLot(spot_check_id=spot_check.id, agency_code=agency_code, lot_size=plan.lot_size,
                       lot_hash=lot_hash(petition_ids), defects_assumed=plan.defects_assumed, n1=plan.n1,
                       n2=plan.n2, risk=plan.risk)
    items = [dict(spot_check_id=spot_check.id, petition_id=petition_id, agency_code=agency_code, rank=rank,
                  order_key=key, stage=1 if rank <= plan.n1 else None)
             for rank, (petition_id, key) in enumerate(draw_order(spot_check.seed, petition_ids), start=1)]
    return lot, items


async def _get(uow: UnitOfWork, spot_check_id: uuid.UUID) -> SpotCheck:
    spot_check = await spot_check_repository.get(uow.session, spot_check_id)
    if spot_check is None:
        raise not_found("Đợt giám sát", spot_check_id)
    return spot_check


async def add_finding(uow: UnitOfWork, spot_check_id: uuid.UUID, payload: FindingCreate, user: Principal,
                      settings: MonitoringSettings, now: datetime, request_id: str | None = None) -> SpotCheck:
    spot_check = await _get(uow, spot_check_id)
    item = await spot_check_repository.item(uow.session, spot_check_id, payload.petition_id)
    if item is None or item.stage is None:
        raise InvalidValue("petition_id", "Kiến nghị này không nằm trong mẫu của đợt giám sát")
    spot_check_repository.add_finding(uow.session, SpotCheckFinding(
        spot_check_id=spot_check_id, petition_id=payload.petition_id, verdict=payload.verdict, note=payload.note,
        by=user.sub, at=now, request_id=request_id,
    ))
    petition = await petition_service.get_for_update(uow, payload.petition_id)
    await petition_service.record_finding(uow, petition, spot_check_id=spot_check_id, verdict=payload.verdict,
                                          note=payload.note, by=user.sub, at=now, tz=settings.tz,
                                          request_id=request_id)
    await uow.session.flush()
    await _widen_if_planned(uow, spot_check, item.agency_code, now)
    return spot_check


async def _widen_if_planned(uow: UnitOfWork, spot_check: SpotCheck, agency_code: str, now: datetime) -> None:
    """Exactly one failure in a complete first stage: draw the pre-registered second stage."""
    lot = await spot_check_repository.lot(uow.session, spot_check.id, agency_code)
    if lot.n2 is None or lot.second_stage_drawn_at is not None:
        return
    sample = [i for i in await spot_check_repository.sample(uow.session, spot_check.id) if i.agency_code == agency_code]
    findings = await spot_check_repository.latest_findings(uow.session, spot_check.id)
    first = _stage_result(sample, findings, stage=1)
    if first.complete and first.failures == 1:
        await spot_check_repository.draw_second_stage(uow.session, lot, now)


def _stage_result(items: list[SpotCheckItem], findings: dict, stage: int) -> StageResult:
    in_stage = [i for i in items if i.stage == stage]
    verdicts = [findings[i.petition_id].verdict for i in in_stage if i.petition_id in findings]
    return StageResult(drawn=len(in_stage), judged=len(verdicts),
                       failures=sum(v in FAILURE_VERDICTS for v in verdicts))


def _lot_out(lot: SpotCheckLot, items: list[SpotCheckItem], findings: dict, confidence: float) -> LotOut:
    first = _stage_result(items, findings, 1)
    second = _stage_result(items, findings, 2) if lot.second_stage_drawn_at else None
    judged = first.judged + (second.judged if second else 0)
    failures = first.failures + (second.failures if second else 0)
    return LotOut(
        agency_code=lot.agency_code, lot_size=lot.lot_size, sample_size=len(items), judged=judged,
        failures=failures, failure_rate=round(failures / judged, 4) if judged else None,
        upper_bound=round(clopper_pearson_upper(failures, judged, confidence), 4) if judged else None,
        conclusion=conclude(first, second, lot.n2 is not None),
    )


async def describe(uow: UnitOfWork, spot_check: SpotCheck) -> SpotCheckOut:
    lots = await spot_check_repository.lots(uow.session, spot_check.id)
    sample = await spot_check_repository.sample(uow.session, spot_check.id)
    findings = await spot_check_repository.latest_findings(uow.session, spot_check.id)
    codes = await petition_service.codes(uow, [i.petition_id for i in sample])
    by_lot: dict[str, list[SpotCheckItem]] = defaultdict(list)
    for sampled in sample:
        by_lot[sampled.agency_code].append(sampled)
    return SpotCheckOut(
        id=spot_check.id, seed=spot_check.seed, period_from=spot_check.period_from,
        period_to=spot_check.period_to, level=spot_check.level, assigned_to=spot_check.assigned_to,
        agency_codes=json.loads(spot_check.agency_codes) if spot_check.agency_codes else None,
        created_by=spot_check.created_by, created_at=spot_check.created_at,
        plan=PlanOut(method=METHOD, order=ORDER, confidence=spot_check.confidence,
                     tolerable_rate=spot_check.tolerable_rate,
                     lots=[LotPlanOut.model_validate(lot, from_attributes=True) for lot in lots]),
        sample=[_sample_item(i, codes, findings) for i in sample],
        lots=[_lot_out(lot, by_lot[lot.agency_code], findings, spot_check.confidence) for lot in lots],
    )


def _sample_item(item: SpotCheckItem, codes: dict, findings: dict) -> SampleItem:
    finding = findings.get(item.petition_id)
    return SampleItem(petition_id=item.petition_id, agency_code=item.agency_code, code=codes.get(item.petition_id),
                      stage=item.stage, rank=item.rank, verdict=finding.verdict if finding else None,
                      note=finding.note if finding else None)


async def get(uow: UnitOfWork, spot_check_id: uuid.UUID) -> SpotCheckOut:
    return await describe(uow, await _get(uow, spot_check_id))


async def outcomes_between(uow: UnitOfWork, start: datetime, end: datetime) -> list[SpotCheckOut]:
    """Spot-checks created in [start, end), with their current per-agency conclusions (for reports)."""
    return [await describe(uow, s) for s in await spot_check_repository.created_between(uow.session, start, end)]


async def list_recent(uow: UnitOfWork, limit: int) -> list[SpotCheck]:
    return await spot_check_repository.recent(uow.session, limit)
