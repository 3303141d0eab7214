"""The chat model contract: messages in, completions with token usage out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

Role = Literal["system", "user", "assistant"]
ROLES: tuple[Role, ...] = ("system", "user", "assistant")

FinishReason = str
"""Why generation stopped: ``"stop"`` (end of turn or a stop sequence), ``"length"``
(``max_tokens`` reached), or whatever else a server reports."""


@dataclass(frozen=True, slots=True)
class Message:
    """One chat turn."""

    role: Role
    content: str

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"message role must be one of {', '.join(ROLES)}, not {self.role!r}")
        if not isinstance(self.content, str):
            raise TypeError(f"message content must be str, not {type(self.content).__name__}")

    @classmethod
    def system(cls, content: str) -> Message:
        return cls("system", content)

    @classmethod
    def user(cls, content: str) -> Message:
        return cls("user", content)

    @classmethod
    def assistant(cls, content: str) -> Message:
        return cls("assistant", content)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Message:
        """Build from an OpenAI-style ``{"role": ..., "content": ...}`` mapping."""
        return cls(data["role"], data["content"])

    def to_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True, slots=True)
class Usage:
    """Tokens billed for a completion.

    ``estimated`` is true when the numbers come from ``count_tokens``'s estimate
    rather than from the server or the model's own tokenizer.
    """

    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated: bool = False

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.estimated or other.estimated,
        )


@dataclass(frozen=True, slots=True)
class Completion:
    """One sampled answer.

    When one call returns several completions, the prompt's tokens are counted on
    the first completion of each request to the model, so that summing ``usage``
    over the returned list (``total_usage``) gives what the whole call cost.
    """

    text: str
    finish_reason: FinishReason = "stop"
    usage: Usage = Usage()


def total_usage(completions: Sequence[Completion]) -> Usage:
    """The usage of a whole ``complete`` call: the sum over its completions."""
    total = Usage()
    for completion in completions:
        total = total + completion.usage
    return total


@runtime_checkable
class ChatModel(Protocol):
    """What every backend offers: a sync ``complete`` and an async ``acomplete``.

    Both return ``n`` completions and raise only ``LLMError`` subclasses for
    failures of the model or its endpoint (``ValueError`` for bad arguments).
    ``stop`` is a list of strings that end generation (not included in the text);
    ``response_format`` is passed to servers that understand it (for example
    ``{"type": "json_object"}``) and ignored by the others.
    """

    def complete(
        self,
        messages: Sequence[Message],
        *,
        n: int = 1,
        temperature: float = 0.7,
        max_tokens: int | None = None,
        stop: Sequence[str] | None = None,
        response_format: Mapping[str, Any] | None = None,
    ) -> list[Completion]: ...

    async def acomplete(
        self,
        messages: Sequence[Message],
        *,
        n: int = 1,
        temperature: float = 0.7,
        max_tokens: int | None = None,
        stop: Sequence[str] | None = None,
        response_format: Mapping[str, Any] | None = None,
    ) -> list[Completion]: ...


def check_request(
    messages: Sequence[Message], n: int, temperature: float, max_tokens: int | None
) -> None:
    """Reject arguments no backend can serve, with ``ValueError``."""
    if not messages:
        raise ValueError("messages must not be empty")
    for message in messages:
        if not isinstance(message, Message):
            raise TypeError(
                f"messages must be aoi.llm.Message, not {type(message).__name__}; "
                "use Message.from_dict for OpenAI-style dicts"
            )
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, not {temperature}")
    if max_tokens is not None and max_tokens < 1:
        raise ValueError(f"max_tokens must be at least 1, not {max_tokens}")


def normalize_stop(stop: Sequence[str] | str | None) -> list[str]:
    """A list of non-empty stop strings (a bare string is one stop)."""
    if stop is None:
        return []
    if isinstance(stop, str):
        return [stop] if stop else []
    return [s for s in stop if s]


def cut_at_stop(text: str, stop: Sequence[str]) -> tuple[str, bool]:
    """Cut ``text`` before the earliest stop string; say whether one was found."""
    cut = min((i for i in (text.find(s) for s in stop) if i >= 0), default=-1)
    if cut < 0:
        return text, False
    return text[:cut], True


def last_user_message(messages: Sequence[Message]) -> str:
    """The content of the last user turn, or ``""`` when there is none."""
    for message in reversed(messages):
        if message.role == "user":
            return message.content
    return ""
