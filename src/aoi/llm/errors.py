"""Typed errors of the chat model backends.

Backends never print: every failure the loop can act on is one of these. The
message of each says what went wrong and what to check next.
"""

from __future__ import annotations

from aoi.errors import ConfigError, ContextTooLongError, ModelError


class LLMError(ModelError):
    """Base class of every error a chat model backend raises (an `aoi.errors.ModelError`)."""


class EndpointUnavailable(LLMError):
    """The model cannot be reached: connection refused, DNS, time-outs or 5xx after all retries.

    The loop ends the run on this error; ``url`` names what was tried.
    """

    def __init__(self, message: str, *, url: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class RateLimited(LLMError):
    """The server kept answering 429 after all retries."""

    def __init__(self, message: str, *, url: str = "", retry_after: float | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.retry_after = retry_after


class AuthenticationFailed(LLMError):
    """The server refused the credentials (HTTP 401 or 403); never retried."""

    def __init__(self, message: str, *, url: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class ContextTooLong(LLMError, ContextTooLongError):
    """The prompt (plus ``max_tokens``) does not fit the model's context window; never retried."""


class BadResponse(LLMError):
    """The server answered, but not with a usable chat completion."""

    def __init__(self, message: str, *, url: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class RequestRejected(BadResponse):
    """The server refused the request with a 4xx other than 401, 403, 429 or context length.

    Typical causes: an unknown model name (404), a parameter the server does not
    support (400). Never retried.
    """


class ReplayExhausted(LLMError):
    """The replay backend has no recorded response left for a request."""


class MissingDependency(LLMError, ImportError):
    """An optional extra that a backend needs is not installed."""


class ModelSpecError(LLMError, ConfigError):
    """A model spec given to ``make_model`` cannot be understood."""
