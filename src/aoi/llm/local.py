"""LocalTransformers: a model directory run in-process with ``transformers``.

Needs the ``local`` extra (``transformers``, ``tokenizers``, ``torch``). Loads only
local files: nothing is downloaded. Prompts use the tokenizer's chat template when
it has one; otherwise the fallback format below, one block per message and an open
assistant block at the end::

    <|system|>
    You are an SRE.
    <|user|>
    What is wrong?
    <|assistant|>
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from aoi.llm.base import Completion, Message, Usage, check_request, cut_at_stop, normalize_stop
from aoi.llm.errors import ContextTooLong, EndpointUnavailable, MissingDependency

DEFAULT_MAX_NEW_TOKENS = 256


def fallback_prompt(messages: Sequence[Message]) -> str:
    """The prompt for a tokenizer without a chat template (see the module doc)."""
    blocks = [f"<|{m.role}|>\n{m.content}\n" for m in messages]
    return "".join(blocks) + "<|assistant|>\n"


def _load(transformers: Any, path: Path, dtype: Any) -> tuple[Any, Any]:
    """(tokenizer, model) from local files only."""
    tokenizer = transformers.AutoTokenizer.from_pretrained(path, local_files_only=True)
    kwargs: dict[str, Any] = {"local_files_only": True}
    if dtype is not None:
        kwargs["dtype"] = dtype
    # Loading shows progress bars on stderr by default; backends never print.
    hub_logging = transformers.utils.logging
    bars = hub_logging.is_progress_bar_enabled()
    hub_logging.disable_progress_bar()
    try:
        model = transformers.AutoModelForCausalLM.from_pretrained(path, **kwargs)
    finally:
        if bars:
            hub_logging.enable_progress_bar()
    return tokenizer, model


def _stop_criterion(transformers: Any, tokenizer: Any, stops: list[str], prompt_len: int) -> Any:
    """A StoppingCriteria that ends each sequence once its new text holds a stop string."""
    import torch

    window = max(len(s) for s in stops) + 8  # tokens: enough to hold any stop string

    class StopOnStrings(transformers.StoppingCriteria):
        def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
            done = []
            for row in input_ids:
                tail = row[prompt_len:][-window:].tolist()
                text = tokenizer.decode(tail, skip_special_tokens=True)
                done.append(any(s in text for s in stops))
            return torch.tensor(done, dtype=torch.bool, device=input_ids.device)

    return StopOnStrings()


class LocalTransformers:
    """A causal language model from a local directory, sampled with ``generate``.

    ``device`` is a torch device ("cpu", "cuda", "cuda:1"); ``dtype`` a torch dtype
    or its name ("bfloat16", "float16", "float32"), ``None`` for the model's own.
    Token usage is exact (the model's tokenizer). ``temperature=0`` is greedy
    decoding, and ``n`` greedy completions are copies of one.
    ``response_format`` is ignored. Calls are serialised; ``acomplete`` runs in a
    worker thread.
    """

    def __init__(
        self,
        model_dir: str | Path,
        device: str = "cpu",
        dtype: Any = None,
        *,
        max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS,
    ) -> None:
        try:
            import torch
            import transformers
        except ImportError as exc:
            raise MissingDependency(
                "LocalTransformers needs the 'local' extra (transformers, tokenizers, torch): "
                "pip install 'aoi[local]'"
            ) from exc
        self._torch = torch
        self._transformers = transformers
        path = Path(model_dir)
        self.model_dir = path
        self.name = f"local:{path}"
        self.device = device
        self.max_new_tokens = max_new_tokens
        if not path.is_dir():
            raise EndpointUnavailable(
                f"model directory {path} does not exist; pass a directory holding "
                "config.json, the weights and the tokenizer files",
                url=str(path),
            )
        torch_dtype = getattr(torch, dtype) if isinstance(dtype, str) else dtype
        try:
            self.tokenizer, self.model = _load(transformers, path, torch_dtype)
        except (OSError, ValueError, KeyError) as exc:
            raise EndpointUnavailable(
                f"cannot load a model from {path}: {exc}; check that it holds config.json, "
                "the weights and the tokenizer files",
                url=str(path),
            ) from exc
        self.model.to(device)
        self.model.eval()
        self.context_length: int | None = getattr(
            self.model.config, "max_position_embeddings", None
        ) or getattr(self.model.config, "n_positions", None)
        self._lock = threading.Lock()

    @property
    def has_chat_template(self) -> bool:
        return bool(getattr(self.tokenizer, "chat_template", None))

    def render(self, messages: Sequence[Message]) -> str:
        """The prompt text the model sees for ``messages``."""
        if self.has_chat_template:
            text = self.tokenizer.apply_chat_template(
                [m.to_dict() for m in messages], tokenize=False, add_generation_prompt=True
            )
            return str(text)
        return fallback_prompt(messages)

    def complete(
        self,
        messages: Sequence[Message],
        *,
        n: int = 1,
        temperature: float = 0.7,
        max_tokens: int | None = None,
        stop: Sequence[str] | None = None,
        response_format: Mapping[str, Any] | None = None,
    ) -> list[Completion]:
        """Sample ``n`` completions from the local model."""
        check_request(messages, n, temperature, max_tokens)
        with self._lock:
            return self._generate(messages, n, temperature, max_tokens, normalize_stop(stop))

    async def acomplete(
        self,
        messages: Sequence[Message],
        *,
        n: int = 1,
        temperature: float = 0.7,
        max_tokens: int | None = None,
        stop: Sequence[str] | None = None,
        response_format: Mapping[str, Any] | None = None,
    ) -> list[Completion]:
        """Async ``complete``, run in a worker thread."""
        return await asyncio.to_thread(
            self.complete,
            messages,
            n=n,
            temperature=temperature,
            max_tokens=max_tokens,
            stop=stop,
            response_format=response_format,
        )

    def _generate(
        self,
        messages: Sequence[Message],
        n: int,
        temperature: float,
        max_tokens: int | None,
        stops: list[str],
    ) -> list[Completion]:
        torch = self._torch
        prompt = self.render(messages)
        # The chat template already holds BOS and the like.
        encoded = self.tokenizer(
            prompt, return_tensors="pt", add_special_tokens=not self.has_chat_template
        )
        input_ids = encoded["input_ids"].to(self.device)
        attention = encoded.get("attention_mask")
        attention = (
            attention.to(self.device) if attention is not None else torch.ones_like(input_ids)
        )
        prompt_len = int(input_ids.shape[1])
        budget = max_tokens or self.max_new_tokens
        if self.context_length is not None:
            if prompt_len >= self.context_length:
                raise ContextTooLong(
                    f"{self.name}: the prompt is {prompt_len} tokens; the model's context "
                    f"is {self.context_length}"
                )
            budget = min(budget, self.context_length - prompt_len)
        sample = temperature > 0
        eos = self.tokenizer.eos_token_id
        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else eos
        gen_kwargs: dict[str, Any] = {
            "attention_mask": attention,
            "max_new_tokens": budget,
            "do_sample": sample,
            "num_return_sequences": n if sample else 1,
            "pad_token_id": pad,
        }
        if eos is not None:
            gen_kwargs["eos_token_id"] = eos
        if stops:
            # transformers' own stop_strings needs a byte-level or SentencePiece
            # vocabulary; decoding the tail works with any tokenizer.
            gen_kwargs["stopping_criteria"] = self._transformers.StoppingCriteriaList(
                [_stop_criterion(self._transformers, self.tokenizer, stops, prompt_len)]
            )
        if sample:
            gen_kwargs["temperature"] = temperature
            gen_kwargs["top_k"] = 0
            gen_kwargs["top_p"] = 1.0
        else:
            gen_kwargs["temperature"] = None
            gen_kwargs["top_k"] = None
            gen_kwargs["top_p"] = None
        with torch.inference_mode():
            output = self.model.generate(input_ids, **gen_kwargs)
        rows = [row[prompt_len:].tolist() for row in output]
        if not sample:
            rows = rows * n
        completions: list[Completion] = []
        for i, ids in enumerate(rows):
            # A row that finished before the others is padded (with ``pad``, often EOS).
            while ids and pad is not None and pad != eos and ids[-1] == pad:
                ids.pop()
            ended = eos is not None and eos in ids
            if ended:
                ids = ids[: ids.index(eos)]
            used = len(ids) + (1 if ended else 0)  # the EOS token counts, as servers bill it
            text = str(self.tokenizer.decode(ids, skip_special_tokens=True))
            text, stopped = cut_at_stop(text, stops)
            reason = "stop" if ended or stopped or used < budget else "length"
            usage = Usage(prompt_len if i == 0 else 0, used)
            completions.append(Completion(text, reason, usage))
        return completions
