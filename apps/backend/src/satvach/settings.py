"""Service settings, read from `SATVACH_*` environment variables and validated at start-up."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "SATVACH_"
MIB = 1024 * 1024


class LogLevel(StrEnum):
    DEBUG = "debug"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class Settings(BaseSettings):
    """Everything the service needs to run; secrets stay wrapped so no repr or log shows them."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, case_sensitive=False, frozen=True)

    database_url: SecretStr = Field(
        description="PostgreSQL + PostGIS connection URL, postgresql+asyncpg://user:password@host:port/db."
    )
    s3_endpoint_url: str = Field(description="S3 API endpoint the service talks to.")
    s3_public_endpoint_url: str | None = Field(
        default=None,
        description="Endpoint in presigned photo URLs for browsers; defaults to S3_ENDPOINT_URL.",
    )
    s3_bucket: str = Field(min_length=3, description="Bucket that holds place photos.")
    s3_access_key_id: str = Field(min_length=1, description="S3 access key id.")
    s3_secret_access_key: SecretStr = Field(description="S3 secret access key.")
    s3_region: str = Field(default="us-east-1", description="S3 region used for request signing.")
    host: str = Field(default="127.0.0.1", description="Address the HTTP server binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port the HTTP server listens on.")
    log_level: LogLevel = Field(default=LogLevel.INFO, description="Lowest log level written.")
    photo_max_bytes: int = Field(
        default=5 * MIB, gt=0, description="Largest accepted photo upload, in bytes."
    )
    nearby_max_radius_m: float = Field(
        default=50_000, gt=0, description="Largest radius_m of the nearby search, in metres."
    )
    nearby_max_limit: int = Field(
        default=100, gt=0, description="Largest limit accepted by the nearby search."
    )
    readiness_timeout_s: float = Field(
        default=2.0, gt=0, description="Time each /health/ready dependency check may take, seconds."
    )
    presign_expires_s: int = Field(
        default=900, gt=0, description="Lifetime of presigned photo URLs, in seconds."
    )
    shutdown_timeout_s: float = Field(
        default=10, gt=0, description="Time in-flight requests get after SIGTERM, seconds."
    )
    release: str = Field(
        default="dev",
        pattern=r"^[A-Za-z0-9._:@/+-]{1,128}$",
        description=(
            "Release this process serves (the deploy sets it); "
            "sent as X-Satvach-Release on every response."
        ),
    )
    fault_5xx_rate: float = Field(
        default=0,
        ge=0,
        le=1,
        description="Game days and canary drills: share of API requests answered 500 (0 = off).",
    )
    fault_delay_ms: int = Field(
        default=0, ge=0, description="Game days and canary drills: delay added to API requests, ms."
    )

    @field_validator("database_url")
    @classmethod
    def _asyncpg_url(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().startswith("postgresql+asyncpg://"):
            raise ValueError("must start with postgresql+asyncpg://")
        return value

    @field_validator("s3_endpoint_url", "s3_public_endpoint_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @property
    def presign_endpoint_url(self) -> str:
        return self.s3_public_endpoint_url or self.s3_endpoint_url


class SettingsError(Exception):
    """Every missing or invalid setting, one per line, named by its environment variable."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"invalid configuration ({len(problems)} problem(s)):\n{lines}")


# Pydantic's own wording for these error types names Python types; say what the variable must hold.
_MESSAGES = {
    "missing": "missing",
    "int_parsing": "must be an integer",
    "int_from_float": "must be an integer",
    "float_parsing": "must be a number",
    "enum": "must be one of " + ", ".join(level.value for level in LogLevel),
}


def env_name(field: str) -> str:
    return f"{ENV_PREFIX}{field.upper()}"


def _describe(error: dict) -> str:
    field = str(error["loc"][0]) if error["loc"] else "?"
    # Only pydantic's message is used, never `input`, so a secret value cannot leak into the error.
    message = _MESSAGES.get(error["type"], error["msg"].removeprefix("Value error, "))
    if error["type"] in {"int_parsing", "int_from_float"} and field in Settings.model_fields:
        message += f" ({Settings.model_fields[field].description})"
    return f"{env_name(field)}: {message}"


def load_settings() -> Settings:
    """Reads the settings from the environment; raises SettingsError naming every bad key."""
    try:
        return Settings()  # type: ignore[call-arg]  # required values come from the environment
    except ValidationError as exc:
        raise SettingsError([_describe(error) for error in exc.errors()]) from None
