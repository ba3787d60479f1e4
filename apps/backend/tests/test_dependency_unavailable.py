"""A dependency that is down is a 503 naming it, with Retry-After; not a 500 "internal".

The database here is a real PostgreSQL + PostGIS cluster of this module's own, stopped and started
with pg_ctl while the app holds pooled connections to it; the session's database stays up.
"""

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from httpx import Response
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from devtools.local_services import Postgres, database_url, free_port
from satvach.db import connect, database_unreachable
from satvach.errors import RETRY_AFTER_S, DependencyDown
from satvach.settings import Settings
from support import closed_port, migrate

PLACE = {"name": "Shaniwar Wada", "category": "park", "lat": 18.5195, "lon": 73.8553}
JPEG = bytes([0xFF, 0xD8, 0xFF, 0xE0]) + bytes(1024)


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[tuple[Postgres, str]]:
    """A migrated cluster this module may stop: (its control, its database URL)."""
    root = Path(tempfile.mkdtemp(prefix="satvach-503-"))
    root.chmod(0o755)  # the postgres user must reach its directories inside
    postgres = Postgres(root / "postgres", durable=False)
    postgres.root.mkdir()
    try:
        port = free_port()
        postgres.initialize(port)
        postgres.start()
        postgres.ensure_database(port)
        url = database_url(postgres.password, port)
        migrated = migrate(url)
        assert migrated.returncode == 0, f"alembic upgrade head failed:\n{migrated.stderr}"
        yield postgres, url
    finally:
        postgres.stop()
        shutil.rmtree(root, ignore_errors=True)


def assert_unavailable(response: Response, dependency: str, secret: str) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == str(RETRY_AFTER_S)
    assert response.json() == {
        "error": "dependency_unavailable",
        "message": f"the {dependency} is unavailable; try again in {RETRY_AFTER_S} s",
        "fields": [],
        "dependency": dependency,
    }
    assert secret not in response.text
    assert response.headers["x-request-id"]


async def test_stopped_database_is_503_naming_it_and_200_once_it_is_back(
    make_client, settings: Settings, own_postgres: tuple[Postgres, str]
) -> None:
    postgres, url = own_postgres
    async with make_client(settings.model_copy(update={"database_url": SecretStr(url)})) as client:
        created = await client.post("/api/v1/places", json=PLACE)
        assert created.status_code == 201, created.text
        place = created.json()
        postgres.stop()
        try:
            assert not postgres.is_running()
            # The pool holds a connection the shutdown closed; reads and writes are refused alike.
            for method, path, options in (
                ("GET", f"/api/v1/places/{place['id']}", {}),
                ("GET", "/api/v1/places/nearby", {"params": {"lat": 18.52, "lon": 73.85}}),
                ("POST", "/api/v1/places", {"json": PLACE}),
            ):
                response = await client.request(method, path, **options)
                assert_unavailable(response, "database", postgres.password)
            ready = await client.get("/health/ready")
            assert ready.status_code == 503
            assert ready.json()["failing"] == ["database"]
        finally:
            postgres.start()
        back = await client.get(f"/api/v1/places/{place['id']}")
        assert back.status_code == 200, back.text
        assert back.json() == place
        assert (await client.get("/health/ready")).status_code == 200


async def test_unreachable_photo_store_is_503_naming_it_and_nothing_is_recorded(
    make_client, settings: Settings
) -> None:
    broken = settings.model_copy(update={"s3_endpoint_url": f"http://127.0.0.1:{closed_port()}"})
    async with make_client(broken) as client:
        place = (await client.post("/api/v1/places", json=PLACE)).json()
        upload = await client.post(
            f"/api/v1/places/{place['id']}/photo",
            files={"file": ("wada.jpg", JPEG, "image/jpeg")},
        )
        assert_unavailable(upload, "storage", settings.s3_secret_access_key.get_secret_value())
        assert (await client.get(f"/api/v1/places/{place['id']}")).json()["has_photo"] is False


async def test_a_failing_query_on_a_reachable_database_is_not_called_unavailable(
    db: AsyncEngine,
) -> None:
    with pytest.raises(Exception) as failed:  # noqa: PT011  # whatever the driver raises
        async with db.connect() as conn:
            await conn.execute(text("SELECT * FROM no_such_table"))
    assert not database_unreachable(failed.value)


async def test_a_refused_connection_is_unavailable() -> None:
    engine = create_async_engine(f"postgresql+asyncpg://satvach:x@127.0.0.1:{closed_port()}/x")
    try:
        with pytest.raises(ConnectionRefusedError) as failed:
            async with engine.connect():
                pass
        assert database_unreachable(failed.value)
    finally:
        await engine.dispose()


async def test_another_dependency_failing_inside_a_database_block_keeps_its_name(
    db: AsyncEngine,
) -> None:
    async def store_fails_while_connected() -> None:
        async with connect(db):
            try:
                raise ConnectionRefusedError
            except OSError as exc:
                raise DependencyDown("storage") from exc

    with pytest.raises(DependencyDown) as raised:
        await store_fails_while_connected()
    assert raised.value.dependency == "storage"
