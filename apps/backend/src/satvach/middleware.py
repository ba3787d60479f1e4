"""Request id, release header, access log, metrics and optional fault injection for every request,
as one plain ASGI middleware."""

from __future__ import annotations

import asyncio
import random
import re
import time
import uuid
from dataclasses import dataclass

import structlog
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from satvach.errors import error_response
from satvach.metrics import HttpMetrics
from satvach.schemas import ApiError

REQUEST_ID_HEADER = "X-Request-ID"
RELEASE_HEADER = "X-Satvach-Release"
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
# Requests that match no route share one label, so random paths cannot grow the metric's series.
UNMATCHED_ROUTE = "<unmatched>"

log = structlog.get_logger("satvach.access")


def request_id_from(header_value: str | None) -> str:
    """The caller's id when it is safe to log and echo, otherwise a fresh one."""
    if header_value is not None and _VALID_REQUEST_ID.fullmatch(header_value):
        return header_value
    return uuid.uuid4().hex


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    return getattr(route, "path", UNMATCHED_ROUTE)


@dataclass(frozen=True)
class Faults:
    """Deliberate failures for game days and canary drills; health and metrics are never faulted,
    so a faulty release passes its health checks exactly as a real regression would."""

    rate_5xx: float = 0
    delay_ms: int = 0

    @property
    def enabled(self) -> bool:
        return self.rate_5xx > 0 or self.delay_ms > 0

    @staticmethod
    def applies_to(path: str) -> bool:
        return not path.startswith("/health") and path != "/metrics"


class RequestContextMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        metrics: HttpMetrics,
        release: str,
        faults: Faults,
        rng: random.Random,
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.release = release
        self.faults = faults
        self.rng = rng

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        raw_id = dict(scope["headers"]).get(REQUEST_ID_HEADER.lower().encode("latin-1"))
        request_id = request_id_from(raw_id.decode("latin-1") if raw_id is not None else None)
        tokens = structlog.contextvars.bind_contextvars(request_id=request_id)
        status = 500
        response_started = False
        started = time.perf_counter()

        async def send_with_request_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                headers = MutableHeaders(scope=message)
                headers[REQUEST_ID_HEADER] = request_id
                headers[RELEASE_HEADER] = self.release
            await send(message)

        try:
            if self.faults.enabled and Faults.applies_to(scope["path"]):
                await asyncio.sleep(self.faults.delay_ms / 1000)
                if self.rng.random() < self.faults.rate_5xx:
                    body = ApiError(
                        error="injected_fault",
                        message="fault injected by SATVACH_FAULT_5XX_RATE",
                        fields=[],
                    )
                    await error_response(500, body)(scope, receive, send_with_request_id)
                    return
            await self.app(scope, receive, send_with_request_id)
        except Exception:
            # Handled here rather than by Starlette's outer error middleware so the 500 still
            # carries the request id and the ApiError body.
            log.exception("unhandled_error")
            if not response_started:
                body = ApiError(error="internal", message="internal server error", fields=[])
                await error_response(500, body)(scope, receive, send_with_request_id)
        finally:
            seconds = time.perf_counter() - started
            route = _route_template(scope)
            self.metrics.observe(scope["method"], route, status, seconds)
            log.info(
                "request",
                method=scope["method"],
                route=route,
                path=scope["path"],
                status=status,
                duration_ms=round(seconds * 1000, 2),
            )
            structlog.contextvars.reset_contextvars(**tokens)
