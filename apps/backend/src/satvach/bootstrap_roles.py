"""The database's roles, made by the superuser before migrations.

    python -m satvach.bootstrap_roles       (the stack's db-bootstrap job)

- owner  (SATVACH_DB_OWNER_USER): owns the database, schema public and its tables; runs Alembic.
- app    (SATVACH_DB_APP_USER): SELECT/INSERT/UPDATE/DELETE on the owner's tables, USAGE on its
  sequences (also for tables made later: default privileges), a CONNECTION LIMIT; no DDL.
- backup (SATVACH_DB_BACKUP_USER): pg_read_all_data and nothing else; read-only by default.
- monitor (SATVACH_DB_MONITOR_USER): pg_monitor and nothing else (postgres-exporter): the server's
  statistics, no table data, no schema access, read-only by default, a few connections.

The superuser (SATVACH_BOOTSTRAP_DATABASE_URL) is used for this step only. Every run converges to
the same state in one transaction, so it is safe to re-run; the passwords given are set each time (a
re-run with new ones rotates them). Only SCRAM verifiers reach the server, never a password.
Passwords may come from `<KEY>_FILE`.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os
import re
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import asyncpg
from pydantic import SecretStr

SUPERUSER_URL_KEY = "SATVACH_BOOTSTRAP_DATABASE_URL"
DEFAULT_OWNER = "satvach_owner"
DEFAULT_APP = "satvach_app"
DEFAULT_BACKUP = "satvach_backup"
DEFAULT_MONITOR = "satvach_monitor"
# postgres-exporter holds one connection; a few more for a second scraper or a person with psql.
MONITOR_CONNECTION_LIMIT = 3
DEFAULT_APP_CONNECTION_LIMIT = 64
SCRAM_ITERATIONS = 4096

# Role names go into SQL as quoted identifiers; passwords into URLs (as in the stack env's rules).
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_PASSWORD = re.compile(r"^[A-Za-z0-9._~-]{12,}$")
# Serialises concurrent bootstraps of one database (a re-run while a job still runs). Advisory locks
# are per database while roles are cluster-wide, so bootstraps of two databases are not serialised.
_LOCK_KEY = 0x5A7BAC11


class BootstrapError(Exception):
    """Every problem with the configuration or the server, one per line; never a secret."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(
            f"bootstrap_roles: nothing was changed ({len(problems)} problem(s)):\n{lines}"
        )


@dataclass(frozen=True)
class Role:
    name: str
    password: SecretStr


@dataclass(frozen=True)
class RolesConfig:
    superuser_url: SecretStr
    owner: Role
    app: Role
    backup: Role
    monitor: Role
    app_connection_limit: int = DEFAULT_APP_CONNECTION_LIMIT

    @property
    def database(self) -> str:
        return unquote(urlsplit(self.superuser_url.get_secret_value()).path.lstrip("/"))


def _value(env: Mapping[str, str], key: str, problems: list[str]) -> str | None:
    """The value of `key`, or of the file `<key>_FILE` names; a problem when both are set."""
    value = env.get(key) or None
    file_key = f"{key}_FILE"
    path = env.get(file_key) or None
    if path is None:
        return value
    if value is not None:
        problems.append(f"{key} and {file_key}: set one of them, not both")
        return None
    try:
        return Path(path).read_text().strip()
    except OSError:
        problems.append(f"{file_key}: cannot read {path}; point it at a readable file")
        return None


