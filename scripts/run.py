"""`make run`: migrate, start nats-server and every service, restart what dies, stop cleanly on Ctrl-C."""

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from shared.auth import ensure_secret
from shared.messaging import connection_security, ensure_stream
from shared.migrations import upgrade
from shared.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[1]
def _port(name: str, default: int) -> int:
    return int(os.environ.get(f"{name.upper()}_PORT", default))


NATS_PORT = _port("nats", 4222)


@dataclass
class ServiceSpec:
    name: str
    port: int
    migrations: bool = True


# Ports are the SPEC's; <NAME>_PORT overrides one (tests run a second system beside the first).
SERVICES = [ServiceSpec("intake", _port("intake", 8001)), ServiceSpec("routing", _port("routing", 8002)),
            ServiceSpec("monitoring", _port("monitoring", 8003)), ServiceSpec("web", _port("web", 8000))]


@dataclass
class Child:
    name: str
    command: list[str]
    env: dict[str, str]
    process: subprocess.Popen | None = None
    restarts: list[float] = field(default_factory=list)

    log_path: Path | None = None

    def start(self) -> None:
        # A session of its own: Ctrl-C reaches only the supervisor, which stops children in order.
        output = open(self.log_path, "ab") if self.log_path else None
        try:
            self.process = subprocess.Popen(self.command, env=self.env, cwd=ROOT, start_new_session=True,
                                            stdout=output, stderr=subprocess.STDOUT if output else None)
        finally:
            if output is not None:
                output.close()  # the child holds its own descriptor; ours would stay open until collected

    def died(self) -> bool:
        return self.process is not None and self.process.poll() is not None


def available_services() -> list[ServiceSpec]:
    """Services whose package exists: the system grows as they are built."""
    return [spec for spec in SERVICES if (ROOT / "services" / spec.name / "app.py").exists()]


def database_url(spec: ServiceSpec, run_dir: Path) -> str:
    explicit = os.environ.get(f"{spec.name.upper()}_DATABASE_URL")
    return explicit or f"sqlite+aiosqlite:///{run_dir.resolve() / (spec.name + '.db')}"


def migrate_all(specs: list[ServiceSpec], run_dir: Path) -> None:
    for spec in specs:
        if spec.migrations:
            print(f"• Cập nhật CSDL {spec.name} (alembic upgrade head)", flush=True)
            upgrade(ROOT / "services" / spec.name / "migrations", database_url(spec, run_dir))


def nats_child(run_dir: Path) -> Child:
    binary = Path(sys.executable).parent / "nats-server"
    command = [str(binary), "-js", "-sd", str(run_dir / "nats"), "-a", "127.0.0.1", "-p", str(NATS_PORT)]
    return Child("nats", command, dict(os.environ), log_path=run_dir / "nats.log")


def service_child(spec: ServiceSpec, run_dir: Path, nats_url: str) -> Child:
    env = dict(os.environ, RUN_DIR=str(run_dir.resolve()), NATS_URL=nats_url, PORT=str(spec.port))
    for other in SERVICES:  # the web pages find the APIs where this run put them
        env.setdefault(f"{other.name.upper()}_URL", f"http://127.0.0.1:{other.port}")
    if spec.migrations:
        env["DATABASE_URL"] = database_url(spec, run_dir)
    command = [sys.executable, "-m", "uvicorn", "--factory", f"services.{spec.name}.app:create_app",
               "--host", os.environ.get("HOST", "127.0.0.1"), "--port", str(spec.port),
               "--log-level", "warning"]
    return Child(spec.name, command, env)


def wait_for_port(port: int, timeout: float = 20.0) -> bool:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.1)
    return False


async def create_stream(nats_url: str) -> None:
    """The stream as the services' settings describe it (STREAM_REPLICAS, ..., NATS_TLS_*, NATS_CREDS_FILE)."""
    import nats

    settings = ServiceSettings(nats_url=nats_url)
    connection = await nats.connect(settings.nats_servers, connect_timeout=5, **connection_security(settings))
    try:
        await ensure_stream(connection.jetstream(), settings)
    finally:
        await connection.close()


def supervise(children: list[Child], stopping: list[bool]) -> None:
    while not stopping:
        time.sleep(1)
        for child in children:
            if child.died() and not stopping:
                restart(child)


def restart(child: Child) -> None:
    now = time.monotonic()
    child.restarts = [t for t in child.restarts if now - t < 60] + [now]
    pause = min(2 ** (len(child.restarts) - 1), 30)
    print(f"! {child.name} đã dừng (mã {child.process.returncode}); khởi động lại sau {pause}s", flush=True)
    time.sleep(pause)
    child.start()


def stop_all(children: list[Child]) -> None:
    """Services first (they drain their NATS connections), NATS last."""
    services = [child for child in children if child.name != "nats"]
    nats_server = [child for child in children if child.name == "nats"]
    for group in (services, nats_server):
        for child in group:
            if child.process and child.process.poll() is None:
                child.process.send_signal(signal.SIGTERM)
        for child in group:
            if child.process:
                try:
                    child.process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--migrate-only", action="store_true")
    args = parser.parse_args()
    run_dir = Path(os.environ.get("RUN_DIR", "run"))
    run_dir.mkdir(parents=True, exist_ok=True)
    ensure_secret(run_dir / "jwt-secret")
    specs = available_services()
    migrate_all(specs, run_dir)
    if args.migrate_only:
        return
    start_system(specs, run_dir)


def start_system(specs: list[ServiceSpec], run_dir: Path) -> None:
    children: list[Child] = []
    stopping: list[bool] = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
    nats_url = os.environ.get("NATS_URL")
    try:
        if not nats_url:
            nats_url = f"nats://127.0.0.1:{NATS_PORT}"
            children.append(nats_child(run_dir))
            children[0].start()
            if not wait_for_port(NATS_PORT):
                raise SystemExit(f"nats-server không khởi động được trên cổng {NATS_PORT}")
        asyncio.run(create_stream(nats_url))
        print(f"• NATS JetStream: {nats_url} (luồng PETITIONS; nhật ký {run_dir / 'nats.log'})", flush=True)
        for spec in specs:
            child = service_child(spec, run_dir, nats_url)
            child.start()
            children.append(child)
        for spec in specs:
            state = "sẵn sàng" if wait_for_port(spec.port) else "chưa trả lời"
            print(f"• {spec.name:<11} http://127.0.0.1:{spec.port}  ({state}; tài liệu API: /docs)", flush=True)
        print("Hệ thống đang chạy. Lấy token: make token ROLE=secretariat. Dừng: Ctrl-C.", flush=True)
        supervise(children, stopping)
    finally:
        print("Đang dừng các dịch vụ…", flush=True)
        stop_all(children)
        print("Đã dừng.", flush=True)


if __name__ == "__main__":
    main()
