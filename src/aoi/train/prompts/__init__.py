"""The training prompts (judge rubrics) as data files, rendered with StrictUndefined."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("aoi.train", "prompts"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )


def render(name: str, **values: Any) -> str:
    """Render the template `name` with `values`."""
    return _env().get_template(name).render(**values)
