"""A stand-in for cAdvisor on machines without it: per-container metrics from the Docker engine's API.

Serves, on --port (default 8080, cAdvisor's), /metrics with cAdvisor's names and labels for what the
alert rules and the cost report read (label `name` = the container's name):
  container_cpu_usage_seconds_total, container_memory_working_set_bytes, container_memory_rss,
  container_spec_memory_limit_bytes, container_network_receive_bytes_total,
  container_network_transmit_bytes_total, container_fs_usage_bytes, container_start_time_seconds,
  container_last_seen
and /healthz. Other cAdvisor flags are accepted and ignored, so the compose command stays the one
the official image takes. Containers on the host network have no network counters of their own
(as with cAdvisor); the host's are node-exporter's.
"""

from __future__ import annotations

import http.client
import json
import socket
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DOCKER_SOCKET = "/var/run/docker.sock"
# The writable layer's size costs the engine a walk of the layer: measured at most this often.
FS_USAGE_TTL_S = 300.0
_fs_usage: dict[str, tuple[float, int]] = {}


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=10)
        self._path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(self._path)


class EngineError(RuntimeError):
    """The engine answered with an error status (e.g. 404 for a container that is gone)."""


def _engine(path: str) -> object:
    connection = _UnixConnection(DOCKER_SOCKET)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise EngineError(f"docker engine {path}: HTTP {response.status}")
        return json.loads(body)
    finally:
        connection.close()


def _timestamp(text: str) -> float:
    # The engine gives nanoseconds and a Z; fromisoformat takes microseconds.
    head, _, fraction = text.rstrip("Z").partition(".")
    return datetime.fromisoformat(f"{head}.{(fraction + '000000')[:6]}+00:00").timestamp()


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(pairs: dict[str, str]) -> str:
    return "{" + ",".join(f'{key}="{_escape(value)}"' for key, value in pairs.items()) + "}"


def _fs_usage_of(container_id: str) -> int | None:
    cached = _fs_usage.get(container_id)
    now = time.monotonic()
    if cached and now - cached[0] < FS_USAGE_TTL_S:
        return cached[1]
    detail = _engine(f"/containers/{container_id}/json?size=true")
    size = detail.get("SizeRw")  # type: ignore[union-attr]
    if size is None:
        return None
    _fs_usage[container_id] = (now, int(size))
    return int(size)


def _sample(summary: dict) -> list[tuple[str, dict[str, str], float]]:
    container_id = summary["Id"]
    detail = _engine(f"/containers/{container_id}/json")
    # one-shot: the engine answers at once instead of waiting a second for a second sample.
    stats = _engine(f"/containers/{container_id}/stats?stream=false&one-shot=true")
    labels = {
        "id": f"/docker/{container_id}",
        "image": summary.get("Image", ""),
        "name": summary["Names"][0].lstrip("/"),
    }
    for key in ("com.docker.compose.project", "com.docker.compose.service"):
        labels["container_label_" + key.replace(".", "_")] = summary.get("Labels", {}).get(key, "")
    samples: list[tuple[str, dict[str, str], float]] = []
    cpu = stats.get("cpu_stats", {}).get("cpu_usage", {}).get("total_usage")
    if cpu is not None:
        samples.append(("container_cpu_usage_seconds_total", {**labels, "cpu": "total"}, cpu / 1e9))
    memory = stats.get("memory_stats", {})
    usage, inner = memory.get("usage"), memory.get("stats", {})
    if usage is not None:
        inactive = inner.get("total_inactive_file", inner.get("inactive_file", 0))
        samples.append(("container_memory_working_set_bytes", labels, max(usage - inactive, 0)))
        samples.append(("container_memory_rss", labels, inner.get("total_rss", inner.get("anon", 0))))
        limit = memory.get("limit", 0)
        # No limit reads as the host's memory (or an absurd number): cAdvisor says 0.
        samples.append(("container_spec_memory_limit_bytes", labels, limit if limit < 2**62 and detail["HostConfig"].get("Memory") else 0))
    for interface, counters in (stats.get("networks") or {}).items():
        samples.append(("container_network_receive_bytes_total", {**labels, "interface": interface}, counters["rx_bytes"]))
        samples.append(("container_network_transmit_bytes_total", {**labels, "interface": interface}, counters["tx_bytes"]))
    size = _fs_usage_of(container_id)
    if size is not None:
        samples.append(("container_fs_usage_bytes", {**labels, "device": "/"}, size))
    samples.append(("container_start_time_seconds", labels, _timestamp(detail["State"]["StartedAt"])))
    samples.append(("container_last_seen", labels, time.time()))
    return samples


HELP = {
    "container_cpu_usage_seconds_total": ("counter", "Cumulative cpu time consumed in seconds."),
    "container_memory_working_set_bytes": ("gauge", "Current working set in bytes."),
    "container_memory_rss": ("gauge", "Size of RSS in bytes."),
    "container_spec_memory_limit_bytes": ("gauge", "Memory limit for the container."),
    "container_network_receive_bytes_total": ("counter", "Cumulative count of bytes received"),
    "container_network_transmit_bytes_total": ("counter", "Cumulative count of bytes transmitted"),
    "container_fs_usage_bytes": ("gauge", "Number of bytes that are consumed by the container on this filesystem."),
    "container_start_time_seconds": ("gauge", "Start time of the container since unix epoch in seconds."),
    "container_last_seen": ("gauge", "Last time a container was seen by the exporter"),
}


def _sample_if_still_there(summary: dict) -> list[tuple[str, dict[str, str], float]]:
    # A container replaced between the listing and its inspection (a restart, a recreate) has no
    # samples this time; the others must still be served, above all while a service crash-loops.
    try:
        return _sample(summary)
    except EngineError:
        return []


def exposition() -> str:
    running = _engine("/containers/json")
    with ThreadPoolExecutor(max_workers=8) as pool:
        per_container = list(pool.map(_sample_if_still_there, running))
    by_name: dict[str, list[str]] = {name: [] for name in HELP}
    for samples in per_container:
        for name, labels, value in samples:
            by_name[name].append(f"{name}{_labels(labels)} {value!r}")
    lines: list[str] = []
    for name, (kind, text) in HELP.items():
        lines += [f"# HELP {name} {text}", f"# TYPE {name} {kind}", *by_name[name]]
    return "\n".join(lines) + "\n"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path == "/healthz":
            body, status, kind = b"ok", 200, "text/plain"
        elif self.path.split("?")[0] == "/metrics":
            try:
                body, status, kind = exposition().encode(), 200, "text/plain; version=0.0.4"
            except Exception as error:  # the engine is away: a failed scrape, never a dead exporter
                body, status, kind = f"docker engine: {error}\n".encode(), 503, "text/plain"
        else:
            body, status, kind = b"not found\n", 404, "text/plain"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def main(argv: list[str]) -> None:
    port = 8080
    for argument in argv:
        if argument.startswith(("--port=", "-port=")):
            port = int(argument.split("=", 1)[1])
    print(f"cadvisor-standin: serving /metrics on :{port} from {DOCKER_SOCKET}", file=sys.stderr, flush=True)
    ThreadingHTTPServer(("", port), Handler).serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
