"""Reading command output into facts: one small parser per kind of query.

The input is the Observer's short-term memory, the Compressor's text of the
previous iteration, where each command appears as
`$ COMMAND  [agent, exit N, VERDICT]` followed by its (compressed) output. Parsers
are tolerant: a line they cannot read is skipped, and compression marks such as
`[x3 similar lines]` or `... [12 lines omitted]` are ignored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import yaml

from aoi.agents.expert.logs import read_log_lines
from aoi.agents.expert.notes import (
    DeploymentFact,
    EventFact,
    MongoUser,
    Notes,
    PodFact,
    ServiceFact,
)

_HEADER = re.compile(
    r"^\$ (?P<command>.*?)  \[(?P<agent>\w+), exit (?P<exit>-?\d+), (?P<verdict>[A-Za-z_]+)\]$"
)
_SIMILAR = re.compile(r"\s+\[x\d+ similar lines\]$")
_OMITTED = re.compile(r"^\.\.\. \[.*(omitted|truncated).*\]$")


@dataclass(frozen=True)
class Block:
    """One command of an iteration with its (compressed) output."""

    command: str
    agent: str
    exit_code: int
    verdict: str
    output: str

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


def split_blocks(text: str) -> list[Block]:
    """The command blocks of a compressed iteration, in order."""
    blocks: list[Block] = []
    current: dict[str, str] | None = None
    lines: list[str] = []

    def close() -> None:
        if current is not None:
            blocks.append(
                Block(
                    current["command"],
                    current["agent"],
                    int(current["exit"]),
                    current["verdict"],
                    "\n".join(lines).strip("\n"),
                )
            )

    for line in text.splitlines():
        match = _HEADER.match(line)
        if match:
            close()
            current, lines = match.groupdict(), []
        elif current is not None:
            lines.append(line)
    close()
    return blocks


def clean_lines(output: str) -> list[str]:
    """Output lines without the Compressor's marks."""
    out = []
    for line in output.splitlines():
        if _OMITTED.match(line.strip()):
            continue
        out.append(_SIMILAR.sub("", line))
    return out


def _words(value: str) -> list[str]:
    return value.split() if value else []


def _int(value: str, default: int = 0) -> int:
    try:
        return int(value)
    except ValueError:
        return default


def _mapping(value: str) -> dict[str, str]:
    value = value.strip()
    if not value:
        return {}
    if value.startswith("{"):
        try:
            data = json.loads(value)
        except json.JSONDecodeError:
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    if value.startswith("map["):
        pairs = value[4:-1].split()
        return dict(p.split(":", 1) for p in pairs if ":" in p)
    return {}


def _command(value: str) -> list[str]:
    value = value.strip()
    if not value:
        return []
    first = value.split("] [")[0]
    if not first.endswith("]"):
        first += "]"
    try:
        data = json.loads(first)
    except json.JSONDecodeError:
        return value.strip("[]").split()
    return [str(x) for x in data] if isinstance(data, list) else []


# --- parsers: each reads one kind of output into the notes ---------------------------------
Parser = Callable[[Notes, str, str], None]
PARSERS: dict[str, Parser] = {}


def parser(kind: str) -> Callable[[Parser], Parser]:
    def register(fn: Parser) -> Parser:
        PARSERS[kind] = fn
        return fn

    return register


def _fields(line: str, count: int) -> list[str] | None:
    parts = line.split("|")
    if len(parts) < count:
        return None
    return parts


@parser("pods")
def parse_pods(notes: Notes, output: str, subject: str) -> None:
    pods: dict[str, PodFact] = {}
    for line in clean_lines(output):
        f = _fields(line, 10)
        if f is None or not f[0]:
            continue
        pods[f[0]] = PodFact(
            name=f[0],
            phase=f[1],
            ready=[w == "true" for w in _words(f[2])],
            restarts=sum(_int(w) for w in _words(f[3])),
            waiting=_words(f[4]),
            last_reason=_words(f[5]),
            last_finished=max(_words(f[6]), default=""),
            started=f[7],
            images=_words(f[8]),
            ip=f[9].strip(),
        )
    if pods:
        notes.pods = pods


