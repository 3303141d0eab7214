"""Errors as the API server returns them: `Status` objects with a reason, a message and a code.

The twin's write logic raises `KubectlError` with the text kubectl prints for a server's
answer (`Error from server (NotFound): pods "x" not found`); `from_kubectl` turns that text
back into the `Status` the server sent, so real clients print the same line.
"""

from __future__ import annotations

import re
from typing import Any

CODES = {
    "BadRequest": 400,
    "Unauthorized": 401,
    "Forbidden": 403,
    "NotFound": 404,
    "MethodNotAllowed": 405,
    "NotAcceptable": 406,
    "AlreadyExists": 409,
    "Conflict": 409,
    "Gone": 410,
    "UnsupportedMediaType": 415,
    "Invalid": 422,
    "Timeout": 504,
    "InternalError": 500,
    "ServiceUnavailable": 503,
}

_FROM_SERVER = re.compile(r"^Error from server(?: \((\w+)\))?: (.*)$", re.DOTALL)
_INVALID = re.compile(r'^The (\w+) "([^"]*)" is invalid: (.*)$', re.DOTALL)


class ApiError(Exception):
    """A request the server refuses; `status()` is the body it answers with."""

    def __init__(
        self,
        reason: str,
        message: str,
        *,
        code: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.code = code if code is not None else CODES.get(reason, 500)
        self.details = details

    def status(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
        }
        if self.reason:
            body["reason"] = self.reason
        if self.details:
            body["details"] = self.details
        body["code"] = self.code
        return body


def not_found(resource: str, name: str, group: str = "") -> ApiError:
    qualified = f"{resource}.{group}" if group else resource
    return ApiError(
        "NotFound",
        f'{qualified} "{name}" not found',
        details={"name": name, **({"group": group} if group else {}), "kind": resource},
    )


def already_exists(resource: str, name: str, group: str = "") -> ApiError:
    qualified = f"{resource}.{group}" if group else resource
    return ApiError(
        "AlreadyExists",
        f'{qualified} "{name}" already exists',
        details={"name": name, **({"group": group} if group else {}), "kind": resource},
    )


def bad_request(message: str) -> ApiError:
    return ApiError("BadRequest", message)


def method_not_allowed() -> ApiError:
    return ApiError(
        "MethodNotAllowed", "the server does not allow this method on the requested resource"
    )


def not_found_path() -> ApiError:
    return ApiError("NotFound", "the server could not find the requested resource")


def from_kubectl(text: str) -> ApiError:
    """The Status behind an error line of the twin's kubectl (one error, trailing newline)."""
    line = text.rstrip("\n")
    match = _FROM_SERVER.match(line)
    if match is not None:
        reason, message = match.group(1) or "", match.group(2)
        if reason == "NotFound" or reason == "AlreadyExists":
            found = re.match(r'^([\w.]+) "([^"]*)" ', message)
            if found is not None:
                resource, _, group = found.group(1).partition(".")
                details = {"name": found.group(2), "kind": resource}
                if group:
                    details["group"] = group
                return ApiError(reason, message, details=details)
        return ApiError(reason or "InternalError", message, code=CODES.get(reason, 500))
    match = _INVALID.match(line)
    if match is not None:
        kind, name, body = match.groups()
        errors = _split_errors(body)
        causes = []
        for error in errors:
            field, sep, rest = error.partition(": ")
            causes.append(
                {"reason": _cause_reason(rest), "message": rest, "field": field}
                if sep
                else {"message": error}
            )
        return ApiError(
            "Invalid",
            line,
            details={"name": name, "kind": kind, "causes": causes},
        )
    if line.startswith("The request is invalid: "):
        # kubectl writes this prefix itself before the message of an Invalid without details
        return ApiError("Invalid", line[len("The request is invalid: ") :])
    message = line[len("error: ") :] if line.startswith("error: ") else line
    return ApiError("BadRequest", message)


def _split_errors(body: str) -> list[str]:
    if not (body.startswith("[") and body.endswith("]")):
        return [body]
    parts: list[str] = []
    depth = 0
    current = ""
    inner = body[1:-1]
    i = 0
    while i < len(inner):
        ch = inner[i]
        if ch in "[{(":
            depth += 1
        elif ch in "]})":
            depth -= 1
        if depth == 0 and inner.startswith(", ", i) and _starts_field(inner[i + 2 :]):
            parts.append(current)
            current = ""
            i += 2
            continue
        current += ch
        i += 1
    parts.append(current)
    return parts


def _starts_field(text: str) -> bool:
    return re.match(r"^[\w.\[\]]+: ", text) is not None


def _cause_reason(message: str) -> str:
    for prefix, reason in (
        ("Invalid value", "FieldValueInvalid"),
        ("Required value", "FieldValueRequired"),
        ("Unsupported value", "FieldValueNotSupported"),
        ("Forbidden", "FieldValueForbidden"),
        ("Duplicate value", "FieldValueDuplicate"),
        ("Too long", "FieldValueTooLong"),
    ):
        if message.startswith(prefix):
            return reason
    return "FieldValueInvalid"
