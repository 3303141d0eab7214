"""The in-process filters a command may be piped into, and what each may be given.

A filter reads only the previous stage's output: file operands, options that
read or write files, and anything that runs a program are refused.
"""

from __future__ import annotations

import re

from aoi.gate.flags import FlagError, FlagSpec, parse

FILTERS = frozenset(
    {"grep", "egrep", "fgrep", "head", "tail", "wc", "sort", "uniq", "awk", "jq", "cut"}
)


def _spec(
    values: str,
    switches: str,
    long_value: str = "",
    numeric: str | None = None,
    long_switch: str = "",
    optional: str = "",
) -> FlagSpec:
    """A filter's positive table: its GNU long options too, so that an unknown one (or a
    GNU abbreviation such as --fil for --file) is refused rather than taken for a switch."""
    short = {c: (c, True) for c in values} | {c: (c, False) for c in switches}
    switch_names = frozenset(long_switch.split()) | frozenset(optional.split())
    return FlagSpec(
        short,
        frozenset(long_value.split()) | frozenset(optional.split()),
        frozenset(optional.split()) | switch_names,
        numeric=numeric,
        long_switch=switch_names | frozenset({"help", "version"}),
    )


_SORT_SWITCHES = """
    ignore-leading-blanks dictionary-order ignore-case general-numeric-sort ignore-nonprinting
    month-sort human-numeric-sort numeric-sort random-sort reverse version-sort debug merge
    stable unique zero-terminated
"""
_SPECS: dict[str, FlagSpec] = {
    "grep": _spec(
        "eABCm",
        "ivcnwxEFoqshHPzTaUlLZ",
        """
        regexp after-context before-context context max-count label file binary-files
        devices directories exclude exclude-from exclude-dir include group-separator
        """,
        numeric="context",
        long_switch="""
        extended-regexp fixed-strings basic-regexp perl-regexp ignore-case no-ignore-case
        word-regexp line-regexp null-data no-messages invert-match byte-offset line-number
        line-buffered with-filename no-filename only-matching quiet silent text initial-tab
        unix-byte-offsets null count files-with-matches files-without-match recursive
        dereference-recursive no-group-separator
        """,
        optional="color colour",
    ),
    "head": _spec(
        "nc",
        "qvz",
        "lines bytes",
        numeric="lines",
        long_switch="quiet silent verbose zero-terminated",
    ),
    "tail": _spec(
        "nc",
        "qvz",
        "lines bytes pid sleep-interval max-unchanged-stats",
        numeric="lines",
        long_switch="retry quiet silent verbose zero-terminated",
        optional="follow",
    ),
    "wc": _spec(
        "",
        "lwcmL",
        "files0-from total",
        long_switch="bytes chars lines words max-line-length",
    ),
    "sort": _spec(
        "ktS",
        "nrufhVbsgMdiRcCz",
        """
        key field-separator buffer-size parallel sort output compress-program
        temporary-directory files0-from random-source batch-size
        """,
        long_switch=_SORT_SWITCHES,
        optional="check",
    ),
    "uniq": _spec(
        "fsw",
        "cdDiuz",
        "skip-fields skip-chars check-chars",
        long_switch="count repeated ignore-case unique zero-terminated",
        optional="all-repeated group",
    ),
    "cut": _spec(
        "dfcb",
        "sz",
        "delimiter fields characters bytes output-delimiter",
        long_switch="complement only-delimited zero-terminated",
    ),
    "awk": _spec(
        "Fv",
        "",
        "field-separator assign file include load exec source",
        long_switch="sandbox",
        optional="debug profile dump-variables pretty-print",
    ),
    "jq": _spec(
        "",
        "rcjesSnaMCRC",
        "indent arg argjson from-file rawfile slurpfile",
        long_switch="""
        null-input raw-input slurp compact-output raw-output raw-output0 join-output
        ascii-output sort-keys color-output monochrome-output tab exit-status seq stream
        stream-errors unbuffered args jsonargs
        """,
    ),
}
_SPECS["egrep"] = _SPECS["grep"]
_SPECS["fgrep"] = _SPECS["grep"]

