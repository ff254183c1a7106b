"""Same-origin reverse proxy: /api/<service>/<path> → the service, so the browser needs no CORS.

Method, query and body go through unchanged, with the bearer token of the signed-in officer (minted for
the call; a caller without a session, such as a script, may send its own Authorization header); the
answer's status, body and content type come back unchanged (problem+json included). A write carried by
the session cookie must come from this origin (CSRF). An unreachable service is a 502
problem+json in Vietnamese, a service too slow to answer a 504.
"""

import logging
import uuid

import httpx
from fastapi import APIRouter, Request, Response

from services.web.accounts.sessions import check_origin, signed_in, upstream_bearer
from services.web.dependencies import upstreams as upstreams_of
from services.web.metrics import WebMetrics
from services.web.settings import WebSettings
from shared.errors import ProblemError

logger = logging.getLogger(__name__)

UPSTREAM_LABELS = {
    "intake": "tiếp nhận kiến nghị (intake)",
    "routing": "phân loại và giao cơ quan (routing)",
    "monitoring": "theo dõi, giám sát (monitoring)",
}
REQUEST_HEADERS = ("content-type", "accept", "accept-language", "x-request-id", "prefer")
RESPONSE_HEADERS = ("content-type", "content-disposition", "location", "www-authenticate", "retry-after",
                    "cache-control", "x-request-id")
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
# The services' interactive docs load scripts from a CDN: not served on the pages' origin (use each
# service's own port). The OpenAPI documents are plain JSON and stay reachable.
HIDDEN_PATHS = ("docs", "redoc")


class Upstreams:
    """One pooled httpx client for the three services; made in the lifespan, closed at shutdown."""

    def __init__(self, settings: WebSettings, metrics: WebMetrics,
                 transport: httpx.AsyncBaseTransport | None = None):
        self.base_urls = settings.upstreams()
        self.metrics = metrics
        timeout = httpx.Timeout(settings.upstream_timeout, connect=settings.upstream_connect_timeout)
        self.client = httpx.AsyncClient(transport=transport, timeout=timeout, follow_redirects=False)

    async def aclose(self) -> None:
        await self.client.aclose()

    async def forward(self, upstream: str, path: str, request: Request, authorization: str | None) -> Response:
        url = f"{self.base_urls[upstream]}/{path}"
        headers = {name: request.headers[name] for name in REQUEST_HEADERS if name in request.headers}
        if authorization:
            headers["authorization"] = authorization
        headers.setdefault("x-request-id", str(uuid.uuid4()))
        try:
            answer = await self.client.request(request.method, url, params=request.url.query or None,
                                               headers=headers, content=await request.body())
        except httpx.TimeoutException as exc:
            self._count(upstream, "timeout")
            logger.warning("upstream %s timed out on %s %s: %s", upstream, request.method, path, type(exc).__name__)
            raise _upstream_problem(504, upstream, self.base_urls[upstream], "không trả lời kịp") from exc
        except httpx.TransportError as exc:
            self._count(upstream, "unreachable")
            logger.warning("upstream %s unreachable on %s %s: %s", upstream, request.method, path, type(exc).__name__)
            raise _upstream_problem(502, upstream, self.base_urls[upstream], "không kết nối được") from exc
        self._count(upstream, str(answer.status_code))
        kept = {name: answer.headers[name] for name in RESPONSE_HEADERS if name in answer.headers}
        return Response(content=answer.content, status_code=answer.status_code, headers=kept)

    async def get_json(self, upstream: str, path: str, params: list[tuple[str, str]], authorization: str) -> dict:
        """One GET of a service's JSON for the web service itself (exports); its refusal becomes ours."""
        try:
            answer = await self.client.get(f"{self.base_urls[upstream]}/{path}", params=params,
                                           headers={"authorization": authorization, "accept": "application/json"})
        except httpx.TransportError as exc:
            self._count(upstream, "unreachable")
            raise _upstream_problem(502, upstream, self.base_urls[upstream], "không kết nối được") from exc
        self._count(upstream, str(answer.status_code))
        if answer.status_code != 200:
            problem = answer.json() if answer.headers.get("content-type", "").endswith("json") else {}
            raise ProblemError(answer.status_code, problem.get("detail") or "Dịch vụ từ chối yêu cầu",
                               title=problem.get("title"), type=problem.get("type", "about:blank"))
        return answer.json()

    async def healthy(self, upstream: str) -> bool:
        try:
            answer = await self.client.get(f"{self.base_urls[upstream]}/healthz", timeout=2.0)
        except httpx.HTTPError:
            return False
        return answer.status_code == 200

    def _count(self, upstream: str, outcome: str) -> None:
        self.metrics.upstream_requests.labels(upstream, outcome).inc()


def _upstream_problem(status: int, upstream: str, base_url: str, what: str) -> ProblemError:
    label = UPSTREAM_LABELS[upstream]
    return ProblemError(
        status,
        f"Dịch vụ {label} tại {base_url} {what}. Hãy kiểm tra dịch vụ đã chạy chưa (make run) rồi thử lại.",
        title="Dịch vụ tạm thời không truy cập được" if status == 502 else "Dịch vụ phản hồi quá chậm",
        type="/problems/upstream-unavailable" if status == 502 else "/problems/upstream-timeout",
        extensions={"upstream": upstream},
    )


def _raw_subpath(request: Request, upstream: str) -> str:
    """The path after /api/<upstream>/ exactly as the browser sent it (percent-encoding kept)."""
    raw = request.scope.get("raw_path") or request.url.path.encode()
    return raw.decode("latin-1").split("?", 1)[0][len(f"/api/{upstream}/"):]


def _hidden(path: str) -> bool:
    """A docs page, or a path with dot segments (the upstream's URL handling could resolve them to one)."""
    segments = [segment for segment in path.split("/") if segment]
    return any(segment in (".", "..") for segment in segments) or bool(segments) and segments[0] in HIDDEN_PATHS


router = APIRouter(include_in_schema=False)


@router.api_route("/api/{upstream}/{path:path}", methods=METHODS)
async def proxy(upstream: str, path: str, request: Request) -> Response:
    if upstream not in UPSTREAM_LABELS:
        raise ProblemError(404, f"Không có dịch vụ «{upstream}»; chỉ có: {', '.join(UPSTREAM_LABELS)}",
                           type="/problems/not-found")
    if _hidden(path):
        raise ProblemError(404, f"Trang tài liệu API không mở qua trang web; xem trực tiếp tại cổng của dịch vụ {upstream}",
                           type="/problems/not-found")
    user = await signed_in(request)
    if user is not None:
        check_origin(request)
        authorization = "Bearer " + upstream_bearer(request, user)
    else:
        authorization = request.headers.get("authorization")
    upstreams = upstreams_of(request)
    return await upstreams.forward(upstream, _raw_subpath(request, upstream), request, authorization)
