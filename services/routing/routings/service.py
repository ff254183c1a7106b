"""Routing of each petition: classify on receipt, confirm or correct by the secretariat, review on return.

Every change is a new history entry; every assignment and reassignment emits petitions.routed
(through the outbox of the caller's unit of work). Nothing here commits.
"""

import uuid
from dataclasses import asdict, dataclass

from services.routing.catalog import service as catalog_service
from services.routing.classification.decision import Decision, PetitionInput
from services.routing.classification.holder import ClassifierHolder
from services.routing.learning import service as learning_service
from services.routing.routings import repository as routing_repository
from services.routing.routings.models import (
    ASSIGNED,
    NEEDS_REVIEW,
    WITHDRAWN,
    Routing,
    RoutingEntry,
)
from services.routing.routings.schemas import AssignmentIn
from shared.auth import Principal
from shared.errors import conflict, forbidden, invalid, not_found
from shared.events import (
    PetitionCorrected,
    PetitionReceived,
    PetitionReturned,
    PetitionRouted,
    PetitionWithdrawn,
    is_stale,
)
from shared.messaging import PoisonMessage
from shared.pagination import decode_cursor, page_of
from shared.persistence import utcnow
from shared.scope import agency_filter, ensure_sees
from shared.unit_of_work import UnitOfWork

CLASSIFIER = "classifier"


@dataclass
class RoutingContext:
    """What routing decisions need besides the database: the classifier and the review threshold."""

    holder: ClassifierHolder
    review_threshold: float | None = None  # None: the active model version's (or the rules') threshold

    def threshold_for(self, decision: Decision) -> float:
        return self.review_threshold if self.review_threshold is not None else decision.threshold


async def route_received(uow: UnitOfWork, context: RoutingContext, petition_id: uuid.UUID,
                         data: PetitionReceived, source: str) -> Routing | None:
    """Classify a newly received petition; None when it was routed before (a redelivery)."""
    db = uow.session
    if await routing_repository.exists(db, petition_id):
        return None
    classifier = await learning_service.current_classifier(db, context.holder, per_session=True)
    decision = classifier.classify(PetitionInput(data.content, data.unit_code or data.meeting_unit_code))
    threshold = context.threshold_for(decision)
    # A district or commune route with no known unit proposes the province's People's Committee: that
    # proposal is for a person to finish, whatever threshold an operator sets.
    placed = classifier.agencies[decision.agency_code].level == decision.level
    confident = placed and decision.confidence >= threshold
    routing = Routing(
        petition_id=petition_id, petition_code=data.code, unit_code=data.unit_code,
        meeting_unit_code=data.meeting_unit_code, content=data.content, returned_by=[], routed_count=0,
        state=ASSIGNED if confident else NEEDS_REVIEW, queued_at=utcnow(), **_proposal(decision),
    )
    await routing_repository.add(db, routing)
    await _record(db, routing, "classified", CLASSIFIER, source, explanation=list(decision.explanation),
                  decision=_audit(decision))
    if confident:
        _emit_routed(uow, routing, CLASSIFIER, reason=None)
    else:
        reason = f"Độ tin cậy {decision.confidence:.2f} thấp hơn ngưỡng {threshold:.2f}: chờ thư ký xem xét"
        await _record(db, routing, "queued", CLASSIFIER, source, reason=reason)
    return routing


async def assign(uow: UnitOfWork, petition_id: uuid.UUID, payload: AssignmentIn, user: Principal,
                 source: str) -> Routing:
    """The secretariat confirms the proposal or assigns another body; the history keeps who and why."""
    db = uow.session
    routing = await _get(db, petition_id, for_update=True)
    if routing.state == WITHDRAWN:
        raise conflict(f"Kiến nghị {routing.petition_code} đã bị rút: không giao cơ quan nào")
    agency = await catalog_service.agency_exists(db, payload.agency_code)
    if agency is None:
        raise invalid("agency_code", f"Cơ quan {payload.agency_code} không có trong danh mục")
    if agency.level != payload.level:
        raise invalid("level", f"Cơ quan {agency.code} thuộc cấp {agency.level}, không phải {payload.level}")
    unchanged = (routing.level, routing.agency_code) == (payload.level, payload.agency_code)
    topic = payload.topic or routing.topic
    # A topic-only correction is still a new decision: reports must follow it.
    announce = not unchanged or routing.state != ASSIGNED or topic != routing.topic
    action = "confirmed" if unchanged else "corrected"
    routing.level, routing.agency_code, routing.topic = payload.level, payload.agency_code, topic
    routing.state, routing.confidence = ASSIGNED, 1.0
    routing.explanation = [f"Thư ký {user.sub} {'xác nhận' if unchanged else 'điều chỉnh'}: {payload.reason}",
                           *[line for line in routing.explanation if not line.startswith("Thư ký ")]]
    await _record(db, routing, action, user.sub, source, reason=payload.reason)
    await learning_service.record_decision(
        db, petition_id=routing.petition_id, content=routing.content,
        unit_code=routing.unit_code or routing.meeting_unit_code, level=routing.level,
        agency_code=routing.agency_code, topic=routing.topic, by=user.sub,
        origin="reassigned" if routing.returned_by else action)
    if announce:
        _emit_routed(uow, routing, user.sub, reason=payload.reason)
    await db.flush()
    return routing


