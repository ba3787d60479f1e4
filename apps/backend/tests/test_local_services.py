"""The local services harness: commands as data, then `up`/`status`/`down` with the real tools."""

import asyncio
import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from devtools import local_services
from devtools.local_services import (
    Endpoints,
    as_postgres_user,
    bootstrap_env,
    initdb_argv,
    postgres_conf,
    role_env_files,
    role_url,
    s3rver_argv,
)
from satvach.settings import Settings


def test_postgres_tools_run_as_the_postgres_user_only_for_root() -> None:
    assert as_postgres_user(["initdb"], root=True) == ["runuser", "-u", "postgres", "--", "initdb"]
    assert as_postgres_user(["initdb"], root=False) == ["initdb"]


def test_initdb_needs_a_password_over_tcp_and_skips_sync_only_for_throwaway_data() -> None:
    argv = initdb_argv(Path("/bin"), Path("/data"), Path("/pw"), durable=True)
    assert argv[argv.index("--auth-host") + 1] == "scram-sha-256"
    assert "--no-sync" not in argv
    assert "--no-sync" in initdb_argv(Path("/bin"), Path("/data"), Path("/pw"), durable=False)


def test_postgres_listens_on_loopback_and_drops_fsync_only_for_tests() -> None:
    throwaway = postgres_conf(5544, Path("/state/run"), durable=False)
    assert "listen_addresses = '127.0.0.1'" in throwaway
    assert "port = 5544" in throwaway
    assert "unix_socket_directories = '/state/run'" in throwaway
    assert "fsync = off" in throwaway
    assert "fsync" not in postgres_conf(5544, Path("/state/run"), durable=True)


def test_s3rver_binds_loopback() -> None:
    argv = s3rver_argv(Path("/s3rver"), Path("/data"), 4568)
    assert argv[argv.index("--address") + 1] == "127.0.0.1"
    assert argv[argv.index("--port") + 1] == "4568"


def test_backend_env_covers_every_required_setting() -> None:
    endpoints = Endpoints(
        "postgresql+asyncpg://u:p@127.0.0.1:1/d", "http://127.0.0.1:2", "k", "s", "b"
    )
    required = {
        f"SATVACH_{name.upper()}"
        for name, field in Settings.model_fields.items()
        if field.is_required()
    }
    assert set(endpoints.backend_env()) == required


def test_each_consumer_gets_only_its_own_roles_url() -> None:
    endpoints = Endpoints(
        "postgresql+asyncpg://app:a@127.0.0.1:1/satvach",
        "http://127.0.0.1:2",
        "k",
        "s",
        "b",
        migrate_database_url="postgresql+asyncpg://owner:o@127.0.0.1:1/satvach",
        backup_database_url="postgresql+asyncpg://backup:b@127.0.0.1:1/satvach",
        superuser_database_url="postgresql+asyncpg://su:s@127.0.0.1:1/satvach",
    )
    files = role_env_files(endpoints)
    assert files["backend.env"]["SATVACH_DATABASE_URL"].startswith("postgresql+asyncpg://app:")
    assert files["migrate.env"] == {"SATVACH_DATABASE_URL": endpoints.migrate_database_url}
    assert files["backup.env"] == {
        "SATVACH_BACKUP_DATABASE_URL": "postgresql://backup:b@127.0.0.1:1/satvach"
    }
    assert files["superuser.env"] == {
        "SATVACH_BOOTSTRAP_DATABASE_URL": endpoints.superuser_database_url
    }
    for name, values in files.items():
        if name != "superuser.env":
            assert "su:s@" not in "".join(values.values())


def test_role_urls_keep_the_server_and_database_and_swap_the_credentials() -> None:
    superuser = "postgresql+asyncpg://postgres:pw@127.0.0.1:5432/satvach"
    assert role_url(superuser, "satvach_app", "x-1") == (
        "postgresql+asyncpg://satvach_app:x-1@127.0.0.1:5432/satvach"
    )
    passwords = {"owner": "o" * 12, "app": "a" * 12, "backup": "b" * 12, "monitor": "m" * 12}
    assert bootstrap_env(superuser, passwords) == {
        "SATVACH_BOOTSTRAP_DATABASE_URL": superuser,
        "SATVACH_DB_OWNER_PASSWORD": "o" * 12,
        "SATVACH_DB_APP_PASSWORD": "a" * 12,
        "SATVACH_DB_BACKUP_PASSWORD": "b" * 12,
        "SATVACH_DB_MONITOR_PASSWORD": "m" * 12,
    }


