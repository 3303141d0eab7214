"""OpenAI-compatible chat completions over HTTP: vLLM, SGLang, Ollama, llama.cpp, OpenAI."""

from __future__ import annotations

import asyncio
import os
import re
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from aoi.llm.backoff import Backoff
from aoi.llm.base import Completion, Message, check_request, normalize_stop
from aoi.llm.errors import (
    AuthenticationFailed,
    BadResponse,
    ContextTooLong,
    EndpointUnavailable,
    LLMError,
    RateLimited,
    RequestRejected,
)
from aoi.llm.openai_wire import choice_index, encode, error_detail, retry_after, split_usage

API_KEY_ENV = ("AOI_LLM_API_KEY", "OPENAI_API_KEY")

# How servers word "the prompt does not fit": OpenAI, vLLM, SGLang, llama.cpp, TGI.
_CONTEXT_PATTERNS = re.compile(
    r"context[_ ]length|maximum context|context window|context size|exceed_context"
    r"|prompt is too long|too many tokens|longer than the model|input is too long",
    re.IGNORECASE,
)


class _Retry(Exception):
    """An attempt failed in a way worth retrying; ``final`` is raised when retries run out."""

    def __init__(self, final: LLMError, retry_after: float | None = None) -> None:
        super().__init__(str(final))
        self.final = final
        self.retry_after = retry_after


