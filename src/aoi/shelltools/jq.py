"""A jq subset for `kubectl ... -o json | jq ...`, printed and failing the way jq 1.7 does.

`compile_jq` parses once (cached) into a generator pipeline; `run_jq` is the
command line: options, a stream of JSON inputs, jq's output format and exit codes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from aoi.shelltools.jq_eval import Fn, check_variables, compile_node
from aoi.shelltools.jq_parser import JqSyntaxError, parse
from aoi.shelltools.jq_values import JqRuntimeError, dump_compact, normalize, truthy
from aoi.shelltools.result import FilterResult

__all__ = [
    "JqError",
    "JqProgram",
    "JqRuntimeError",
    "JqSyntaxError",
    "compile_jq",
    "dump_json",
    "jq",
    "run_jq",
]

EXIT_RUNTIME = 5
EXIT_COMPILE = 3
EXIT_USAGE = 2
_HELP_TAIL = (
    "Use jq --help for help with command-line options,\n"
    "or see the jq manpage, or online docs  at https://jqlang.github.io/jq\n"
)


class JqError(Exception):
    """Raised by `jq()`; `text` is what the jq command would print on stderr."""

    def __init__(self, text: str, exit_code: int) -> None:
        super().__init__(text)
        self.text = text
        self.exit_code = exit_code


@dataclass(frozen=True, slots=True)
class JqProgram:
    """A compiled jq filter: call it with an input value to get its output stream."""

    source: str
    fn: Fn = field(repr=False)

    def __call__(self, value: Any, variables: dict[str, Any] | None = None) -> Iterator[Any]:
        return self.fn(value, dict(variables or {}))


def _compile_error_text(program: str, err: JqSyntaxError) -> str:
    line_no = program.count("\n", 0, err.pos) + 1
    line = program.splitlines()[line_no - 1] if program.strip() else program
    return (
        f"jq: error: {err.message} at <top-level>, line {line_no}:\n{line}\njq: 1 compile error\n"
    )


@lru_cache(maxsize=512)
def compile_jq(program: str, variables: frozenset[str] = frozenset()) -> JqProgram:
    """Parse and compile `program`; raises JqSyntaxError (jq's exit 3) when it does not parse.

    `variables` names the `$vars` the caller will bind (`--arg`); others are compile errors.
    """
    tree = parse(program)
    check_variables(tree, variables)
    return JqProgram(program, compile_node(tree))


def jq(program: str, value: Any) -> list[Any]:
    """All outputs of `program` on one input value; raises JqError with jq's stderr text."""
    try:
        compiled = compile_jq(program)
    except JqSyntaxError as err:
        raise JqError(_compile_error_text(program, err), EXIT_COMPILE) from None
    try:
        return list(compiled(value))
    except JqRuntimeError as err:
        raise JqError(_runtime_error_text(err, "<unknown>"), EXIT_RUNTIME) from None
    except RecursionError:
        raise JqError("jq: error: stack overflow\n", EXIT_RUNTIME) from None


def dump_json(
    value: Any,
    *,
    compact: bool = False,
    indent: int | str = 2,
    sort_keys: bool = False,
    ascii_output: bool = False,
) -> str:
    """Serialize like jq: 2-space pretty print by default, `-c` compact, key order kept."""
    value = normalize(value)
    if compact:
        return json.dumps(
            value, ensure_ascii=ascii_output, separators=(",", ":"), sort_keys=sort_keys
        )
    if indent == 0:
        return json.dumps(
            value, ensure_ascii=ascii_output, separators=(",", ":"), sort_keys=sort_keys
        )
    return json.dumps(value, ensure_ascii=ascii_output, indent=indent, sort_keys=sort_keys)


def _runtime_error_text(err: JqRuntimeError, where: str) -> str:
    if isinstance(err.value, str):
        return f"jq: error (at {where}): {err.value}\n"
    return f"jq: error (at {where}) (not a string): {dump_compact(err.value)}\n"


@dataclass(slots=True)
class _Options:
    raw: bool = False
    join: bool = False
    compact: bool = False
    null_input: bool = False
    slurp: bool = False
    exit_status: bool = False
    sort_keys: bool = False
    ascii_output: bool = False
    indent: int | str = 2
    program: str | None = None
    files: list[str] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)


_SHORT = {
    "r": "raw",
    "j": "join",
    "c": "compact",
    "n": "null_input",
    "s": "slurp",
    "e": "exit_status",
    "S": "sort_keys",
    "a": "ascii_output",
}
_LONG = {
    "--raw-output": "raw",
    "--join-output": "join",
    "--compact-output": "compact",
    "--null-input": "null_input",
    "--slurp": "slurp",
    "--exit-status": "exit_status",
    "--sort-keys": "sort_keys",
    "--ascii-output": "ascii_output",
}
_IGNORED = {"-C", "-M", "--color-output", "--monochrome-output", "--unbuffered", "--seq"}