async def record_return(uow: UnitOfWork, context: RoutingContext, petition_id: uuid.UUID,
                        data: PetitionReturned, source: str) -> Routing:
    """An agency says the petition is not within its competence: back to review, never to it again automatically."""
    db = uow.session
    routing = await routing_repository.get(db, petition_id, for_update=True)
    if routing is None:
        raise PoisonMessage(f"petition {petition_id} returned but never received by routing")
    note = f"{data.agency_code} trả lại: {data.note}"
    if routing.state != ASSIGNED or routing.agency_code != data.agency_code:
        await _record(db, routing, "return_ignored", data.by, source, reason=note + " (không còn được giao cơ quan này)")
        return routing
    routing.returned_by = [*routing.returned_by, data.agency_code]
    classifier = await learning_service.current_classifier(db, context.holder, per_session=True)
    decision = classifier.classify(PetitionInput(routing.content, routing.unit_code or routing.meeting_unit_code),
                                   exclude=frozenset(routing.returned_by))
    for key, value in _proposal(decision).items():
        setattr(routing, key, value)
    routing.explanation = [f"Cơ quan {note}", *decision.explanation]
    routing.state, routing.queued_at = NEEDS_REVIEW, utcnow()
    await _record(db, routing, "returned", data.by, source, reason=note, agency_code=data.agency_code)
    await _record(db, routing, "queued", CLASSIFIER, source, explanation=list(decision.explanation),
                  reason="Đề xuất mới, không gồm cơ quan đã trả lại; chờ thư ký quyết định", decision=_audit(decision))
    return routing


class PetitionNotYetRouted(RuntimeError):
    """A correction or withdrawal of a petition routing has not received yet: retried later."""


async def _followed(db, petition_id: uuid.UUID, sequence: int | None) -> Routing | None:
    """The routing an intake change applies to; None when it is not newer than the last one applied."""
    routing = await routing_repository.get(db, petition_id, for_update=True)
    if routing is None:
        raise PetitionNotYetRouted(f"petition {petition_id} changed before routing received it")
    if is_stale(sequence, routing.intake_revision):
        return None
    routing.intake_revision = sequence or routing.intake_revision
    return routing


async def record_correction(uow: UnitOfWork, context: RoutingContext, petition_id: uuid.UUID,
                            data: PetitionCorrected, sequence: int | None, source: str) -> Routing | None:
    """A corrected content or unit is classified again, unless a person decided: then it waits for review."""
    db = uow.session
    routing = await _followed(db, petition_id, sequence)
    if routing is None:
        return await routing_repository.get(db, petition_id)
    reroute = routing.state != WITHDRAWN and (routing.content, routing.unit_code) != (data.content, data.unit_code)
    routing.content, routing.unit_code, routing.meeting_unit_code = data.content, data.unit_code, data.meeting_unit_code
    await _record(db, routing, "petition_corrected", data.by, source,
                  reason=f"Thư ký đính chính ({', '.join(data.fields)}): {data.reason}")
    if not reroute:
        return routing
    classifier = await learning_service.current_classifier(db, context.holder, per_session=True)
    decision = classifier.classify(PetitionInput(routing.content, routing.unit_code or routing.meeting_unit_code),
                                   exclude=frozenset(routing.returned_by))
    if await routing_repository.decided_by_person(db, petition_id):
        await _queue(db, routing, decision, source, "Nội dung hoặc đơn vị đã đính chính sau khi thư ký quyết định: "
                                                   "đề xuất mới, chờ thư ký xem xét lại")
        return routing
    await _decide(uow, context, routing, decision, classifier, source)
    return routing


async def record_withdrawal(uow: UnitOfWork, petition_id: uuid.UUID, data: PetitionWithdrawn,
                            sequence: int | None, source: str) -> Routing | None:
    """Intake withdrew the petition: it leaves the review queue and is never assigned again."""
    routing = await _followed(uow.session, petition_id, sequence)
    if routing is None:
        return None
    routing.state = WITHDRAWN
    await _record(uow.session, routing, "withdrawn", data.by, source, reason=data.reason)
    return routing


async def _queue(db, routing: Routing, decision: Decision, source: str, reason: str) -> None:
    for key, value in _proposal(decision).items():
        setattr(routing, key, value)
    routing.state, routing.queued_at = NEEDS_REVIEW, utcnow()
    await _record(db, routing, "queued", CLASSIFIER, source, explanation=list(decision.explanation), reason=reason,
                  decision=_audit(decision))


