"""Alembic environment: async migrations against SATVACH_DATABASE_URL (postgresql+asyncpg://)."""

import asyncio
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from satvach.db import Base

DATABASE_URL_VARIABLE = "SATVACH_DATABASE_URL"


def _database_url() -> str:
    url = os.environ.get(DATABASE_URL_VARIABLE, "")
    if not url.startswith("postgresql+asyncpg://"):
        problem = "is not set" if not url else "must start with postgresql+asyncpg://"
        raise SystemExit(
            f"alembic: {DATABASE_URL_VARIABLE} {problem}; "
            "e.g. postgresql+asyncpg://user:password@127.0.0.1:5432/satvach"
        )
    return url


def _run_migrations(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata)
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    engine = create_async_engine(_database_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_migrations)
    finally:
        await engine.dispose()


if context.config.config_file_name is not None:
    fileConfig(context.config.config_file_name)
if context.is_offline_mode():
    raise SystemExit("alembic: offline (--sql) mode is not supported; run against a database")
asyncio.run(_run_online())
