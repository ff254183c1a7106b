"""The whole system for the browser tests, as `make run` starts it: nats-server, the four services as
uvicorn processes (scripts/run.py's command, migrations and environment), SQLite files in a temp folder.

Routing sends every proposal to the review queue (REVIEW_THRESHOLD=1): the tests decide assignments.
"""

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from scripts.run import SERVICES, Child, ServiceSpec, migrate_all, service_child
from shared.auth import ensure_secret, issue_token
from tests.e2e.chaos.system import wait_ready
from tests.support.servers import NatsServer, free_port

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "mat-khau-trinh-duyet"


@dataclass
class BrowserSystem:
    run_dir: Path
    nats: NatsServer = field(default_factory=NatsServer)
    children: list[Child] = field(default_factory=list)
    urls: dict[str, str] = field(default_factory=dict)

    def start(self) -> None:
        self.nats.start()
        specs = [ServiceSpec(spec.name, free_port()) for spec in SERVICES]
        self.urls = {spec.name: f"http://127.0.0.1:{spec.port}" for spec in specs}
        migrate_all(specs, self.run_dir)
        for spec in specs:
            child = service_child(spec, self.run_dir, self.nats.url)
            child.env.update({f"{name.upper()}_URL": url for name, url in self.urls.items()})
            child.env.update(LOG_LEVEL="WARNING", OUTBOX_POLL_SECONDS="0.2", REVIEW_THRESHOLD="1.0")
            child.log_path = self.run_dir / f"{spec.name}.log"
            child.start()
            self.children.append(child)
        for child, url in zip(self.children, self.urls.values(), strict=True):
            wait_ready(url, timeout=120, child=child)  # a child that exits fails at once, with its log

    @property
    def web(self) -> str:
        return self.urls["web"]

    def add_user(self, username: str, role: str, agency: str | None = None, full_name: str | None = None) -> None:
        """`make user`'s command: an account on the pages."""
        command = [sys.executable, "-m", "scripts.user", "--name", username, "--role", role,
                   "--full-name", full_name or username]
        if agency:
            command += ["--agency", agency]
        environment = dict(os.environ, RUN_DIR=str(self.run_dir), PASSWORD=PASSWORD)
        subprocess.run(command, cwd=ROOT, env=environment, check=True, stdout=subprocess.DEVNULL)

    def client(self, service: str, role: str, agency: str | None = None) -> httpx.Client:
        """A script's client of one service (`make token`'s kind of token), for setting the scene."""
        token = issue_token(ensure_secret(self.run_dir / "jwt-secret"), "kich-ban", role, agency)
        return httpx.Client(base_url=self.urls[service], headers={"Authorization": f"Bearer {token}"}, timeout=30)

    def stop(self) -> None:
        for child in self.children:
            if child.process and child.process.poll() is None:
                child.process.send_signal(signal.SIGTERM)
        for child in self.children:
            if child.process:
                try:
                    child.process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.process.kill()
        self.nats.cleanup()


def eventually(check, timeout: float = 20.0, what: str = "the system to catch up"):
    """`check()`'s first truthy answer, polled until `timeout` (events travel between services)."""
    deadline = time.monotonic() + timeout
    while True:
        answer = check()
        if answer:
            return answer
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout}s for {what}")
        time.sleep(0.2)