def load_config(env: Mapping[str, str]) -> RolesConfig:
    """Reads and checks the configuration; raises BootstrapError naming every bad key at once."""
    problems: list[str] = []
    url = _value(env, SUPERUSER_URL_KEY, problems)
    if url is None:
        problems.append(f"{SUPERUSER_URL_KEY} (or {SUPERUSER_URL_KEY}_FILE): missing")
    elif not re.match(r"^postgres(ql)?(\+asyncpg)?://[^/]+/[^/?]+", url):
        problems.append(
            f"{SUPERUSER_URL_KEY}: must look like postgresql://superuser:password@host:5432/db"
        )
    superuser = unquote(urlsplit(url).username or "") if url else ""

    def role(kind: str, default: str) -> Role | None:
        name_key, password_key = f"SATVACH_DB_{kind}_USER", f"SATVACH_DB_{kind}_PASSWORD"
        name = env.get(name_key) or default
        if not _ROLE_NAME.match(name) or name.startswith("pg_"):
            problems.append(
                f"{name_key}: lowercase letters, digits and _, starting with a letter, "
                "not pg_ (max 63)"
            )
        elif name == superuser:
            problems.append(f"{name_key}: must not be the superuser ({superuser})")
        password = _value(env, password_key, problems)
        if password is None:
            problems.append(f"{password_key} (or {password_key}_FILE): missing")
        elif not _PASSWORD.match(password):
            problems.append(
                f"{password_key}: at least 12 characters, letters, digits and . _ ~ - only"
            )
        if password is None or not _PASSWORD.match(password):
            return None
        return Role(name, SecretStr(password))

    owner = role("OWNER", DEFAULT_OWNER)
    app = role("APP", DEFAULT_APP)
    backup = role("BACKUP", DEFAULT_BACKUP)
    monitor = role("MONITOR", DEFAULT_MONITOR)
    limit_text = env.get("SATVACH_DB_APP_CONNECTION_LIMIT") or str(DEFAULT_APP_CONNECTION_LIMIT)
    if not limit_text.isdigit() or int(limit_text) < 1:
        problems.append("SATVACH_DB_APP_CONNECTION_LIMIT: a whole number of connections >= 1")
    names = [r.name for r in (owner, app, backup, monitor) if r is not None]
    if len(set(names)) != len(names):
        problems.append(
            "SATVACH_DB_OWNER_USER, SATVACH_DB_APP_USER, SATVACH_DB_BACKUP_USER, "
            "SATVACH_DB_MONITOR_USER: must differ"
        )
    if problems or url is None or owner is None or app is None or backup is None or monitor is None:
        raise BootstrapError(problems)
    return RolesConfig(SecretStr(url), owner, app, backup, monitor, int(limit_text))


