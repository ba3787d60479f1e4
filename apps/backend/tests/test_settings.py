"""Settings: one error naming every bad key, secrets never shown, the documented example loads."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from satvach.settings import MIB, Settings, SettingsError, env_name, load_settings

BACKEND_DIR = Path(__file__).resolve().parents[1]
REQUIRED = [
    "SATVACH_DATABASE_URL",
    "SATVACH_S3_ENDPOINT_URL",
    "SATVACH_S3_BUCKET",
    "SATVACH_S3_ACCESS_KEY_ID",
    "SATVACH_S3_SECRET_ACCESS_KEY",
]
SECRET_PASSWORD = "pw-that-must-not-leak"
SECRET_KEY = "s3-secret-that-must-not-leak"
VALID = {
    "SATVACH_DATABASE_URL": f"postgresql+asyncpg://satvach:{SECRET_PASSWORD}@127.0.0.1:5432/db",
    "SATVACH_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
    "SATVACH_S3_BUCKET": "photos",
    "SATVACH_S3_ACCESS_KEY_ID": "key",
    "SATVACH_S3_SECRET_ACCESS_KEY": SECRET_KEY,
}


@pytest.fixture
def environ(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The process environment without any SATVACH_ variable."""
    for name in list(os.environ):
        if name.startswith("SATVACH_"):
            monkeypatch.delenv(name)
    return monkeypatch


def set_all(monkeypatch: pytest.MonkeyPatch, values: dict[str, str]) -> None:
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def test_every_missing_key_is_listed_at_once(environ: pytest.MonkeyPatch) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert raised.value.problems == [f"{name}: missing" for name in REQUIRED]
    for name in REQUIRED:
        assert name in str(raised.value)


def test_invalid_values_are_named_with_what_is_expected(environ: pytest.MonkeyPatch) -> None:
    set_all(environ, VALID)
    environ.setenv("SATVACH_PORT", "eighty")
    environ.setenv("SATVACH_PHOTO_MAX_BYTES", "0")
    environ.setenv("SATVACH_LOG_LEVEL", "loud")
    environ.setenv("SATVACH_DATABASE_URL", f"postgres://satvach:{SECRET_PASSWORD}@db/satvach")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    problems = raised.value.problems
    assert "SATVACH_DATABASE_URL: must start with postgresql+asyncpg://" in problems
    assert any(p.startswith("SATVACH_PORT: must be an integer") for p in problems)
    assert any(p.startswith("SATVACH_PHOTO_MAX_BYTES: ") for p in problems)
    assert any(p.startswith("SATVACH_LOG_LEVEL: must be one of debug, info") for p in problems)
    assert len(problems) == 4
    assert SECRET_PASSWORD not in str(raised.value)


def test_defaults_and_derived_values(environ: pytest.MonkeyPatch) -> None:
    set_all(environ, VALID)
    settings = load_settings()
    assert settings.port == 8000
    assert settings.host == "127.0.0.1"
    assert settings.photo_max_bytes == 5 * MIB
    assert settings.nearby_max_radius_m == 50_000
    assert settings.nearby_max_limit == 100
    assert settings.presign_endpoint_url == "http://127.0.0.1:9000"
    environ.setenv("SATVACH_S3_PUBLIC_ENDPOINT_URL", "https://photos.example.test")
    assert load_settings().presign_endpoint_url == "https://photos.example.test"


def test_secrets_are_masked_in_repr(environ: pytest.MonkeyPatch) -> None:
    set_all(environ, VALID)
    shown = repr(load_settings()) + str(load_settings())
    assert SECRET_PASSWORD not in shown
    assert SECRET_KEY not in shown


def test_every_setting_is_described_and_documented_in_env_example() -> None:
    example = (BACKEND_DIR / ".env.example").read_text()
    documented = set(re.findall(r"^(SATVACH_[A-Z0-9_]+)=", example, flags=re.MULTILINE))
    for name, field in Settings.model_fields.items():
        assert field.description, f"{name} has no description"
        assert env_name(name) in documented, f"{env_name(name)} is not in .env.example"
    assert documented == {env_name(name) for name in Settings.model_fields}


def test_env_example_itself_loads(environ: pytest.MonkeyPatch) -> None:
    example = (BACKEND_DIR / ".env.example").read_text()
    for name, value in re.findall(r"^(SATVACH_[A-Z0-9_]+)=(.*)$", example, flags=re.MULTILINE):
        environ.setenv(name, value)
    assert load_settings().s3_bucket == "satvach-photos"


def run_service(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "satvach"],
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_service_with_empty_environment_exits_2_naming_each_missing_key() -> None:
    result = run_service({})
    assert result.returncode == 2
    for name in REQUIRED:
        assert f"{name}: missing" in result.stderr
    assert result.stdout == ""


def test_service_never_prints_secrets_of_an_invalid_configuration() -> None:
    result = run_service({**VALID, "SATVACH_PORT": "not-a-port", "SATVACH_S3_BUCKET": ""})
    assert result.returncode == 2
    assert "SATVACH_PORT: must be an integer" in result.stderr
    assert "SATVACH_S3_BUCKET:" in result.stderr
    for secret in (SECRET_PASSWORD, SECRET_KEY):
        assert secret not in result.stderr + result.stdout


def test_migrate_without_database_url_says_what_is_missing() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=BACKEND_DIR,
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode != 0
    assert "SATVACH_DATABASE_URL is not set" in result.stderr
