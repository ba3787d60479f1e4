"""Helpers shared by the test modules (fixtures live in conftest.py)."""

import os
import socket
import subprocess
import sys
from pathlib import Path

BACKEND_DIR = Path(__file__).resolve().parents[1]
# Small enough that the oversized-upload test stays fast; the default is covered in test_settings.
TEST_PHOTO_MAX_BYTES = 256 * 1024


def bucket_keys(s3, settings) -> list[str]:
    listing = s3.list_objects_v2(Bucket=settings.s3_bucket)
    return [item["Key"] for item in listing.get("Contents", [])]


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment_without_satvach() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if not name.startswith("SATVACH_")}


def migrate(database_url: str) -> subprocess.CompletedProcess[str]:
    """The real migrate command, `alembic upgrade head`, as the stack's migrate job runs it."""
    return subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=BACKEND_DIR,
        env={**os.environ, "SATVACH_DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=False,
    )
