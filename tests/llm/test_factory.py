"""make_model reads the specs the CLI passes."""

from __future__ import annotations

import pytest

from aoi.llm import ChatModel, ModelSpecError, OpenAICompatible, make_model


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AOI_LLM_BASE_URL", raising=False)


@pytest.mark.parametrize(
    ("spec", "kwargs", "model", "url"),
    [
        (
            "openai:qwen2.5-7b@http://localhost:8000/v1",
            {},
            "qwen2.5-7b",
            "http://localhost:8000/v1",
        ),
        ("openai:gpt-4o-mini", {}, "gpt-4o-mini", "https://api.openai.com/v1"),
        ("openai:m", {"base_url": "http://h:1/v1"}, "m", "http://h:1/v1"),
        ("llama3:8b@http://localhost:11434/v1", {}, "llama3:8b", "http://localhost:11434/v1"),
        ("org/model@name@http://h:1/v1", {}, "org/model@name", "http://h:1/v1"),
        (
            "llama3:8b",
            {"base_url": "http://localhost:11434/v1/"},
            "llama3:8b",
            "http://localhost:11434/v1",
        ),
        ("http://h:2/v1", {"model": "m"}, "m", "http://h:2/v1"),
    ],
)
def test_http_specs(spec: str, kwargs: dict[str, str], model: str, url: str) -> None:
    built = make_model(spec, **kwargs)
    assert isinstance(built, OpenAICompatible)
    assert isinstance(built, ChatModel)
    assert (built.model, built.base_url) == (model, url)


def test_options_reach_the_backend() -> None:
    built = make_model("m@http://h:1/v1", timeout=5, max_retries=0)
    assert isinstance(built, OpenAICompatible)
    assert (built.timeout, built.max_retries) == (5, 0)


def test_base_url_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AOI_LLM_BASE_URL", "http://env:9/v1")
    built = make_model("m")
    assert isinstance(built, OpenAICompatible)
    assert built.base_url == "http://env:9/v1"


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ("", "empty model spec"),
        ("qwen", "pass --base-url URL"),
        ("http://h:1/v1", "give the model name"),
        ("replay:", "needs a fixture path"),
        ("local:", "needs a model directory"),
        ("openai:@http://h:1/v1", "no model name"),
    ],
)
def test_bad_specs_say_what_to_pass(spec: str, problem: str) -> None:
    with pytest.raises(ModelSpecError, match=problem) as err:
        make_model(spec)
    assert "openai:MODEL@URL" in str(err.value)
    assert isinstance(err.value, ValueError)
