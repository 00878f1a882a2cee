"""One error shape for every service: RFC 9457 problem+json.

Handlers raise `Problem` (or one of its helpers); the middleware in
`shared.web` turns it, aiohttp's HTTP exceptions, msgspec validation errors and
unexpected exceptions into the same JSON shape, so clients parse one format.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import msgspec

PROBLEM_CONTENT_TYPE = "application/problem+json"

_TITLES: Mapping[int, str] = MappingProxyType({
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
})


class FieldError(msgspec.Struct):
    field: str
    message: str


class ProblemBody(msgspec.Struct, omit_defaults=True):
    type: str
    title: str
    status: int
    detail: str = ""
    errors: list[FieldError] = []


class Problem(Exception):
    """An error meant for the client, with its status and, for validation, the fields."""

    def __init__(
        self,
        status: int,
        detail: str = "",
        *,
        errors: list[FieldError] | None = None,
        title: str | None = None,
        type_: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or _TITLES.get(status, "Error"))
        self.status = status
        self.detail = detail
        self.errors = errors or []
        self.title = title or _TITLES.get(status, "Error")
        self.type = type_ or ("about:blank" if not self.errors else "/problems/validation")
        self.headers = headers or {}

    def body(self) -> ProblemBody:
        return ProblemBody(type=self.type, title=self.title, status=self.status, detail=self.detail,
                           errors=self.errors)


def validation_problem(errors: list[FieldError], status: int = 422, detail: str = "") -> Problem:
    return Problem(status, detail or "; ".join(f"{e.field}: {e.message}" for e in errors), errors=errors)


def field_problem(field: str, message: str, status: int = 422) -> Problem:
    return validation_problem([FieldError(field, message)], status=status)


def not_found(detail: str = "not found") -> Problem:
    return Problem(404, detail)


def uuid_or_404(raw: str, what: str) -> uuid.UUID:
    """An id from a path as a UUID. A malformed id names nothing: 404 "no such <what>", the
    same answer as for an id nobody has, so the status tells a caller nothing more."""
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise not_found(f"no such {what}") from None


def conflict(detail: str) -> Problem:
    return Problem(409, detail)


# msgspec reports a failing path as `at `$.options[2].text``; we turn that into
# a field name clients can match against their form fields: `options[2].text`.
_PATH_RE = re.compile(r"^(?P<msg>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.S)


def from_msgspec(exc: msgspec.ValidationError | msgspec.DecodeError, root: str = "") -> Problem:
    """Name the offending field: `options[2].text`, `key`, or `body` when the whole body is wrong."""
    text = str(exc)
    match = _PATH_RE.match(text)
    message = match.group("msg") if match else text
    path = (match.group("path") or "") if match else ""
    parts = [p for p in (root, path.lstrip(".")) if p]
    named = re.match(r"Object (?:contains unknown|missing required) field `(?P<name>[^`]+)`", message)
    if named:
        parts.append(named["name"])
    field = ".".join(parts).replace(".[", "[") or "body"
    if not isinstance(exc, msgspec.ValidationError):
        return Problem(400, f"malformed JSON: {message}", errors=[FieldError(field, message)])
    return validation_problem([FieldError(field, message)], status=422)


def problem_dict(status: int, detail: str = "") -> dict[str, Any]:
    return {"type": "about:blank", "title": _TITLES.get(status, "Error"), "status": status, "detail": detail}
