"""Photo upload to the real S3 endpoint, presigned download, and that errors write nothing."""

import uuid

import httpx
import pytest
from httpx import AsyncClient
from sqlalchemy import text

from satvach.uploads import matches_magic
from support import TEST_PHOTO_MAX_BYTES, bucket_keys

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
GIF = b"GIF89a" + b"\x00" * 64


@pytest.fixture
async def place_id(client: AsyncClient) -> str:
    response = await client.post(
        "/api/v1/places", json={"name": "Gallery", "category": "shop", "lat": 18.5, "lon": 73.8}
    )
    return response.json()["id"]


async def upload(client: AsyncClient, place: str, data: bytes, content_type: str):
    files = {"file": ("photo", data, content_type)}
    return await client.post(f"/api/v1/places/{place}/photo", files=files)


async def stored_photo_key(db, place: str) -> str | None:
    async with db.connect() as conn:
        query = text("SELECT photo_key FROM places WHERE id = :id")
        return (await conn.execute(query, {"id": uuid.UUID(place)})).scalar_one()


@pytest.mark.parametrize(
    ("content_type", "head", "expected"),
    [
        ("image/jpeg", JPEG[:12], True),
        ("image/png", PNG[:12], True),
        ("image/webp", WEBP[:12], True),
        ("image/png", JPEG[:12], False),
        ("image/webp", b"RIFF\x00\x00\x00\x00WAVE", False),
        ("image/gif", GIF[:12], False),
    ],
)
def test_magic_numbers(content_type: str, head: bytes, expected: bool) -> None:
    assert matches_magic(content_type, head) is expected


async def test_jpeg_upload_then_presigned_url_serves_the_same_bytes(
    client: AsyncClient, place_id: str, db, s3, settings
) -> None:
    response = await upload(client, place_id, JPEG, "image/jpeg")
    assert response.status_code == 201, response.text
    assert response.json() == {
        "place_id": place_id,
        "content_type": "image/jpeg",
        "size_bytes": len(JPEG),
    }
    assert bucket_keys(s3, settings) == [f"places/{place_id}/photo"]
    assert await stored_photo_key(db, place_id) == f"places/{place_id}/photo"
    assert (await client.get(f"/api/v1/places/{place_id}")).json()["has_photo"] is True

    link = (await client.get(f"/api/v1/places/{place_id}/photo")).json()
    assert link["expires_in_s"] == settings.presign_expires_s
    assert link["url"].startswith(settings.s3_endpoint_url)
    async with httpx.AsyncClient() as browser:
        downloaded = await browser.get(link["url"])
    assert downloaded.status_code == 200
    assert downloaded.content == JPEG


@pytest.mark.parametrize(("data", "content_type"), [(PNG, "image/png"), (WEBP, "image/webp")])
async def test_png_and_webp_are_accepted(
    client: AsyncClient, place_id: str, data: bytes, content_type: str
) -> None:
    response = await upload(client, place_id, data, content_type)
    assert response.status_code == 201, response.text
    assert response.json()["content_type"] == content_type


async def test_presigned_url_uses_the_public_endpoint(
    make_client, settings, place_id: str, client: AsyncClient
) -> None:
    await upload(client, place_id, JPEG, "image/jpeg")
    public = settings.model_copy(update={"s3_public_endpoint_url": "https://photos.example.test"})
    async with make_client(public) as public_client:
        link = (await public_client.get(f"/api/v1/places/{place_id}/photo")).json()
    assert link["url"].startswith(f"https://photos.example.test/{settings.s3_bucket}/places/")
    assert "X-Amz-Signature=" in link["url"]


@pytest.mark.parametrize(
    ("data", "content_type", "status", "error"),
    [
        (GIF, "image/gif", 415, "unsupported_media_type"),
        (JPEG, "text/plain", 415, "unsupported_media_type"),
        (JPEG, "image/png", 415, "unsupported_media_type"),
        (b"not an image at all", "image/jpeg", 415, "unsupported_media_type"),
        (JPEG[:4] + b"\x00" * TEST_PHOTO_MAX_BYTES, "image/jpeg", 413, "payload_too_large"),
    ],
)
async def test_rejected_upload_writes_nothing(
    client: AsyncClient,
    place_id: str,
    db,
    s3,
    settings,
    data: bytes,
    content_type: str,
    status: int,
    error: str,
) -> None:
    response = await upload(client, place_id, data, content_type)
    assert response.status_code == status, response.text
    assert response.json()["error"] == error
    assert bucket_keys(s3, settings) == []
    assert await stored_photo_key(db, place_id) is None


async def test_photo_of_exactly_the_limit_is_accepted(client: AsyncClient, place_id: str) -> None:
    data = JPEG[:4] + b"\x00" * (TEST_PHOTO_MAX_BYTES - 4)
    assert (await upload(client, place_id, data, "image/jpeg")).status_code == 201


async def test_upload_to_unknown_place_is_404_and_writes_nothing(
    client: AsyncClient, s3, settings
) -> None:
    response = await upload(client, str(uuid.uuid4()), JPEG, "image/jpeg")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert bucket_keys(s3, settings) == []


async def test_upload_without_file_field_names_it(
    client: AsyncClient, place_id: str, s3, settings
) -> None:
    response = await client.post(
        f"/api/v1/places/{place_id}/photo", files={"photo": ("x", JPEG, "image/jpeg")}
    )
    assert response.status_code == 422
    assert [field["field"] for field in response.json()["fields"]] == ["file"]
    assert bucket_keys(s3, settings) == []


async def test_photo_link_is_404_without_photo_or_place(client: AsyncClient, place_id: str) -> None:
    no_photo = await client.get(f"/api/v1/places/{place_id}/photo")
    assert no_photo.status_code == 404
    assert no_photo.json()["message"] == "photo not found"
    no_place = await client.get(f"/api/v1/places/{uuid.uuid4()}/photo")
    assert no_place.status_code == 404
    assert no_place.json()["message"] == "place not found"


async def test_malformed_multipart_body_is_422(
    client: AsyncClient, place_id: str, s3, settings
) -> None:
    response = await client.post(
        f"/api/v1/places/{place_id}/photo",
        content=b"--xyz\r\nthis is not a part header\r\n\r\n",
        headers={"Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert response.status_code == 422
    assert response.json()["fields"][0]["field"] == "file"
    assert bucket_keys(s3, settings) == []
