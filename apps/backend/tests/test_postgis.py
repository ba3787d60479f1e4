"""Proof that the tests run on a real PostGIS and the migration made what the service relies on."""

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError


async def test_database_is_postgis_with_spheroidal_geography(db) -> None:
    async with db.connect() as conn:
        version = (await conn.execute(text("SELECT postgis_lib_version()"))).scalar_one()
        # One degree of longitude on the equator: 111 319.49 m on the WGS 84 spheroid.
        metres = (
            await conn.execute(
                text("SELECT ST_Distance('POINT(0 0)'::geography, 'POINT(1 0)'::geography)")
            )
        ).scalar_one()
    assert version.startswith("3.")
    assert metres == pytest.approx(111_319.49, abs=0.01)


async def test_migration_created_indexes_and_category_check(db) -> None:
    async with db.connect() as conn:
        indexes = dict(
            (
                await conn.execute(
                    text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'places'")
                )
            ).all()
        )
        revision = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar()
    assert "USING gist (location)" in indexes["places_location_gist"]
    assert "(created_at)" in indexes["places_created_at_idx"]
    assert revision == "0001"

    insert = text(
        "INSERT INTO places (id, name, category, location) "
        "VALUES (:id, 'x', 'bar', 'POINT(0 0)'::geography)"
    )
    with pytest.raises(IntegrityError, match="places_category_check"):
        async with db.begin() as conn:
            await conn.execute(insert, {"id": uuid.uuid4()})
