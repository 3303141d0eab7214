"""The wire format of OpenAI chat completions: encoding requests, reading answers."""

from __future__ import annotations

import json
from typing import Any

import httpx

from aoi.llm.base import Message, Usage
from aoi.llm.tokens import count_message_tokens, estimate_tokens


def encode(body: dict[str, Any]) -> bytes:
    """The request body as JSON bytes.

    ASCII-escaped, so that any Python string (even a lone surrogate) can be sent.
    """
    return json.dumps(body).encode("ascii")


def choice_index(choice: Any) -> int:
    """A choice's ``index`` (0 when missing), to put choices in order."""
    index = choice.get("index", 0) if isinstance(choice, dict) else 0
    return index if isinstance(index, int) else 0


def error_detail(response: httpx.Response) -> str:
    """The server's own error message, short."""
    try:
        data = response.json()
    except ValueError:
        return response.text.strip()[:300] or response.reason_phrase
    if isinstance(data, dict):
        error = data.get("error", data.get("detail", data.get("message", data)))
        if isinstance(error, dict):
            error = error.get("message", error)
        return str(error)[:300]
    return str(data)[:300]


def retry_after(response: httpx.Response) -> float | None:
    """The ``Retry-After`` header in seconds, when it is a number."""
    value = response.headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def split_usage(raw: Any, body: dict[str, Any], texts: list[str]) -> list[Usage]:
    """Per-choice usage whose sum is the request's usage (prompt on the first choice).

    Servers report completion tokens for all choices together; they are shared out
    in proportion to each text's estimated length.
    """
    prompt = completion = None
    if isinstance(raw, dict):
        p, c = raw.get("prompt_tokens"), raw.get("completion_tokens")
        if isinstance(p, int) and isinstance(c, int):
            prompt, completion = p, c
    estimates = [estimate_tokens(t) for t in texts]
    if prompt is None or completion is None:
        prompt_est = count_message_tokens([Message.from_dict(m) for m in body["messages"]])
        return [
            Usage(prompt_est if i == 0 else 0, e, estimated=True) for i, e in enumerate(estimates)
        ]
    shares = apportion(completion, estimates)
    return [Usage(prompt if i == 0 else 0, s) for i, s in enumerate(shares)]


def apportion(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder)."""
    if len(weights) == 1:
        return [total]
    weight_sum = sum(weights)
    if weight_sum == 0:
        weights = [1] * len(weights)
        weight_sum = len(weights)
    exact = [total * w / weight_sum for w in weights]
    shares = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - shares[i], reverse=True)
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares
