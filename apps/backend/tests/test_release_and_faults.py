"""The release header on every response, and fault injection for canary drills and game days."""

import asyncio
import os
import random
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import SimpleNamespace

import pytest
from httpx import ASGITransport, AsyncClient

from satvach import middleware
from satvach.main import create_app
from satvach.settings import Settings, SettingsError, load_settings

NEARBY = "/api/v1/places/nearby?lat=48.85&lon=2.35"


@asynccontextmanager
async def client_for(settings: Settings, seed: int = 7) -> AsyncIterator[AsyncClient]:
    app = create_app(settings, rng=random.Random(seed))
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="http://testserver") as client,
    ):
        yield client


async def test_every_response_names_its_release(clean: None, settings: Settings) -> None:
    release = "ghcr.io/satvach/backend:sha-abc1234"
    async with client_for(settings.model_copy(update={"release": release})) as client:
        responses = [
            await client.get("/health"),
            await client.get(NEARBY),
            await client.get("/api/v1/places/00000000-0000-0000-0000-000000000000"),
            await client.get("/no/such/route"),
        ]
    assert [response.status_code for response in responses] == [200, 200, 404, 404]
    for response in responses:
        assert response.headers["x-satvach-release"] == release


async def test_rate_one_fails_every_api_request_but_never_health(
    clean: None, settings: Settings
) -> None:
    async with client_for(settings.model_copy(update={"fault_5xx_rate": 1.0})) as client:
        api = [await client.get(NEARBY) for _ in range(20)]
        health = [await client.get(path) for path in ("/health", "/health/ready", "/metrics")]
        metrics = (await client.get("/metrics")).text
    assert {response.status_code for response in api} == {500}
    assert api[0].json()["error"] == "injected_fault"
    assert api[0].headers["x-satvach-release"] == "dev"
    assert [response.status_code for response in health] == [200, 200, 200]
    # The injected 500s are counted like real ones: the canary analysis and alerts see them.
    assert 'status="500"' in metrics


async def test_a_share_of_requests_fails(clean: None, settings: Settings) -> None:
    async with client_for(settings.model_copy(update={"fault_5xx_rate": 0.3}), seed=42) as client:
        statuses = [(await client.get(NEARBY)).status_code for _ in range(2000)]
    share = statuses.count(500) / len(statuses)
    assert 0.25 <= share <= 0.35, share
    assert set(statuses) == {200, 500}


async def test_no_faults_by_default(clean: None, settings: Settings) -> None:
    async with client_for(settings) as client:
        statuses = {(await client.get(NEARBY)).status_code for _ in range(200)}
    assert statuses == {200}


async def test_delay_slows_api_requests_only(
    clean: None, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Which requests are delayed is read from the middleware's sleeps (no wall-clock bound on the
    # fast path, which a loaded machine would break); that the sleep is real is shown by the API
    # request taking at least the delay, a lower bound that load cannot break.
    delays: list[tuple[str, float]] = []
    path = ""
    real_sleep = asyncio.sleep

    async def recording_sleep(seconds: float) -> None:
        delays.append((path, seconds))
        await real_sleep(seconds)

    monkeypatch.setattr(middleware, "asyncio", SimpleNamespace(sleep=recording_sleep))
    async with client_for(settings.model_copy(update={"fault_delay_ms": 200})) as client:
        path = NEARBY
        started = time.perf_counter()
        assert (await client.get(NEARBY)).status_code == 200
        api_seconds = time.perf_counter() - started
        for path in ("/health", "/health/ready", "/metrics"):
            assert (await client.get(path)).status_code == 200
    assert delays == [(NEARBY, 0.2)]
    assert api_seconds >= 0.2


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SATVACH_FAULT_5XX_RATE", "1.5"),
        ("SATVACH_FAULT_5XX_RATE", "abc"),
        ("SATVACH_FAULT_DELAY_MS", "-1"),
        ("SATVACH_RELEASE", "bad value!"),
    ],
)
def test_invalid_values_are_named(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    for key in list(os.environ):
        if key.startswith("SATVACH_"):
            monkeypatch.delenv(key)
    required = {
        "SATVACH_DATABASE_URL": "postgresql+asyncpg://u:p@127.0.0.1:5432/db",
        "SATVACH_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
        "SATVACH_S3_BUCKET": "photos",
        "SATVACH_S3_ACCESS_KEY_ID": "key",
        "SATVACH_S3_SECRET_ACCESS_KEY": "secret",
    }
    for key, val in {**required, name: value}.items():
        monkeypatch.setenv(key, val)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert raised.value.problems[0].startswith(f"{name}: "), raised.value.problems
    assert len(raised.value.problems) == 1
