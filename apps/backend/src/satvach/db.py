"""The places table and the async engine that reaches it."""

from __future__ import annotations

import uuid
from datetime import datetime

from geoalchemy2 import Geography
from sqlalchemy import CheckConstraint, DateTime, Text, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

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
