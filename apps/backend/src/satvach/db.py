"""The places table and the async engine that reaches it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import datetime

from geoalchemy2 import Geography
from sqlalchemy import CheckConstraint, DateTime, Text, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from satvach.errors import DependencyDown
from satvach.schemas import PlaceCategory
from satvach.settings import Settings

CATEGORY_CHECK = "category IN ({})".format(", ".join(f"'{c.value}'" for c in PlaceCategory))


class Base(DeclarativeBase):
    pass


class PlaceRow(Base):
    __tablename__ = "places"
    __table_args__ = (CheckConstraint(CATEGORY_CHECK, name="places_category_check"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(Text)
    # Geography: distances and radii are metres on the spheroid. GiST index: migration 0001.
    location: Mapped[object] = mapped_column(
        Geography(geometry_type="POINT", srid=4326, spatial_index=False)
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    photo_key: Mapped[str | None] = mapped_column(Text)
    photo_content_type: Mapped[str | None] = mapped_column(Text)


def create_engine(settings: Settings) -> AsyncEngine:
    return create_async_engine(
        settings.database_url.get_secret_value(),
        pool_pre_ping=True,
        # Bounds how long a request waits for a new connection when the database is unreachable.
        connect_args={"timeout": 10},
    )


# SQLSTATE class 08 (connection exception), 57P01-03 (admin shutdown, crash shutdown, cannot connect
# now: a server stopping, restarting or still starting) and 53300 (too many connections: the app
# role's CONNECTION LIMIT or max_connections) — each "try again soon", not a broken query.
_UNREACHABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")


def database_unreachable(exc: BaseException) -> bool:
    """Whether `exc` says the server could not be reached, as opposed to a query that failed: a
    refused or timed-out connect (raised as OSError by asyncpg), a connection the server closed, a
    server shutting down or starting up."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError):
            return True
        if isinstance(seen, DBAPIError) and seen.connection_invalidated:
            return True
        sqlstate = getattr(seen, "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate.startswith(_UNREACHABLE_SQLSTATES):
            return True
        seen = seen.orig if isinstance(seen, DBAPIError) else seen.__cause__
    return False


@contextmanager
def _unreachable_as_503() -> Iterator[None]:
    try:
        yield
    except DependencyDown:
        raise  # another dependency's, raised inside the block: keep its name
    except Exception as exc:
        if database_unreachable(exc):
            raise DependencyDown("database") from exc
        raise


@asynccontextmanager
async def connect(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """`engine.connect()` for request handlers: an unreachable database becomes a 503."""
    with _unreachable_as_503():
        async with engine.connect() as conn:
            yield conn


@asynccontextmanager
async def begin(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """`engine.begin()` for request handlers: an unreachable database becomes a 503."""
    with _unreachable_as_503():
        async with engine.begin() as conn:
            yield conn
