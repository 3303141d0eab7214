"""Every model call of a run, kept as a record: who asked, what was sent, what came back.

The runtime wraps each role's chat model in a `RecordedModel` bound to one
`CallLog`; each `complete` appends one JSON-able call record (role, the rendered
messages, every raw completion, the sampling settings, usage and latency), and
the runtime moves the records of a step onto that step. Summing `usage` over a
step's calls gives the step's tokens, so step, attempt and run totals agree.
A call that raises is recorded too (with its error) before the error goes on.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aoi.llm import Completion, Message


@dataclass
class CallLog:
    """The calls made since the last `take()`, in order."""

    calls: list[dict[str, Any]] = field(default_factory=list)

    def add(self, call: dict[str, Any]) -> None:
        self.calls.append(call)

    def take(self) -> list[dict[str, Any]]:
        """The calls recorded so far; the log starts empty again."""
        taken, self.calls = self.calls, []
        return taken


def call_tokens(calls: Sequence[Mapping[str, Any]]) -> tuple[int, int]:
    """Prompt and completion tokens over `calls`."""
    usage = [c.get("usage") or {} for c in calls]
    return (
        sum(int(u.get("prompt_tokens", 0)) for u in usage),
        sum(int(u.get("completion_tokens", 0)) for u in usage),
    )


class RecordedModel:
    """A chat model whose every `complete` is logged under `role`."""

    def __init__(self, model: Any, role: str, log: CallLog) -> None:
        self.model = model
        self.role = role
        self.log = log

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
        sampling = {
            "n": n,
            "temperature": temperature,
            "max_tokens": max_tokens,
            "stop": list(stop) if stop else None,
            "response_format": dict(response_format) if response_format else None,
        }
        kwargs: dict[str, Any] = {"n": n, "temperature": temperature, "max_tokens": max_tokens}
        if stop:
            kwargs["stop"] = stop
        if response_format:
            kwargs["response_format"] = response_format
        record: dict[str, Any] = {
            "role": self.role,
            "model": str(getattr(self.model, "name", "") or getattr(self.model, "model", "") or ""),
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "sampling": sampling,
            "completions": [],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0},
            "latency_s": 0.0,
            "error": None,
        }
        started = time.perf_counter()
        try:
            completions = self.model.complete(messages, **kwargs)
        except BaseException as exc:
            # kept, then passed on: the loop decides what the error means
            record["error"] = f"{type(exc).__name__}: {exc}"[:1000]
            record["latency_s"] = round(time.perf_counter() - started, 6)
            self.log.add(record)
            raise
        record["latency_s"] = round(time.perf_counter() - started, 6)
        prompt = completion_tokens = 0
        for c in completions:
            usage = getattr(c, "usage", None)
            p = int(getattr(usage, "prompt_tokens", 0) or 0)
            o = int(getattr(usage, "completion_tokens", 0) or 0)
            prompt, completion_tokens = prompt + p, completion_tokens + o
            record["completions"].append(
                {
                    "text": str(c.text),
                    "finish_reason": str(getattr(c, "finish_reason", "stop")),
                    "prompt_tokens": p,
                    "completion_tokens": o,
                    "estimated": bool(getattr(usage, "estimated", False)),
                }
            )
        record["usage"] = {"prompt_tokens": prompt, "completion_tokens": completion_tokens}
        self.log.add(record)
        return list(completions)


def replay_entries(calls: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Replay fixture entries that serve the stored completions back in call order."""
    entries: list[dict[str, Any]] = []
    for call in calls:
        if call.get("error"):
            kind = str(call["error"]).split(":", 1)[0]
            entries.append({"raise": kind, "response": str(call["error"])})
            continue
        for completion in call.get("completions") or []:
            entries.append(
                {"response": completion["text"], "finish_reason": completion["finish_reason"]}
            )
    return entries
