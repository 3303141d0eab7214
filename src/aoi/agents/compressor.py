"""The Compressor: raw tool output in, compact evidence for the Observer out.

Per iteration it reads the raw records (command -> output pairs, in time order),
and for each:
1. outputs longer than 1,000 characters are de-duplicated line by line: lines that
   are near-duplicates (similarity >= 0.93 once numbers, hashes and times are
   masked) collapse into one with a count;
2. the round's budget is the iteration budget divided by the number of records;
   under budget the text is kept as is;
3. over budget it is compressed: by a model when one is configured (in windows
   when it exceeds the model's context, smaller windows when the model says a
   window is too long; extractively when the model fails), otherwise extractively. Either way error
   and warning lines are copied verbatim, command -> result pairs and time order kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from aoi.agents.memory import CompressedContext, MemoryView, RawRecord
from aoi.agents.prompts import render
from aoi.errors import ContextTooLongError, ModelError
from aoi.llm import Message

DEDUP_MIN_CHARS = 1_000
#: the smallest window of output, in characters, sent to the model
MIN_WINDOW_CHARS = 2_000
#: the smallest context window tried when the model says a window is too long
MIN_CONTEXT_TOKENS = 2_048
SIMILARITY = 0.93
_MASK = re.compile(
    r"\b[0-9a-f]{8,}\b|\b\d+(?:\.\d+)*(?:ms|s|m|h|Mi|Ki|%)?\b|[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9:.]+Z?"
)
_IMPORTANT = re.compile(
    r"error|warn|fail|fatal|panic|exception|refused|timeout|timed out|denied|unauthori[sz]ed|"
    r"not authorized|crashloop|backoff|oomkilled|evicted|pending|notready|unhealthy|invalid|"
    r"not found|no such|unavailable|imagepull|errimage|authentication",
    re.IGNORECASE,
)

TokenCounter = Callable[[str], int]


def estimate_tokens(text: str) -> int:
    """About four characters per token for kubectl output and logs (a documented estimate)."""
    return (len(text.encode("utf-8")) + 3) // 4


def dedupe_lines(text: str, similarity: float = SIMILARITY) -> str:
    """Collapse runs of near-identical lines, keeping the first and a count."""
    lines = text.splitlines()
    out: list[str] = []
    counts: list[int] = []
    keys: list[str] = []
    for line in lines:
        key = _MASK.sub("#", line)
        merged = False
        for back in range(1, min(6, len(keys)) + 1):
            other = keys[-back]
            if key == other or (
                abs(len(key) - len(other)) <= max(len(key), len(other)) * (1 - similarity) + 1
                and SequenceMatcher(None, key, other, autojunk=False).ratio() >= similarity
            ):
                if _IMPORTANT.search(line) and not _IMPORTANT.search(out[-back]):
                    break
                counts[-back] += 1
                merged = True
                break
        if not merged:
            out.append(line)
            counts.append(1)
            keys.append(key)
    rendered = [
        line if count == 1 else f"{line}  [x{count} similar lines]"
        for line, count in zip(out, counts, strict=True)
    ]
    return "\n".join(rendered) + ("\n" if text.endswith("\n") else "")


@dataclass
class Compressor:
    """Turns an iteration's raw records into the Observer's compressed context."""

    model: Any = None  # a ChatModel; None means extractive compression only
    budget_tokens: int = 4096
    model_context_tokens: int = 32_768
    count_tokens: TokenCounter = estimate_tokens
    tokens_in: int = 0
    tokens_out: int = 0

    def compress_iteration(self, view: MemoryView, iteration: int) -> CompressedContext:
        records = view.read_raw(iteration)
        if not records:
            context = CompressedContext(iteration, "(no commands were run)", 0)
            view.write_compressed(context)
            return context
        per_round = max(64, self.budget_tokens // len(records))
        parts = [self._compress_record(r, per_round) for r in records]
        context = CompressedContext(
            iteration=iteration,
            text="\n\n".join(parts),
            raw_chars=sum(len(r.output) for r in records),
        )
        view.write_compressed(context)
        return context

    def _compress_record(self, record: RawRecord, budget: int) -> str:
        header = f"$ {record.command}  [{record.agent}, exit {record.exit_code}, {record.verdict}]"
        text = record.output
        if len(text) > DEDUP_MIN_CHARS:
            text = dedupe_lines(text)
        if self.count_tokens(text) <= budget:
            return f"{header}\n{text.rstrip()}"
        if self.model is not None:
            context = self.model_context_tokens
            while True:
                try:
                    return (
                        f"{header}\n{self._model_compress(record.command, text, budget, context)}"
                    )
                except ContextTooLongError:
                    # the window did not fit the model: cut it smaller and ask again
                    context //= 2
                    if context < MIN_CONTEXT_TOKENS:
                        break
                except ModelError:  # a failed model call falls back to extraction
                    break
        return f"{header}\n{extractive(text, budget, self.count_tokens)}"

    def _model_compress(self, command: str, text: str, budget: int, context: int) -> str:
        window_chars = max(MIN_WINDOW_CHARS, (context - 1_024) * 3)
        windows = [text[i : i + window_chars] for i in range(0, len(text), window_chars)] or [text]
        per_window = max(32, budget // len(windows))
        pieces = []
        for index, window in enumerate(windows):
            prompt = render(
                "compressor.j2",
                command=command,
                output=window,
                budget=per_window,
                window=index + 1,
                windows=len(windows),
            )
            completion = self.model.complete(
                [Message.user(prompt)], n=1, temperature=0.0, max_tokens=per_window * 2
            )[0]
            usage = getattr(completion, "usage", None)
            self.tokens_in += int(getattr(usage, "prompt_tokens", 0) or 0)
            self.tokens_out += int(getattr(usage, "completion_tokens", 0) or 0)
            pieces.append(completion.text.strip())
        summary = "\n".join(pieces)
        # errors and warnings survive verbatim even if the model dropped them
        missing = [line for line in _important_lines(text) if line not in summary]
        if missing:
            summary += "\nverbatim errors/warnings:\n" + "\n".join(missing[:20])
        return summary


def _important_lines(text: str) -> list[str]:
    seen: set[str] = set()
    out = []
    for line in text.splitlines():
        if _IMPORTANT.search(line) and line not in seen:
            seen.add(line)
            out.append(line)
    return out


def extractive(text: str, budget: int, count: TokenCounter = estimate_tokens) -> str:
    """Keep the head (headers), every error/warning line verbatim, and the tail, in order."""
    lines = text.splitlines()
    if not lines:
        return ""
    keep: set[int] = set(range(min(3, len(lines))))
    important = [i for i, line in enumerate(lines) if _IMPORTANT.search(line)]
    tail = list(range(max(0, len(lines) - 3), len(lines)))
    chosen: list[int] = []
    used = 0
    for index in [*sorted(keep), *important, *tail]:
        if index in chosen:
            continue
        cost = count(lines[index]) + 1
        if used + cost > budget and index not in keep:
            continue
        chosen.append(index)
        used += cost
    chosen.sort()
    out: list[str] = []
    previous = -1
    for index in chosen:
        if index > previous + 1:
            out.append(f"... [{index - previous - 1} lines omitted]")
        out.append(lines[index])
        previous = index
    if previous < len(lines) - 1:
        out.append(f"... [{len(lines) - 1 - previous} lines omitted]")
    return "\n".join(out)
