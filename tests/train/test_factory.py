"""`aoi train init-model`: a tokenizer trained here and a Qwen3 model that the runtime can drive."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from aoi.cli import app

from .helpers import drive


def test_the_tiny_model_is_a_qwen3_with_a_byte_level_bpe_tokenizer(tiny_model: Path) -> None:
    from transformers import AutoTokenizer

    config = json.loads((tiny_model / "config.json").read_text())
    assert config["model_type"] == "qwen3"
    tokenizer = AutoTokenizer.from_pretrained(tiny_model, local_files_only=True)
    text = "kubectl get pods -n test-hotel-reservation\nNAME READY STATUS é"
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    assert tokenizer.decode(ids) == text  # byte level: nothing is lost, not even é
    # trained on the twin's words: a common command is a few tokens, not one per byte
    assert len(tokenizer.tokenize("kubectl get pods")) <= 4
    rendered = tokenizer.apply_chat_template(
        [{"role": "user", "content": "hi"}], tokenize=False, add_generation_prompt=True
    )
    assert rendered == "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n"


def test_the_runtime_drives_the_tiny_model_through_a_whole_task(tiny_model: Path) -> None:
    record, outcome = drive(tiny_model)
    # a random model decides nothing useful, but the loop runs to its forced submission
    assert record.steps and record.ended_by != "error"
    assert outcome is not None


def test_init_model_cli_refuses_an_unknown_size(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["train", "init-model", str(tmp_path / "m"), "--size", "huge"])
    assert result.exit_code == 2
    assert "unknown size 'huge'" in result.output