def scram_verifier(password: str, salt: bytes | None = None) -> str:
    """PostgreSQL's stored form of a SCRAM-SHA-256 password (RFC 5802/7677), computed here."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, SCRAM_ITERATIONS)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    b64 = base64.b64encode
    return (
        f"SCRAM-SHA-256${SCRAM_ITERATIONS}:{b64(salt).decode()}"
        f"${b64(stored_key).decode()}:{b64(server_key).decode()}"
    )


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def role_statements(role: Role, exists: bool, connection_limit: int) -> list[str]:
    """CREATE (when missing) and ALTER to exactly these attributes: login, nothing else."""
    verifier = scram_verifier(role.password.get_secret_value())
    create = [] if exists else [f"CREATE ROLE {ident(role.name)}"]
    return [
        *create,
        f"ALTER ROLE {ident(role.name)} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT "
        f"NOREPLICATION NOBYPASSRLS CONNECTION LIMIT {connection_limit} PASSWORD '{verifier}'",
    ]


# Relations of schema public the bootstrap manages: not PostGIS's own (extension members).
_PUBLIC_RELATIONS = """
SELECT c.relname, c.relkind::text AS relkind, pg_get_userbyid(c.relowner) AS owner,
  EXISTS (
    SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
      AND d.deptype IN ('a', 'i')) AS follows_table
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
  AND NOT EXISTS (
    SELECT 1 FROM pg_depend d
    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY c.relname
"""
_PUBLIC_TYPES = """
SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd') AND t.typowner <> $1::regrole
  AND NOT EXISTS (
    SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid
      AND d.deptype = 'e')
"""
_KIND_KEYWORD = {
    "r": "TABLE",
    "p": "TABLE",
    "f": "FOREIGN TABLE",
    "v": "VIEW",
    "m": "MATERIALIZED VIEW",
    "S": "SEQUENCE",
}


async def _apply(conn: asyncpg.Connection, config: RolesConfig) -> list[str]:
    owner, app, backup, monitor = (
        ident(r.name) for r in (config.owner, config.app, config.backup, config.monitor)
    )
    database = ident(config.database)
    is_superuser = await conn.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if not is_superuser:
        user = await conn.fetchval("SELECT current_user")
        raise BootstrapError([f"{SUPERUSER_URL_KEY}: {user} is not a superuser"])
    await conn.execute("SELECT pg_advisory_xact_lock($1)", _LOCK_KEY)

    existing = {
        row["rolname"]
        for row in await conn.fetch(
            "SELECT rolname FROM pg_roles WHERE rolname = ANY($1::text[])",
            [config.owner.name, config.app.name, config.backup.name, config.monitor.name],
        )
    }
    statements: list[str] = []
    for role, limit in ((config.owner, -1), (config.app, config.app_connection_limit)):
        statements += role_statements(role, role.name in existing, limit)
    statements += role_statements(config.backup, config.backup.name in existing, -1)
    statements += role_statements(
        config.monitor, config.monitor.name in existing, MONITOR_CONNECTION_LIMIT
    )
    for statement in statements:
        await conn.execute(statement)

    # Memberships converge too: none, except the backup role's pg_read_all_data and the monitor
    # role's pg_monitor.
    allowed = {config.backup.name: "pg_read_all_data", config.monitor.name: "pg_monitor"}
    for role in (config.owner, config.app, config.backup, config.monitor):
        granted = await conn.fetch(
            "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "WHERE m.member = $1::regrole",
            role.name,
        )
        for row in granted:
            if allowed.get(role.name) != row["rolname"]:
                await conn.execute(f"REVOKE {ident(row['rolname'])} FROM {ident(role.name)}")
    await conn.execute(f"GRANT pg_read_all_data TO {backup}")
    await conn.execute(f"GRANT pg_monitor TO {monitor}")
    for role_ident in (backup, monitor):
        await conn.execute(f"ALTER ROLE {role_ident} SET default_transaction_read_only = on")

    try:
        await conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    except asyncpg.PostgresError as exc:
        raise BootstrapError([f"PostGIS is not available on the server: {exc}"]) from None

    # The database and schema public belong to the owner; nobody else may create in them.
    await conn.execute(f"ALTER DATABASE {database} OWNER TO {owner}")
    await conn.execute(f"REVOKE ALL ON DATABASE {database} FROM PUBLIC, {app}, {backup}, {monitor}")
    await conn.execute(f"GRANT CONNECT ON DATABASE {database} TO {app}, {backup}, {monitor}")
    await conn.execute(f"ALTER SCHEMA public OWNER TO {owner}")
    await conn.execute(f"REVOKE ALL ON SCHEMA public FROM PUBLIC, {app}, {backup}, {monitor}")
    await conn.execute(f"GRANT USAGE ON SCHEMA public TO {app}")

    # Tables made earlier by another role (a stack from before these roles) pass to the owner.
    for row in await conn.fetch(_PUBLIC_RELATIONS):
        # A column's sequence changes owner with its table.
        if row["owner"] != config.owner.name and not row["follows_table"]:
            keyword = _KIND_KEYWORD[row["relkind"]]
            await conn.execute(f"ALTER {keyword} public.{ident(row['relname'])} OWNER TO {owner}")
    for row in await conn.fetch(_PUBLIC_TYPES, config.owner.name):
        await conn.execute(f"ALTER TYPE public.{ident(row['typname'])} OWNER TO {owner}")

    await conn.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {app}, {backup}, {monitor}")
    await conn.execute(
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {app}, {backup}, {monitor}"
    )
    for row in await conn.fetch(_PUBLIC_RELATIONS):
        name = f"public.{ident(row['relname'])}"
        if row["relkind"] == "S":
            await conn.execute(f"GRANT USAGE ON SEQUENCE {name} TO {app}")
        else:
            await conn.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {name} TO {app}")
    default = f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public"
    await conn.execute(f"{default} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}")
    await conn.execute(f"{default} GRANT USAGE ON SEQUENCES TO {app}")
    return [
        f"{config.owner.name}: owns database {config.database} and schema public (migrations)",
        f"{config.app.name}: SELECT/INSERT/UPDATE/DELETE, sequences USAGE, "
        f"connection limit {config.app_connection_limit}",
        f"{config.backup.name}: pg_read_all_data, read-only",
        f"{config.monitor.name}: pg_monitor, read-only, "
        f"connection limit {MONITOR_CONNECTION_LIMIT}",
    ]


async def bootstrap(config: RolesConfig) -> list[str]:
    """Creates or updates the four roles and their privileges; returns one line per role."""
    dsn = config.superuser_url.get_secret_value().replace("+asyncpg", "", 1)
    try:
        conn = await asyncpg.connect(dsn, timeout=10)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        where = urlsplit(dsn).hostname
        raise BootstrapError(
            [f"{SUPERUSER_URL_KEY}: cannot connect to {where} ({type(exc).__name__}: {exc})"]
        ) from None
    try:
        async with conn.transaction():
            return await _apply(conn, config)
    finally:
        await conn.close()


def main(env: Mapping[str, str] | None = None) -> int:
    try:
        summary = asyncio.run(bootstrap(load_config(os.environ if env is None else env)))
    except BootstrapError as exc:
        print(exc, file=sys.stderr)
        return 1
    for line in summary:
        print(f"bootstrap_roles: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
