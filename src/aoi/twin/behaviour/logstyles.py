"""How each program of the twin words and lays out its log lines.

The wording lives in `data/logs_styles.yaml` (line layouts, banners, request
lines, noise, client-library error texts); this module loads it, fills the
templates and renders timestamps. Everything random here draws from `Rand`, a
small counter-based generator, so a line depends only on its seed and never on
the order in which logs are asked for.
"""

from __future__ import annotations

import hashlib
import json
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

import yaml

from aoi.twin.apps.spec import Component

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
LEVELS = ("trace", "debug", "info", "warn", "error", "fatal", "panic")


def stable_seed(*parts: object) -> int:
    """A 64-bit seed from any values, the same in every process (unlike hash())."""
    text = "\x1f".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


class Rand:
    """splitmix64: tiny, fast, and fully determined by its seed."""

    __slots__ = ("_state",)

    def __init__(self, seed: int) -> None:
        self._state = seed & _MASK

    def bits(self) -> int:
        self._state = (self._state + _GOLDEN) & _MASK
        z = self._state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        return z ^ (z >> 31)

    def random(self) -> float:
        return (self.bits() >> 11) * (1.0 / (1 << 53))

    def below(self, n: int) -> int:
        return self.bits() % n if n > 0 else 0

    def uniform(self, low: float, high: float) -> float:
        return low + (high - low) * self.random()

    def choice(self, seq: tuple[Any, ...] | list[Any]) -> Any:
        return seq[self.below(len(seq))]

    def count(self, mean: float) -> int:
        """A whole number of events with the given mean (floor plus a Bernoulli rest)."""
        whole = int(mean)
        return whole + (1 if self.random() < mean - whole else 0)

    def hex(self, digits: int) -> str:
        out = ""
        while len(out) < digits:
            out += f"{self.bits():016x}"
        return out[:digits]


# --- styles ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """One kind of log event: level, where it is logged from, what it says."""

    level: str
    where: str
    msg: str
    when: str = ""
    gate: str = ""
    writer: str = ""  # another layout than the style's (a logger used before the main one is set)
    always: bool = False  # printed whatever level is configured (it runs before the level is set)


@dataclass(frozen=True, slots=True)
class CallLines:
    """What a caller's own code prints around one callee's failure (its pool, its handler)."""

    client: str = ""  # the client type its ClientPool was built with
    connect: tuple[Entry, ...] = ()  # after the library's lines for a failed connect
    upstream: tuple[Entry, ...] = ()  # when the callee answered with an error
    error: tuple[Entry, ...] | None = None  # instead of the library's lines


@dataclass(frozen=True, slots=True)
class Exit:
    """How a program gives up at start when one kind of dependency fails."""

    line: Entry
    stack: tuple[tuple[str, str], ...] = ()  # (function, file:line), innermost first
    code: int = 1


@dataclass(frozen=True, slots=True)
class LevelSetting:
    """Where a program reads its log level from: an environment variable and its values."""

    env: str
    default: str
    values: Mapping[str, str]

    def level(self, env: Mapping[str, str]) -> tuple[str, str]:
        """(canonical level, the value as the program prints it) for a container's env."""
        raw = env.get(self.env, self.default)
        return self.values.get(raw, self.values.get("*", "info")), raw


