"""The edge: monitoring's domain errors answered as problem+json (the domain itself knows no HTTP)."""

from fastapi import FastAPI, Request

from services.monitoring import labels
from services.monitoring.errors import DomainError, InvalidValue
from services.monitoring.tracking import state_machine as sm
from shared.errors import FieldError, ProblemError, conflict, invalid, problem_response


def as_problem(error: DomainError) -> ProblemError:
    if isinstance(error, InvalidValue):
        return invalid(error.field, error.message)
    if isinstance(error, sm.MissingDetails):
        errors = [FieldError(name, message) for name, message in zip(error.fields, error.messages, strict=True)]
        return ProblemError(422, "; ".join(error.messages), type="/problems/validation", errors=errors)
    if isinstance(error, sm.IllegalTransition):
        allowed = ", ".join(error.allowed) or "không có"
        return conflict(f"Kiến nghị {error.code} đang ở trạng thái «{labels.status(error.current)}»: "
                        f"không thể chuyển sang «{labels.status(error.target)}» (được phép: {allowed})")
    return conflict(str(error))


def install(app: FastAPI) -> None:
    async def _domain(_request: Request, error: DomainError):
        return problem_response(as_problem(error))

    app.add_exception_handler(DomainError, _domain)
