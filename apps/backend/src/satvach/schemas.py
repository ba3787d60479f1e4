"""The HTTP API's models; class names are the component names of the published contract."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

PlaceName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]


class PlaceCategory(StrEnum):
    CAFE = "cafe"
    RESTAURANT = "restaurant"
    PARK = "park"
    SHOP = "shop"
    EVENT = "event"
    SERVICE = "service"
    OTHER = "other"


class PlaceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: PlaceName
    category: PlaceCategory
    lat: Latitude
    lon: Longitude


class Place(BaseModel):
    id: UUID
    name: str
    category: PlaceCategory
    lat: Latitude
    lon: Longitude
    created_at: datetime = Field(description="When the place was created, UTC.")
    has_photo: bool


class NearbyPlace(Place):
    distance_m: float = Field(ge=0, description="Distance from the search point, metres.")


class NearbyResponse(BaseModel):
    items: list[NearbyPlace]
    radius_m: float
    limit: int


class PhotoUploaded(BaseModel):
    place_id: str
    content_type: str
    size_bytes: int


class PhotoLink(BaseModel):
    url: str
    expires_in_s: int


class FieldError(BaseModel):
    field: str = Field(description="The request field, e.g. lat, radius_m, name or file.")
    message: str


class ApiError(BaseModel):
    error: str = Field(description="Machine-readable code, e.g. validation_failed or not_found.")
    message: str
    fields: list[FieldError]


class DependencyUnavailable(ApiError):
    """503: a dependency the request needs cannot be reached; Retry-After says when to retry."""

    dependency: Literal["database", "storage"] = Field(description="What could not be reached.")
