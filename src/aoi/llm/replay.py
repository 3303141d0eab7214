"""Replay: a chat model that serves recorded responses, for tests of the loop.

A fixture is a list of entries, in YAML (a list, or a mapping with a ``responses``
list) or JSON lines (one entry per line); a bare string is ``{response: ...}``::

    - match: "kubectl get pods"   # optional: a substring of the last user message
      response: '{"next": "probe"}'
    - match: "^Round [0-9]+"      # with regex: true, a regular expression (re.search)
      regex: true
      response: "..."
      finish_reason: length       # optional, default "stop"
    - response: "..."             # no match: served in order
      repeat: true                # optional: never used up
    - raise: EndpointUnavailable  # optional: raise this aoi.llm error instead
      response: "the message of the error"

Each completion takes the first unused entry whose ``match`` fits the last user
message; failing that, the first unused entry without ``match``; failing that,
``ReplayExhausted``. Every request is recorded in ``requests``.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from aoi.llm import errors
from aoi.llm.base import (
    Completion,
    Message,
    Usage,
    check_request,
    cut_at_stop,
    last_user_message,
    normalize_stop,
)
from aoi.llm.errors import LLMError, ReplayExhausted
from aoi.llm.tokens import count_message_tokens, estimate_tokens

_RAISABLE = {
    name: cls
    for name, cls in vars(errors).items()
    if isinstance(cls, type) and issubclass(cls, LLMError) and cls is not LLMError
}
_RAISABLE["LLMError"] = LLMError


@dataclass(frozen=True, slots=True)
class ReplayEntry:
    """One recorded response."""

    response: str
    match: str | None = None
    regex: bool = False
    finish_reason: str = "stop"
    repeat: bool = False
    raise_: str | None = None

    def fits(self, text: str) -> bool:
        if self.match is None:
            return True
        if self.regex:
            return re.search(self.match, text) is not None
        return self.match in text

    @classmethod
    def parse(cls, raw: Any, where: str) -> ReplayEntry:
        if isinstance(raw, str):
            return cls(response=raw)
        if not isinstance(raw, Mapping):
            raise ValueError(f"{where}: an entry must be a string or a mapping, not {raw!r}")
        unknown = set(raw) - {"response", "match", "regex", "finish_reason", "repeat", "raise"}
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        if "response" not in raw or not isinstance(raw["response"], str):
            raise ValueError(f"{where}: 'response' (a string) is required")
        match = raw.get("match")
        if match is not None and not isinstance(match, str):
            raise ValueError(f"{where}: 'match' must be a string")
        regex = bool(raw.get("regex", False))
        if regex and match is not None:
            try:
                re.compile(match)
            except re.error as exc:
                raise ValueError(f"{where}: bad regex {match!r}: {exc}") from exc
        raise_ = raw.get("raise")
        if raise_ is not None and raise_ not in _RAISABLE:
            raise ValueError(
                f"{where}: 'raise' must name an aoi.llm error ({', '.join(sorted(_RAISABLE))})"
            )
        return cls(
            response=raw["response"],
            match=match,
            regex=regex,
            finish_reason=str(raw.get("finish_reason", "stop")),
            repeat=bool(raw.get("repeat", False)),
            raise_=raise_,
        )


@dataclass(frozen=True, slots=True)
class ReplayRequest:
    """What one ``complete`` call asked for."""

    messages: tuple[Message, ...]
    n: int
    temperature: float
    max_tokens: int | None
    stop: tuple[str, ...]
    response_format: Mapping[str, Any] | None = field(default=None)


class Replay:
    """A ``ChatModel`` that answers from recorded entries (see the module doc).

    ``source`` is a fixture path (``.yaml``/``.yml``, ``.jsonl``, or ``.json``
    holding a list) or the entries themselves. Usage is estimated with
    ``estimate_tokens``. A ``stop`` string cuts the response as a server would;
    ``max_tokens``, ``temperature`` and ``response_format`` are only recorded.
    """

    def __init__(self, source: str | Path | Iterable[Any]) -> None:
        if isinstance(source, str | Path):
            self.name = f"replay:{source}"
            raw = load_fixture(source)
            where = str(source)
        else:
            self.name = "replay:<inline>"
            raw = list(source)
            where = "replay entries"
        self.entries = [ReplayEntry.parse(r, f"{where}[{i}]") for i, r in enumerate(raw)]
        self._used = [False] * len(self.entries)
        self._lock = threading.Lock()
        self.requests: list[ReplayRequest] = []

    @property
    def remaining(self) -> int:
        """How many entries are still unused (entries with ``repeat`` always count)."""
        return sum(1 for used in self._used if not used)

    def complete(
        self,
        messages: Sequence[Message],
        *,
        n: int = 1,
        temperature: float = 0.7,
        max_tokens: int | None = None,
        stop: Sequence[str] | None = None,
        response_format: Mapping[str, Any] | None = None,
    ) -> list[Completion]:
        """Serve ``n`` recorded responses for the last user message."""
        check_request(messages, n, temperature, max_tokens)
        stops = normalize_stop(stop)
        with self._lock:
            self.requests.append(
                ReplayRequest(
                    tuple(messages), n, temperature, max_tokens, tuple(stops), response_format
                )
            )
            query = last_user_message(messages)
            entries = [self._take(query) for _ in range(n)]
        prompt_tokens = count_message_tokens(messages)
        out: list[Completion] = []
        for i, entry in enumerate(entries):
            if entry.raise_ is not None:
                raise _RAISABLE[entry.raise_](entry.response)
            text, stopped = cut_at_stop(entry.response, stops)
            reason = "stop" if stopped else entry.finish_reason
            usage = Usage(prompt_tokens if i == 0 else 0, estimate_tokens(text), estimated=True)
            out.append(Completion(text, reason, usage))
        return out

    async def acomplete(
        self,
        messages: Sequence[Message],
        *,
        n: int = 1,
        temperature: float = 0.7,
        max_tokens: int | None = None,
        stop: Sequence[str] | None = None,
        response_format: Mapping[str, Any] | None = None,
    ) -> list[Completion]:
        """Async ``complete``."""
        await asyncio.sleep(0)
        return self.complete(
            messages,
            n=n,
            temperature=temperature,
            max_tokens=max_tokens,
            stop=stop,
            response_format=response_format,
        )

    def _take(self, query: str) -> ReplayEntry:
        fallback: int | None = None
        for i, entry in enumerate(self.entries):
            if self._used[i]:
                continue
            if entry.match is not None and entry.fits(query):
                return self._use(i)
            if entry.match is None and fallback is None:
                fallback = i
        if fallback is not None:
            return self._use(fallback)
        snippet = query if len(query) <= 80 else query[:77] + "..."
        raise ReplayExhausted(
            f"{self.name}: no recorded response left for the last user message {snippet!r} "
            f"({len(self.requests)} request(s) served, {self.remaining} entr(y/ies) unused, "
            "none matching); add an entry to the fixture"
        )

    def _use(self, i: int) -> ReplayEntry:
        entry = self.entries[i]
        if not entry.repeat:
            self._used[i] = True
        return entry


def load_fixture(path: str | Path) -> list[Any]:
    """The raw entries of a fixture file (YAML, JSON lines or a JSON list)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"cannot read replay fixture {path}: {exc.strerror or exc}") from exc
    try:
        if path.suffix == ".jsonl":
            data: Any = [json.loads(line) for line in text.splitlines() if line.strip()]
        elif path.suffix == ".json":
            data = json.loads(text)
        else:
            data = yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise ValueError(f"replay fixture {path} does not parse: {exc}") from exc
    if isinstance(data, Mapping) and "responses" in data:
        data = data["responses"]
    if data is None:
        data = []
    if not isinstance(data, list):
        raise ValueError(f"replay fixture {path} must hold a list of entries")
    return data
