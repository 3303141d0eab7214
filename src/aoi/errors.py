"""AOI's typed errors: one root, `AOIError`, and the kinds the loop acts on.

Every error AOI raises on purpose is an `AOIError`, so a caller can tell an
expected failure from a bug with one `except`. The loop treats the kinds apart:

- `ModelError` (a model backend or its endpoint failed: `aoi.llm.LLMError` and
  all its subclasses) ends the attempt, recorded as `error`;
- `ContextTooLongError` (a `ModelError`) makes the caller compress harder and ask again;
- `InvalidDecisionError` (the Observer's answer is no usable decision) fails
  the step, is counted, and the loop goes on;
- anything that is not an `AOIError` is a bug of AOI and surfaces as one.

Errors that were `ValueError` or `LookupError` before keep that base too, so
older `except ValueError` code still catches them.
"""

from __future__ import annotations


class AOIError(Exception):
    """The root of every error AOI raises on purpose."""


class ModelError(AOIError):
    """A chat model backend or its endpoint failed; the attempt ends as `error`."""


class ContextTooLongError(ModelError):
    """The prompt does not fit the model's context window; compress harder and ask again."""


class InvalidDecisionError(AOIError, ValueError):
    """A model's answer could not be turned into a decision; the step fails and is counted."""


class ConfigError(AOIError, ValueError):
    """A setting, option or config file that cannot be used; the message says what to give."""


class UnknownNameError(AOIError, LookupError):
    """A name (task, split, fault, environment, ...) that names nothing known."""