_FORBIDDEN_LONG: dict[str, tuple[str, ...]] = {
    "grep": (
        "file",
        "recursive",
        "dereference-recursive",
        "directories",
        "devices",
        "include",
        "exclude",
        "exclude-from",
        "exclude-dir",
    ),
    "head": (),
    "tail": ("follow", "retry", "pid"),
    "wc": ("files0-from",),
    "sort": ("output", "compress-program", "temporary-directory", "files0-from", "random-source"),
    "uniq": (),
    "cut": (),
    "awk": (
        "file",
        "include",
        "load",
        "exec",
        "source",
        "debug",
        "profile",
        "dump-variables",
        "sandbox",
    ),
    "jq": ("from-file", "rawfile", "slurpfile", "args", "jsonargs", "seq", "stream"),
}

_JQ_ENV = re.compile(r"\$ENV\b|(?<![.\w$])(env|input_filename|import|include|\$__prog_args)\b")
_AWK_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_AWK_CALLS = re.compile(r"\b(system|getline|close|fflush)\b")
_AWK_PRINT = re.compile(r"^\s*(print|printf)\b[^>|]*$|^\s*$")
_AWK_PAREN = re.compile(r"\([^()]*\)")
_AWK_STATEMENTS = re.compile(r"[;\n]")
_AWK_BLOCK = re.compile(r"\{[^{}]*\}")
_AWK_PIPE = re.compile(r"(?<!\|)\|(?!\|)")


def check_filter(argv: list[str]) -> str | None:
    """Return why this pipe stage is refused, or None when it is a plain filter."""
    program = argv[0]
    if program not in FILTERS:
        allowed = ", ".join(sorted(FILTERS - {"egrep", "fgrep"}))
        return f"`{program}` cannot be piped into; pipes may only feed the filters {allowed}"
    if program == "jq":
        # jq --arg NAME VALUE takes two values; drop them before the generic parse.
        argv = _drop_pairs(argv)
    try:
        args = parse(argv, _SPECS[program], start=1)
    except FlagError as err:
        return f"{program}: {err.reason}"
    for name in _FORBIDDEN_LONG[program]:
        if name in args.flags:
            return f"{program} --{name} is not available in a pipe (it reads or writes files or runs programs)"
    if args.rest:
        args.positionals.extend(args.rest)
    positionals = args.positionals
    if program in ("grep", "egrep", "fgrep"):
        operands = 0 if ("e" in args.flags or "regexp" in args.flags) else 1
        if len(positionals) != operands:
            return _operands(program, "a pattern")
        return None
    if program == "jq":
        if len(positionals) > 1:
            return _operands(program, "a filter")
        if positionals and _JQ_ENV.search(positionals[0]):
            return "jq filters may not read the environment or files ($ENV, env, input_filename, import)"
        return None
    if program == "awk":
        if len(positionals) != 1:
            return _operands(program, "a program")
        return _check_awk(positionals[0])
    if program == "tail" and (args.has("f") or args.has("F")):
        return "`tail -f` never ends; use tail -n N"
    if positionals:
        return _operands(program, "options")
    return None


def _operands(program: str, what: str) -> str:
    return f"{program} in a pipe takes only {what}; it filters the previous command's output, not files"


def _drop_pairs(argv: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(argv):
        if argv[i] in ("--arg", "--argjson"):
            i += 3
            continue
        out.append(argv[i])
        i += 1
    return out


def _check_awk(program: str) -> str | None:
    code = _AWK_STRING.sub('""', program)
    if "@" in code:
        return "awk directives and indirect calls (@include, @load, @namespace, @f()) are not available"
    if _AWK_CALLS.search(code):
        return "awk in a pipe may only print: system(), getline and close() are not available"
    depth = 0
    action: list[str] = []
    actions: list[str] = []
    for char in code:
        if char == "{":
            depth += 1
            if depth > 1:
                return "awk in a pipe may only print: nested blocks are not available"
            action = []
        elif char == "}":
            depth -= 1
            if depth < 0:
                return "awk program has an unmatched `}`"
            actions.append("".join(action))
        elif depth:
            action.append(char)
    if depth:
        return "awk program has an unmatched `{`"
    for body in actions:
        flat = body
        while True:
            reduced = _AWK_PAREN.sub("()", flat)
            if reduced == flat:
                break
            flat = reduced
        for statement in _AWK_STATEMENTS.split(flat):
            if not _AWK_PRINT.match(statement):
                return (
                    "awk in a pipe may only print (e.g. awk '{print $1, $3}'); "
                    f"`{statement.strip()}` is not a plain print"
                )
    outside = _AWK_BLOCK.sub("", code)
    if _AWK_PIPE.search(outside):
        return "awk pipes to commands are not available"
    return None
