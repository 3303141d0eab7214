"""The JavaScript values the shell subset works with, and its uncaught exception."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

VERSION = "4.4.6"

# (helper, frame) lines the shell prints under an uncaught helper error
_FRAMES = {
    "getUsers": "DB.prototype.getUsers@src/mongo/shell/db.js:1659:15",
    "getUser": "DB.prototype.getUser@src/mongo/shell/db.js:1685:15",
    "createUser": "DB.prototype.createUser@src/mongo/shell/db.js:1343:11",
    "dropUser": "DB.prototype.dropUser@src/mongo/shell/db.js:1580:11",
    "updateUser": "DB.prototype.updateUser@src/mongo/shell/db.js:1417:15",
    "grantRolesToUser": "DB.prototype.grantRolesToUser@src/mongo/shell/db.js:1557:15",
    "revokeRolesFromUser": "DB.prototype.revokeRolesFromUser@src/mongo/shell/db.js:1579:15",
    "getRoles": "DB.prototype.getRoles@src/mongo/shell/db.js:1767:15",
    "getCollectionNames": "DB.prototype._getCollectionInfosCommand@src/mongo/shell/db.js:891:15",
}


class _Undefined:
    def __repr__(self) -> str:
        return "undefined"


UNDEFINED = _Undefined()


@dataclass(frozen=True, slots=True)
class Special:
    """A BSON value the shell prints as a constructor call: NumberLong(5), UUID("...")."""

    text: str


@dataclass(slots=True)
class Method:
    """A callable bound to its receiver (or a global function when `target` is None)."""

    target: Any
    name: str


@dataclass(slots=True)
class Scope:
    """Variables of one function call (or the script), chained to where it was defined."""

    vars: dict[str, Any] = field(default_factory=dict)
    parent: Scope | None = None

    def find(self, name: str) -> Scope | None:
        scope: Scope | None = self
        while scope is not None and name not in scope.vars:
            scope = scope.parent
        return scope


@dataclass(slots=True, eq=False)
class Function:
    """A function literal of the script: `function (a) { return a.x; }` or `a => a.x`.

    `body` is ("expr", node) for an arrow's expression or ("block", statements).
    Equality is identity, as for any JavaScript object.
    """

    params: tuple[str, ...]
    body: tuple[Any, ...]
    source: str
    scope: Scope


@dataclass(slots=True)
class DbHandle:
    name: str


@dataclass(slots=True)
class CollHandle:
    db: str
    name: str


@dataclass(slots=True)
class Cursor:
    coll: CollHandle
    query: dict[str, Any]
    limit: int = 0
    skip: int = 0
    pretty: bool = False


class RsHandle:
    pass


class JsonHandle:
    """The global `JSON` object."""


class JsError(Exception):
    """An uncaught JavaScript exception: kind (Error, TypeError, ...), message, stack frames."""

    def __init__(self, kind: str, message: str, frames: tuple[str, ...] = (), col: int = 1):
        super().__init__(message)
        self.kind, self.message, self.frames, self.col = kind, message, frames, col


def helper_error(helper: str, message: str) -> JsError:
    """The Error a shell helper (db.getUsers, ...) throws, with the shell's stack frames."""
    frames = ("_getErrorWithCode@src/mongo/shell/utils.js:25:13", _FRAMES.get(helper, ""))
    return JsError("Error", message, tuple(f for f in frames if f))