class OpenAICompatible:
    """A chat model behind an OpenAI-compatible ``/chat/completions`` endpoint.

    ``base_url`` is the API root, for example ``http://localhost:8000/v1`` for vLLM
    or ``http://localhost:11434/v1`` for Ollama. The key comes from ``api_key``, else
    ``AOI_LLM_API_KEY``, else ``OPENAI_API_KEY``; with none, no ``Authorization``
    header is sent (local servers need none).

    Retries ``max_retries`` times (so ``max_retries + 1`` attempts) on 429, 5xx,
    refused connections and connect time-outs, waiting per ``backoff``; never on
    other 4xx, and never after a read time-out: a server that accepted the request
    and then went silent for ``timeout`` seconds is reported at once, so a hung
    endpoint costs one time-out, not one per retry. Connecting is bounded by
    ``connect_timeout`` (at most ``timeout``), so a dead host fails in seconds.
    ``n > 1`` is asked of the server in one request; a server that returns fewer
    choices (Ollama, llama.cpp) is topped up with sequential calls and remembered.
    ``extra_body`` is merged into every request body (for example vLLM's
    ``{"top_k": 20}``). ``transport`` replaces httpx's network transport (tests).
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        *,
        timeout: float = 60.0,
        max_retries: int = 2,
        connect_timeout: float = 5.0,
        backoff: Backoff | None = None,
        extra_body: Mapping[str, Any] | None = None,
        transport: httpx.BaseTransport | None = None,
        async_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not base_url:
            raise ValueError("base_url must not be empty")
        if not model:
            raise ValueError("model must not be empty")
        if max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, not {max_retries}")
        if not timeout > 0 or not connect_timeout > 0:
            raise ValueError(f"timeout must be > 0 seconds, not {timeout}")
        base = base_url.strip().rstrip("/").removesuffix("/chat/completions")
        try:
            parsed = httpx.URL(base)
        except (httpx.InvalidURL, TypeError) as exc:
            raise ValueError(f"base_url {base_url!r} is not a URL: {exc}") from exc
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise ValueError(
                f"base_url {base_url!r} must start with http:// or https:// and name a host, "
                "e.g. http://localhost:8000/v1"
            )
        # A password in the URL is sent, never shown: messages and names use the masked form.
        shown = base if not parsed.password else base.replace(f":{parsed.password}@", ":****@", 1)
        self._endpoint = f"{base}/chat/completions"
        self.base_url = shown
        self.url = f"{shown}/chat/completions"
        self.model = model
        self.name = f"openai:{model}@{shown}"
        self.timeout = timeout
        self.max_retries = max_retries
        self._timeouts = httpx.Timeout(timeout, connect=min(connect_timeout, timeout))
        self.backoff = backoff or Backoff()
        self.extra_body = dict(extra_body or {})
        self._api_key = api_key if api_key is not None else _key_from_env()
        self._transport = transport
        self._async_transport = async_transport
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()
        # None until a request with n > 1; False once a server answered one with fewer
        # choices (it ignores n), and from then on samples are asked for one at a time.
        self.supports_n: bool | None = None

    def __repr__(self) -> str:  # never show the key
        return f"OpenAICompatible(base_url={self.base_url!r}, model={self.model!r})"

    # --- public ---------------------------------------------------------------------

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
        """Sample ``n`` completions (see the class doc for retries and ``n``)."""
        check_request(messages, n, temperature, max_tokens)
        args = (messages, temperature, max_tokens, stop, response_format)
        out: list[Completion] = []
        while len(out) < n:
            want = n - len(out) if self.supports_n is not False else 1
            got = self._post(self._body(*args, n=want))
            out.extend(got[:want])
            self._learn_n(want, len(got))
        return out

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
        """Async ``complete``: the same request, retries and errors."""
        check_request(messages, n, temperature, max_tokens)
        args = (messages, temperature, max_tokens, stop, response_format)
        out: list[Completion] = []
        async with httpx.AsyncClient(
            timeout=self._timeouts, transport=self._async_transport
        ) as client:
            while len(out) < n:
                want = n - len(out) if self.supports_n is not False else 1
                got = await self._apost(client, self._body(*args, n=want))
                out.extend(got[:want])
                self._learn_n(want, len(got))
        return out

    def close(self) -> None:
        """Close the pooled HTTP connections (the object stays usable)."""
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    def __enter__(self) -> OpenAICompatible:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- one request with retries ---------------------------------------------------

    def _post(self, body: dict[str, Any]) -> list[Completion]:
        client = self._sync_client()
        for attempt in range(self.max_retries + 1):
            try:
                try:
                    response = client.post(
                        self._endpoint, content=encode(body), headers=self._headers()
                    )
                except httpx.HTTPError as exc:
                    raise self._transport_error(exc, attempt + 1) from exc
                return self._handle(response, body)
            except _Retry as retry:
                if attempt == self.max_retries:
                    raise retry.final from retry.__cause__
                time.sleep(self.backoff.delay(attempt, retry.retry_after))
        raise AssertionError("unreachable")  # pragma: no cover

    async def _apost(self, client: httpx.AsyncClient, body: dict[str, Any]) -> list[Completion]:
        for attempt in range(self.max_retries + 1):
            try:
                try:
                    response = await client.post(
                        self._endpoint, content=encode(body), headers=self._headers()
                    )
                except httpx.HTTPError as exc:
                    raise self._transport_error(exc, attempt + 1) from exc
                return self._handle(response, body)
            except _Retry as retry:
                if attempt == self.max_retries:
                    raise retry.final from retry.__cause__
                await asyncio.sleep(self.backoff.delay(attempt, retry.retry_after))
        raise AssertionError("unreachable")  # pragma: no cover

    def _sync_client(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                self._client = httpx.Client(timeout=self._timeouts, transport=self._transport)
            return self._client

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        return headers

    def _body(
        self,
        messages: Sequence[Message],
        temperature: float,
        max_tokens: int | None,
        stop: Sequence[str] | None,
        response_format: Mapping[str, Any] | None,
        *,
        n: int,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [m.to_dict() for m in messages],
            "temperature": temperature,
        }
        if n != 1:
            body["n"] = n
        if max_tokens is not None:
            body["max_tokens"] = max_tokens
        stops = normalize_stop(stop)
        if stops:
            body["stop"] = stops
        if response_format is not None:
            body["response_format"] = dict(response_format)
        body.update(self.extra_body)
        return body

    def _learn_n(self, wanted: int, got: int) -> None:
        if wanted > 1 and self.supports_n is None:
            self.supports_n = got >= wanted

    # --- classifying what came back -------------------------------------------------

    def _transport_error(self, exc: httpx.HTTPError, attempts: int) -> _Retry:
        if isinstance(exc, httpx.TimeoutException) and not isinstance(exc, httpx.ConnectTimeout):
            # Not retried: the server took the request and hung; it would hang again.
            raise EndpointUnavailable(
                f"{self.url} did not answer: timed out after {self.timeout:g}s (not retried); "
                "check that the server is up and not overloaded, or raise the time-out "
                "(--llm-timeout)",
                url=self.url,
            ) from exc
        if isinstance(exc, httpx.ConnectTimeout):
            hint = (
                "connecting timed out; check that the host is reachable and that the "
                "base URL (host and port) is right"
            )
        else:
            hint = (
                f"{type(exc).__name__}: {exc}; check that the server is running and that "
                "the base URL (host, port and the /v1 suffix) is right"
            )
        return _Retry(
            EndpointUnavailable(
                f"cannot reach {self.url} after {attempts} attempt(s): {hint}", url=self.url
            )
        )

    def _handle(self, response: httpx.Response, body: dict[str, Any]) -> list[Completion]:
        status = response.status_code
        if status == 200:
            return self._parse(response, body)
        detail = error_detail(response)
        attempts = f"after {self.max_retries + 1} attempt(s)"
        if status == 429:
            wait = retry_after(response)
            raise _Retry(
                RateLimited(
                    f"{self.url} kept answering 429 (rate limited) {attempts}: {detail}; "
                    "lower the request rate or raise max_retries",
                    url=self.url,
                    retry_after=wait,
                ),
                wait,
            )
        if status >= 500:
            raise _Retry(
                EndpointUnavailable(
                    f"{self.url} answered HTTP {status} {attempts}: {detail}; check the "
                    "server's own log",
                    url=self.url,
                    status=status,
                )
            )
        if status in (401, 403):
            raise AuthenticationFailed(
                f"{self.url} refused the credentials (HTTP {status}): {detail}; set "
                f"{API_KEY_ENV[0]} (or {API_KEY_ENV[1]}) or pass api_key",
                url=self.url,
                status=status,
            )
        if status in (400, 413, 422) and _CONTEXT_PATTERNS.search(detail):
            raise ContextTooLong(f"{self.model}: the prompt does not fit: {detail}")
        hint = "; check the base URL and the model name" if status == 404 else "; check the request"
        raise RequestRejected(
            f"{self.url} rejected the request (HTTP {status}): {detail}{hint}",
            url=self.url,
            status=status,
        )

    def _parse(self, response: httpx.Response, body: dict[str, Any]) -> list[Completion]:
        try:
            data = response.json()
        except ValueError as exc:
            raise BadResponse(
                f"{self.url} answered 200 with a body that is not JSON: {response.text[:200]!r}",
                url=self.url,
                status=200,
            ) from exc
        choices = data.get("choices") if isinstance(data, dict) else None
        if not isinstance(choices, list) or not choices:
            raise BadResponse(
                f"{self.url} answered 200 without choices: {str(data)[:200]!r}",
                url=self.url,
                status=200,
            )
        texts: list[str] = []
        reasons: list[str] = []
        for choice in sorted(choices, key=choice_index):
            message = choice.get("message") if isinstance(choice, dict) else None
            if not isinstance(message, dict):
                raise BadResponse(
                    f"{self.url} answered a choice without a message: {str(choice)[:200]!r}",
                    url=self.url,
                    status=200,
                )
            content = message.get("content")
            texts.append(content if isinstance(content, str) else "")
            reasons.append(str(choice.get("finish_reason") or "stop"))
        usages = split_usage(data.get("usage"), body, texts)
        return [Completion(t, r, u) for t, r, u in zip(texts, reasons, usages, strict=True)]


def _key_from_env() -> str | None:
    for name in API_KEY_ENV:
        value = os.environ.get(name)
        if value:
            return value
    return None


__all__ = ["API_KEY_ENV", "Backoff", "OpenAICompatible"]
