"""The whole system as real processes for fault injection: nats-server, PostgreSQL, uvicorn services.

Each service runs as `make run` starts it (scripts/run.py's command and environment), on ports of its
own, with its own PostgreSQL database; every service runs two replicas against it.
"""

import os
import signal
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from scripts.run import Child, ServiceSpec, service_child
from shared.auth import ensure_secret, issue_token
from shared.migrations import upgrade
from tests.support.servers import NatsServer, PostgresCluster, free_port

ROOT = Path(__file__).resolve().parents[3]
REPLICAS = {"intake": 2, "routing": 2, "monitoring": 2}


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
                child, url = self._service(name, replica, database_url)
                self.processes.setdefault(name, []).append(child)
                self.urls.setdefault(name, []).append(url)
        for name in REPLICAS:
            for replica in range(REPLICAS[name]):
                self._until_ready(name, replica)

    def _service(self, name: str, replica: int, database_url: str) -> tuple[Child, str]:
        port = free_port()
        child = service_child(ServiceSpec(name, port), self.run_dir, self.nats.url)
        child.env.update(DATABASE_URL=database_url, LOG_LEVEL="WARNING", OUTBOX_POLL_SECONDS="0.5")
        child.log_path = self.run_dir / f"{name}-{replica}.log"
        child.start()
        return child, f"http://127.0.0.1:{port}"

    def _until_ready(self, name: str, replica: int) -> None:
        """A first start trains routing's model (a busy machine is slow). A replica that exits while starting
        is started again on another port, as a supervisor would, and said in the warnings: its port may
        have been taken between free_port() and uvicorn's bind."""
        child = self.processes[name][replica]
        try:
            wait_ready(self.urls[name][replica], timeout=180, child=child)
        except ChildExited as exited:
            warnings.warn(f"chaos: {exited}; started again", stacklevel=1)
            child, url = self._service(name, replica, child.env["DATABASE_URL"])
            self.processes[name][replica], self.urls[name][replica] = child, url
            wait_ready(url, timeout=180, child=child)

    def kill(self, name: str, replica: int = 0) -> None:
        """kill -9, then start it again as a supervisor would."""
        child = self.processes[name][replica]
        child.process.send_signal(signal.SIGKILL)
        child.process.wait(timeout=10)
        child.start()
        wait_ready(self.urls[name][replica], timeout=90, child=child)

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


class ChildExited(RuntimeError):
    """A service's process ended while it was awaited."""


def wait_ready(url: str, timeout: float = 30.0, child: Child | None = None) -> None:
    """Until /readyz answers 200; a child that exits meanwhile fails at once, with the end of its log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child is not None and child.died():
            raise ChildExited(f"{child.name} at {url} exited with {child.process.returncode}:\n{_tail(child)}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} not ready after {timeout}s" + (f":\n{_tail(child)}" if child else ""))


def _tail(child: Child, lines: int = 40) -> str:
    if child.log_path is None or not child.log_path.exists():
        return "(no log)"
    return "\n".join(child.log_path.read_text(errors="replace").splitlines()[-lines:])
