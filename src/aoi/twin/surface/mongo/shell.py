"""The mongo 4.4 shell run inside a mongod container: `mongo [DB] [-u U -p P] --eval EXPR`.

The expression is parsed as a small JavaScript subset (literals, object and array
literals, operators, member access, calls, `var`, function literals and a few array
methods), never evaluated by Python. Shell helpers (`db.getUsers()`,
`db.grantRolesToUser(...)`, `rs.status()`, `db.coll.find()`) become server commands run
against the twin's `MongoState`, so a grant made here repairs what a revoke broke.
Output follows the legacy shell: the connect banner, `shellPrintHelper` of the last
value, tojson's layout, `uncaught exception` errors and exit code 252, `exiting with
code 1` when the connection fails.

The pieces live in `aoi.twin.surface.mongo`; this module is their public face.
"""

from __future__ import annotations

from aoi.twin.surface.mongo.cli import EVAL_FAILED, Options, parse_options, run_mongo
from aoi.twin.surface.mongo.evaluate import Interpreter
from aoi.twin.surface.mongo.format import json_stringify, tojson
from aoi.twin.surface.mongo.lexer import Tok, tokenize
from aoi.twin.surface.mongo.parser import Parser
from aoi.twin.surface.mongo.seed import seeded_collections
from aoi.twin.surface.mongo.server import Server
from aoi.twin.surface.mongo.values import (
    UNDEFINED,
    VERSION,
    CollHandle,
    Cursor,
    DbHandle,
    Function,
    JsError,
    Method,
    RsHandle,
    Special,
)

__all__ = [
    "EVAL_FAILED",
    "UNDEFINED",
    "VERSION",
    "CollHandle",
    "Cursor",
    "DbHandle",
    "Function",
    "Interpreter",
    "JsError",
    "Method",
    "Options",
    "Parser",
    "RsHandle",
    "Server",
    "Special",
    "Tok",
    "json_stringify",
    "parse_options",
    "run_mongo",
    "seeded_collections",
    "tojson",
    "tokenize",
]