@dataclass(frozen=True, slots=True)
class Style:
    key: str
    stamp: str
    line: str
    levels: Mapping[str, str]
    escape: str = ""
    gap: float = 0.002
    header: tuple[str, ...] = ()
    startup: Mapping[str, tuple[Entry, ...]] = field(default_factory=dict)
    requests: Mapping[str, tuple[Entry, ...]] = field(default_factory=dict)
    noise: tuple[Entry, ...] = ()
    rate: float = 0.0
    idle: float = 0.0
    cap: float = 0.0
    access: str = ""
    error: tuple[Entry, ...] = ()
    upstream: tuple[Entry, ...] | None = None
    flag: Entry | None = None
    crash: tuple[Entry, ...] = ()
    trailer: tuple[str, ...] = ()
    families: Mapping[str, str] = field(default_factory=dict)
    layout: str = ""  # a library's own writer (LAYOUTS) instead of the `line` template
    colors: Mapping[str, int] = field(default_factory=dict)
    bold: tuple[str, ...] = ()  # levels whose message the writer prints bold
    level_setting: LevelSetting | None = None
    exits: Mapping[str, Mapping[str, Exit]] = field(default_factory=dict)
    frames: tuple[tuple[str, str], ...] = ()  # the logging library's own frames of a panic
    module: str = ""  # where the program's sources sit in a panic's stack
    preamble: tuple[Entry, ...] = ()  # printed by every program of the style before its own
    env_fields: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    calls: Mapping[str, Mapping[str, CallLines]] = field(default_factory=dict)

    def failure_entries(self, caller: str, callee: str, kind: str) -> tuple[Entry, ...]:
        """The entries a caller prints for one failed call of `callee` (empty: it prints none)."""
        lines = self.calls.get(caller, {}).get(callee)
        if lines is None:
            if kind == "upstream":
                return self.error if self.upstream is None else self.upstream
            return self.error
        if kind == "upstream":
            return lines.upstream
        if lines.error is not None:
            return lines.error
        return self.error + lines.connect

    def pool_client(self, caller: str, callee: str) -> str:
        lines = self.calls.get(caller, {}).get(callee)
        return lines.client if lines is not None and lines.client else f"{callee}-client"

    def request_entries(self, service: str) -> tuple[Entry, ...]:
        return self.requests.get(service) or self.requests.get("*", ())

    def startup_entries(self, service: str) -> tuple[Entry, ...]:
        return self.preamble + (self.startup.get(service) or self.startup.get("*", ()))

    def env_values(self, env: Mapping[str, str]) -> dict[str, Any]:
        """The fields a container's environment sets: log level, colours, tunables."""
        out: dict[str, Any] = {"no_color": bool(env.get("NO_COLOR"))}
        if self.level_setting is not None:
            out["log_level"], out["log_level_name"] = self.level_setting.level(env)
        for name, spec in self.env_fields.items():
            out[name] = _env_field(spec, env)
        return out

    def exit_for(self, service: str, gate: str) -> Exit | None:
        table = self.exits.get(service) or self.exits.get("*") or {}
        return table.get(gate) or table.get("*")

    def min_level(self, ctx: Mapping[str, Any]) -> int:
        """The index in LEVELS below which the program prints nothing."""
        level = ctx.get("log_level")
        return LEVELS.index(level) if level in LEVELS else 0

    def prints(self, entry: Entry, ctx: Mapping[str, Any]) -> bool:
        """Whether the configured log level lets this entry through."""
        if entry.level == "access":
            return bool(ctx.get("access_log", True))
        if entry.always or entry.level not in LEVELS:
            return True
        return LEVELS.index(entry.level) >= self.min_level(ctx)

    def family(self, protocol: str) -> str:
        return self.families.get(protocol) or self.families.get("*", "tcp")

    def render(
        self,
        at: datetime,
        level: str,
        where: str,
        msg: str,
        ctx: Mapping[str, Any],
        writer: str = "",
    ) -> list[str]:
        """The physical lines of one event (`writer`: another layout than the style's)."""
        if level == "access":
            return [msg]
        layout = LAYOUTS.get(writer or self.layout)
        if layout is not None:
            return layout(self, at, level, where, msg, ctx)
        word = self.levels.get(level, level)
        if self.escape == "json":
            msg = json.dumps(msg)[1:-1]
            where = json.dumps(where)[1:-1]
        values = LineValues(ctx, ts=stamp(self.stamp, at), lvl=word, where=where, msg=msg, _at=at)
        values["lvl0"] = word.strip()[:1]
        return self.line.format_map(values).split("\n")


# --- library writers: layouts a template cannot say --------------------------------