@parser("deployments")
def parse_deployments(notes: Notes, output: str, subject: str) -> None:
    found: dict[str, DeploymentFact] = {}
    for line in clean_lines(output):
        f = _fields(line, 8)
        if f is None or not f[0]:
            continue
        found[f[0]] = DeploymentFact(
            name=f[0],
            replicas=_int(f[1], 1) if f[1] else None,
            ready=_int(f[2]),
            containers=_words(f[3]),
            images=_words(f[4]),
            command=_command(f[5]),
            node_selector=_mapping(f[6]),
            ports=[_int(p) for p in _words(f[7]) if p.isdigit()],
        )
    if found:
        notes.deployments = found


@parser("services")
def parse_services(notes: Notes, output: str, subject: str) -> None:
    found: dict[str, ServiceFact] = {}
    for line in clean_lines(output):
        f = _fields(line, 3)
        if f is None or not f[0]:
            continue
        found[f[0]] = ServiceFact(f[0], [_int(p) for p in _words(f[1])], _words(f[2]))
    if found:
        notes.services = found


_EVENT = re.compile(
    r"^(?P<seen>\S+)\s+(?P<type>Normal|Warning)\s+(?P<reason>\S+)\s+(?P<obj>\S+)\s+(?P<msg>.*)$"
)


@parser("events")
def parse_events(notes: Notes, output: str, subject: str) -> None:
    for line in clean_lines(output):
        match = _EVENT.match(line.strip())
        if match:
            event = EventFact(match["type"], match["reason"], match["obj"], match["msg"].strip())
            if event not in notes.events:
                notes.events.append(event)


@parser("nodes")
def parse_nodes(notes: Notes, output: str, subject: str) -> None:
    for line in clean_lines(output):
        name, _, labels = line.partition("|")
        if name and labels:
            notes.node_labels[name.strip()] = _mapping(labels)


@parser("pvcs")
def parse_pvcs(notes: Notes, output: str, subject: str) -> None:
    for line in clean_lines(output):
        f = _fields(line, 3)
        if f and f[0]:
            notes.pvcs[f[0]] = (f[1], f[2])


@parser("pvs")
def parse_pvs(notes: Notes, output: str, subject: str) -> None:
    for line in clean_lines(output):
        f = _fields(line, 4)
        if f and f[0]:
            claim = f"{f[2]}/{f[3]}" if f[3] else ""
            notes.pvs[f[0]] = (f[1], claim)


@parser("flags")
def parse_flags(notes: Notes, output: str, subject: str) -> None:
    for line in clean_lines(output):
        key, sep, variant = line.strip().partition("=")
        if sep and re.fullmatch(r"[A-Za-z][\w-]*", key):
            notes.flags[key] = variant.strip()


@parser("helm_list")
def parse_helm_list(notes: Notes, output: str, subject: str) -> None:
    for line in clean_lines(output)[1:]:
        name = line.split()[0] if line.split() else ""
        if name and name not in notes.helm_releases:
            notes.helm_releases.append(name)


@parser("helm_values")
def parse_helm_values(notes: Notes, output: str, subject: str) -> None:
    notes.helm_values[subject] = output
    body = "\n".join(
        line for line in output.splitlines() if not line.startswith("USER-SUPPLIED VALUES")
    )
    try:
        data = yaml.safe_load(body)
    except yaml.YAMLError:
        return
    for state in notes.db_state.values():
        for mark in [m for m in state if m.startswith("helm:")]:
            state.discard(mark)
    if not isinstance(data, dict):
        return
    for component, values in data.items():
        tls = values.get("tls") if isinstance(values, dict) else None
        mode = tls.get("mode") if isinstance(tls, dict) else None
        if isinstance(mode, str) and mode.lower() in (
            "requiretls",
            "requiressl",
            "preferTLS".lower(),
        ):
            notes.db_state.setdefault(str(component), set()).add(f"helm:tls.mode={mode}")


