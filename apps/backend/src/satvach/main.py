"""The application factory: routes, error handlers and middleware around one Settings object."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI

from satvach.db import create_engine
from satvach.errors import install_error_handlers
from satvach.metrics import HttpMetrics
from satvach.middleware import Faults, RequestContextMiddleware
from satvach.routes.health import health_router
from satvach.routes.places import places_router
from satvach.settings import Settings
from satvach.storage import PhotoStorage


def create_app(settings: Settings, rng: random.Random | None = None) -> FastAPI:
    """Builds the app; connections are made only when its lifespan starts. `rng` decides which
    requests an enabled fault injection fails (seeded in tests)."""
    faults = Faults(rate_5xx=settings.fault_5xx_rate, delay_ms=settings.fault_delay_ms)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if faults.enabled:
            structlog.get_logger("satvach").warning(
                "fault_injection_enabled", rate_5xx=faults.rate_5xx, delay_ms=faults.delay_ms
            )
        app.state.engine = create_engine(settings)
        app.state.storage = PhotoStorage(settings)
        try:
            yield
        finally:
            await app.state.engine.dispose()

    app = FastAPI(
        title="SatVach API",
        version="0.1.0",
        description="Places near you: PostGIS search, photos in S3.",
        lifespan=lifespan,
        # One schema per model, so components carry exactly the contract's names.
        separate_input_output_schemas=False,
    )
    app.state.settings = settings
    app.state.metrics = HttpMetrics()
    install_error_handlers(app)
    app.add_middleware(
        RequestContextMiddleware,
        metrics=app.state.metrics,
        release=settings.release,
        faults=faults,
        # Which requests a drill fails needs no unpredictability, only a fair share.
        rng=rng or random.Random(),  # noqa: S311
    )
    app.include_router(health_router(settings.readiness_timeout_s))
    app.include_router(places_router(settings))
    return app
