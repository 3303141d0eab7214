"""Small text measures the rule-based reward dimensions share."""

from __future__ import annotations

import re
import shlex
from typing import Any

_WORD = re.compile(r"[a-z0-9][a-z0-9_.:/-]*", re.IGNORECASE)
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "with",
        "what",
        "which",
        "who",
        "will",
        "all",
        "any",
        "check",
        "look",
        "find",
        "out",
    ]
)


def completion_text(completion: Any) -> str:
    """The text of a TRL completion: a string, or the last assistant message of a conversation."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, list) and completion:
        last = completion[-1]
        if isinstance(last, dict):
            return str(last.get("content") or "")
    if isinstance(completion, dict):
        return str(completion.get("content") or "")
    return str(completion or "")


def words(text: str) -> set[str]:
    """Lower-cased content words (stop words dropped)."""
    return {w.lower().strip(".:/-") for w in _WORD.findall(text or "")} - _STOP - {""}


def f1(candidate: str, reference: str) -> float:
    """Word-set F1 of two texts, 0..1; two empty texts agree fully."""
    a, b = words(candidate), words(reference)
    if not a and not b:
        return 1.0
    if not a or not b:
        return 0.0
    common = len(a & b)
    if not common:
        return 0.0
    precision, recall = common / len(a), common / len(b)
    return 2 * precision * recall / (precision + recall)


def argv(command: str) -> list[str]:
    """A command's words, shell-quoted or not (never run, only compared)."""
    try:
        return shlex.split(command)
    except ValueError:
        return command.split()


def command_key(command: str) -> set[str]:
    """What makes two read or write commands the same check: their words, flags' values included."""
    return {w.lower() for w in argv(command) if w not in ("|", "&&")}


def command_similarity(candidate: str, reference: str) -> float:
    """Jaccard overlap of two commands' words, 0..1."""
    a, b = command_key(candidate), command_key(reference)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def commands_match(candidates: list[str], references: list[str]) -> float:
    """How well `candidates` cover `references`: mean best similarity per reference command."""
    if not references:
        return 1.0 if not candidates else 0.5
    if not candidates:
        return 0.0
    return sum(max(command_similarity(c, r) for c in candidates) for r in references) / len(
        references
    )


def namespaces(commands: list[str]) -> set[str]:
    """The namespaces commands name with -n / --namespace."""
    found: set[str] = set()
    for command in commands:
        for segment in _segments(argv(command)):
            found |= _namespace_flags(segment)
    return found


def _segments(words_: list[str]) -> list[list[str]]:
    """The kubectl / helm parts of a pipeline (`tail -n 30` names no namespace)."""
    parts: list[list[str]] = [[]]
    for word in words_:
        if word in ("|", "&&", ";"):
            parts.append([])
        else:
            parts[-1].append(word)
    return [p for p in parts if p and p[0] in ("kubectl", "helm")]


def _namespace_flags(words_: list[str]) -> set[str]:
    found: set[str] = set()
    for i, word in enumerate(words_):
        if word in ("-n", "--namespace") and i + 1 < len(words_):
            found.add(words_[i + 1])
        elif word.startswith("--namespace="):
            found.add(word.split("=", 1)[1])
        elif word.startswith("-n") and len(word) > 2 and not word.startswith("--"):
            found.add(word[2:])
    return found
