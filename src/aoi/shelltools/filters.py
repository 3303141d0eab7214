"""The Unix filters agents pipe kubectl output into, evaluated in-process (never a shell).

`run_filter(["grep", "-i", "error"], text)` returns what the real tool would print
and its exit status; bad options and unknown commands get GNU/bash wording.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from aoi.shelltools.awk import run_awk
from aoi.shelltools.coreutils import TOOLS
from aoi.shelltools.grep import run_grep
from aoi.shelltools.jq import run_jq
from aoi.shelltools.result import FilterResult

__all__ = ["FILTERS", "FilterResult", "run_filter"]

Filter = Callable[[list[str], str], FilterResult]

FILTERS: dict[str, Filter] = {
    **TOOLS,
    "grep": run_grep,
    "egrep": lambda args, stdin: run_grep(args, stdin, prog="egrep"),
    "fgrep": lambda args, stdin: run_grep(args, stdin, prog="fgrep"),
    "awk": run_awk,
    "jq": run_jq,
}


def run_filter(argv: list[str], stdin: str) -> FilterResult:
    """Run one filter command on `stdin`; never raises, errors come back as stderr text."""
    if not argv:
        return FilterResult("", "", 0)
    name = posixpath.basename(argv[0]) if "/" in argv[0] else argv[0]
    tool = FILTERS.get(name)
    if tool is None:
        return FilterResult("", f"bash: {argv[0]}: command not found\n", 127)
    try:
        return tool(list(argv[1:]), stdin)
    except RecursionError:
        return FilterResult("", f"{name}: input too deeply nested\n", 2)
