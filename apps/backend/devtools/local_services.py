"""Local PostgreSQL + PostGIS and an S3 endpoint (s3rver) for the backend's tests and `npm start`.

    python devtools/local_services.py up --state-dir DIR      start both (data kept in DIR), write
                                                            DIR/backend.env; reuses running ones
    python devtools/local_services.py status --state-dir DIR
    python devtools/local_services.py down --state-dir DIR

    python devtools/local_services.py scratch-up --state-dir DIR    a throwaway PostgreSQL + PostGIS
                                                            (no roles, no S3) for restore drills;
                                                            prints host, port, user, password file
    python devtools/local_services.py scratch-down --state-dir DIR  stop it and delete DIR

Tests use `session_services()`: throwaway servers in a temp dir, or the ones named by
SATVACH_TEST_SUPERUSER_DATABASE_URL / SATVACH_TEST_S3_ENDPOINT_URL (CI service containers) if set.
Either way the database gets the stack's roles (satvach.bootstrap_roles): the backend connects as
the app role, migrations run as the owner, backups as the backup role; the superuser bootstraps.
Only 127.0.0.1 is ever listened on or talked to.

The functions ending in `_argv` decide what to run and return argv lists; the classes run them.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BACKEND_DIR = Path(__file__).resolve().parents[1]
WORKSPACE_ROOT = BACKEND_DIR.parents[1]
S3RVER_BIN = WORKSPACE_ROOT / "node_modules" / ".bin" / "s3rver"
PG_BIN_CANDIDATES = (Path("/usr/lib/postgresql/15/bin"),)

POSTGRES_HINT = "PostgreSQL 15 with PostGIS is required: apt-get install postgresql-15-postgis-3"
S3RVER_HINT = "run `npm ci` at the workspace root"
LOOPBACK = "127.0.0.1"
DB_NAME = "satvach"
# The cluster's superuser (initdb): it bootstraps the roles and creates databases, nothing else.
DB_USER = "satvach"
# s3rver accepts any credentials; these are its documented defaults.
S3RVER_ACCESS_KEY = "S3RVER"
S3RVER_SECRET_KEY = "S3RVER"
DEV_BUCKET = "satvach-photos"
TEST_BUCKET = "satvach-test"
START_TIMEOUT_S = 30.0


class MissingRealPart(RuntimeError):
    """A binary or extension the services need is not installed; the message says what to do."""


class ServiceError(RuntimeError):
    """A service did not start or answer in time."""


@dataclass(frozen=True)
class Endpoints:
    database_url: str
    s3_endpoint_url: str
    s3_access_key_id: str
    s3_secret_access_key: str
    s3_bucket: str
    # The other roles' URLs: migrations (owner), backups (backup role), bootstrap/test setup.
    migrate_database_url: str = ""
    backup_database_url: str = ""
    superuser_database_url: str = ""

    def backend_env(self) -> dict[str, str]:
        """The SATVACH_* variables that point the service at these endpoints."""
        return {
            "SATVACH_DATABASE_URL": self.database_url,
            "SATVACH_S3_ENDPOINT_URL": self.s3_endpoint_url,
            "SATVACH_S3_BUCKET": self.s3_bucket,
            "SATVACH_S3_ACCESS_KEY_ID": self.s3_access_key_id,
            "SATVACH_S3_SECRET_ACCESS_KEY": self.s3_secret_access_key,
        }


# ---------------------------------------------------------------- what to run (plain data)


def running_as_root() -> bool:
    return os.geteuid() == 0


def as_postgres_user(argv: list[str], root: bool) -> list[str]:
    """PostgreSQL refuses to run as root, so root runs its tools as the `postgres` system user."""
    return ["runuser", "-u", "postgres", "--", *argv] if root else argv


def initdb_argv(bin_dir: Path, data_dir: Path, password_file: Path, durable: bool) -> list[str]:
    argv = [
        str(bin_dir / "initdb"),
        "--pgdata",
        str(data_dir),
        "--username",
        DB_USER,
        "--pwfile",
        str(password_file),
        # The unix socket (inside the state dir) is trusted; TCP on 127.0.0.1 needs the password.
        "--auth-local",
        "trust",
        "--auth-host",
        "scram-sha-256",
        "--encoding",
        "UTF8",
        "--locale",
        "C",
    ]
    return argv if durable else [*argv, "--no-sync"]


def postgres_conf(port: int, socket_dir: Path, durable: bool) -> str:
    lines = [
        f"listen_addresses = '{LOOPBACK}'",
        f"port = {port}",
        f"unix_socket_directories = '{socket_dir}'",
    ]
    if not durable:
        # Throwaway test data: durability costs time and buys nothing.
        lines += ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]
    return "\n".join(["# added by devtools/local_services.py", *lines, ""])


def pg_ctl_argv(
    bin_dir: Path, data_dir: Path, action: str, log_file: Path | None = None
) -> list[str]:
    argv = [str(bin_dir / "pg_ctl"), "--pgdata", str(data_dir)]
    if action == "start":
        argv += ["--log", str(log_file), "--wait", "--timeout", str(int(START_TIMEOUT_S))]
    elif action == "stop":
        argv += ["--mode", "fast", "--wait"]
    return [*argv, action]


def psql_argv(bin_dir: Path, socket_dir: Path, port: int, database: str, sql: str) -> list[str]:
    return [
        str(bin_dir / "psql"),
        "--host",
        str(socket_dir),
        "--port",
        str(port),
        "--username",
        DB_USER,
        "--dbname",
        database,
        "--no-psqlrc",
        "--tuples-only",
        "--no-align",
        "--set",
        "ON_ERROR_STOP=1",
        "--command",
        sql,
    ]


def s3rver_argv(s3rver: Path, data_dir: Path, port: int) -> list[str]:
    return [
        str(s3rver),
        "--directory",
        str(data_dir),
        "--port",
        str(port),
        "--address",
        LOOPBACK,
        "--silent",
    ]


def database_url(password: str, port: int) -> str:
    return f"postgresql+asyncpg://{DB_USER}:{password}@{LOOPBACK}:{port}/{DB_NAME}"


def role_url(superuser_url: str, user: str, password: str) -> str:
    """The superuser's URL with another role's credentials: same server and database."""
    parts = urlsplit(superuser_url)
    netloc = f"{user}:{password}@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


ROLE_KINDS = ("owner", "app", "backup", "monitor")


def bootstrap_env(superuser_url: str, passwords: dict[str, str]) -> dict[str, str]:
    """The environment `python -m satvach.bootstrap_roles` reads (role names: its defaults)."""
    return {
        "SATVACH_BOOTSTRAP_DATABASE_URL": superuser_url,
        **{f"SATVACH_DB_{kind.upper()}_PASSWORD": passwords[kind] for kind in ROLE_KINDS},
    }


def new_role_passwords() -> dict[str, str]:
    return {kind: secrets.token_urlsafe(24) for kind in ROLE_KINDS}


# ---------------------------------------------------------------- running it


def run(argv: list[str], what: str) -> str:
    """Runs one command to completion; its stdout, or a ServiceError quoting its output's end."""
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        output = (result.stderr or result.stdout).strip()[-2000:]
        raise ServiceError(f"{what} failed (exit {result.returncode}): {output}")
    return result.stdout