@parser("helm_history")
def parse_helm_history(notes: Notes, output: str, subject: str) -> None:
    rows = []
    for line in clean_lines(output)[1:]:
        cells = [c.strip() for c in re.split(r"\t|\s{2,}", line.strip()) if c.strip()]
        if cells and cells[0].isdigit():
            status = next(
                (c for c in cells if c in ("deployed", "superseded", "failed", "pending-upgrade")),
                "",
            )
            rows.append((int(cells[0]), status, cells[-1]))
    if rows:
        notes.helm_history[subject] = rows


_USER = re.compile(r'"user"\s*:\s*"(?P<user>[^"]+)"\s*,\s*"db"\s*:\s*"(?P<db>[^"]+)"')
_ROLE = re.compile(r'"role"\s*:\s*"(?P<role>[^"]+)"\s*,\s*"db"\s*:\s*"(?P<db>[^"]+)"')


@parser("mongo_users")
def parse_mongo_users(notes: Notes, output: str, subject: str) -> None:
    if "Authentication failed" in output or "command terminated" in output:
        return
    users = []
    chunks = re.split(r'(?="_id"\s*:)', output)
    for chunk in chunks:
        match = _USER.search(chunk)
        if match:
            roles = [(r["role"], r["db"]) for r in _ROLE.finditer(chunk)]
            users.append(MongoUser(match["user"], match["db"], roles))
    if users or output.strip() in ("[ ]", "[]"):
        notes.mongo_users[subject] = users


_PRINCIPAL = re.compile(r'"principalName"\s*:\s*"(?P<user>[^"]+)"')


@parser("mongo_log")
def parse_mongo_log(notes: Notes, output: str, subject: str) -> None:
    state = notes.db_state.setdefault(subject, set())
    for line in clean_lines(output):
        if "UserNotFound" in line or "Could not find user" in line:
            state.add("user-not-found")
            match = _PRINCIPAL.search(line)
            if match:
                notes.failed_auth_users[subject] = match["user"]
        elif "Authentication failed" in line:
            state.add("auth-failed")
            match = _PRINCIPAL.search(line)
            if match:
                notes.failed_auth_users.setdefault(subject, match["user"])
        if "not authorized" in line or "Unauthorized" in line:
            state.add("unauthorized")
        if "SSLHandshakeFailed" in line or "only allow SSL" in line or "requireTLS" in line:
            state.add("tls-required")


@parser("crash_log")
def parse_crash_log(notes: Notes, output: str, subject: str) -> None:
    lines = clean_lines(output)
    notes.crash_logs[subject] = lines
    read_log_lines(notes, subject, lines)


@parser("log_grep")
def parse_log_grep(notes: Notes, output: str, subject: str) -> None:
    lines = clean_lines(output)
    notes.logs_read.add(subject)
    notes.log_lines.setdefault(subject, []).extend(lines)
    read_log_lines(notes, subject, lines)


@parser("log_head")
def parse_log_head(notes: Notes, output: str, subject: str) -> None:
    lines = clean_lines(output)
    notes.log_heads[subject] = lines
    read_log_lines(notes, subject, lines)


def absorb(notes: Notes, text: str, issued: dict[str, tuple[str, str]]) -> list[Block]:
    """Read one compressed iteration into the notes; returns its blocks."""
    blocks = split_blocks(text)
    for block in blocks:
        notes.ran.add(block.command)
        kind, subject = issued.get(block.command, ("", ""))
        if not block.ok and kind not in ("crash_log",):
            notes.errors[block.command] = block.output[-300:]
            if kind == "mongo_users":
                notes.mongo_login_failed.add(subject)
            continue
        fn = PARSERS.get(kind)
        if fn is not None:
            fn(notes, block.output, subject)
    return blocks
