"""/api/v1/places: create, read and search places; attach and link their photos."""

# No `from __future__ import annotations` here: the query limits in the annotations come from the
# `settings` of the enclosing factory, so they must be evaluated when the routes are defined.
import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from satvach import places
from satvach.errors import not_found
from satvach.schemas import (
    ApiError,
    DependencyUnavailable,
    Latitude,
    Longitude,
    NearbyResponse,
    PhotoLink,
    PhotoUploaded,
    Place,
    PlaceCreate,
)
from satvach.settings import Settings
from satvach.storage import photo_key
from satvach.uploads import ALLOWED_CONTENT_TYPES, FILE_FIELD, read_photo

_UNAVAILABLE = {
    "model": DependencyUnavailable,
    "description": "The database or the photo store is unreachable; retry after Retry-After.",
    "headers": {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}},
}
_ERRORS = {**{code: {"model": ApiError} for code in (404, 422)}, 503: _UNAVAILABLE}
_PHOTO_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [FILE_FIELD],
                    "properties": {
                        FILE_FIELD: {
                            "type": "string",
                            "format": "binary",
                            "description": "The photo: " + ", ".join(ALLOWED_CONTENT_TYPES),
                        }
                    },
                }
            }
        },
    }
}


def places_router(settings: Settings) -> APIRouter:
    router = APIRouter(prefix="/api/v1/places", tags=["places"])

    @router.get("/nearby", response_model=NearbyResponse, responses=_ERRORS)
    async def nearby(
        request: Request,
        lat: Annotated[Latitude, Query(description="Latitude of the search point.")],
        lon: Annotated[Longitude, Query(description="Longitude of the search point.")],
        radius_m: Annotated[
            float, Query(ge=1, le=settings.nearby_max_radius_m, description="Radius, metres.")
        ] = 1000,
        limit: Annotated[int, Query(ge=1, le=settings.nearby_max_limit)] = 50,
    ) -> NearbyResponse:
        items = await places.nearby_places(request.app.state.engine, lat, lon, radius_m, limit)
        return NearbyResponse(items=items, radius_m=radius_m, limit=limit)

    @router.post("", status_code=201, response_model=Place, responses=_ERRORS)
    async def create(request: Request, body: PlaceCreate) -> Place:
        return await places.create_place(request.app.state.engine, body)

    @router.get("/{place_id}", response_model=Place, responses=_ERRORS)
    async def get(request: Request, place_id: uuid.UUID) -> Place:
        place = await places.get_place(request.app.state.engine, place_id)
        if place is None:
            raise not_found("place")
        return place

    @router.post(
        "/{place_id}/photo",
        status_code=201,
        response_model=PhotoUploaded,
        responses={**_ERRORS, 413: {"model": ApiError}, 415: {"model": ApiError}},
        openapi_extra=_PHOTO_UPLOAD_BODY,
    )
    async def upload_photo(request: Request, place_id: uuid.UUID) -> PhotoUploaded:
        engine, storage = request.app.state.engine, request.app.state.storage
        exists, previous_key = await places.photo_of(engine, place_id)
        if not exists:
            raise not_found("place")
        content_length = request.headers.get("content-length")
        photo = await read_photo(
            request.headers.get("content-type", ""),
            int(content_length) if content_length and content_length.isdigit() else None,
            request.stream(),
            settings.photo_max_bytes,
        )
        key = photo_key(place_id)
        await storage.put(key, photo.data, photo.content_type)
        recorded = False
        try:
            recorded = await places.record_photo(engine, place_id, key, photo.content_type)
        finally:
            # A first photo the database did not take is removed, so nothing stays half-written.
            if not recorded and previous_key is None:
                await storage.delete(key)
        if not recorded:
            raise not_found("place")
        return PhotoUploaded(
            place_id=str(place_id), content_type=photo.content_type, size_bytes=len(photo.data)
        )

    @router.get("/{place_id}/photo", response_model=PhotoLink, responses=_ERRORS)
    async def photo_link(request: Request, place_id: uuid.UUID) -> PhotoLink:
        exists, key = await places.photo_of(request.app.state.engine, place_id)
        if not exists:
            raise not_found("place")
        if key is None:
            raise not_found("photo")
        storage = request.app.state.storage
        return PhotoLink(url=storage.presigned_get_url(key), expires_in_s=storage.presign_expires_s)

    return router
