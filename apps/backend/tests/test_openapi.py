"""The OpenAPI document is produced without any environment and names the contract's schemas."""

import json
import os
import subprocess
import sys

CONTRACT_SCHEMAS = {
    "PlaceCategory",
    "Place",
    "NearbyPlace",
    "NearbyResponse",
    "PlaceCreate",
    "PhotoUploaded",
    "PhotoLink",
    "FieldError",
    "ApiError",
    "DependencyUnavailable",
}


def test_openapi_module_prints_the_document_with_no_environment() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "satvach.openapi"],
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    document = json.loads(result.stdout)
    assert set(document["components"]["schemas"]) >= CONTRACT_SCHEMAS
    create = document["paths"]["/api/v1/places"]["post"]["responses"]
    assert create["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ApiError"
    }
    nearby = document["paths"]["/api/v1/places/nearby"]["get"]["parameters"]
    radius = next(p for p in nearby if p["name"] == "radius_m")
    assert radius["schema"]["maximum"] == 50_000
    unavailable = create["503"]
    assert unavailable["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/DependencyUnavailable"
    }
    assert "Retry-After" in unavailable["headers"]
