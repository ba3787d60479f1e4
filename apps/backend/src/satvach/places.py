"""Place queries: PostGIS does the geography, this module maps rows to the API models."""

from __future__ import annotations

import uuid

from geoalchemy2 import Geography, Geometry
from sqlalchemy import ColumnElement, cast, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from satvach.db import PlaceRow, begin, connect
from satvach.schemas import NearbyPlace, Place, PlaceCreate


def _point(lat: float, lon: float) -> ColumnElement:
    return cast(func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326), Geography(srid=4326))


_PLACE_COLUMNS = (
    PlaceRow.id,
    PlaceRow.name,
    PlaceRow.category,
    func.ST_Y(cast(PlaceRow.location, Geometry)).label("lat"),
    func.ST_X(cast(PlaceRow.location, Geometry)).label("lon"),
    PlaceRow.created_at,
    PlaceRow.photo_key.is_not(None).label("has_photo"),
)


async def create_place(engine: AsyncEngine, new: PlaceCreate) -> Place:
    statement = (
        insert(PlaceRow)
        .values(
            id=uuid.uuid4(),
            name=new.name,
            category=new.category.value,
            location=_point(new.lat, new.lon),
        )
        .returning(*_PLACE_COLUMNS)
    )
    async with begin(engine) as conn:
        row = (await conn.execute(statement)).one()
    return Place.model_validate(dict(row._mapping))


async def get_place(engine: AsyncEngine, place_id: uuid.UUID) -> Place | None:
    async with connect(engine) as conn:
        row = (await conn.execute(select(*_PLACE_COLUMNS).where(PlaceRow.id == place_id))).first()
    return None if row is None else Place.model_validate(dict(row._mapping))


async def nearby_places(
    engine: AsyncEngine, lat: float, lon: float, radius_m: float, limit: int
) -> list[NearbyPlace]:
    here = _point(lat, lon)
    distance = func.ST_Distance(PlaceRow.location, here).label("distance_m")
    statement = (
        select(*_PLACE_COLUMNS, distance)
        .where(func.ST_DWithin(PlaceRow.location, here, radius_m))
        .order_by(distance, PlaceRow.id)
        .limit(limit)
    )
    async with connect(engine) as conn:
        rows = (await conn.execute(statement)).all()
    return [NearbyPlace.model_validate(dict(row._mapping)) for row in rows]


async def photo_of(engine: AsyncEngine, place_id: uuid.UUID) -> tuple[bool, str | None]:
    """(whether the place exists, its photo key)."""
    statement = select(PlaceRow.photo_key).where(PlaceRow.id == place_id)
    async with connect(engine) as conn:
        row = (await conn.execute(statement)).first()
    return (False, None) if row is None else (True, row.photo_key)


async def record_photo(
    engine: AsyncEngine, place_id: uuid.UUID, key: str, content_type: str
) -> bool:
    """Stores the photo's key; False when the place no longer exists."""
    statement = (
        update(PlaceRow)
        .where(PlaceRow.id == place_id)
        .values(photo_key=key, photo_content_type=content_type)
        .returning(PlaceRow.id)
    )
    async with begin(engine) as conn:
        return (await conn.execute(statement)).first() is not None