def bootstrap_roles(superuser_url: str, passwords: dict[str, str]) -> dict[str, str]:
    """Runs the stack's role bootstrap; returns each role's URL (owner, app, backup)."""
    # The service's own module; imported here so the scratch server and argv building need no venv.
    from satvach import bootstrap_roles as roles

    try:
        config = roles.load_config(bootstrap_env(superuser_url, passwords))
        asyncio.run(roles.bootstrap(config))
    except roles.BootstrapError as exc:
        raise ServiceError(str(exc)) from None
    names = {
        "owner": config.owner.name,
        "app": config.app.name,
        "backup": config.backup.name,
        "monitor": config.monitor.name,
    }
    return {kind: role_url(superuser_url, names[kind], passwords[kind]) for kind in ROLE_KINDS}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def wait_until(ready: Callable[[], bool], what: str, timeout_s: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not ready():
        if time.monotonic() > deadline:
            raise ServiceError(f"{what} did not become ready within {timeout_s:g} s")
        time.sleep(0.05)


def pg_bin_dir() -> Path:
    for candidate in PG_BIN_CANDIDATES:
        if all((candidate / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres", "psql")):
            return candidate
    raise MissingRealPart(POSTGRES_HINT)


def _give_to_postgres(path: Path, root: bool) -> None:
    if root:
        shutil.chown(path, "postgres", "postgres")


class Postgres:
    """A cluster in `<root>/data`, listening on 127.0.0.1 and on a socket in `<root>/run`."""

    def __init__(self, root: Path, durable: bool) -> None:
        self.bin_dir = pg_bin_dir()
        self.root = root
        self.durable = durable
        self.data_dir = root / "data"
        self.socket_dir = root / "run"
        self.password_file = root / "password"
        self.roles_file = root / "roles.json"
        self.log_file = root / "postgres.log"
        self.as_root = running_as_root()

    @property
    def initialized(self) -> bool:
        return (self.data_dir / "PG_VERSION").is_file()

    @property
    def password(self) -> str:
        return self.password_file.read_text().strip()

    def role_passwords(self) -> dict[str, str]:
        """The roles' passwords, made once and kept (0600), so `up` stays idempotent."""
        if not self.roles_file.is_file():
            self.roles_file.touch(mode=0o600)
            self.roles_file.write_text(json.dumps(new_role_passwords()) + "\n")
        passwords = json.loads(self.roles_file.read_text())
        # A file from before a role was added: the new role's password is made and kept too.
        if any(kind not in passwords for kind in ROLE_KINDS):
            passwords = {**new_role_passwords(), **passwords}
            self.roles_file.write_text(json.dumps(passwords) + "\n")
        return passwords

    def superuser_url(self, port: int) -> str:
        return database_url(self.password, port)

    def bootstrap(self, port: int) -> dict[str, str]:
        return bootstrap_roles(self.superuser_url(port), self.role_passwords())

    def check_reachable(self) -> None:
        """Fails early, with the fix, when the postgres user cannot enter the state directory."""
        argv = as_postgres_user(["test", "-x", str(self.root)], self.as_root)
        if subprocess.run(argv, check=False).returncode != 0:
            raise ServiceError(
                f"the postgres system user cannot reach {self.root}: choose a --state-dir whose "
                "parent directories others may traverse (chmod o+x)"
            )

    def initialize(self, port: int) -> None:
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        self.password_file.write_text(secrets.token_urlsafe(24) + "\n")
        self.password_file.chmod(0o600)
        for path in (self.root, self.socket_dir, self.password_file):
            _give_to_postgres(path, self.as_root)
        self.check_reachable()
        argv = initdb_argv(self.bin_dir, self.data_dir, self.password_file, self.durable)
        run(as_postgres_user(argv, self.as_root), "initdb")
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write(postgres_conf(port, self.socket_dir, self.durable))

    def is_running(self) -> bool:
        argv = as_postgres_user(pg_ctl_argv(self.bin_dir, self.data_dir, "status"), self.as_root)
        return subprocess.run(argv, capture_output=True, check=False).returncode == 0

    def start(self) -> None:
        argv = pg_ctl_argv(self.bin_dir, self.data_dir, "start", self.log_file)
        try:
            run(as_postgres_user(argv, self.as_root), "pg_ctl start")
        except ServiceError as exc:
            log_tail = self.log_file.read_text()[-2000:] if self.log_file.is_file() else ""
            raise ServiceError(f"{exc}\n{self.log_file}:\n{log_tail}") from None

    def stop(self) -> None:
        if self.initialized and self.is_running():
            argv = pg_ctl_argv(self.bin_dir, self.data_dir, "stop")
            run(as_postgres_user(argv, self.as_root), "pg_ctl stop")

    def ensure_database(self, port: int) -> None:
        def psql(database: str, sql: str) -> str:
            argv = psql_argv(self.bin_dir, self.socket_dir, port, database, sql)
            return run(argv, f"psql {sql!r}").strip()

        exists = f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'"  # noqa: S608  # a constant
        if psql("postgres", exists) != "1":
            psql("postgres", f"CREATE DATABASE {DB_NAME}")
        try:
            psql(DB_NAME, "CREATE EXTENSION IF NOT EXISTS postgis")
        except ServiceError as exc:
            if "postgis" in str(exc):
                raise MissingRealPart(f"{POSTGRES_HINT} ({exc})") from None
            raise


def _s3_client(endpoint_url: str, access_key: str, secret_key: str):
    # The service's own client; imported here so `--help` and argv building need no venv.
    from satvach.storage import s3_client

    return s3_client(endpoint_url, "us-east-1", access_key, secret_key, timeout_s=2.0)


def ensure_bucket(endpoints: Endpoints) -> None:
    client = _s3_client(
        endpoints.s3_endpoint_url, endpoints.s3_access_key_id, endpoints.s3_secret_access_key
    )
    existing = {bucket["Name"] for bucket in client.list_buckets().get("Buckets", [])}
    if endpoints.s3_bucket not in existing:
        client.create_bucket(Bucket=endpoints.s3_bucket)


def _http_answers(port: int) -> bool:
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=1)
    try:
        connection.request("GET", "/")
        connection.getresponse().read()
    except OSError:
        return False
    finally:
        connection.close()
    return True


def spawn_detached(argv: list[str], log_file: Path) -> int:
    """Starts argv in a session of its own, output to log_file; returns its pid without waiting.

    A pid rather than a Popen: `up` leaves the process running on purpose, after this one exits.
    """
    file_actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, str(log_file), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644),
        (os.POSIX_SPAWN_DUP2, 1, 2),
    ]
    return os.posix_spawn(argv[0], argv, os.environ, file_actions=file_actions, setsid=True)