def _parse_args(args: list[str]) -> _Options | FilterResult:
    opts = _Options()
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg in _LONG:
            setattr(opts, _LONG[arg], True)
        elif arg in _IGNORED:
            continue
        elif arg == "--tab":
            opts.indent = "\t"
        elif arg in ("--indent", "--arg", "--argjson"):
            need = 1 if arg == "--indent" else 2
            if i + need > len(args):
                what = (
                    "takes one parameter (e.g. --indent 2)"
                    if need == 1
                    else "takes two parameters (e.g. --arg varname value)"
                )
                return FilterResult("", f"jq: {arg} {what}\n{_HELP_TAIL}", EXIT_USAGE)
            if arg == "--indent":
                if not args[i].isdigit():
                    return FilterResult(
                        "", "jq: --indent takes a number\n" + _HELP_TAIL, EXIT_USAGE
                    )
                opts.indent = min(int(args[i]), 7)
            elif arg == "--arg":
                opts.variables[args[i]] = args[i + 1]
            else:
                try:
                    opts.variables[args[i]] = json.loads(args[i + 1])
                except ValueError:
                    return FilterResult(
                        "", f"jq: Invalid JSON text passed to --argjson\n{_HELP_TAIL}", EXIT_USAGE
                    )
            i += need
        elif arg == "--":
            rest = args[i:]
            if opts.program is None and rest:
                opts.program, rest = rest[0], rest[1:]
            opts.files.extend(rest)
            break
        elif arg.startswith("-") and len(arg) > 1 and not arg.startswith("--"):
            for ch in arg[1:]:
                if ch not in _SHORT:
                    return FilterResult("", f"jq: Unknown option: {arg}\n{_HELP_TAIL}", EXIT_USAGE)
                setattr(opts, _SHORT[ch], True)
        elif arg.startswith("--"):
            return FilterResult("", f"jq: Unknown option: {arg}\n{_HELP_TAIL}", EXIT_USAGE)
        elif opts.program is None:
            opts.program = arg
        else:
            opts.files.append(arg)
    return opts


def _json_error(text: str, pos: int) -> str:
    """jq's wording for input that is not JSON (most often a kubectl table)."""
    n = len(text)
    while pos < n and text[pos] in " \t\r\n":
        pos += 1
    if pos >= n:
        return _at("Unfinished JSON term at EOF", text, n)
    ch = text[pos]
    if ch not in '[]{},:"':
        end = pos
        while end < n and text[end] not in ' \t\r\n[]{},:"':
            end += 1
        what = "Invalid literal" if ch in "tfn" else "Invalid numeric literal"
        if end >= n:
            return _at(f"{what} at EOF", text, n)
        return _at(what, text, end + 1)
    if ch in "]}":
        return _at(f"Unmatched '{ch}'", text, pos + 1)
    return _at("Expected separator between values", text, pos + 1)


def _at(what: str, text: str, end: int) -> str:
    line = text.count("\n", 0, end) + 1
    col = end - (text.rfind("\n", 0, end) + 1)
    return f"jq: parse error: {what} at line {line}, column {col}\n"


def _inputs(text: str) -> Iterator[tuple[Any, int] | str]:
    """Yield (value, end offset) for each JSON text in the stream, or an error line."""
    decoder = json.JSONDecoder()
    pos, n = 0, len(text)
    while True:
        while pos < n and text[pos] in " \t\r\n":
            pos += 1
        if pos >= n:
            return
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as err:
            if "property name" in err.msg and text[err.pos : err.pos + 1] == "}":
                yield _at("Expected another key-value pair", text, err.pos + 1)
            else:
                yield _json_error(text, err.pos)
            return
        except RecursionError:
            yield "jq: parse error: Exceeds depth limit for parsing\n"
            return
        yield value, pos


def run_jq(args: list[str], stdin: str) -> FilterResult:
    """Run `jq ARGS` over `stdin`; never raises. Exit codes follow jq: 2 usage, 3 compile, 5 runtime."""
    parsed = _parse_args(args)
    if isinstance(parsed, FilterResult):
        return parsed
    opts = parsed
    program = "." if opts.program is None else opts.program
    if opts.files:
        return FilterResult(
            "",
            f"jq: error: Could not open {opts.files[0]}: No such file or directory\n",
            EXIT_USAGE,
        )
    try:
        compiled = compile_jq(program, frozenset(opts.variables))
    except JqSyntaxError as err:
        return FilterResult("", _compile_error_text(program, err), EXIT_COMPILE)
    except RecursionError:
        return FilterResult(
            "", "jq: error: program too deeply nested\njq: 1 compile error\n", EXIT_COMPILE
        )

    out: list[str] = []
    err_text: list[str] = []
    status = 0
    last: list[Any] = []

    def emit(value: Any) -> None:
        if (opts.raw or opts.join) and isinstance(value, str):
            text = value
        else:
            text = dump_json(
                value,
                compact=opts.compact,
                indent=opts.indent,
                sort_keys=opts.sort_keys,
                ascii_output=opts.ascii_output,
            )
        out.append(text if opts.join else text + "\n")
        last[:] = [value]

    def run_one(value: Any, where: str) -> int:
        try:
            for result in compiled(value, opts.variables):
                emit(result)
        except JqRuntimeError as exc:
            err_text.append(_runtime_error_text(exc, where))
            return EXIT_RUNTIME
        except RecursionError:
            err_text.append(f"jq: error (at {where}): stack overflow\n")
            return EXIT_RUNTIME
        return 0

    values: list[tuple[Any, str]] = []
    parse_failed = False
    if opts.null_input:
        values.append((None, "<unknown>"))
    stream = _inputs(stdin)
    if opts.slurp:
        items: list[Any] = []
        for item in stream:
            if isinstance(item, str):
                err_text.append(item)
                parse_failed = True
                break
            items.append(item[0])
        if not opts.null_input and not parse_failed:
            values.append((items, f"<stdin>:{stdin.count(chr(10))}"))
    elif not opts.null_input:
        for item in stream:
            if isinstance(item, str):
                err_text.append(item)
                parse_failed = True
                break
            value, end = item
            line = stdin.count("\n", 0, end) + (1 if stdin[end : end + 1] == "\n" else 0)
            code = run_one(value, f"<stdin>:{line}")
            status = code or status
    for value, where in values:
        status = run_one(value, where) or status
    if parse_failed:
        status = EXIT_USAGE
    elif opts.exit_status and status == 0:
        status = 1 if not last or not truthy(last[0]) else 0
        if not out:
            status = 4
    return FilterResult("".join(out), "".join(err_text), status)
