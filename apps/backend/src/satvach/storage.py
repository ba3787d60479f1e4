"""Photo objects in an S3-compatible store; boto3 is blocking, so every call runs in a thread."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from satvach.errors import DependencyDown
from satvach.settings import Settings


def s3_client(
    endpoint_url: str, region: str, access_key_id: str, secret_access_key: str, timeout_s: float
):
    """A path-style S3 client that works with MinIO and S3 stand-ins alike."""
    config = Config(
        signature_version="s3v4",
        s3={"addressing_style": "path"},
        # The newer default (streaming checksums) makes some S3 stand-ins store extra bytes.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        connect_timeout=timeout_s,
        read_timeout=max(timeout_s, 10.0),
        retries={"mode": "standard", "total_max_attempts": 2},
    )
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key,
        config=config,
    )


def _client(settings: Settings, endpoint_url: str, timeout_s: float):
    return s3_client(
        endpoint_url,
        settings.s3_region,
        settings.s3_access_key_id,
        settings.s3_secret_access_key.get_secret_value(),
        timeout_s,
    )


def photo_key(place_id: object) -> str:
    return f"places/{place_id}/photo"


class PhotoStorage:
    def __init__(self, settings: Settings) -> None:
        self.bucket = settings.s3_bucket
        self.presign_expires_s = settings.presign_expires_s
        self._s3 = _client(settings, settings.s3_endpoint_url, settings.readiness_timeout_s)
        # Presigning is local computation; this client only exists to put the public host in URLs.
        self._presigner = _client(settings, settings.presign_endpoint_url, 1.0)

    async def _call(self, operation: Callable[..., Any], **params: Any) -> Any:
        """One S3 call in a thread; an unreachable or overloaded store becomes a 503 naming it."""
        try:
            return await asyncio.to_thread(operation, **params)
        except (BotoConnectionError, HTTPClientError) as exc:
            raise DependencyDown("storage") from exc
        except ClientError as exc:
            if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 503:
                raise DependencyDown("storage") from exc
            raise

    async def put(self, key: str, body: bytes, content_type: str) -> None:
        await self._call(
            self._s3.put_object, Bucket=self.bucket, Key=key, Body=body, ContentType=content_type
        )

    async def delete(self, key: str) -> None:
        await self._call(self._s3.delete_object, Bucket=self.bucket, Key=key)

    async def check_bucket(self) -> None:
        await asyncio.to_thread(self._s3.head_bucket, Bucket=self.bucket)

    def presigned_get_url(self, key: str) -> str:
        return self._presigner.generate_presigned_url(
            "get_object",
            Params={"Bucket": self.bucket, "Key": key},
            ExpiresIn=self.presign_expires_s,
        )