def _reap(pid: int) -> int | None:
    """The exit status of our child `pid` if it has ended, else None (also when not our child)."""
    try:
        ended, status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return None
    return os.waitstatus_to_exitcode(status) if ended else None


def _pid_is_s3rver(pid: int) -> bool:
    _reap(pid)  # a zombie child of ours still has a /proc entry
    try:
        return b"s3rver" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _stop_pid(pid: int, timeout_s: float = 5.0) -> None:
    with suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while _pid_is_s3rver(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _pid_is_s3rver(pid):
            os.killpg(pid, signal.SIGKILL)


class S3rver:
    """s3rver serving `<root>/data` on 127.0.0.1:<port>, its output in `<root>/s3rver.log`."""

    def __init__(self, root: Path) -> None:
        if not S3RVER_BIN.exists():
            raise MissingRealPart(f"s3rver is missing at {S3RVER_BIN}: {S3RVER_HINT}")
        if shutil.which("node") is None:
            raise MissingRealPart(f"node is not on PATH (s3rver runs on it): {S3RVER_HINT}")
        self.root = root
        self.data_dir = root / "data"
        self.log_file = root / "s3rver.log"

    def launch(self, port: int) -> int:
        """Starts s3rver and returns its pid; does not wait for it to answer."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return spawn_detached(s3rver_argv(S3RVER_BIN, self.data_dir, port), self.log_file)

    def wait_ready(self, pid: int, port: int) -> None:
        def ready() -> bool:
            exit_code = _reap(pid)
            if exit_code is not None:
                log_tail = self.log_file.read_text()[-2000:]
                raise ServiceError(f"s3rver exited with {exit_code}: {log_tail}")
            return _http_answers(port)

        wait_until(ready, f"s3rver on port {port}")


# ---------------------------------------------------------------- persistent services (`up`)


@dataclass
class ServiceState:
    postgres_port: int
    s3_port: int
    s3_pid: int | None = None

    @classmethod
    def load_or_create(cls, path: Path) -> ServiceState:
        if path.is_file():
            return cls(**json.loads(path.read_text()))
        return cls(postgres_port=free_port(), s3_port=free_port())

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2) + "\n")


def role_env_files(endpoints: Endpoints) -> dict[str, dict[str, str]]:
    """One env file per consumer, each with only its own role's URL, under the key it reads."""
    return {
        "backend.env": endpoints.backend_env(),
        "migrate.env": {"SATVACH_DATABASE_URL": endpoints.migrate_database_url},
        # libpq form: the backup tool (libs/backup) and pg_dump read it.
        "backup.env": {
            "SATVACH_BACKUP_DATABASE_URL": endpoints.backup_database_url.replace(
                "postgresql+asyncpg://", "postgresql://", 1
            )
        },
        "superuser.env": {"SATVACH_BOOTSTRAP_DATABASE_URL": endpoints.superuser_database_url},
    }


def write_env_file(path: Path, values: dict[str, str]) -> None:
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text("".join(f"{key}={value}\n" for key, value in values.items()))


class StateDir:
    def __init__(self, path: Path) -> None:
        self.path = path.resolve()
        self.state_file = self.path / "services.json"
        self.env_file = self.path / "backend.env"
        self.postgres = Postgres(self.path / "postgres", durable=True)
        self.s3 = S3rver(self.path / "s3")

    def endpoints(self, state: ServiceState, urls: dict[str, str]) -> Endpoints:
        return Endpoints(
            database_url=urls["app"],
            s3_endpoint_url=f"http://{LOOPBACK}:{state.s3_port}",
            s3_access_key_id=S3RVER_ACCESS_KEY,
            s3_secret_access_key=S3RVER_SECRET_KEY,
            s3_bucket=DEV_BUCKET,
            migrate_database_url=urls["owner"],
            backup_database_url=urls["backup"],
            superuser_database_url=self.postgres.superuser_url(state.postgres_port),
        )

    def up(self) -> Endpoints:
        self.path.mkdir(parents=True, exist_ok=True)
        (self.path / "postgres").mkdir(exist_ok=True)
        state = ServiceState.load_or_create(self.state_file)
        state.save(self.state_file)
        if not self.postgres.initialized:
            self.postgres.initialize(state.postgres_port)
        if not self.postgres.is_running():
            self.postgres.start()
        self.postgres.ensure_database(state.postgres_port)
        urls = self.postgres.bootstrap(state.postgres_port)
        if state.s3_pid is None or not _pid_is_s3rver(state.s3_pid):
            state.s3_pid = self.s3.launch(state.s3_port)
            self.s3.wait_ready(state.s3_pid, state.s3_port)
            state.save(self.state_file)
        endpoints = self.endpoints(state, urls)
        ensure_bucket(endpoints)
        for name, values in role_env_files(endpoints).items():
            write_env_file(self.path / name, values)
        return endpoints

    def down(self) -> None:
        self.postgres.stop()
        if self.state_file.is_file():
            state = ServiceState.load_or_create(self.state_file)
            if state.s3_pid is not None and _pid_is_s3rver(state.s3_pid):
                _stop_pid(state.s3_pid)
            state.s3_pid = None
            state.save(self.state_file)

    def describe(self) -> str:
        if not self.state_file.is_file():
            return f"no services in {self.path} (run `up` first)"
        state = ServiceState.load_or_create(self.state_file)
        pg_running = self.postgres.initialized and self.postgres.is_running()
        s3_running = state.s3_pid is not None and _pid_is_s3rver(state.s3_pid)
        word = {True: "running", False: "stopped"}
        return "\n".join(
            [
                f"postgres  {word[pg_running]:8} {LOOPBACK}:{state.postgres_port}  "
                f"data {self.postgres.data_dir}  log {self.postgres.log_file}",
                f"s3rver    {word[s3_running]:8} http://{LOOPBACK}:{state.s3_port}  "
                f"data {self.s3.data_dir}  log {self.s3.log_file}",
                f"env       {self.env_file} (SATVACH_* for the backend, app role); migrate.env, "
                "backup.env, superuser.env beside it",
            ]
        )


# ---------------------------------------------------------------- throwaway services (tests)


def _test_s3_from_environment() -> Endpoints | None:
    endpoint = os.environ.get("SATVACH_TEST_S3_ENDPOINT_URL")
    if not endpoint:
        return None
    return Endpoints(
        database_url="",
        s3_endpoint_url=endpoint,
        s3_access_key_id=os.environ.get("SATVACH_TEST_S3_ACCESS_KEY_ID", S3RVER_ACCESS_KEY),
        s3_secret_access_key=os.environ.get("SATVACH_TEST_S3_SECRET_ACCESS_KEY", S3RVER_SECRET_KEY),
        s3_bucket=os.environ.get("SATVACH_TEST_S3_BUCKET", TEST_BUCKET),
    )


@contextmanager
def session_services() -> Iterator[Endpoints]:
    """PostgreSQL + PostGIS and S3 for one test session; stopped and deleted afterwards."""
    # A superuser URL (CI's service container): the roles are bootstrapped there, as on ours.
    external_db = os.environ.get("SATVACH_TEST_SUPERUSER_DATABASE_URL")
    external_s3 = _test_s3_from_environment()
    root = Path(tempfile.mkdtemp(prefix="satvach-test-"))
    root.chmod(0o755)  # the postgres user must reach its directories inside
    s3_pid: int | None = None
    postgres: Postgres | None = None
    try:
        if external_s3 is None:
            s3 = S3rver(root / "s3")
            s3_port = free_port()
            # Launched first so it boots while initdb runs.
            s3_pid = s3.launch(s3_port)
        if external_db is None:
            postgres = Postgres(root / "postgres", durable=False)
            postgres.root.mkdir()
            pg_port = free_port()
            postgres.initialize(pg_port)
            postgres.start()
            postgres.ensure_database(pg_port)
            superuser_url = postgres.superuser_url(pg_port)
        else:
            superuser_url = external_db
        urls = bootstrap_roles(superuser_url, new_role_passwords())
        databases = {
            "database_url": urls["app"],
            "migrate_database_url": urls["owner"],
            "backup_database_url": urls["backup"],
            "superuser_database_url": superuser_url,
        }
        if external_s3 is None:
            s3.wait_ready(s3_pid, s3_port)
            endpoints = Endpoints(
                s3_endpoint_url=f"http://{LOOPBACK}:{s3_port}",
                s3_access_key_id=S3RVER_ACCESS_KEY,
                s3_secret_access_key=S3RVER_SECRET_KEY,
                s3_bucket=TEST_BUCKET,
                **databases,
            )
        else:
            endpoints = Endpoints(**{**asdict(external_s3), **databases})
        ensure_bucket(endpoints)
        yield endpoints
    finally:
        if postgres is not None:
            postgres.stop()
        if s3_pid is not None:
            _stop_pid(s3_pid)
        shutil.rmtree(root, ignore_errors=True)


# ---------------------------------------------------------------- scratch server (restore drills)


def scratch_up(state_dir: Path) -> dict[str, object]:
    """A throwaway cluster in state_dir on a free loopback port; what a client needs to reach it."""
    state_dir.mkdir(parents=True, exist_ok=True)
    state_dir.chmod(0o755)  # the postgres user must reach its directories inside
    postgres = Postgres(state_dir, durable=False)
    port = free_port()
    postgres.initialize(port)
    postgres.start()
    return {
        "host": LOOPBACK,
        "port": port,
        "user": DB_USER,
        "password_file": str(postgres.password_file),
        "data_dir": str(postgres.data_dir),
    }


def scratch_down(state_dir: Path) -> None:
    if state_dir.exists():
        Postgres(state_dir, durable=False).stop()
        shutil.rmtree(state_dir)


# ---------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["up", "down", "status", "scratch-up", "scratch-down"])
    parser.add_argument("--state-dir", type=Path, required=True, help="where data, logs, pids live")
    args = parser.parse_args(argv)
    try:
        if args.command == "scratch-up":
            print(json.dumps(scratch_up(args.state_dir.resolve())))
            return 0
        if args.command == "scratch-down":
            scratch_down(args.state_dir.resolve())
            return 0
        state_dir = StateDir(args.state_dir)
        if args.command == "up":
            state_dir.up()
            print(state_dir.describe())
        elif args.command == "down":
            state_dir.down()
            print(f"stopped the services in {state_dir.path} (data kept)")
        else:
            print(state_dir.describe())
    except (MissingRealPart, ServiceError) as exc:
        print(f"local_services: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
