"""Every error response is an ApiError body; FastAPI's default shapes are replaced here."""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any, Literal

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from satvach.schemas import ApiError, DependencyUnavailable, FieldError

log = structlog.get_logger("satvach.errors")

# Codes for statuses raised by the framework itself (unknown route, wrong method, ...).
_CODES_BY_STATUS = {
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
}


# Long enough for a database restart or a failover, short enough that clients come back soon.
RETRY_AFTER_S = 5


class ApiProblem(Exception):
    """An expected failure that becomes an ApiError response with `status`."""

    def __init__(
        self, status: int, error: str, message: str, fields: Sequence[FieldError] = ()
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body: ApiError = ApiError(error=error, message=message, fields=list(fields))
        self.headers: dict[str, str] = {}


def not_found(what: str) -> ApiProblem:
    return ApiProblem(404, "not_found", f"{what} not found")


class DependencyDown(ApiProblem):
    """The database or the object store cannot be reached: 503 with Retry-After, naming which, so
    clients and monitors retry instead of reporting a bug."""

    def __init__(self, dependency: Literal["database", "storage"]) -> None:
        self.dependency = dependency
        message = f"the {dependency} is unavailable; try again in {RETRY_AFTER_S} s"
        super().__init__(503, "dependency_unavailable", message)
        self.body = DependencyUnavailable(
            error="dependency_unavailable", message=message, fields=[], dependency=dependency
        )
        self.headers = {"Retry-After": str(RETRY_AFTER_S)}


def error_response(status: int, body: ApiError) -> JSONResponse:
    return JSONResponse(status_code=status, content=body.model_dump(mode="json"))


def _field_name(location: Sequence[Any]) -> str:
    # loc is ("body" | "query" | "path", field, ...); a whole missing body has no field part.
    parts = [str(part) for part in location[1:]] or [str(location[0])]
    return ".".join(parts)


def field_errors(errors: Sequence[dict[str, Any]]) -> list[FieldError]:
    """One FieldError per field, the messages of a field joined, in the order fields first fail."""
    messages: dict[str, list[str]] = {}
    for error in errors:
        messages.setdefault(_field_name(error["loc"]), []).append(error["msg"])
    return [FieldError(field=name, message="; ".join(msgs)) for name, msgs in messages.items()]


async def _validation_failed(_request: Request, exc: RequestValidationError) -> JSONResponse:
    fields = field_errors(exc.errors())
    names = ", ".join(field.field for field in fields)
    body = ApiError(error="validation_failed", message=f"invalid request: {names}", fields=fields)
    return error_response(422, body)


async def _api_problem(_request: Request, exc: ApiProblem) -> JSONResponse:
    if isinstance(exc, DependencyDown):
        # The client learns only which dependency; the operator gets the cause.
        log.warning("dependency_unavailable", dependency=exc.dependency, exc_info=exc.__cause__)
    response = error_response(exc.status, exc.body)
    response.headers.update(exc.headers)
    return response


async def _http_exception(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
    code = _CODES_BY_STATUS.get(exc.status_code, "internal" if exc.status_code >= 500 else "error")
    message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    response = error_response(exc.status_code, ApiError(error=code, message=message, fields=[]))
    response.headers.update(exc.headers or {})
    return response


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_failed)
    app.add_exception_handler(ApiProblem, _api_problem)
    app.add_exception_handler(StarletteHTTPException, _http_exception)