def _paint(text: str, code: int, plain: bool) -> str:
    """An ANSI SGR colour around text, as Go's console writers print it (none for code 0)."""
    if plain or code == 0:
        return text
    return f"\x1b[{code}m{text}\x1b[0m"


def _zerolog_console(
    style: Style, at: datetime, level: str, where: str, msg: str, ctx: Mapping[str, Any]
) -> list[str]:
    """zerolog's ConsoleWriter: timestamp, level, caller and message, each coloured.

    The parts are joined by one space and an empty part is left out (an empty
    message leaves the line ending at the caller's " >"). NO_COLOR in the
    environment turns the colours off.
    """
    plain = bool(ctx.get("no_color"))
    parts = [_paint(stamp(style.stamp, at), style.colors.get("time", 0), plain)]
    parts.append(_paint(style.levels.get(level, level), style.colors.get(level, 0), plain))
    if where:
        parts.append(
            _paint(where, style.colors.get("caller", 0), plain)
            + _paint(" >", style.colors.get("arrow", 0), plain)
        )
    if msg:
        parts.append(
            _paint(msg, style.colors.get("bold", 0), plain) if level in style.bold else msg
        )
    return [" ".join(parts)]


def _zerolog_json(
    style: Style, at: datetime, level: str, where: str, msg: str, ctx: Mapping[str, Any]
) -> list[str]:
    """zerolog's default logger (JSON, level first, RFC 3339 time, no caller)."""
    fields: dict[str, str] = {"level": level, "time": stamp("%Y-%m-%dT%H:%M:%SZ", at)}
    if where:
        fields["caller"] = where
    if msg:
        fields["message"] = msg
    return [json.dumps(fields, separators=(",", ":"), ensure_ascii=False)]


def _log4j_no_span(
    style: Style, at: datetime, level: str, where: str, msg: str, ctx: Mapping[str, Any]
) -> list[str]:
    """The style's pattern outside any span: the MDC's trace fields print empty."""
    values = LineValues(
        ctx,
        ts=stamp(style.stamp, at),
        lvl=style.levels.get(level, level),
        where=where,
        msg=msg,
        trace_id="",
        span_id="",
        trace_flags="",
    )
    return style.line.format_map(values).split("\n")


Layout = Callable[[Style, datetime, str, str, str, Mapping[str, Any]], list[str]]


def _thrift_output(
    style: Style, at: datetime, level: str, where: str, msg: str, ctx: Mapping[str, Any]
) -> list[str]:
    """Thrift's TOutput::errorTimeWrapper: "Thrift: " and ctime(3) without its newline."""
    utc = at.astimezone(UTC)
    return [f"Thrift: {utc:%a %b} {utc.day:2d} {utc:%H:%M:%S %Y} {msg}"]


LAYOUTS: dict[str, Layout] = {
    "zerolog-console": _zerolog_console,
    "zerolog-json": _zerolog_json,
    "thrift-output": _thrift_output,
    "log4j-no-span": _log4j_no_span,
}


class LineValues(dict[str, Any]):
    """Line fields first, then the container's context; unknown fields print as-is."""

    def __init__(self, ctx: Mapping[str, Any], **line: Any) -> None:
        super().__init__(line)
        self._ctx = ctx

    def __missing__(self, key: str) -> Any:
        if key in self._ctx:
            return self._ctx[key]
        at = self.get("_at")
        if key in FIELDS and isinstance(at, datetime):
            return FIELDS[key](Rand(stable_seed(key, at.timestamp())), self._ctx, at)
        return "{" + key + "}"


def _entry(raw: Any) -> Entry:
    if isinstance(raw, dict):
        level, where, msg = raw["line"]
        return Entry(
            str(level),
            str(where),
            str(msg),
            raw.get("when", ""),
            raw.get("gate", ""),
            raw.get("writer", ""),
            bool(raw.get("always", False)),
        )
    level, where, msg = raw
    return Entry(str(level), str(where), str(msg))


