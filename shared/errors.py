"""RFC 9457 problem+json for every error a service answers, validation included."""

import logging
import traceback
from dataclasses import dataclass, field

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.validation_messages import vietnamese_message

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
RETRY_AFTER_SECONDS = 5  # a database restart or failover usually takes a few seconds

_TITLES = {
    400: "Yêu cầu không hợp lệ",
    401: "Chưa xác thực",
    403: "Không có quyền",
    404: "Không tìm thấy",
    405: "Phương thức không được hỗ trợ",
    409: "Xung đột trạng thái",
    413: "Dữ liệu quá lớn",
    415: "Định dạng không được hỗ trợ",
    422: "Dữ liệu không hợp lệ",
    429: "Quá nhiều yêu cầu",
    500: "Lỗi máy chủ",
    503: "Dịch vụ chưa sẵn sàng",
}


@dataclass
class FieldError:
    field: str
    message: str


@dataclass
class ProblemError(Exception):
    """The one error type services raise; routers and handlers never build responses by hand."""

    status: int
    detail: str
    title: str | None = None
    type: str = "about:blank"
    errors: list[FieldError] = field(default_factory=list)
    extensions: dict = field(default_factory=dict)  # extra members, e.g. an import report

    def __str__(self) -> str:
        return f"{self.status}: {self.detail}"


class FieldErrorOut(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details, as every error is answered (extensions such as an import `report`)."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldErrorOut] | None = None


DOCUMENTED_STATUSES = (401, 403, 404, 409, 413, 422, 429, 503)


def problem_responses() -> dict:
    """The problem+json answers every API route may give, for the OpenAPI documents."""
    return {status: {"model": Problem, "description": _TITLES[status]} for status in DOCUMENTED_STATUSES}


def document_problems_as_problem_json(document: dict) -> dict:
    """FastAPI files a response model under application/json; ours are application/problem+json."""
    for operation in (op for path in document.get("paths", {}).values() for op in path.values()):
        for status, response in operation.get("responses", {}).items():
            content = response.get("content", {})
            if status.isdigit() and int(status) in DOCUMENTED_STATUSES and "application/json" in content:
                content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
    return document


def not_found(what: str, ident: object) -> ProblemError:
    return ProblemError(404, f"{what} {ident} không tồn tại", type="/problems/not-found")


def invalid(field_name: str, message: str, detail: str | None = None) -> ProblemError:
    return ProblemError(
        422, detail or message, type="/problems/validation", errors=[FieldError(field_name, message)]
    )


def conflict(detail: str) -> ProblemError:
    return ProblemError(409, detail, type="/problems/conflict")


def forbidden(detail: str) -> ProblemError:
    return ProblemError(403, detail, type="/problems/forbidden")


def unavailable(detail: str) -> ProblemError:
    """Not now, through no fault of the request: answered 503 with Retry-After, nothing written."""
    return ProblemError(503, detail, type="/problems/unavailable")


def problem_response(problem: ProblemError, headers: dict | None = None) -> JSONResponse:
    body = {
        "type": problem.type,
        "title": problem.title or _TITLES.get(problem.status, "Lỗi"),
        "status": problem.status,
        "detail": problem.detail,
    }
    if problem.errors:
        body["errors"] = [{"field": e.field, "message": e.message} for e in problem.errors]
    body.update(problem.extensions)
    return JSONResponse(body, status_code=problem.status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _field_path(loc: tuple) -> str:
    # Drop the "body"/"query" prefix FastAPI adds: the person fixes "content", not "body.content".
    parts = [str(p) for p in loc[1:]] if loc and loc[0] in ("body", "query", "path", "header") else list(map(str, loc))
    return ".".join(parts) or str(loc[0] if loc else "body")


def _validation_problem(exc: RequestValidationError) -> ProblemError:
    errors = [FieldError(_field_path(tuple(e.get("loc", ()))), vietnamese_message(e)) for e in exc.errors()]
    summary = "; ".join(f"{e.field}: {e.message}" for e in errors[:5])
    return ProblemError(422, f"Dữ liệu không hợp lệ — {summary}", type="/problems/validation", errors=errors)


# FastAPI's answer to a body it cannot decode at all (not UTF-8, a broken form): the same 422 on `body`
# as a body that is not JSON, in Vietnamese.
_UNREADABLE_BODY = "There was an error parsing the body"


def http_problem(exc: StarletteHTTPException) -> ProblemError:
    # Some carry their problem (shared.limits.BodyTooLarge): raised where only an HTTPException passes.
    problem = getattr(exc, "problem", None)
    if problem is not None:
        return problem
    if exc.status_code == 400 and exc.detail == _UNREADABLE_BODY:
        return invalid("body", "Nội dung gửi lên không đọc được: cần JSON mã hóa UTF-8 (hoặc biểu mẫu tệp hợp lệ)")
    return ProblemError(exc.status_code, str(exc.detail))


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(ProblemError)
    async def _problem(_request: Request, exc: ProblemError):
        return problem_response(exc, headers={"Retry-After": str(RETRY_AFTER_SECONDS)} if exc.status == 503 else None)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError):
        return problem_response(_validation_problem(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException):
        return problem_response(http_problem(exc), headers=getattr(exc, "headers", None))

    async def _database(request: Request, exc: Exception):
        if not database_unavailable(exc):
            return await _unexpected(request, exc)
        # Nothing was written (the transaction never committed): the client may simply retry.
        logger.warning("database unavailable on %s %s: %s", request.method, request.url.path, type(exc).__name__)
        problem = ProblemError(503, "Cơ sở dữ liệu tạm thời không truy cập được; vui lòng thử lại.",
                               type="/problems/unavailable")
        return problem_response(problem, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})

    for exc_class in (sa_exc.DBAPIError, sa_exc.TimeoutError, ConnectionError):
        app.add_exception_handler(exc_class, _database)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        if database_unavailable(exc):  # a driver error SQLAlchemy let through unwrapped (e.g. at connect)
            return await _database(request, exc)
        # Answered outside every middleware: the request id is added here, to the log line and the answer.
        request_id = getattr(request.state, "request_id", None)
        logger.error("unhandled %s on %s %s\n%s", type(exc).__name__, request.method, request.url.path,
                     where_it_failed(exc), extra={"request_id": request_id} if request_id else None)
        return problem_response(ProblemError(500, "Lỗi không mong đợi; đã được ghi nhận."),
                                headers={"X-Request-ID": request_id} if request_id else None)


def where_it_failed(exc: BaseException) -> str:
    """The traceback's frames without the exception's message.

    A message may quote the request (a driver error quotes the row, a validation error its input),
    and a request may hold petitioners' names, addresses and phones: logs keep only where it failed.
    """
    return "".join(traceback.format_tb(exc.__traceback__))


# PostgreSQL SQLSTATEs meaning "not now": connection exceptions (class 08), shutting down or starting
# up (57P01-57P03), too many connections (53300).
_UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")


def database_unavailable(exc: BaseException) -> bool:
    """A database that cannot be reached or is busy, as opposed to a bug: worth a retry."""
    seen: BaseException | None = exc
    for _depth in range(10):  # the cause chain, bounded: a chain can loop back on itself
        if seen is None:
            return False
        if isinstance(seen, sa_exc.DBAPIError) and seen.connection_invalidated:
            return True
        if isinstance(seen, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError,
                             ConnectionError, TimeoutError)):
            return True
        if str(getattr(seen, "sqlstate", "") or "").startswith(_UNAVAILABLE_SQLSTATES):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
