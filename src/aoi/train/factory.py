"""A small Qwen-architecture model and its tokenizer, built locally: no weights are downloaded.

`init_model(directory, size)` trains a byte-level BPE tokenizer (the ``tokenizers``
library) on the runtime's prompts and the twin's outputs, gives it a ChatML chat
template (the one Qwen models use), and writes a randomly initialised
``Qwen3ForCausalLM`` of the chosen size next to it. The directory loads with
``transformers.AutoModelForCausalLM`` / ``AutoTokenizer`` and so with
``aoi run --agent aoi --model DIR`` (the local backend), and every trainer
accepts it as a base model.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from aoi.errors import ConfigError
from aoi.train.corpus import corpus

PAD = "<|endoftext|>"
IM_START = "<|im_start|>"
IM_END = "<|im_end|>"
SPECIAL_TOKENS = [PAD, IM_START, IM_END]

# ChatML, as Qwen models format a conversation; the generation prompt opens an assistant turn.
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)


@dataclass(frozen=True)
class ModelSize:
    """The shape of a model built by `init_model`."""

    vocab_size: int
    hidden_size: int
    intermediate_size: int
    num_hidden_layers: int
    num_attention_heads: int
    num_key_value_heads: int
    max_position_embeddings: int


SIZES: dict[str, ModelSize] = {
    # for tests and CPU smoke runs: about 0.3 M parameters
    "tiny": ModelSize(2048, 64, 128, 2, 4, 2, 8192),
    # for a CPU or a small GPU run that can learn something: about 9 M parameters
    "small": ModelSize(8192, 256, 768, 4, 8, 4, 16384),
}


class UnknownSizeError(ConfigError):
    """A model size that is not one of SIZES."""


def train_tokenizer(vocab_size: int, texts: Any) -> Any:
    """A byte-level BPE `PreTrainedTokenizerFast` trained on `texts`, with ChatML specials."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    core = Tokenizer(models.BPE())
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    core.decoder = decoders.ByteLevel()
    core.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    core.train_from_iterator(texts, trainer=trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=core, eos_token=IM_END, pad_token=PAD, unk_token=None
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    tokenizer.padding_side = "left"
    return tokenizer


def init_model(
    directory: str | Path, size: str = "tiny", *, seed: int = 0, corpus_every: int = 3
) -> Path:
    """Write a tokenizer and a randomly initialised Qwen3 model of `size` into `directory`.

    The tokenizer learns from the prompts and from expert runs on every
    `corpus_every`-th task of the catalog."""
    if size not in SIZES:
        raise UnknownSizeError(f"unknown model size {size!r}; choose one of: {', '.join(SIZES)}")
    import torch
    from transformers import Qwen3Config, Qwen3ForCausalLM
    from transformers.utils import logging as hf_logging

    shape = SIZES[size]
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    tokenizer = train_tokenizer(shape.vocab_size, corpus(corpus_every))
    config = Qwen3Config(
        **{**asdict(shape), "vocab_size": len(tokenizer)},
        head_dim=shape.hidden_size // shape.num_attention_heads,
        tie_word_embeddings=True,
        bos_token_id=None,
        eos_token_id=tokenizer.convert_tokens_to_ids(IM_END),
        pad_token_id=tokenizer.convert_tokens_to_ids(PAD),
    )
    torch.manual_seed(seed)
    model = Qwen3ForCausalLM(config)
    model.generation_config.eos_token_id = config.eos_token_id
    model.generation_config.pad_token_id = config.pad_token_id
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        model.save_pretrained(path)
    finally:
        if bars:
            hf_logging.enable_progress_bar()
    tokenizer.save_pretrained(path)
    return path
