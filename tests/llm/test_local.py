"""LocalTransformers on a tiny Llama built in the test (no downloads)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

pytest.importorskip("torch", reason="the 'local' extra (torch) is not installed")
pytest.importorskip("transformers", reason="the 'local' extra (transformers) is not installed")
pytest.importorskip("tokenizers", reason="the 'local' extra (tokenizers) is not installed")

import torch

from aoi.llm import (
    ContextTooLong,
    EndpointUnavailable,
    LocalTransformers,
    Message,
    count_tokens,
    make_model,
    total_usage,
)
from aoi.llm.local import fallback_prompt

from .tiny_model import build_tiny_model

ASK = [Message.system("the pod"), Message.user("geo is crashing")]


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "model")


@pytest.fixture(scope="module")
def tiny(tiny_dir: Path) -> LocalTransformers:
    return LocalTransformers(tiny_dir)


def test_samples_n_completions_with_exact_usage(tiny: LocalTransformers) -> None:
    torch.manual_seed(1)
    out = tiny.complete(ASK, n=3, max_tokens=6)
    assert len(out) == 3
    prompt_ids = tiny.tokenizer(tiny.render(ASK), add_special_tokens=False)["input_ids"]
    assert out[0].usage.prompt_tokens == len(prompt_ids)
    assert all(c.usage.prompt_tokens == 0 for c in out[1:])
    for c in out:
        assert 1 <= c.usage.completion_tokens <= 6
        assert c.finish_reason in ("stop", "length")
        assert not c.usage.estimated
        if c.finish_reason == "length":
            assert c.usage.completion_tokens == 6
    assert total_usage(out).prompt_tokens == len(prompt_ids)


def test_greedy_completions_are_identical_and_repeatable(tiny: LocalTransformers) -> None:
    first = tiny.complete(ASK, n=2, temperature=0, max_tokens=5)
    again = tiny.complete(ASK, n=1, temperature=0, max_tokens=5)
    assert first[0].text == first[1].text == again[0].text


def test_the_chat_template_is_applied(tiny: LocalTransformers) -> None:
    assert tiny.has_chat_template
    assert tiny.render(ASK) == "<|system|> the pod <|user|> geo is crashing <|assistant|>"


def test_without_a_template_the_documented_fallback_is_used(tmp_path: Path) -> None:
    model = LocalTransformers(build_tiny_model(tmp_path / "plain", chat_template=False))
    assert not model.has_chat_template
    assert model.render(ASK) == ("<|system|>\nthe pod\n<|user|>\ngeo is crashing\n<|assistant|>\n")
    assert model.render(ASK) == fallback_prompt(ASK)
    assert len(model.complete(ASK, n=2, max_tokens=3)) == 2


def test_stop_strings_end_the_text(tiny: LocalTransformers) -> None:
    torch.manual_seed(3)
    stops = ["the", "geo", "pod", "logs"]
    out = tiny.complete(ASK, n=4, max_tokens=30, stop=stops)
    for c in out:
        assert not any(s in c.text for s in stops)


def test_a_prompt_past_the_context_is_context_too_long(tiny: LocalTransformers) -> None:
    with pytest.raises(ContextTooLong, match="context is 64"):
        tiny.complete([Message.user("geo " * 100)])


def test_async_complete(tiny: LocalTransformers) -> None:
    out = asyncio.run(tiny.acomplete(ASK, n=2, max_tokens=3))
    assert len(out) == 2


def test_counts_tokens_with_the_models_tokenizer(tiny: LocalTransformers) -> None:
    assert count_tokens("geo is crashing", tiny.tokenizer) == 3
    assert count_tokens("", tiny.tokenizer) == 0


def test_missing_or_empty_directories_say_what_to_check(tmp_path: Path) -> None:
    with pytest.raises(EndpointUnavailable, match="does not exist"):
        LocalTransformers(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(EndpointUnavailable, match=r"config\.json"):
        LocalTransformers(tmp_path / "empty")


def test_loading_and_sampling_print_nothing(
    tiny_dir: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    model = make_model(f"local:{tiny_dir}")
    assert isinstance(model, LocalTransformers)
    model.complete(ASK, max_tokens=2)
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""
