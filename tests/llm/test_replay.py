"""Replay serves recorded answers in order or by match, and records what it saw."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from aoi.llm import EndpointUnavailable, Message, Replay, ReplayExhausted, make_model

FIXTURE = """\
- match: "kubectl get pods"
  response: '{"next": "probe", "why": "pods"}'
- match: "^Round [0-9]+: logs"
  regex: true
  response: '{"next": "probe", "why": "logs"}'
- response: "first in order"
- response: "second in order"
  finish_reason: length
"""


def ask(text: str) -> list[Message]:
    return [Message.system("You are the Observer."), Message.user(text)]


def test_yaml_fixture_serves_matches_first_then_in_order(tmp_path: Path) -> None:
    path = tmp_path / "run.yaml"
    path.write_text(FIXTURE)
    model = Replay(path)
    assert model.complete(ask("hello"))[0].text == "first in order"
    assert model.complete(ask("Round 3: logs of geo"))[0].text.endswith('"logs"}')
    assert model.complete(ask("now run kubectl get pods -n x"))[0].text.endswith('"pods"}')
    last = model.complete(ask("kubectl get pods again"))[0]
    assert (last.text, last.finish_reason) == ("second in order", "length")
    with pytest.raises(ReplayExhausted, match="kubectl get pods"):
        model.complete(ask("kubectl get pods"))
    assert [r.messages[-1].content for r in model.requests] == [
        "hello",
        "Round 3: logs of geo",
        "now run kubectl get pods -n x",
        "kubectl get pods again",
        "kubectl get pods",
    ]


def test_jsonl_and_inline_sources(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    path.write_text(json.dumps({"response": "a"}) + "\n\n" + json.dumps("b") + "\n")
    assert [Replay(path).complete(ask("q"), n=2)[i].text for i in range(2)] == ["a", "b"]
    model = Replay(["x", {"response": "y", "match": "why"}])
    assert model.complete(ask("why?"))[0].text == "y"
    assert model.remaining == 1


def test_requests_are_recorded_with_their_arguments() -> None:
    model = Replay(["ok"])
    model.complete(ask("q"), temperature=0.1, max_tokens=9, stop=["\n"], response_format={"t": 1})
    request = model.requests[0]
    assert request.messages == tuple(ask("q"))
    assert (request.n, request.temperature, request.max_tokens) == (1, 0.1, 9)
    assert request.stop == ("\n",)
    assert request.response_format == {"t": 1}


def test_stop_cuts_the_response_and_usage_is_estimated() -> None:
    out = Replay(["answer\n\nignored"]).complete(ask("q"), stop=["\n\n"])
    assert out[0].text == "answer"
    assert out[0].finish_reason == "stop"
    assert out[0].usage.estimated
    assert out[0].usage.prompt_tokens > 0 and out[0].usage.completion_tokens == 1


def test_repeat_entries_never_run_out() -> None:
    model = Replay([{"response": "loop", "repeat": True}])
    assert [model.complete(ask("q"))[0].text for _ in range(5)] == ["loop"] * 5


def test_an_entry_can_raise_a_backend_error() -> None:
    model = Replay([{"raise": "EndpointUnavailable", "response": "cannot reach http://x/v1"}])
    with pytest.raises(EndpointUnavailable, match="cannot reach"):
        model.complete(ask("q"))


@pytest.mark.parametrize(
    ("entries", "problem"),
    [
        ([{"match": "x"}], "'response'"),
        ([{"response": "x", "raise": "Nope"}], "'raise' must name"),
        ([{"response": "x", "regex": True, "match": "("}], "bad regex"),
        ([{"response": "x", "mtach": "y"}], "unknown key"),
        ([42], "must be a string or a mapping"),
    ],
)
def test_bad_fixtures_are_reported(entries: list[object], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        Replay(entries)


def test_async_and_make_model(tmp_path: Path) -> None:
    path = tmp_path / "f.yml"
    path.write_text("responses:\n  - hi\n")
    model = make_model(f"replay:{path}")
    assert isinstance(model, Replay)
    assert asyncio.run(model.acomplete(ask("q")))[0].text == "hi"