def _entries(raw: Any) -> tuple[Entry, ...]:
    """One entry, or a list of them (an event that prints several lines)."""
    if not raw:
        return ()
    if isinstance(raw, dict) or (isinstance(raw[0], str) and len(raw) == 3):
        return (_entry(raw),)
    return tuple(_entry(e) for e in raw)


def _calls(raw: Any) -> dict[str, dict[str, CallLines]]:
    out: dict[str, dict[str, CallLines]] = {}
    for caller, callees in (raw or {}).items():
        out[caller] = {
            callee: CallLines(
                client=str(spec.get("client", "")),
                connect=_entries(spec.get("connect")),
                upstream=_entries(spec.get("upstream")),
                error=_entries(spec["error"]) if "error" in spec else None,
            )
            for callee, spec in callees.items()
        }
    return out


def _startup(raw: Any) -> dict[str, tuple[Entry, ...]]:
    """A style's startup entries: one list for every program, or one list per program."""
    if isinstance(raw, dict):
        return {svc: tuple(_entry(e) for e in entries) for svc, entries in raw.items()}
    return {"*": tuple(_entry(e) for e in raw or ())}


def _exits(raw: Any) -> dict[str, dict[str, Exit]]:
    out: dict[str, dict[str, Exit]] = {}
    for svc, gates in (raw or {}).items():
        out[svc] = {
            gate: Exit(
                _entry(spec["line"]),
                tuple((str(f), str(w)) for f, w in spec.get("stack", ())),
                int(spec.get("code", 1)),
            )
            for gate, spec in gates.items()
        }
    return out


def _level_setting(raw: Any) -> LevelSetting | None:
    if not raw:
        return None
    return LevelSetting(
        str(raw["env"]), str(raw["default"]), {str(k): str(v) for k, v in raw["values"].items()}
    )


@cache
def _data() -> dict[str, Any]:
    text = resources.files("aoi.twin.behaviour").joinpath("data/logs_styles.yaml").read_text()
    data: dict[str, Any] = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return data


@cache
def styles() -> dict[str, Style]:
    """Every style of the data file, by key."""
    out: dict[str, Style] = {}
    for key, raw in _data()["styles"].items():
        requests = {
            svc: tuple(_entry(e) for e in entries)
            for svc, entries in (raw.get("requests") or {}).items()
        }
        out[key] = Style(
            key=key,
            stamp=raw["stamp"],
            line=raw["line"],
            levels={k: str(v) for k, v in (raw.get("levels") or {}).items()},
            escape=raw.get("escape", ""),
            gap=float(raw.get("gap", 0.002)),
            header=tuple(raw.get("header", ())),
            startup=_startup(raw.get("startup")),
            requests=requests,
            noise=tuple(_entry(e) for e in raw.get("noise") or ()),
            rate=float(raw.get("rate", 0.0)),
            idle=float(raw.get("idle", 0.0)),
            cap=float(raw.get("cap", 0.0)),
            access=raw.get("access", ""),
            error=_entries(raw.get("error")),
            upstream=_entries(raw["upstream"]) if "upstream" in raw else None,
            flag=_entry(raw["flag"]) if "flag" in raw else None,
            crash=tuple(_entry(e) for e in raw.get("crash") or ()),
            trailer=tuple(raw.get("trailer", ())),
            families=raw.get("families") or {},
            layout=raw.get("layout", ""),
            colors={k: int(v) for k, v in (raw.get("colors") or {}).items()},
            bold=tuple(raw.get("bold", ())),
            level_setting=_level_setting(raw.get("log_level")),
            exits=_exits(raw.get("exits")),
            frames=tuple((str(f), str(w)) for f, w in raw.get("frames", ())),
            module=raw.get("module", ""),
            preamble=tuple(_entry(e) for e in raw.get("preamble") or ()),
            env_fields=raw.get("env_fields") or {},
            calls=_calls(raw.get("calls")),
        )
    return out


