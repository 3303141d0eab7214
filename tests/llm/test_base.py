"""Messages, usage and the ChatModel contract."""

from __future__ import annotations

import pytest

from aoi.llm import ChatModel, Completion, Message, Replay, Usage, total_usage


def test_messages_check_their_role() -> None:
    assert Message.user("hi").to_dict() == {"role": "user", "content": "hi"}
    assert Message.from_dict({"role": "system", "content": "be brief"}) == Message.system(
        "be brief"
    )
    with pytest.raises(ValueError, match="role"):
        Message("tool", "x")  # type: ignore[arg-type]


def test_usage_adds_up() -> None:
    parts = [
        Completion("a", usage=Usage(10, 2)),
        Completion("b", usage=Usage(0, 3, estimated=True)),
    ]
    total = total_usage(parts)
    assert (total.prompt_tokens, total.completion_tokens, total.total_tokens) == (10, 5, 15)
    assert total.estimated


def test_backends_satisfy_the_protocol() -> None:
    assert isinstance(Replay([]), ChatModel)


def test_dict_messages_are_refused_with_a_hint() -> None:
    with pytest.raises(TypeError, match=r"Message\.from_dict"):
        Replay(["x"]).complete([{"role": "user", "content": "q"}])  # type: ignore[list-item]
