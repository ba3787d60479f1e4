"""The database roles (satvach.bootstrap_roles) against the real PostgreSQL + PostGIS.

A database of its own with roles of their own (rt_*), so rotating passwords here cannot disturb the
session's connections: bootstrapped with the real command, migrated as the owner, then each role
is tried at what it must and must not do.
"""

import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from devtools.local_services import Endpoints, new_role_passwords, role_url
from satvach import bootstrap_roles
from satvach.db import database_unreachable
from support import migrate

DATABASE = "satvach_roles_test"
NAMES = {"owner": "rt_owner", "app": "rt_app", "backup": "rt_backup", "monitor": "rt_monitor"}
CONNECTION_LIMIT = 7
PG_DUMP_CANDIDATES = (Path("/usr/lib/postgresql/15/bin/pg_dump"),)


@dataclass
class RolesDatabase:
    superuser_url: str
    passwords: dict[str, str]

    def env(self, passwords: dict[str, str] | None = None) -> dict[str, str]:
        passwords = passwords or self.passwords
        return {
            "SATVACH_BOOTSTRAP_DATABASE_URL": self.superuser_url,
            "SATVACH_DB_APP_CONNECTION_LIMIT": str(CONNECTION_LIMIT),
            **{f"SATVACH_DB_{kind.upper()}_USER": name for kind, name in NAMES.items()},
            **{f"SATVACH_DB_{kind.upper()}_PASSWORD": pw for kind, pw in passwords.items()},
        }

    def url(self, kind: str, password: str | None = None) -> str:
        if kind == "superuser":
            return dsn(self.superuser_url)
        return dsn(role_url(self.superuser_url, NAMES[kind], password or self.passwords[kind]))


def dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def run_bootstrap(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The real command, as the stack's db-bootstrap job runs it."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SATVACH_")}
    return subprocess.run(
        [sys.executable, "-m", "satvach.bootstrap_roles"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def pg_dump(host: str, port: int, user: str, password: str) -> subprocess.CompletedProcess[str]:
    env = {"PGHOST": host, "PGPORT": str(port), "PGUSER": user, "PGPASSWORD": password}
    return subprocess.run(
        [pg_dump_binary(), "--no-password", "--format=plain", "--dbname", DATABASE],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


async def connect(url: str) -> asyncpg.Connection:
    return await asyncpg.connect(url, timeout=10)


@pytest.fixture(scope="module")
async def roles_db(endpoints: Endpoints) -> RolesDatabase:
    admin_url = dsn(endpoints.superuser_database_url)
    admin = await connect(admin_url)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        await admin.execute(f"CREATE DATABASE {DATABASE}")
    finally:
        await admin.close()
    parts = urlsplit(endpoints.superuser_database_url)
    roles = RolesDatabase(urlunsplit(parts._replace(path=f"/{DATABASE}")), new_role_passwords())

    result = run_bootstrap(roles.env())
    assert result.returncode == 0, result.stderr
    owner_url = role_url(roles.superuser_url, NAMES["owner"], roles.passwords["owner"])
    migrated = migrate(owner_url)
    assert migrated.returncode == 0, f"alembic upgrade head as the owner failed:\n{migrated.stderr}"
    return roles


async def refused(conn: asyncpg.Connection, sql: str) -> str:
    """The server's refusal of `sql`: a privilege error, nothing else."""
    with pytest.raises(asyncpg.PostgresError) as caught:
        await conn.execute(sql)
    assert isinstance(caught.value, asyncpg.InsufficientPrivilegeError), repr(caught.value)
    return str(caught.value)


async def test_app_role_has_no_ddl_no_programs_no_catalog_secrets(roles_db: RolesDatabase) -> None:
    app = await connect(roles_db.url("app"))
    try:
        assert "permission denied for schema public" in await refused(
            app, "CREATE TABLE intruder (id int)"
        )
        assert "must be owner of table places" in await refused(app, "DROP TABLE places")
        assert "must be owner of table places" in await refused(
            app, "ALTER TABLE places ADD COLUMN extra int"
        )
        assert "permission denied for table places" in await refused(app, "TRUNCATE places")
        assert "COPY to or from an external program" in await refused(
            app, "COPY (SELECT 1) TO PROGRAM 'id'"
        )
        assert "permission denied for table pg_authid" in await refused(
            app, "SELECT rolpassword FROM pg_authid"
        )
        assert "permission denied to create database" in await refused(app, "CREATE DATABASE x")
        assert "pg_read_file" in await refused(app, "SELECT pg_read_file('/etc/hostname')")
        assert "temporary tables" in await refused(app, "CREATE TEMP TABLE scratch (id int)")
        attributes = await app.fetchrow(
            "SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, "
            "rolconnlimit, pg_has_role(current_user, 'pg_read_server_files', 'MEMBER') AS files, "
            "pg_has_role(current_user, 'pg_execute_server_program', 'MEMBER') AS programs "
            "FROM pg_roles WHERE rolname = current_user"
        )
    finally:
        await app.close()
    assert dict(attributes) == {
        "rolsuper": False,
        "rolcreatedb": False,
        "rolcreaterole": False,
        "rolreplication": False,
        "rolbypassrls": False,
        "rolconnlimit": CONNECTION_LIMIT,
        "files": False,
        "programs": False,
    }


async def test_app_role_at_its_connection_limit_is_refused_as_unavailable(
    roles_db: RolesDatabase,
) -> None:
    """The limit holds for real, and the refusal is a "try again soon" (503), not a broken query."""
    held = [await connect(roles_db.url("app")) for _ in range(CONNECTION_LIMIT)]
    try:
        with pytest.raises(asyncpg.TooManyConnectionsError) as refused_one:
            await connect(roles_db.url("app"))
    finally:
        for conn in held:
            await conn.close()
    assert refused_one.value.sqlstate == "53300"
    assert database_unreachable(refused_one.value)


async def test_app_role_reads_and_writes_places_with_postgis(roles_db: RolesDatabase) -> None:
    app = await connect(roles_db.url("app"))
    place = uuid.uuid4()
    try:
        await app.execute(
            "INSERT INTO places (id, name, category, location) "
            "VALUES ($1, 'Wada', 'park', 'SRID=4326;POINT(73.8553 18.5195)'::geography)",
            place,
        )
        near = await app.fetchval(
            "SELECT count(*) FROM places WHERE ST_DWithin(location, "
            "'SRID=4326;POINT(73.8567 18.5204)'::geography, 1000) AND id = $1",
            place,
        )
        await app.execute("UPDATE places SET name = 'Shaniwar Wada' WHERE id = $1", place)
        name = await app.fetchval("SELECT name FROM places WHERE id = $1", place)
        deleted = await app.execute("DELETE FROM places WHERE id = $1", place)
    finally:
        await app.close()
    assert (near, name, deleted) == (1, "Shaniwar Wada", "DELETE 1")


def pg_dump_binary() -> str:
    for candidate in PG_DUMP_CANDIDATES:
        if candidate.is_file():
            return str(candidate)
    found = shutil.which("pg_dump")
    if found is None:
        pytest.fail("pg_dump is missing: apt-get install postgresql-15-postgis-3", pytrace=False)
    return found


async def test_backup_role_dumps_everything_and_writes_nothing(roles_db: RolesDatabase) -> None:
    owner = await connect(roles_db.url("owner"))
    place = uuid.uuid4()
    try:
        await owner.execute(
            "INSERT INTO places (id, name, category, location) "
            "VALUES ($1, 'dumped', 'cafe', 'SRID=4326;POINT(1 2)'::geography)",
            place,
        )
    finally:
        await owner.close()

    url = urlsplit(roles_db.url("backup"))
    dump = pg_dump(
        url.hostname or "", url.port or 5432, NAMES["backup"], roles_db.passwords["backup"]
    )
    assert dump.returncode == 0, dump.stderr
    assert "CREATE TABLE public.places" in dump.stdout
    assert "CREATE TABLE public.alembic_version" in dump.stdout
    assert str(place) in dump.stdout

    backup = await connect(roles_db.url("backup"))
    try:
        insert = (
            "INSERT INTO places (id, name, category, location) "
            "VALUES (gen_random_uuid(), 'x', 'cafe', 'POINT(0 0)'::geography)"
        )
        # Read-only by default; and without that default it still lacks every write privilege.
        with pytest.raises(asyncpg.ReadOnlySQLTransactionError):
            await backup.execute(insert)
        await backup.execute("SET default_transaction_read_only = off")
        assert "permission denied for table places" in await refused(backup, insert)
        assert "permission denied for table places" in await refused(
            backup, "UPDATE places SET name = 'y'"
        )
        assert "permission denied for table places" in await refused(backup, "DELETE FROM places")
        assert "permission denied for schema public" in await refused(
            backup, "CREATE TABLE intruder (id int)"
        )
        assert "temporary tables" in await refused(backup, "CREATE TEMP TABLE t (id int)")
        memberships = await backup.fetchval(
            "SELECT array_agg(g.rolname::text ORDER BY g.rolname) FROM pg_auth_members m "
            "JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = current_user::regrole"
        )
    finally:
        await backup.close()
    assert memberships == ["pg_read_all_data"]


async def test_monitor_role_reads_statistics_and_no_table_data_and_writes_nothing(
    roles_db: RolesDatabase,
) -> None:
    """What postgres-exporter needs (pg_stat_*, settings, sizes), and nothing of the app's data."""
    owner = await connect(roles_db.url("owner"))
    try:
        # Another session's activity: visible in full to pg_monitor (query text included).
        await owner.execute("SELECT 'a query only pg_monitor may read'")
        monitor = await connect(roles_db.url("monitor"))
        try:
            databases = await monitor.fetchval(
                "SELECT count(*) FROM pg_stat_database WHERE datname = $1", DATABASE
            )
            others_queries = await monitor.fetch(
                "SELECT query FROM pg_stat_activity WHERE usename = $1", NAMES["owner"]
            )
            tables_seen = await monitor.fetchval(
                "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'places'"
            )
            size = await monitor.fetchval("SELECT pg_database_size($1)", DATABASE)
            await monitor.fetchval("SELECT checkpoints_timed FROM pg_stat_bgwriter")
            # The table itself: no schema access, no privilege on it, and no way to write.
            assert "permission denied for schema public" in await refused(
                monitor, "SELECT * FROM public.places"
            )
            with pytest.raises(asyncpg.ReadOnlySQLTransactionError):
                await monitor.execute("CREATE TEMP TABLE t (id int)")
            await monitor.execute("SET default_transaction_read_only = off")
            assert "permission denied for schema public" in await refused(
                monitor, "DELETE FROM public.places"
            )
            assert "permission denied for schema public" in await refused(
                monitor, "CREATE TABLE public.intruder (id int)"
            )
            assert "permission denied for table pg_authid" in await refused(
                monitor, "SELECT rolpassword FROM pg_authid"
            )
            memberships = await monitor.fetchval(
                "SELECT array_agg(g.rolname::text ORDER BY g.rolname) FROM pg_auth_members m "
                "JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = current_user::regrole"
            )
            limit = await monitor.fetchval(
                "SELECT rolconnlimit FROM pg_roles WHERE rolname = current_user"
            )
        finally:
            await monitor.close()
    finally:
        await owner.close()
    assert databases == 1
    assert [row["query"] for row in others_queries] == ["SELECT 'a query only pg_monitor may read'"]
    assert tables_seen == 1
    assert size > 0
    assert memberships == ["pg_monitor"]
    assert limit == bootstrap_roles.MONITOR_CONNECTION_LIMIT


async def test_migrations_ran_as_the_owner_who_owns_every_table(roles_db: RolesDatabase) -> None:
    admin = await connect(roles_db.url("superuser"))
    try:
        owners = dict(
            await admin.fetch(
                "SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'spatial_ref_sys'"
            )
        )
        database_owner = await admin.fetchval(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1", DATABASE
        )
        public_may_create = await admin.fetchval(
            "SELECT has_schema_privilege('public', 'public', 'CREATE')"
        )
        owner_attributes = await admin.fetchrow(
            "SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = $1",
            NAMES["owner"],
        )
    finally:
        await admin.close()
    assert owners == {"places": NAMES["owner"], "alembic_version": NAMES["owner"]}
    assert database_owner == NAMES["owner"]
    assert public_may_create is False
    assert dict(owner_attributes) == {
        "rolsuper": False,
        "rolcreatedb": False,
        "rolcreaterole": False,
    }


async def test_tables_the_owner_creates_later_are_usable_by_the_app(
    roles_db: RolesDatabase,
) -> None:
    owner = await connect(roles_db.url("owner"))
    app = await connect(roles_db.url("app"))
    try:
        await owner.execute("CREATE TABLE later (id serial PRIMARY KEY, body text)")
        await app.execute("INSERT INTO later (body) VALUES ('via nextval')")
        assert await app.fetchval("SELECT body FROM later") == "via nextval"
        assert "must be owner of table later" in await refused(app, "DROP TABLE later")
    finally:
        await owner.execute("DROP TABLE IF EXISTS later")
        await owner.close()
        await app.close()


SNAPSHOT = {
    "roles": "SELECT rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, "
    "rolreplication, rolbypassrls, rolconnlimit, rolconfig FROM pg_roles "
    "WHERE rolname LIKE 'rt\\_%' ORDER BY rolname",
    "members": "SELECT g.rolname AS granted, r.rolname AS member FROM pg_auth_members m "
    "JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member "
    "WHERE r.rolname LIKE 'rt\\_%' ORDER BY 1, 2",
    "database": "SELECT pg_get_userbyid(datdba) AS owner, datacl::text FROM pg_database "
    f"WHERE datname = '{DATABASE}'",
    "schema": "SELECT pg_get_userbyid(nspowner) AS owner, nspacl::text FROM pg_namespace "
    "WHERE nspname = 'public'",
    "tables": "SELECT relname, pg_get_userbyid(relowner) AS owner, relacl::text FROM pg_class "
    "WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'S') ORDER BY relname",
    "defaults": "SELECT pg_get_userbyid(defaclrole) AS role, defaclobjtype, defaclacl::text "
    "FROM pg_default_acl ORDER BY 1, 2",
}


async def snapshot(roles_db: RolesDatabase) -> dict[str, list[dict]]:
    admin = await connect(roles_db.url("superuser"))
    try:
        return {
            name: [dict(row) for row in await admin.fetch(sql)] for name, sql in SNAPSHOT.items()
        }
    finally:
        await admin.close()


async def test_bootstrap_is_idempotent_and_a_rerun_rotates_passwords(
    roles_db: RolesDatabase,
) -> None:
    before = await snapshot(roles_db)
    again = run_bootstrap(roles_db.env())
    assert again.returncode == 0, again.stderr
    assert await snapshot(roles_db) == before

    rotated = new_role_passwords()
    result = run_bootstrap(roles_db.env(rotated))
    try:
        assert result.returncode == 0, result.stderr
        assert await snapshot(roles_db) == before
        for kind in NAMES:
            with pytest.raises(asyncpg.InvalidPasswordError):
                await connect(roles_db.url(kind))
            conn = await connect(roles_db.url(kind, rotated[kind]))
            assert await conn.fetchval("SELECT current_user") == NAMES[kind]
            await conn.close()
        output = result.stdout + result.stderr
        for password in [*rotated.values(), *roles_db.passwords.values()]:
            assert password not in output
    finally:
        assert run_bootstrap(roles_db.env()).returncode == 0


async def test_tables_made_before_the_roles_pass_to_the_owner(roles_db: RolesDatabase) -> None:
    admin = await connect(roles_db.url("superuser"))
    try:
        await admin.execute("CREATE TABLE legacy (id serial PRIMARY KEY)")
        result = run_bootstrap(roles_db.env())
        assert result.returncode == 0, result.stderr
        owner = await admin.fetchval("SELECT tableowner FROM pg_tables WHERE tablename = 'legacy'")
        app_may_write = await admin.fetchval(
            "SELECT has_table_privilege($1, 'legacy', 'INSERT') "
            "AND has_sequence_privilege($1, 'legacy_id_seq', 'USAGE')",
            NAMES["app"],
        )
    finally:
        await admin.execute("DROP TABLE IF EXISTS legacy")
        await admin.close()
    assert owner == NAMES["owner"]
    assert app_may_write is True


async def test_a_role_that_is_not_superuser_cannot_bootstrap(roles_db: RolesDatabase) -> None:
    password = new_role_passwords()["owner"]
    verifier = bootstrap_roles.scram_verifier(password)
    admin = await connect(roles_db.url("superuser"))
    try:
        await admin.execute("DROP ROLE IF EXISTS rt_outsider")
        await admin.execute(f"CREATE ROLE rt_outsider LOGIN CREATEROLE PASSWORD '{verifier}'")
        await admin.execute(f"GRANT CONNECT ON DATABASE {DATABASE} TO rt_outsider")
        before = await snapshot(roles_db)
        outsider = role_url(roles_db.superuser_url, "rt_outsider", password)
        result = run_bootstrap({**roles_db.env(), "SATVACH_BOOTSTRAP_DATABASE_URL": outsider})
        assert await snapshot(roles_db) == before
    finally:
        await admin.execute(f"REVOKE CONNECT ON DATABASE {DATABASE} FROM rt_outsider")
        await admin.execute("DROP ROLE rt_outsider")
        await admin.close()
    assert result.returncode == 1
    assert "SATVACH_BOOTSTRAP_DATABASE_URL: rt_outsider is not a superuser" in result.stderr
    assert password not in result.stderr


def test_missing_and_malformed_settings_are_named_without_their_values(tmp_path: Path) -> None:
    secret_file = tmp_path / "backup-password"
    secret_file.write_text("from-a-file-0123\n")
    env = {
        "SATVACH_BOOTSTRAP_DATABASE_URL": "postgresql://postgres:pw@127.0.0.1:5432/satvach",
        "SATVACH_DB_OWNER_PASSWORD": "short pw!",
        "SATVACH_DB_BACKUP_PASSWORD_FILE": str(secret_file),
        "SATVACH_DB_APP_USER": "pg_app",
        "SATVACH_DB_APP_CONNECTION_LIMIT": "0",
    }
    with pytest.raises(bootstrap_roles.BootstrapError) as caught:
        bootstrap_roles.load_config(env)
    assert caught.value.problems == [
        "SATVACH_DB_OWNER_PASSWORD: at least 12 characters, letters, digits and . _ ~ - only",
        "SATVACH_DB_APP_USER: lowercase letters, digits and _, starting with a letter, "
        "not pg_ (max 63)",
        "SATVACH_DB_APP_PASSWORD (or SATVACH_DB_APP_PASSWORD_FILE): missing",
        "SATVACH_DB_MONITOR_PASSWORD (or SATVACH_DB_MONITOR_PASSWORD_FILE): missing",
        "SATVACH_DB_APP_CONNECTION_LIMIT: a whole number of connections >= 1",
    ]
    assert "short pw!" not in str(caught.value)
    config = bootstrap_roles.load_config(
        {
            **env,
            "SATVACH_DB_OWNER_PASSWORD": "owner-password-1",
            "SATVACH_DB_APP_USER": "satvach_app",
            "SATVACH_DB_APP_PASSWORD": "app-password-12",
            "SATVACH_DB_APP_CONNECTION_LIMIT": "40",
            "SATVACH_DB_MONITOR_PASSWORD": "monitor-password-1",
        }
    )
    assert config.backup.password.get_secret_value() == "from-a-file-0123"
    assert (config.owner.name, config.app.name, config.backup.name, config.monitor.name) == (
        "satvach_owner",
        "satvach_app",
        "satvach_backup",
        "satvach_monitor",
    )


def test_only_a_scram_verifier_is_sent_for_a_password() -> None:
    statements = bootstrap_roles.role_statements(
        bootstrap_roles.Role("satvach_app", bootstrap_roles.SecretStr("app-password-12")), False, 40
    )
    assert statements[0] == 'CREATE ROLE "satvach_app"'
    assert "CONNECTION LIMIT 40 PASSWORD 'SCRAM-SHA-256$4096:" in statements[1]
    assert "NOSUPERUSER NOCREATEDB NOCREATEROLE" in statements[1]
    assert "app-password-12" not in "".join(statements)
