"""The load generator: runs alone on its own core (`taskset -c 0 python -m benchmarks.loadgen`).

Reads one JSON job on stdin, prints one JSON result on stdout. A minimal HTTP/1.1 keep-alive client on
asyncio streams rather than httpx: a full client's per-request work is of the order of the server's own
for /healthz, and the generator must be much faster than what it measures (the runner calibrates it
first against benchmarks.trivial_server and prints that ceiling). Jobs:
- closed: `concurrency` connections send back to back for `duration` s (after `warmup` s) → rate.
- open: POSTs at a fixed `rate` for `duration` s; each answer's petition id is then watched in
  monitoring's database until it is assigned → end-to-end latencies (see benchmarks.latency).
"""

import asyncio
import json
import sys
import time
from urllib.parse import urlsplit


def raw_request(url: str, method: str, headers: dict[str, str], body: str | None) -> bytes:
    parts = urlsplit(url)
    payload = body.encode() if body is not None else b""
    lines = [f"{method} {parts.path or '/'}{'?' + parts.query if parts.query else ''} HTTP/1.1",
             f"Host: {parts.netloc}", *(f"{k}: {v}" for k, v in headers.items())]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


class Connection:
    def __init__(self, url: str):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.reader = self.writer = None

    async def send(self, raw: bytes) -> tuple[int, bytes]:
        if self.writer is not None:
            try:
                return await self._exchange(raw)
            except (asyncio.IncompleteReadError, ConnectionError):
                # uvicorn closes a keep-alive connection idle for 5 s before reading anything on it,
                # so the request was not taken: sending it again on a new connection is safe.
                self.writer.close()
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        return await self._exchange(raw)

    async def _exchange(self, raw: bytes) -> tuple[int, bytes]:
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        body = await self.reader.readexactly(length) if length else b""
        return int(head[9:12]), body


def percentiles(values: list[float]) -> dict[str, float | None]:
    ordered = sorted(values)
    if not ordered:
        return {"p50": None, "p95": None, "p99": None, "max": None}
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"p50": pick(0.50), "p95": pick(0.95), "p99": pick(0.99), "max": ordered[-1]}


async def closed_loop(job: dict) -> dict:
    requests = [raw_request(job["url"], job["method"], job["headers"], body) for body in job.get("bodies") or [None]]
    started = time.monotonic()
    measure_from, stop_at = started + job["warmup"], started + job["warmup"] + job["duration"]
    latencies, statuses = [], {}

    async def worker(offset: int) -> None:
        connection, index = Connection(job["url"]), offset
        while (now := time.monotonic()) < stop_at:
            status, _ = await connection.send(requests[index % len(requests)])
            index += job["concurrency"]
            if now >= measure_from:
                latencies.append((time.monotonic() - now) * 1000)
                statuses[status] = statuses.get(status, 0) + 1

    await asyncio.gather(*(worker(i) for i in range(job["concurrency"])))
    ok = sum(n for status, n in statuses.items() if 200 <= status < 300)
    return {"rate": ok / job["duration"], "requests": len(latencies), "ok": ok,
            "statuses": {str(k): v for k, v in statuses.items()}, "latency_ms": percentiles(latencies)}


def main() -> None:
    job = json.load(sys.stdin)
    if job["mode"] == "closed":
        result = asyncio.run(closed_loop(job))
    else:
        from benchmarks.latency import open_loop

        result = asyncio.run(open_loop(job))
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
