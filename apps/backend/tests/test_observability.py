"""Metrics labelled by route template, request ids, and JSON access log lines."""

import json
import uuid

import pytest
from httpx import ASGITransport, AsyncClient

from satvach.logs import configure_logging
from satvach.main import create_app
from satvach.middleware import request_id_from
from satvach.settings import LogLevel


async def test_metrics_use_the_route_template_and_a_histogram(client: AsyncClient) -> None:
    place = uuid.uuid4()
    assert (await client.get(f"/api/v1/places/{place}")).status_code == 404
    metrics = (await client.get("/metrics")).text
    template = 'route="/api/v1/places/{place_id}"'
    assert f'http_requests_total{{method="GET",{template},status="404"}} 1.0' in metrics
    assert f'http_request_duration_seconds_bucket{{le="0.005",method="GET",{template}}}' in metrics
    assert f'http_request_duration_seconds_count{{method="GET",{template}}} 1.0' in metrics
    assert str(place) not in metrics


async def test_unmatched_paths_share_one_label(client: AsyncClient) -> None:
    await client.get("/no/such/path/123")
    metrics = (await client.get("/metrics")).text
    assert 'route="<unmatched>",status="404"' in metrics
    assert "/no/such/path" not in metrics


async def test_each_app_counts_its_own_requests(make_client, settings) -> None:
    async with make_client(settings) as first, make_client(settings) as second:
        await first.get("/health")
        metrics = (await second.get("/metrics")).text
    assert 'route="/health"' not in metrics


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("abc-123_x.y", True),
        ("a" * 128, True),
        ("a" * 129, False),
        ("has space", False),
        ("bad\u00e9", False),
        ("", False),
        (None, False),
    ],
)
def test_request_id_validation(given: str | None, kept: bool) -> None:
    result = request_id_from(given)
    if kept:
        assert result == given
    else:
        assert len(result) == 32
        assert int(result, 16) >= 0


async def test_request_id_is_echoed_when_valid(client: AsyncClient) -> None:
    response = await client.get("/health", headers={"X-Request-ID": "trace-42"})
    assert response.headers["X-Request-ID"] == "trace-42"


async def test_request_id_is_generated_when_absent(client: AsyncClient) -> None:
    first = (await client.get("/health")).headers["X-Request-ID"]
    second = (await client.get("/health")).headers["X-Request-ID"]
    assert len(first) == 32
    assert first != second


async def test_malformed_request_id_is_replaced(client: AsyncClient) -> None:
    response = await client.get("/health", headers={"X-Request-ID": "x" * 200})
    assert response.headers["X-Request-ID"] != "x" * 200
    assert len(response.headers["X-Request-ID"]) == 32


async def test_access_log_is_one_json_line_with_the_request_id(
    client: AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(LogLevel.INFO)
    capsys.readouterr()
    place = uuid.uuid4()
    await client.get(f"/api/v1/places/{place}", headers={"X-Request-ID": "log-me-1"})
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    access = [line for line in lines if line.get("event") == "request"]
    assert len(access) == 1
    assert access[0] | {"duration_ms": None, "timestamp": None} == {
        "event": "request",
        "level": "info",
        "logger": "satvach.access",
        "method": "GET",
        "route": "/api/v1/places/{place_id}",
        "path": f"/api/v1/places/{place}",
        "status": 404,
        "request_id": "log-me-1",
        "duration_ms": None,
        "timestamp": None,
    }
    assert access[0]["duration_ms"] >= 0


async def test_unexpected_error_is_a_500_api_error_with_request_id(settings) -> None:
    app = create_app(settings)

    async def broken() -> None:
        raise RuntimeError("boom")

    app.add_api_route("/broken", broken)
    async with AsyncClient(
        transport=ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        response = await client.get("/broken", headers={"X-Request-ID": "failing-1"})
        metrics = (await client.get("/metrics")).text
    assert response.status_code == 500
    assert response.json() == {
        "error": "internal",
        "message": "internal server error",
        "fields": [],
    }
    assert response.headers["X-Request-ID"] == "failing-1"
    assert 'route="/broken",status="500"' in metrics
