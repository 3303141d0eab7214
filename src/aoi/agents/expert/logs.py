"""Reading log lines: which peer a component blames, and which database it uses.

A caller that logs a timeout naming a peer is a symptom; the peer is the suspect.
The phrases are those of the applications' clients: Go gRPC (`dial tcp`, `slow
response from`), Thrift (`<Host: X Port: N>`), Consul (`no healthy instances`),
lua-thrift in nginx (`Could not connect to`), the MongoDB drivers (`calling ismaster on`, `Authentication failed`,
`not authorized on`), and nginx/Lua (`failed to connect to mongodb`).
"""

from __future__ import annotations

import re

from aoi.agents.expert.notes import Complaint, Notes

_THRIFT = re.compile(r"<Host: (?P<peer>[\w.-]+) Port: \d+>: (?P<what>.*)")
# lua-thrift's TSocket in nginx-thrift's handlers: "Could not connect to host:port (reason)"
_LUA_THRIFT = re.compile(r"Could not connect to (?P<peer>[\w.-]+):\d+ \((?P<what>[^)]*)\)")
_SLOW = re.compile(r"slow response from (?P<peer>[\w.-]+):\d+: took (?P<secs>[\d.]+)s?")
_DIAL = re.compile(r"dial tcp (?P<ip>\d+\.\d+\.\d+\.\d+):(?P<port>\d+): (?P<what>[^\"]*)")
_CONSUL = re.compile(r"no healthy instances of srv-(?P<peer>[\w-]+)")
_ISMASTER = re.compile(
    r"(?:calling ismaster on|connect to mongodb|connecting to|connection to|connect to) '?(?P<peer>[\w.-]+):\d+'?",
    re.IGNORECASE,
)
_NOT_AUTHZ = re.compile(r"not authorized on (?P<db>[\w-]+) to execute")
_DB_URL = re.compile(
    r"(?:database URL|DB URL|mongodb://[^@\s]*@?)\W*(?P<host>[a-z][\w.-]*):27017", re.IGNORECASE
)
_GENERIC = re.compile(r"(?P<peer>[a-z][a-z0-9-]+)(?:\.[\w.-]+)?:(?P<port>\d{2,5})\b")
_TROUBLE = re.compile(
    r"error|fail|timed out|timeout|refused|unavailable|unreachable|denied|reset", re.IGNORECASE
)
SLOW_SECONDS = 3.0


def _short(host: str) -> str:
    return host.split(".")[0]


def _kind(text: str) -> str:
    low = text.lower()
    if "timed out" in low or "timeout" in low:
        return "timeout"
    if "refused" in low:
        return "refused"
    if "unavailable" in low or "no healthy" in low:
        return "unavailable"
    return "error"


def read_log_lines(notes: Notes, caller: str, lines: list[str]) -> None:
    """Turn a component's log lines into complaints about its peers and facts about its database."""
    for line in lines:
        url = _DB_URL.search(line)
        if url:
            notes.db_urls[caller] = _short(url["host"])
        db = notes.db_urls.get(caller, "")
        if (
            "Authentication failed" in line
            or "SASL authentication" in line
            or "auth error" in line.lower()
        ):
            if db:
                notes.add_complaint(Complaint(caller, db, "auth", line.strip()))
            notes.auth_failures.add(caller)
            continue
        authz = _NOT_AUTHZ.search(line)
        if authz:
            notes.unauthorized_dbs[caller] = authz["db"]
            if db:
                notes.add_complaint(Complaint(caller, db, "authz", line.strip()))
            continue
        match = _THRIFT.search(line)
        if match:
            notes.add_complaint(
                Complaint(caller, _short(match["peer"]), _kind(match["what"]), line.strip())
            )
            continue
        match = _LUA_THRIFT.search(line)
        if match:
            notes.add_complaint(
                Complaint(caller, _short(match["peer"]), _kind(match["what"]), line.strip())
            )
            continue
        match = _SLOW.search(line)
        if match:
            if float(match["secs"]) >= SLOW_SECONDS:
                notes.add_complaint(Complaint(caller, _short(match["peer"]), "slow", line.strip()))
            continue
        match = _DIAL.search(line)
        if match:
            peer = notes.ip_owner(match["ip"]) or notes.port_owner(int(match["port"]))
            if peer:
                notes.add_complaint(Complaint(caller, peer, _kind(match["what"]), line.strip()))
            continue
        match = _CONSUL.search(line)
        if match:
            notes.add_complaint(Complaint(caller, match["peer"], "unavailable", line.strip()))
            continue
        match = _ISMASTER.search(line)
        # the C driver logs "calling ismaster on" only when the server handshake fails
        if match and ("ismaster" in line.lower() or _TROUBLE.search(line)):
            assert match is not None
            notes.add_complaint(
                Complaint(caller, _short(match["peer"]), "db-connection", line.strip())
            )
            continue
        if _TROUBLE.search(line):
            for generic in _GENERIC.finditer(line):
                peer = generic["peer"]
                if peer in notes.services and peer != caller:
                    notes.add_complaint(Complaint(caller, peer, _kind(line), line.strip()))
                    break
