"""`python -m satvach.openapi`: prints the OpenAPI document; needs no environment or services."""

from __future__ import annotations

import json
import sys

from pydantic import SecretStr

from satvach.main import create_app
from satvach.settings import Settings

# Placeholders that only shape the document (limits come from the defaults); nothing connects.
_DOCUMENT_SETTINGS = Settings.model_construct(
    database_url=SecretStr("postgresql+asyncpg://openapi@127.0.0.1/openapi"),
    s3_endpoint_url="http://127.0.0.1:9000",
    s3_bucket="openapi",
    s3_access_key_id="openapi",
    s3_secret_access_key=SecretStr("openapi"),
)


def openapi_document() -> dict:
    return create_app(_DOCUMENT_SETTINGS).openapi()


def main() -> None:
    json.dump(openapi_document(), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
