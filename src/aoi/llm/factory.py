"""make_model: a chat model from a short spec, as the CLI takes it."""

from __future__ import annotations

import os
from typing import Any

from aoi.llm.base import ChatModel
from aoi.llm.errors import ModelSpecError

BASE_URL_ENV = "AOI_LLM_BASE_URL"
OPENAI_BASE_URL = "https://api.openai.com/v1"

SPEC_HELP = (
    "use openai:MODEL@URL (e.g. openai:qwen2.5-7b@http://localhost:8000/v1), "
    "MODEL with base_url (--model NAME --base-url URL), local:/path/to/model, "
    "or replay:/path/to/fixture.yaml"
)


def make_model(spec: str, *, base_url: str | None = None, **options: Any) -> ChatModel:
    """Build a chat model from ``spec``; ``options`` go to the backend's constructor.

    Specs:
      - ``openai:MODEL@URL``: ``OpenAICompatible(URL, MODEL)``; ``openai:MODEL``
        takes the URL from ``base_url``, else ``AOI_LLM_BASE_URL``, else OpenAI's.
      - ``MODEL@URL`` or ``MODEL`` with ``base_url``: the same, for any server.
      - ``URL`` with ``model=NAME`` in ``options``: the same.
      - ``local:/path/to/dir``: ``LocalTransformers`` (the ``local`` extra).
      - ``replay:/path/to/file.yaml``: ``Replay``.

    Raises ``ModelSpecError`` (a ``ValueError``) with what to pass instead.
    """
    spec = spec.strip()
    if not spec:
        raise ModelSpecError(f"empty model spec; {SPEC_HELP}")
    prefix, _, rest = spec.partition(":")
    if prefix == "replay":
        from aoi.llm.replay import Replay

        _require(rest, "replay: needs a fixture path")
        return Replay(rest, **options)
    if prefix == "local":
        from aoi.llm.local import LocalTransformers

        _require(rest, "local: needs a model directory")
        return LocalTransformers(rest, **options)

    from aoi.llm.openai_compat import OpenAICompatible

    if prefix == "openai":
        model, url = _split_at(rest)
        url = url or base_url or os.environ.get(BASE_URL_ENV) or OPENAI_BASE_URL
    elif spec.startswith(("http://", "https://")):
        model = str(options.pop("model", "") or "")
        _require(model, f"{spec} is a URL; also give the model name (model=NAME)")
        url = spec
    else:
        model, url = _split_at(spec)
        url = url or base_url or os.environ.get(BASE_URL_ENV)
        _require(
            url or "", f"no endpoint for model {model!r}: pass --base-url URL or set {BASE_URL_ENV}"
        )
    _require(model, "no model name")
    assert url is not None
    return OpenAICompatible(url, model, **options)


def _split_at(text: str) -> tuple[str, str | None]:
    """``MODEL@URL`` into (MODEL, URL); the URL is what follows the last '@' before '://'."""
    scheme = text.find("://")
    head = text if scheme < 0 else text[:scheme]
    at = head.rfind("@")
    if at < 0:
        return text, None
    return text[:at], text[at + 1 :] or None


def _require(value: str, problem: str) -> None:
    if not value:
        raise ModelSpecError(f"{problem}; {SPEC_HELP}")
