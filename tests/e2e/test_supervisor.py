"""`make run`'s supervisor as a person uses it: it starts the system, restarts a child that dies, stops on Ctrl-C."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except OSError:
        return 0


def _wait(predicate, timeout: float = 40.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _pid_listening(port: int) -> int:
    out = subprocess.run(["pgrep", "-f", "--", f"--port {port}"], capture_output=True, text=True).stdout.split()
    return int(out[0]) if out else 0


def test_run_starts_restarts_and_stops_everything(tmp_path):
    ports = {name: free_port() for name in ("nats", "intake", "routing", "monitoring", "web")}
    env = dict(os.environ, RUN_DIR=str(tmp_path / "run"), **{f"{k.upper()}_PORT": str(v) for k, v in ports.items()})
    env.pop("NATS_URL", None)
    with open(tmp_path / "run.log", "w") as log:  # the supervisor writes through its own descriptor
        supervisor = subprocess.Popen([sys.executable, "-m", "scripts.run"], cwd=ROOT, env=env,
                                      stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    intake_ready = f"http://127.0.0.1:{ports['intake']}/readyz"
    try:
        assert _wait(lambda: _get(intake_ready) == 200), (tmp_path / "run.log").read_text()
        first = _pid_listening(ports["intake"])
        assert first > 0
        os.kill(first, signal.SIGKILL)
        assert _wait(lambda: _pid_listening(ports["intake"]) not in (0, first) and _get(intake_ready) == 200)
        assert "khởi động lại" in (tmp_path / "run.log").read_text()
    finally:
        supervisor.send_signal(signal.SIGINT)
        supervisor.wait(timeout=60)
    output = (tmp_path / "run.log").read_text()
    assert supervisor.returncode == 0, output
    assert "Đã dừng." in output
    assert all(_pid_listening(port) == 0 for name, port in ports.items() if name != "nats")
    assert subprocess.run(["pgrep", "-f", "--", f"-p {ports['nats']}"], capture_output=True).returncode == 1
