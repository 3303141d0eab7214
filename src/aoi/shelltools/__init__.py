"""Shell text tools run in-process (never a shell): Unix filters, jq, kubectl's JSONPath printers.

Used by the twin's command lines and by the live environment's pipelines alike.
"""

from aoi.shelltools.filters import FILTERS, run_filter
from aoi.shelltools.jq import JqError, compile_jq, dump_json, jq, run_jq
from aoi.shelltools.jsonpath import (
    JsonPathError,
    custom_columns,
    jsonpath,
    render_custom_columns,
    render_jsonpath,
)
from aoi.shelltools.result import CommandResult, FilterResult

__all__ = [
    "FILTERS",
    "CommandResult",
    "FilterResult",
    "JqError",
    "JsonPathError",
    "compile_jq",
    "custom_columns",
    "dump_json",
    "jq",
    "jsonpath",
    "render_custom_columns",
    "render_jsonpath",
    "run_filter",
    "run_jq",
]