def _env_field(spec: Mapping[str, Any], env: Mapping[str, str]) -> str:
    """An environment value as a Go program parses and prints it (Atoi / ParseFloat + %f)."""
    raw = env.get(str(spec["env"]), str(spec["default"]))
    kind = spec.get("type", "str")
    if kind == "int":
        try:
            return str(int(raw))
        except ValueError:
            return "0"  # strconv.Atoi's error is ignored: the zero value
    if kind == "float":
        try:
            value = float(raw)
        except ValueError:
            value = 0.0
        if "max" in spec and value > float(spec["max"]):
            value = float(spec["max"])
        return f"{value:f}"
    return raw


def causes() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = _data()["causes"]
    return table


def style_for(program: Component | None, container: str = "") -> Style:
    """The style a program logs in: by program, container, style/language, style."""
    table = styles()
    if program is None:
        return table.get(container) or table["generic"]
    keys = [
        program.program.rsplit("/", 1)[-1],
        program.program,
        container,
        f"{program.log_style}/{program.language or 'go'}",
        program.log_style,
    ]
    for key in keys:
        if key in table:
            return table[key]
    return table["generic"]


def is_mongod(program: Component | None) -> bool:
    return program is not None and program.log_style == "mongod"


# --- timestamps ---------------------------------------------------------------------


def stamp(form: str, at: datetime) -> str:
    """A timestamp in a style's own form."""
    if form == "epoch":
        return f"{at.timestamp():.6f}"
    if form == "epoch_ms":
        return str(int(at.timestamp() * 1000))
    if "%3f" in form:
        form = form.replace("%3f", f"{at.microsecond // 1000:03d}")
    if "%6f" in form:
        form = form.replace("%6f", f"{at.microsecond:06d}")
    return at.astimezone(UTC).strftime(form)


def rfc3339_nano(at: datetime) -> str:
    """kubectl --timestamps' prefix: RFC3339 with the fraction's trailing zeros cut."""
    frac = f"{at.microsecond:06d}".rstrip("0")
    base = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{base}.{frac}Z" if frac else f"{base}Z"


# --- template fields -----------------------------------------------------------------

_PRODUCTS = (
    "OLJCESPC7Z",
    "66VCHSJNUP",
    "1YMWWN1N4O",
    "L9ECAV7KIM",
    "2ZYFJ3GM2N",
    "0PUK6V6EV0",
    "LS4PSXUNUM",
    "9SIQT8TOJO",
    "6E92ZMYYFZ",
    "HQTGWGPNH4",
)
_IMAGES = (
    "NationalParkFoundationExplorascope",
    "StarsenseExplorer",
    "EclipsmartTravelRefractorTelescope",
    "LensCleaningKit",
    "RoofBinoculars",
    "SolarFilter",
)
_CURRENCIES = ("USD", "EUR", "CAD", "JPY", "GBP", "TRY")


