"""Liveness, readiness (database and storage, each bounded in time) and Prometheus metrics."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

log = structlog.get_logger("satvach.health")


async def _timed_check(
    name: str, check: Callable[[], Awaitable[Any]], timeout_s: float
) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(check(), timeout_s)
    except TimeoutError:
        error = f"no answer within {timeout_s:g} s"
    except Exception as exc:
        # Only the exception's class goes into the body: messages may carry hosts or credentials.
        log.warning("readiness_check_failed", dependency=name, exc_info=exc)
        error = f"unavailable ({type(exc).__name__})"
    else:
        return {"status": "ok", "latency_ms": round((time.perf_counter() - started) * 1000, 2)}
    return {"status": "error", "error": error}


def health_router(readiness_timeout_s: float) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/health/ready")
    async def ready(request: Request) -> JSONResponse:
        engine, storage = request.app.state.engine, request.app.state.storage

        async def database() -> None:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))

        names = ("database", "storage")
        results = await asyncio.gather(
            _timed_check("database", database, readiness_timeout_s),
            _timed_check("storage", storage.check_bucket, readiness_timeout_s),
        )
        checks = dict(zip(names, results, strict=True))
        failing = [name for name, result in checks.items() if result["status"] != "ok"]
        if failing:
            body = {"status": "not_ready", "failing": failing, "checks": checks}
            return JSONResponse(status_code=503, content=body)
        return JSONResponse(content={"status": "ready", "checks": checks})

    @router.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        return Response(request.app.state.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return router
