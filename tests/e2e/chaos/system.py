"""The whole system as real processes for fault injection: nats-server, PostgreSQL, uvicorn services.

Each service runs as `make run` starts it (scripts/run.py's command and environment), on ports of its
own, with its own PostgreSQL database; routing and monitoring run two replicas each.
"""

import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from scripts.run import Child, ServiceSpec, service_child
from shared.auth import ensure_secret, issue_token
from shared.migrations import upgrade
from tests.support.servers import NatsServer, PostgresCluster, free_port

ROOT = Path(__file__).resolve().parents[3]
REPLICAS = {"intake": 1, "routing": 2, "monitoring": 2}


@dataclass
class System:
    run_dir: Path
    postgres: PostgresCluster
    nats: NatsServer = field(default_factory=NatsServer)
    processes: dict[str, list[Child]] = field(default_factory=dict)
    urls: dict[str, list[str]] = field(default_factory=dict)

    def start(self) -> None:
        self.nats.start()
        for name, replicas in REPLICAS.items():
            database_url = self.postgres.create_database(name)
            upgrade(ROOT / "services" / name / "migrations", database_url)
            for replica in range(replicas):
                self._start_service(name, replica, database_url)
        for name in REPLICAS:
            for url in self.urls[name]:
                wait_ready(url)

    def _start_service(self, name: str, replica: int, database_url: str) -> None:
        port = free_port()
        child = service_child(ServiceSpec(name, port), self.run_dir, self.nats.url)
        child.env.update(DATABASE_URL=database_url, LOG_LEVEL="WARNING", OUTBOX_POLL_SECONDS="0.5")
        child.log_path = self.run_dir / f"{name}-{replica}.log"
        child.start()
        self.processes.setdefault(name, []).append(child)
        self.urls.setdefault(name, []).append(f"http://127.0.0.1:{port}")

    def kill(self, name: str, replica: int = 0) -> None:
        """kill -9, then start it again as a supervisor would."""
        child = self.processes[name][replica]
        child.process.send_signal(signal.SIGKILL)
        child.process.wait(timeout=10)
        child.start()
        wait_ready(self.urls[name][replica])

    def pause(self, name: str, seconds: float, replica: int = 0) -> None:
        """SIGSTOP for `seconds`, then SIGCONT: a process that hangs while holding messages and locks."""
        process = self.processes[name][replica].process
        process.send_signal(signal.SIGSTOP)
        time.sleep(seconds)
        process.send_signal(signal.SIGCONT)

    def kill_nats(self, down_seconds: float = 1.0) -> None:
        self.nats.process.send_signal(signal.SIGKILL)
        self.nats.process.wait(timeout=10)
        time.sleep(down_seconds)
        self.nats.start()

    def headers(self, role: str, agency: str | None = None) -> dict:
        secret = ensure_secret(self.run_dir / "jwt-secret")
        return {"Authorization": f"Bearer {issue_token(secret, f'chaos-{role}', role, agency)}"}

    def stop(self) -> None:
        for children in self.processes.values():
            for child in children:
                if child.process and child.process.poll() is None:
                    os.killpg(child.process.pid, signal.SIGCONT)
                    child.process.terminate()
        for children in self.processes.values():
            for child in children:
                if child.process:
                    try:
                        child.process.wait(timeout=15)
                    except Exception:  # noqa: BLE001 - a child that ignores SIGTERM is killed
                        child.process.kill()
        self.nats.cleanup()


def wait_ready(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} not ready after {timeout}s")
