"""Limits enforced before any work is done: request body size (413) and per-client rates (429).

Both are plain ASGI middlewares, so they act before routing, before the body is read and before the
token is checked: a 300 MB request without a token costs the limit, not 300 MB.
"""

import hashlib
import math
import time
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException

from shared.errors import FieldError, ProblemError, problem_response

MIB = 1024 * 1024
UPLOAD_PATHS = ("/petitions:import",)  # the only endpoints taking files (also behind the web proxy)
MULTIPART_SLACK = 64 * 1024  # the form's boundaries and headers around the file itself
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_upload(path: str) -> bool:
    return path.endswith(UPLOAD_PATHS)


def _size_text(limit: int) -> str:
    return f"{limit / MIB:.1f} MiB" if limit >= MIB else f"{limit // 1024} KiB"


class BodyTooLarge(HTTPException):
    """Raised while the body streams in; an HTTPException so FastAPI's body parsing lets it through."""

    def __init__(self, problem: ProblemError):
        super().__init__(413, problem.detail)
        self.problem = problem


def body_too_large(path: str, limit: int) -> ProblemError:
    field = "file" if is_upload(path) else "body"
    message = f"Dữ liệu gửi lên vượt giới hạn {_size_text(limit)}"
    return ProblemError(413, message, type="/problems/too-large", errors=[FieldError(field, message)],
                        extensions={"limit_bytes": limit})


class BodyLimitMiddleware:
    """Refuses a body above its limit: by Content-Length before reading, else while counting the stream."""

    def __init__(self, app, json_limit: int, upload_limit: int):
        self.app, self.json_limit, self.upload_limit = app, json_limit, upload_limit + MULTIPART_SLACK

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        limit = self.upload_limit if is_upload(path) else self.json_limit
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await problem_response(body_too_large(path, limit))(scope, receive, send)
            return
        received = 0

        async def counting_receive():
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(body_too_large(path, limit))
            return message

        await self.app(scope, counting_receive, send)


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    """`per_minute` requests a minute per key, in bursts of at most `per_minute` (kept in this process)."""

    MAX_KEYS = 10_000

    def __init__(self, per_minute: int):
        self.capacity, self.rate = float(per_minute), per_minute / 60.0
        self._buckets: dict[str, _Bucket] = {}

    def _bucket(self, key: str, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.MAX_KEYS:
                self._forget_full(now)
            bucket = self._buckets[key] = _Bucket(self.capacity, now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        return bucket

    def _forget_full(self, now: float) -> None:
        # A full bucket is the same as no bucket: dropping those keeps memory bounded.
        for key in [k for k, b in self._buckets.items() if b.tokens + (now - b.updated) * self.rate >= self.capacity]:
            del self._buckets[key]

    def wait(self, key: str) -> int:
        """Seconds until `key` may go on (0: now), without taking anything."""
        bucket = self._bucket(key, time.monotonic())
        return 0 if bucket.tokens >= 1 else math.ceil((1 - bucket.tokens) / self.rate)

    def take(self, key: str) -> None:
        bucket = self._bucket(key, time.monotonic())
        bucket.tokens = max(bucket.tokens - 1, 0.0)


@dataclass(frozen=True)
class RateLimits:
    """Per minute and per client; 0 turns a limit off."""

    writes: int
    imports: int
    auth_failures: int


def _client_address(scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


def _client_token(scope) -> str:
    # An officer is the token they hold (behind the web proxy every officer has the proxy's address);
    # hashed, so the table of buckets never holds a usable token.
    authorization = Headers(scope=scope).get("authorization")
    if not authorization:
        return "address:" + _client_address(scope)
    return "token:" + hashlib.sha256(authorization.encode()).hexdigest()


def too_many(kind: str, retry_after: int) -> ProblemError:
    what = {"writes": "ghi dữ liệu", "imports": "nhập tệp", "auth_failures": "đăng nhập sai"}[kind]
    return ProblemError(429, f"Quá nhiều yêu cầu {what} trong một phút; hãy thử lại sau {retry_after} giây",
                        type="/problems/rate-limited", extensions={"retry_after": retry_after})


class RateLimitMiddleware:
    """Writes and imports per token; failed sign-ins (401 answers) per address, which then wait."""

    def __init__(self, app, limits: RateLimits):
        self.app = app
        self.buckets = {kind: TokenBuckets(per_minute) for kind, per_minute in vars(limits).items() if per_minute}

    def _checks(self, scope) -> list[tuple[str, str]]:
        checks = [("auth_failures", "address:" + _client_address(scope))]
        if scope["method"] not in READ_METHODS:
            checks.append(("imports" if is_upload(scope["path"]) else "writes", _client_token(scope)))
        return [(kind, key) for kind, key in checks if kind in self.buckets]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        checks = self._checks(scope)
        for kind, key in checks:
            retry_after = self.buckets[kind].wait(key)
            if retry_after:
                response = problem_response(too_many(kind, retry_after), headers={"Retry-After": str(retry_after)})
                await response(scope, receive, send)
                return
        for kind, key in checks:
            if kind != "auth_failures":
                self.buckets[kind].take(key)

        async def send_watching(message):
            if message["type"] == "http.response.start" and message["status"] == 401 and "auth_failures" in self.buckets:
                self.buckets["auth_failures"].take("address:" + _client_address(scope))
            await send(message)

        await self.app(scope, receive, send_watching)


def install_limits(app, settings) -> None:
    """Both limits on `app` (a service or the web pages), from its settings."""
    app.add_middleware(BodyLimitMiddleware, json_limit=settings.body_max_bytes,
                       upload_limit=settings.import_max_bytes)
    app.add_middleware(RateLimitMiddleware, limits=RateLimits(
        writes=settings.rate_limit_writes_per_minute, imports=settings.rate_limit_imports_per_minute,
        auth_failures=settings.rate_limit_auth_failures_per_minute))
