"""Liveness and readiness against real, closed and silent dependencies."""

import socket
import time
from collections.abc import Iterator

import pytest
from httpx import AsyncClient
from pydantic import SecretStr

from support import closed_port

UNREACHABLE_PASSWORD = "readiness-secret-password"


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts TCP connections (kernel backlog) but never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield sock.getsockname()[1]


def database_url(port: int) -> SecretStr:
    return SecretStr(f"postgresql+asyncpg://satvach:{UNREACHABLE_PASSWORD}@127.0.0.1:{port}/x")


async def timed_ready(client: AsyncClient) -> tuple:
    started = time.monotonic()
    response = await client.get("/health/ready")
    return response, time.monotonic() - started


async def test_liveness_is_ok(client: AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_when_database_and_storage_answer(client: AsyncClient) -> None:
    response = await client.get("/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    for name in ("database", "storage"):
        assert body["checks"][name]["status"] == "ok"
        assert body["checks"][name]["latency_ms"] >= 0


async def test_closed_database_port_is_503_naming_database(make_client, settings) -> None:
    broken = settings.model_copy(update={"database_url": database_url(closed_port())})
    async with make_client(broken) as client:
        response = await client.get("/health/ready")
        liveness = await client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["database"]
    assert body["checks"]["database"]["status"] == "error"
    # The refusal itself, not the readiness timeout: the check did not wait out its limit.
    assert body["checks"]["database"]["error"].startswith("unavailable (")
    assert body["checks"]["storage"]["status"] == "ok"
    assert UNREACHABLE_PASSWORD not in response.text
    assert "postgresql" not in response.text
    assert liveness.status_code == 200


async def test_silent_database_times_out_within_the_limit(
    make_client, settings, silent_port: int
) -> None:
    broken = settings.model_copy(
        update={"database_url": database_url(silent_port), "readiness_timeout_s": 0.5}
    )
    async with make_client(broken) as client:
        response, elapsed = await timed_ready(client)
    assert response.status_code == 503
    # The limit, not the driver's own connect timeout, ended the wait (its own message says so);
    # the lower bound holds on any machine, an upper one would not on a loaded one.
    assert response.json()["checks"]["database"]["error"] == "no answer within 0.5 s"
    assert elapsed >= 0.5


async def test_closed_storage_port_is_503_naming_storage(make_client, settings) -> None:
    broken = settings.model_copy(update={"s3_endpoint_url": f"http://127.0.0.1:{closed_port()}"})
    async with make_client(broken) as client:
        response = await client.get("/health/ready")
        liveness = await client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["storage"]
    assert body["checks"]["storage"]["status"] == "error"
    assert body["checks"]["storage"]["error"].startswith("unavailable (")
    assert body["checks"]["database"]["status"] == "ok"
    assert settings.s3_secret_access_key.get_secret_value() not in response.text
    assert liveness.status_code == 200
