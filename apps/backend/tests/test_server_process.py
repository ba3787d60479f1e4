"""The real server process: serves on a free port and stops cleanly on SIGTERM."""

import json
import signal
import subprocess
import sys

import httpx

from devtools.local_services import ServiceError, wait_until
from support import closed_port, environment_without_satvach


def wait_for_health(base_url: str, process: subprocess.Popen, timeout_s: float = 120) -> None:
    def healthy() -> bool:
        assert process.poll() is None, f"server exited early with {process.returncode}"
        try:
            return httpx.get(f"{base_url}/health", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    try:
        wait_until(healthy, f"{base_url}/health", timeout_s)
    except ServiceError as error:
        raise AssertionError(f"{base_url}/health did not answer within {timeout_s} s") from error


def test_sigterm_shuts_the_server_down_cleanly(migrated) -> None:
    port = closed_port()
    env = {**environment_without_satvach(), **migrated.backend_env(), "SATVACH_PORT": str(port)}
    process = subprocess.Popen(
        [sys.executable, "-m", "satvach"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_for_health(base_url, process)
        ready = httpx.get(f"{base_url}/health/ready", timeout=5)
        assert ready.status_code == 200, ready.text
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, stderr
    events = [json.loads(line)["event"] for line in stdout.splitlines()]
    assert "request" in events
    assert events[-1].startswith("Finished server process")