async def _decide(uow: UnitOfWork, context: RoutingContext, routing: Routing, decision: Decision, classifier,
                  source: str) -> None:
    """The classifier's decision on a corrected petition: assigned (announced when it changes) or queued."""
    before = (routing.state, routing.level, routing.agency_code, routing.topic)
    threshold = context.threshold_for(decision)
    placed = classifier.agencies[decision.agency_code].level == decision.level
    if not (placed and decision.confidence >= threshold):
        await _queue(uow.session, routing, decision, source,
                     f"Độ tin cậy {decision.confidence:.2f} thấp hơn ngưỡng {threshold:.2f}: chờ thư ký xem xét")
        return
    for key, value in _proposal(decision).items():
        setattr(routing, key, value)
    routing.state = ASSIGNED
    await _record(uow.session, routing, "classified", CLASSIFIER, source, explanation=list(decision.explanation),
                  decision=_audit(decision))
    if before != (routing.state, routing.level, routing.agency_code, routing.topic):
        _emit_routed(uow, routing, CLASSIFIER, reason="Phân loại lại sau khi đính chính kiến nghị")


async def get_routing(uow: UnitOfWork, petition_id: uuid.UUID, user: Principal) -> tuple[Routing, list[RoutingEntry]]:
    routing = await _get(uow.session, petition_id)
    # An agency sees a routing only once it is assigned to it (a proposal under review is not yet its own).
    held = routing.agency_code if routing.state == ASSIGNED else None
    ensure_sees(user, held, "Kiến nghị này không được giao cho cơ quan của bạn")
    return routing, await routing_repository.history(uow.session, petition_id)


async def list_routings(uow: UnitOfWork, user: Principal, *, state: str | None, agency_code: str | None,
                        level: str | None, topic: str | None, cursor: str | None,
                        limit: int, petition_ids: list[uuid.UUID] | None = None) -> tuple[list[Routing], str | None]:
    refusal = "Cơ quan chỉ xem được các kiến nghị đã giao cho mình"
    agency_code = agency_filter(user, agency_code, refusal)
    if user.role == "agency":  # and only what is assigned, not what is proposed
        if state not in (None, ASSIGNED):
            raise forbidden(refusal)
        state = ASSIGNED
    rows = await routing_repository.page(uow.session, state=state, agency_code=agency_code, level=level,
                                         topic=topic, after=decode_cursor(cursor), limit=limit,
                                         petition_ids=petition_ids)
    return page_of(rows, limit, lambda routing: (routing.queued_at, routing.petition_id))


def _proposal(decision: Decision) -> dict:
    return {"level": decision.level, "agency_code": decision.agency_code, "topic": decision.topic,
            "confidence": decision.confidence, "explanation": list(decision.explanation),
            "rule_id": decision.rule_id, "rule_hits": list(decision.rule_hits), "model_version": decision.model_version,
            "candidates": [asdict(c) for c in decision.candidates], "place": dict(decision.place),
            "cooperating": list(decision.cooperating)}


def _audit(decision: Decision) -> dict:
    """The decision's fields as the history keeps them (the same as the routing row's, at that moment)."""
    proposal = _proposal(decision)
    return {key: proposal[key] for key in ("rule_id", "rule_hits", "model_version", "candidates", "place",
                                           "cooperating")}


async def _get(db, petition_id: uuid.UUID, for_update: bool = False) -> Routing:
    routing = await routing_repository.get(db, petition_id, for_update=for_update)
    if routing is None:
        raise not_found("Kiến nghị (trong phân loại)", petition_id)
    return routing


async def _record(db, routing: Routing, action: str, by: str, source: str, *, reason: str | None = None,
                  explanation: list[str] | None = None, agency_code: str | None = None,
                  decision: dict | None = None) -> None:
    await routing_repository.add_entry(db, RoutingEntry(
        petition_id=routing.petition_id, at=utcnow(), action=action, by=by, level=routing.level,
        agency_code=agency_code or routing.agency_code, topic=routing.topic, confidence=routing.confidence,
        reason=reason, explanation=explanation, source=source, decision=decision,
    ))


def _emit_routed(uow: UnitOfWork, routing: Routing, decided_by: str, reason: str | None) -> None:
    # routed_count is the decision number: consumers drop a routed event older than one they applied.
    routing.routed_count += 1
    uow.emit(routing.petition_id, PetitionRouted(
        level=routing.level, agency_code=routing.agency_code, topic=routing.topic, confidence=routing.confidence,
        explanation=list(routing.explanation), decided_by=decided_by, reason=reason,
        reassignment=routing.routed_count > 1,
    ), sequence=routing.routed_count)

