"""Imports run as jobs a page can poll (`Prefer: respond-async`): parsing and checking take seconds on big files.

A job lives in the memory of the process that runs it, for an hour after it ends; its owner alone may
read it. The answer it ends with is the same as the synchronous import's (status and body).
"""

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from services.intake.petitions.imports import Progress
from shared.errors import ProblemError, not_found, problem_response

KEEP_SECONDS = 3600


class ImportJobOut(BaseModel):
    id: uuid.UUID
    state: str = Field(description="running | done | failed")
    phase: str = Field(description="reading (đọc tệp) | checking (kiểm tra) | writing (ghi) | done")
    rows_read: int = Field(description="Số dòng đã đọc của tệp")
    rows_total: int | None = Field(description="Số dòng kiến nghị, khi đã đọc xong")
    status_code: int | None = Field(description="Khi xong: mã trả lời của lượt nhập (201, 409, 422…)")
    result: dict | None = Field(description="Khi xong: báo cáo nhập tệp hoặc lỗi (problem+json)")


@dataclass
class ImportJob:
    id: uuid.UUID
    owner: str
    progress: Progress = field(default_factory=Progress)
    state: str = "running"  # running | done | failed
    status_code: int | None = None
    result: dict | None = None
    ended: float | None = None

    def view(self) -> dict:
        return {"id": str(self.id), "state": self.state, "phase": self.progress.phase,
                "rows_read": self.progress.rows_read, "rows_total": self.progress.rows_total,
                "status_code": self.status_code, "result": self.result}


class ImportJobs:
    def __init__(self) -> None:
        self._jobs: dict[uuid.UUID, ImportJob] = {}
        self._tasks: set[asyncio.Task] = set()

    def start(self, owner: str, work: Callable[[Progress], Awaitable[tuple[int, dict]]]) -> ImportJob:
        self._forget_old()
        job = ImportJob(uuid.uuid4(), owner)
        self._jobs[job.id] = job
        task = asyncio.create_task(self._run(job, work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return job

    async def _run(self, job: ImportJob, work) -> None:
        try:
            job.status_code, job.result = await work(job.progress)
            job.state = "done"
        except ProblemError as problem:
            response = problem_response(problem)
            job.status_code, job.result, job.state = problem.status, json.loads(response.body), "done"
        except Exception:
            job.status_code, job.state = 500, "failed"
            job.result = {"title": "Lỗi khi nhập tệp", "detail": "Nhập tệp không thành công; hãy thử lại."}
            raise
        finally:
            job.progress.enter("done")
            job.ended = time.monotonic()

    def get(self, job_id: uuid.UUID, owner: str) -> ImportJob:
        job = self._jobs.get(job_id)
        if job is None or job.owner != owner:
            raise not_found("Lượt nhập tệp", job_id)
        return job

    def _forget_old(self) -> None:
        now = time.monotonic()
        for job_id in [j.id for j in self._jobs.values() if j.ended and now - j.ended > KEEP_SECONDS]:
            del self._jobs[job_id]
