"""Chat model backends: OpenAI-compatible HTTP, local transformers, and replay.

Every backend is a ``ChatModel``: ``complete`` / ``acomplete`` return completions
with token usage and raise only ``LLMError`` subclasses. ``extract_json`` reads a
model's JSON answer; ``count_tokens`` counts tokens without downloads.
Nothing here depends on the rest of ``aoi``.
"""

from aoi.llm.base import ChatModel, Completion, Message, Role, Usage, total_usage
from aoi.llm.errors import (
    AuthenticationFailed,
    BadResponse,
    ContextTooLong,
    EndpointUnavailable,
    LLMError,
    MissingDependency,
    ModelSpecError,
    RateLimited,
    ReplayExhausted,
    RequestRejected,
)
from aoi.llm.factory import make_model
from aoi.llm.json_extract import (
    JSONExtractionError,
    count_json_objects,
    extract_json,
    extract_json_objects,
)
from aoi.llm.local import LocalTransformers
from aoi.llm.openai_compat import Backoff, OpenAICompatible
from aoi.llm.replay import Replay, ReplayRequest
from aoi.llm.tokens import MESSAGE_OVERHEAD, count_message_tokens, count_tokens, estimate_tokens

__all__ = [
    "MESSAGE_OVERHEAD",
    "AuthenticationFailed",
    "Backoff",
    "BadResponse",
    "ChatModel",
    "Completion",
    "ContextTooLong",
    "EndpointUnavailable",
    "JSONExtractionError",
    "LLMError",
    "LocalTransformers",
    "Message",
    "MissingDependency",
    "ModelSpecError",
    "OpenAICompatible",
    "RateLimited",
    "Replay",
    "ReplayExhausted",
    "ReplayRequest",
    "RequestRejected",
    "Role",
    "Usage",
    "count_json_objects",
    "count_message_tokens",
    "count_tokens",
    "estimate_tokens",
    "extract_json",
    "extract_json_objects",
    "make_model",
    "total_usage",
]
