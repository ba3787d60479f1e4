"""Session-wide real PostgreSQL + PostGIS and S3 endpoint, migrated once; a fresh app per test.

The database has the stack's roles: migrations run as the owner, the app and these fixtures'
own connection as the app role (satvach.bootstrap_roles).
"""

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, ExitStack, asynccontextmanager

import boto3
import pytest
from botocore.config import Config
from httpx import ASGITransport, AsyncClient
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from devtools.local_services import Endpoints, MissingRealPart, ServiceError, session_services
from satvach.main import create_app
from satvach.settings import Settings
from support import TEST_PHOTO_MAX_BYTES, bucket_keys, migrate

ClientFactory = Callable[[Settings], AbstractAsyncContextManager[AsyncClient]]


@pytest.fixture(scope="session")
def endpoints() -> Iterator[Endpoints]:
    with ExitStack() as stack:
        try:
            services = stack.enter_context(session_services())
        except (MissingRealPart, ServiceError) as exc:
            pytest.fail(f"local services for the tests: {exc}", pytrace=False)
        yield services


@pytest.fixture(scope="session")
def migrated(endpoints: Endpoints) -> Endpoints:
    """The real migrate command, `alembic upgrade head`, run once as the owner role."""
    result = migrate(endpoints.migrate_database_url)
    assert result.returncode == 0, f"alembic upgrade head failed:\n{result.stderr}"
    return endpoints


@pytest.fixture(scope="session")
def settings(migrated: Endpoints) -> Settings:
    return Settings(
        database_url=SecretStr(migrated.database_url),
        s3_endpoint_url=migrated.s3_endpoint_url,
        s3_bucket=migrated.s3_bucket,
        s3_access_key_id=migrated.s3_access_key_id,
        s3_secret_access_key=SecretStr(migrated.s3_secret_access_key),
        photo_max_bytes=TEST_PHOTO_MAX_BYTES,
    )


@pytest.fixture(scope="session")
async def db(settings: Settings) -> AsyncIterator[AsyncEngine]:
    """A connection of the tests' own (the app role), to look at what the service wrote."""
    engine = create_async_engine(settings.database_url.get_secret_value())
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
def s3(settings: Settings):
    return boto3.session.Session().client(
        "s3",
        endpoint_url=settings.s3_endpoint_url,
        region_name=settings.s3_region,
        aws_access_key_id=settings.s3_access_key_id,
        aws_secret_access_key=settings.s3_secret_access_key.get_secret_value(),
        config=Config(
            s3={"addressing_style": "path"},
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        ),
    )


@pytest.fixture
async def clean(db: AsyncEngine, s3, settings: Settings) -> None:
    async with db.begin() as conn:
        # DELETE, not TRUNCATE: the app role has exactly the service's privileges.
        await conn.execute(text("DELETE FROM places"))
    for key in bucket_keys(s3, settings):
        s3.delete_object(Bucket=settings.s3_bucket, Key=key)


@pytest.fixture
def make_client(clean: None) -> ClientFactory:
    """Opens an app built from the given settings, lifespan running, behind an httpx client."""

    @asynccontextmanager
    async def open_client(app_settings: Settings) -> AsyncIterator[AsyncClient]:
        app = create_app(app_settings)
        async with (
            app.router.lifespan_context(app),
            AsyncClient(transport=ASGITransport(app=app), base_url="http://testserver") as client,
        ):
            yield client

    return open_client


@pytest.fixture
async def client(make_client: ClientFactory, settings: Settings) -> AsyncIterator[AsyncClient]:
    async with make_client(settings) as opened:
        yield opened


@pytest.fixture
def places_count(db: AsyncEngine) -> Callable:
    async def count() -> int:
        async with db.connect() as conn:
            return (await conn.execute(text("SELECT count(*) FROM places"))).scalar_one()

    return count
