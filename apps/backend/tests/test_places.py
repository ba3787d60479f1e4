"""Places against the real PostGIS: round trip, nearby search by distance, and validation."""

import math
import uuid
from datetime import UTC, datetime

import pytest
from httpx import AsyncClient

PUNE = (18.5204, 73.8567)
# 0.009 degrees of latitude north of PUNE: about a kilometre along the meridian.
ONE_KM_NORTH = (18.5294, 73.8567)
THREE_KM_EAST = (18.5204, 73.8852)
MUMBAI = (19.0760, 72.8777)


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance on the mean Earth sphere: an independent reference within 0.5 %."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


async def create(client: AsyncClient, name: str, at: tuple[float, float], category="cafe") -> dict:
    response = await client.post(
        "/api/v1/places", json={"name": name, "category": category, "lat": at[0], "lon": at[1]}
    )
    assert response.status_code == 201, response.text
    return response.json()


def assert_validation_failed(response, fields: list[str]) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "validation_failed"
    assert [field["field"] for field in body["fields"]] == fields
    assert all(field["message"] for field in body["fields"])


async def test_create_then_get_round_trips_through_postgis(client: AsyncClient) -> None:
    created = await create(client, "  Vohuman Cafe  ", PUNE)
    assert created["name"] == "Vohuman Cafe"
    assert created["has_photo"] is False
    assert uuid.UUID(created["id"])
    created_at = datetime.fromisoformat(created["created_at"])
    assert created_at.utcoffset().total_seconds() == 0
    assert abs(datetime.now(UTC) - created_at).total_seconds() < 60

    fetched = (await client.get(f"/api/v1/places/{created['id']}")).json()
    assert fetched == created
    assert fetched["lat"] == pytest.approx(PUNE[0], abs=1e-9)
    assert fetched["lon"] == pytest.approx(PUNE[1], abs=1e-9)


async def test_nearby_returns_places_within_radius_nearest_first(client: AsyncClient) -> None:
    far = await create(client, "Three km east", THREE_KM_EAST, "park")
    near = await create(client, "One km north", ONE_KM_NORTH, "shop")
    await create(client, "Mumbai", MUMBAI)

    response = await client.get(
        "/api/v1/places/nearby", params={"lat": PUNE[0], "lon": PUNE[1], "radius_m": 5000}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["radius_m"] == 5000
    assert body["limit"] == 50
    assert [item["id"] for item in body["items"]] == [near["id"], far["id"]]
    for item, point in zip(body["items"], (ONE_KM_NORTH, THREE_KM_EAST), strict=True):
        assert item["distance_m"] == pytest.approx(haversine_m(PUNE, point), rel=0.01)

    within_2km = await client.get(
        "/api/v1/places/nearby", params={"lat": PUNE[0], "lon": PUNE[1], "radius_m": 2000}
    )
    assert [item["id"] for item in within_2km.json()["items"]] == [near["id"]]


async def test_nearby_limit_bounds_the_result(client: AsyncClient) -> None:
    for index in range(3):
        await create(client, f"Place {index}", (PUNE[0] + index * 0.001, PUNE[1]))
    params = {"lat": PUNE[0], "lon": PUNE[1], "limit": 2}
    body = (await client.get("/api/v1/places/nearby", params=params)).json()
    assert len(body["items"]) == 2
    assert body["limit"] == 2

    too_many = await client.get("/api/v1/places/nearby", params={**params, "limit": 101})
    assert_validation_failed(too_many, ["limit"])


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"lat": 91, "lon": 0}, ["lat"]),
        ({"lat": 0, "lon": -181}, ["lon"]),
        ({"lat": "north", "lon": 0}, ["lat"]),
        ({"lon": 0}, ["lat"]),
        ({"lat": 0, "lon": 0, "radius_m": 0}, ["radius_m"]),
        ({"lat": 0, "lon": 0, "radius_m": 50_001}, ["radius_m"]),
        ({"lat": 0, "lon": 0, "limit": 0}, ["limit"]),
        (
            {"lat": 100, "lon": 200, "radius_m": -1, "limit": "x"},
            ["lat", "lon", "radius_m", "limit"],
        ),
    ],
)
async def test_nearby_rejects_each_bad_parameter(
    client: AsyncClient, params: dict, fields: list[str]
) -> None:
    assert_validation_failed(await client.get("/api/v1/places/nearby", params=params), fields)


VALID_PLACE = {"name": "Cafe", "category": "cafe", "lat": 18.5, "lon": 73.8}


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"name": ""}, ["name"]),
        ({"name": "   "}, ["name"]),
        ({"name": "x" * 121}, ["name"]),
        ({"category": "bar"}, ["category"]),
        ({"lat": 90.5}, ["lat"]),
        ({"lon": 180.5}, ["lon"]),
        ({"lat": None}, ["lat"]),
        (
            {"name": "", "category": "pub", "lat": -91, "lon": "east"},
            ["name", "category", "lat", "lon"],
        ),
    ],
)
async def test_create_rejects_each_bad_field_and_writes_nothing(
    client: AsyncClient, places_count, change: dict, fields: list[str]
) -> None:
    response = await client.post("/api/v1/places", json={**VALID_PLACE, **change})
    assert_validation_failed(response, fields)
    assert await places_count() == 0


async def test_create_without_a_field_names_it(client: AsyncClient, places_count) -> None:
    body = {key: value for key, value in VALID_PLACE.items() if key != "category"}
    assert_validation_failed(await client.post("/api/v1/places", json=body), ["category"])
    assert await places_count() == 0


async def test_unknown_place_is_404_api_error(client: AsyncClient) -> None:
    response = await client.get(f"/api/v1/places/{uuid.uuid4()}")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "message": "place not found", "fields": []}


async def test_malformed_place_id_is_422_naming_it(client: AsyncClient) -> None:
    assert_validation_failed(await client.get("/api/v1/places/not-a-uuid"), ["place_id"])


async def test_unknown_route_is_an_api_error(client: AsyncClient) -> None:
    response = await client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
