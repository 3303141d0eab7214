"""Text surfaces of the cluster twin: Unix filters, jq, and kubectl's JSONPath printers."""

from aoi.twin.text.filters import FILTERS, run_filter
from aoi.twin.text.jq import JqError, compile_jq, dump_json, jq, run_jq
from aoi.twin.text.jsonpath import (
    JsonPathError,
    custom_columns,
    jsonpath,
    render_custom_columns,
    render_jsonpath,
)
from aoi.twin.text.result import FilterResult

__all__ = [
    "FILTERS",
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