def test_scratch_server_starts_on_loopback_and_is_deleted(
    state_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scratch = state_dir.parent / "scratch"
    assert local_services.main(["scratch-up", "--state-dir", str(scratch)]) == 0
    started = json.loads(capsys.readouterr().out)
    try:
        assert started["host"] == "127.0.0.1"
        password = Path(started["password_file"]).read_text().strip()
        assert password not in json.dumps(started)

        async def version() -> str:
            url = f"postgresql://{started['user']}:{password}@127.0.0.1:{started['port']}/postgres"
            conn = await asyncpg.connect(url)
            try:
                return await conn.fetchval("SHOW server_version")
            finally:
                await conn.close()

        assert asyncio.run(version()).startswith("15.")
    finally:
        assert local_services.main(["scratch-down", "--state-dir", str(scratch)]) == 0
    assert not scratch.exists()


def read_env(path: Path) -> dict[str, str]:
    return dict(re.findall(r"^(SATVACH_[A-Z0-9_]+)=(.*)$", path.read_text(), flags=re.MULTILINE))


@pytest.fixture
def state_dir() -> Iterator[Path]:
    # Not pytest's tmp_path: its parent is private to root, and the postgres user must reach inside.
    root = Path(tempfile.mkdtemp(prefix="satvach-up-"))
    root.chmod(0o755)
    yield root / "dev"
    shutil.rmtree(root)


def test_unreachable_state_dir_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    postgres = local_services.Postgres(tmp_path, durable=False)
    # Only root hands the cluster to the postgres system user, so only as root can a dir be out of
    # its reach; the backend tests run as root (so does CI).
    assert postgres.as_root, (
        "run the backend tests as root (CI does): this test checks what the postgres system user "
        "can reach, and only root hands the cluster to it"
    )
    # pytest's tmp_path lies under a directory only root may enter.
    assert local_services.main(["up", "--state-dir", str(tmp_path / "dev")]) == 1
    assert "the postgres system user cannot reach" in capsys.readouterr().err


def test_up_is_persistent_and_idempotent_and_down_stops(
    state_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        assert local_services.main(["up", "--state-dir", str(state_dir)]) == 0
        first = read_env(state_dir / "backend.env")
        migrate = read_env(state_dir / "migrate.env")
        assert local_services.main(["up", "--state-dir", str(state_dir)]) == 0
        assert read_env(state_dir / "backend.env") == first
        assert read_env(state_dir / "migrate.env") == migrate
        assert "//satvach_app:" in first["SATVACH_DATABASE_URL"]
        assert "//satvach_owner:" in migrate["SATVACH_DATABASE_URL"]
        for name in ("backend.env", "migrate.env", "backup.env", "superuser.env"):
            assert (state_dir / name).stat().st_mode & 0o777 == 0o600
        settings = Settings(**{k.removeprefix("SATVACH_").lower(): v for k, v in first.items()})
        assert settings.database_url.get_secret_value().startswith("postgresql+asyncpg://")

        capsys.readouterr()
        assert local_services.main(["status", "--state-dir", str(state_dir)]) == 0
        status = capsys.readouterr().out
        assert status.count("running") == 2
        password = settings.database_url.get_secret_value().split(":")[2].split("@")[0]
        assert password not in status
    finally:
        assert local_services.main(["down", "--state-dir", str(state_dir)]) == 0
    capsys.readouterr()
    local_services.main(["status", "--state-dir", str(state_dir)])
    assert capsys.readouterr().out.count("stopped") == 2


def test_missing_postgres_names_the_package_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(local_services, "PG_BIN_CANDIDATES", (tmp_path / "no-postgres",))
    with pytest.raises(
        local_services.MissingRealPart, match="apt-get install postgresql-15-postgis-3"
    ):
        local_services.Postgres(tmp_path, durable=False)


def test_missing_s3rver_says_to_run_npm_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(local_services, "S3RVER_BIN", tmp_path / "no-s3rver")
    with pytest.raises(local_services.MissingRealPart, match="run `npm ci` at the workspace root"):
        local_services.S3rver(tmp_path)
