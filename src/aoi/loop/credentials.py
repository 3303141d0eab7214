"""Credentials a stored command lost to masking, given back for a replay on the twin.

The store never keeps a secret: the gate masks what a command line itself
carries (`mongo -u root -p ****`, `pwd: ****`, `mongodb://admin:****@`). A
replay must run what the agent ran, so each masked value is filled from the
credentials of the healthy cluster of the same app and seed: the password the
named user has there. A mask with no user to tie it to stays as it is (the
command then fails on the twin as a wrong password would, and says so).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from aoi.gate.redact import MASK
from aoi.twin.core import Twin

_MONGO_USER = re.compile(r"(?:^|\s)(?:-u|--username)[ =](\S+)")
_MONGO_P = re.compile(r"(\bmongo(?:sh)?\b[^\n]*?\s(?:-p|--password)[ =])" + re.escape(MASK))
_FIELD = re.compile(
    r"""(?P<user>["']?user["']?\s*:\s*["'](?P<name>[^"']+)["'][^}]*?)"""
    r"""(?P<key>["']?(?:pwd|password|passwd)["']?\s*:\s*)""" + re.escape(MASK)
)
_CONN = re.compile(r"(?P<head>\b[a-z][a-z0-9+.-]*://(?P<user>[^:/@\s]+):)" + re.escape(MASK) + "@")


def known_passwords(app_key: str, seed: int) -> dict[str, str]:
    """user -> password over the mongods of a healthy twin of this app and seed."""
    twin = Twin.fresh(app_key, seed)
    found: dict[str, str] = {}
    # admin-database users first: the login a shell uses unless told otherwise
    for _where, state in sorted(twin.mongo.items()):
        for (_db, user), record in sorted(state.users.items(), key=lambda kv: kv[0][0] != "admin"):
            found.setdefault(user, record.password)
    return found


def unmask(command: str, passwords: Mapping[str, str]) -> str:
    """The command with each masked credential filled in where its user is known."""
    if MASK not in command:
        return command
    out = command
    user = _MONGO_USER.search(out)
    if user and user.group(1) in passwords:
        secret = passwords[user.group(1)]
        out = _MONGO_P.sub(lambda m: m.group(1) + secret, out)

    def field(match: re.Match[str]) -> str:
        name = match["name"]
        if name not in passwords:
            return match.group(0)
        return f"{match['user']}{match['key']}'{passwords[name]}'"

    out = _FIELD.sub(field, out)

    def conn(match: re.Match[str]) -> str:
        name = match["user"]
        if name not in passwords:
            return match.group(0)
        return f"{match['head']}{passwords[name]}@"

    return _CONN.sub(conn, out)