def _clf(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")


FieldFn = Callable[[Rand, Mapping[str, Any], datetime], object]

FIELDS: dict[str, FieldFn] = {
    "lat": lambda r, c, t: f"{37.7835 + r.uniform(-0.08, 0.08):.4f}",
    "lon": lambda r, c, t: f"{-122.41 + r.uniform(-0.08, 0.08):.4f}",
    "lat_f": lambda r, c, t: f"{37.7835 + r.uniform(-0.08, 0.08):f}",
    "lon_f": lambda r, c, t: f"{-122.41 + r.uniform(-0.08, 0.08):f}",
    "in_date": lambda r, c, t: f"2015-04-{9 + r.below(10):02d}",
    "out_date": lambda r, c, t: f"2015-04-{19 + r.below(5):02d}",
    "require": lambda r, c, t: r.choice(("dis", "rate", "price")),
    "user": lambda r, c, t: f"Cornell_{r.below(500)}",
    "user_num": lambda r, c, t: r.below(962),
    "hotel_id": lambda r, c, t: 1 + r.below(80),
    "n": lambda r, c, t: 1 + r.below(9),
    "count": lambda r, c, t: 100 + r.below(9000),
    "ms": lambda r, c, t: f"{float(c.get('latency_ms', 2.0)) * r.uniform(0.6, 1.8):.2f}",
    "ms_up": lambda r, c, t: int(float(c.get("latency_ms", 2.0)) * r.uniform(0.5, 1.5)),
    "slow_ms": lambda r, c, t: 250 + r.below(900),
    "us": lambda r, c, t: 40 + r.below(400),
    "uuid": lambda r, c, t: _uuid(r),
    "trace_id": lambda r, c, t: r.hex(32),
    "span_id": lambda r, c, t: r.hex(16),
    "trace_flags": lambda r, c, t: "01",
    "req_id": lambda r, c, t: 10**17 + r.below(9 * 10**17),
    "client_ip": lambda r, c, t: c.get("client_ip") or f"10.244.{r.below(2)}.{2 + r.below(40)}",
    "eport": lambda r, c, t: 32768 + r.below(28000),
    "bytes": lambda r, c, t: 180 + r.below(2400),
    "status": lambda r, c, t: c.get("status", 200),
    "flags": lambda r, c, t: c.get("flags", "-"),
    "clf_ts": lambda r, c, t: _clf(t),
    "ts_access": lambda r, c, t: stamp("%Y-%m-%dT%H:%M:%S.%3fZ", t),
    "product": lambda r, c, t: r.choice(_PRODUCTS),
    "product_img": lambda r, c, t: r.choice(_IMAGES),
    "product_list": lambda r, c, t: ", ".join(
        f"'{p}'" for p in (r.choice(_PRODUCTS), r.choice(_PRODUCTS))
    ),
    "currency": lambda r, c, t: r.choice(_CURRENCIES),
    "email": lambda r, c, t: f"user{r.below(1000)}@example.com",
    "price": lambda r, c, t: f"{5 + r.uniform(0, 95):.2f}",
    "ad_category": lambda r, c, t: r.choice(
        ("binoculars", "telescopes", "accessories", "assembly", "travel")
    ),
    "media": lambda r, c, t: r.hex(12),
    "conn": lambda r, c, t: 1000 + r.below(90000),
    "pid": lambda r, c, t: 20 + r.below(400),
    "group": lambda r, c, t: r.choice(("accounting", "fraud-detection")),
    "partition": lambda r, c, t: r.below(50),
    "offset": lambda r, c, t: r.below(100000),
    "upper_id": lambda r, c, t: r.hex(20).upper(),
    "clock": lambda r, c, t: t.astimezone(UTC).strftime("%m/%d/%Y %H:%M:%S"),
    "line": lambda r, c, t: 60 + r.below(300),
    "err_line": lambda r, c, t: c.get("err_line", 120),
    "pool_client": lambda r, c, t: r.choice(tuple(c.get("peers") or ("service",))) + "-client",
    # eth0's address (kindnet's veths are random, locally administered) and the
    # 3-hex-digit hash DeathStarBench's GetMachineId makes of it and the pid
    "mac": lambda r, c, t: _mac(Rand(stable_seed("mac", c.get("pod_uid", "")))),
    "machine_id": lambda r, c, t: Rand(stable_seed("machine", c.get("pod_uid", ""))).hex(3),
    "user_id": lambda r, c, t: r.below(962),
    "peer": lambda r, c, t: r.choice(tuple(c.get("peers") or ("frontend",))),
    "method": lambda r, c, t: c.get("method", "GET"),
    "path": lambda r, c, t: c.get("path", "/"),
    "agent": lambda r, c, t: c.get("agent", "-"),
    "upstream_addr": lambda r, c, t: c.get("upstream_addr") or f"10.244.1.{2 + r.below(40)}:8080",
}


def _mac(r: Rand) -> str:
    octets = [(r.below(256) & 0xFC) | 0x02] + [r.below(256) for _ in range(5)]
    return ":".join(f"{o:02x}" for o in octets)


def _uuid(r: Rand) -> str:
    h = r.hex(32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


@cache
def _fields_of(template: str) -> tuple[str, ...]:
    names = []
    for _, name, _, _ in string.Formatter().parse(template):
        if name:
            names.append(name)
    return tuple(names)


def fill(template: str, ctx: Mapping[str, Any], r: Rand, at: datetime) -> str:
    """A template with its fields taken from the context or drawn from `r`."""
    names = _fields_of(template)
    if not names:
        return template.replace("{{", "{").replace("}}", "}")
    values: dict[str, Any] = {}
    for name in names:
        if name in values:
            continue
        if name in ctx and name not in ("status", "method", "path", "client_ip"):
            values[name] = ctx[name]
        elif name in FIELDS:
            values[name] = FIELDS[name](r, ctx, at)
        elif name in ctx:
            values[name] = ctx[name]
        else:
            values[name] = "{" + name + "}"
    return template.format_map(values)


def give_up_seconds(family: str, kind: str) -> float:
    """How long a client library tries before it returns the error of a failed call."""
    table: dict[str, float] = (_data().get("waits") or {}).get(family) or {}
    if kind in table:
        return float(table[kind])
    if "default" in table:
        return float(table["default"])
    return 29.5 if kind == "timeout" else 0.5


def cause(family: str, kind: str, values: Mapping[str, Any]) -> str:
    """How a client library words a failed call of the given kind."""
    table = causes().get(family) or causes()["tcp"]
    text = table.get(kind) or table.get("default") or causes()["tcp"]["default"]
    return text.format_map(LineValues(values))


# --- a Go panic's stack -------------------------------------------------------------


def go_string_arg(r: Rand, text: str) -> str:
    """How a Go stack prints a string argument: its data pointer and its length."""
    return "{" + f"0xc000{r.below(1 << 21) * 8:06x}, {len(text):#x}" + "}"


def go_panic(style: Style, out: Exit, message: str, ctx: Mapping[str, Any], r: Rand) -> list[str]:
    """What the Go runtime prints after a panic: the value, then goroutine 1's frames.

    The logging library's frames come first (`style.frames`), then the program's
    (`out.stack`, innermost first) under the module's source path. A frame the
    compiler inlined prints "(...)" and no pc offset.
    """
    values = {
        **ctx,
        "msg_arg": go_string_arg(r, message),
        "ptr": f"0xc000{r.below(1 << 21) * 8:06x}",
    }
    lines = [f"panic: {message}", "", "goroutine 1 [running]:"]
    for function, where in (*style.frames, *out.stack):
        call = function.format_map(LineValues(values))
        path, _, offset = where.partition(" ")
        if not path.startswith("/"):
            path = style.module.rstrip("/") + "/" + path.format_map(LineValues(values))
        if not offset and not call.endswith("(...)"):
            offset = f"+{stable_seed(style.key, path) % 0x3C0 + 0x40:#x}"
        lines.append(call)
        lines.append(f"\t{path} {offset}".rstrip())
    return lines


# --- mongod ----------------------------------------------------------------------


def mongod_line(
    at: datetime,
    severity: str,
    component: str,
    ident: int,
    context: str,
    msg: str,
    attr: Mapping[str, Any] | None = None,
) -> str:
    """One mongod 4.4 structured log line, with mongod's own column padding."""
    stamp_text = (
        at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}+00:00"
    )
    parts = [
        '{"t":{"$date":"' + stamp_text + '"},',
        f'"s":"{severity}",'.ljust(10),
        f'"c":"{component}",'.ljust(16),
        f'"id":{ident},'.ljust(14),
        f'"ctx":{json.dumps(context)},"msg":{json.dumps(msg)}',
    ]
    if attr is not None:
        parts.append(',"attr":' + json.dumps(attr, separators=(",", ":")))
    return "".join(parts) + "}"


MONGOD_STARTUP: tuple[tuple[str, str, int, str, str, dict[str, Any] | None], ...] = (
    (
        "I",
        "CONTROL",
        23285,
        "main",
        "Automatically disabling TLS 1.0, to force-enable TLS 1.0 specify --sslDisabledProtocols 'none'",
        None,
    ),
    (
        "W",
        "ASIO",
        22601,
        "main",
        "No TransportLayer configured during NetworkInterface startup",
        None,
    ),
    (
        "I",
        "NETWORK",
        4648601,
        "main",
        "Implicit TCP FastOpen unavailable. If TCP FastOpen is required, set tcpFastOpenServer, tcpFastOpenClient, and tcpFastOpenQueueSize.",
        None,
    ),
    (
        "I",
        "STORAGE",
        4615611,
        "initandlisten",
        "MongoDB starting",
        {"pid": 1, "port": 27017, "dbPath": "/data/db", "architecture": "64-bit", "host": "{pod}"},
    ),
    (
        "I",
        "CONTROL",
        23403,
        "initandlisten",
        "Build Info",
        {
            "buildInfo": {
                "version": "4.4.6",
                "gitVersion": "72e66213c2c3eab37d9358d5e78ad7f5c1d0d0d7",
                "openSSLVersion": "OpenSSL 1.1.1  11 Sep 2018",
                "modules": [],
                "allocator": "tcmalloc",
                "environment": {
                    "distmod": "ubuntu1804",
                    "distarch": "x86_64",
                    "target_arch": "x86_64",
                },
            }
        },
    ),
    (
        "I",
        "CONTROL",
        51765,
        "initandlisten",
        "Operating System",
        {"os": {"name": "Ubuntu", "version": "18.04"}},
    ),
    (
        "I",
        "CONTROL",
        21951,
        "initandlisten",
        "Options set by command line",
        {"options": "{options}"},
    ),
    (
        "I",
        "STORAGE",
        22297,
        "initandlisten",
        "Using the XFS filesystem is strongly recommended with the WiredTiger storage engine. See http://dochub.mongodb.org/core/prodnotes-filesystem",
        None,
    ),
    (
        "I",
        "STORAGE",
        22315,
        "initandlisten",
        "Opening WiredTiger",
        {
            "config": "create,cache_size=7470M,session_max=33000,eviction=(threads_min=4,threads_max=4),config_base=false,statistics=(fast),log=(enabled=true,archive=true,path=journal,compressor=snappy),file_manager=(close_idle_time=100000,close_scan_interval=10,close_handle_minimum=250),statistics_log=(wait=0),verbose=[recovery_progress,checkpoint_progress,compact_progress],"
        },
    ),
    ("I", "STORAGE", 4795906, "initandlisten", "WiredTiger opened", {"durationMillis": 512}),
    (
        "I",
        "RECOVERY",
        23987,
        "initandlisten",
        "WiredTiger recoveryTimestamp",
        {"recoveryTimestamp": {"$timestamp": {"t": 0, "i": 0}}},
    ),
    ("I", "STORAGE", 22262, "initandlisten", "Timestamp monitor starting", None),
    (
        "I",
        "FTDC",
        20625,
        "initandlisten",
        "Initializing full-time diagnostic data capture",
        {"dataDirectory": "/data/db/diagnostic.data"},
    ),
    (
        "I",
        "REPL",
        6015317,
        "initandlisten",
        "Setting new configuration state",
        {"newState": "ConfigReplicationDisabled", "oldState": "ConfigPreStart"},
    ),
    ("I", "NETWORK", 23015, "listener", "Listening on", {"address": "/tmp/mongodb-27017.sock"}),
    ("I", "NETWORK", 23015, "listener", "Listening on", {"address": "0.0.0.0"}),
    ("I", "NETWORK", 23016, "listener", "Waiting for connections", {"port": 27017, "ssl": "{ssl}"}),
)


def expand(value: Any, ctx: Mapping[str, Any]) -> Any:
    """Fill "{field}" placeholders inside a JSON-like value."""
    if (
        isinstance(value, str)
        and value.startswith("{")
        and value.endswith("}")
        and value[1:-1] in ctx
    ):
        return ctx[value[1:-1]]
    if isinstance(value, dict):
        return {k: expand(v, ctx) for k, v in value.items()}
    if isinstance(value, list):
        return [expand(v, ctx) for v in value]
    return value
