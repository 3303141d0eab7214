"""GNU coreutils text filters over stdin: head, tail, wc, sort, uniq, cut, tr."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from aoi.shelltools.options import Spec, UsageError, getopt
from aoi.shelltools.result import FilterResult

Tool = Callable[[list[str], str], FilterResult]


def _try(prog: str) -> str:
    return f"Try '{prog} --help' for more information.\n"


def _usage(prog: str, line: str, code: int = 1) -> FilterResult:
    return FilterResult("", f"{line}\n{_try(prog)}", code)


def _lines(text: str) -> list[str]:
    """Lines with their '\\n' kept; a last line without one stays without one."""
    parts = text.split("\n")
    out = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


def _bare_lines(text: str) -> list[str]:
    parts = text.split("\n")
    if parts[-1] == "":
        parts.pop()
    return parts


def _missing_files(prog: str, operands: list[str], fmt: str) -> str:
    return "".join(fmt.format(prog=prog, name=name) for name in operands if name != "-")


# --- head / tail -----------------------------------------------------------------

_HEAD = Spec(
    flags="qvz",
    valued="nc",
    longs=(
        ("lines", "n", True),
        ("bytes", "c", True),
        ("quiet", "q", False),
        ("silent", "q", False),
        ("verbose", "v", False),
    ),
    digits=True,
)
_TAIL = Spec(
    flags="qvzfFr",
    valued="ncs",
    longs=(
        ("lines", "n", True),
        ("bytes", "c", True),
        ("quiet", "q", False),
        ("follow", "f", False),
        ("verbose", "v", False),
    ),
    digits=True,
)


def _head_tail(prog: str, args: list[str], stdin: str) -> FilterResult:
    try:
        opts, operands = getopt(prog, args, _HEAD if prog == "head" else _TAIL)
    except UsageError as err:
        return _usage(prog, err.line)
    count, unit = "10", "lines"
    for key, value in opts:
        if key in ("n", "#"):
            count, unit = value, "lines"
        elif key == "c":
            count, unit = value, "bytes"
    m = re.fullmatch(r"([+-]?)(\d+)", count)
    if m is None:
        return FilterResult("", f"{prog}: invalid number of {unit}: '{count}'\n", 1)
    sign, n = m.group(1), int(m.group(2))
    errors = _missing_files(
        prog, operands, "{prog}: cannot open '{name}' for reading: No such file or directory\n"
    )
    if errors and "-" not in operands:
        return FilterResult("", errors, 1)
    items: list[str] | str = _lines(stdin) if unit == "lines" else stdin
    if prog == "head":
        chosen = items[: len(items) - n] if sign == "-" else items[:n]
    elif sign == "+":
        chosen = items[max(n - 1, 0) :]
    else:
        chosen = items[max(len(items) - n, 0) :] if n else items[:0]
    text = "".join(chosen) if isinstance(chosen, list) else chosen
    return FilterResult(text, errors, 1 if errors else 0)


def head(args: list[str], stdin: str) -> FilterResult:
    return _head_tail("head", args, stdin)


def tail(args: list[str], stdin: str) -> FilterResult:
    return _head_tail("tail", args, stdin)


# --- wc ------------------------------------------------------------------------------

_WC = Spec(
    flags="lwcmL",
    longs=(
        ("lines", "l", False),
        ("words", "w", False),
        ("bytes", "c", False),
        ("chars", "m", False),
        ("max-line-length", "L", False),
    ),
)


def wc(args: list[str], stdin: str) -> FilterResult:
    try:
        opts, operands = getopt("wc", args, _WC)
    except UsageError as err:
        return _usage("wc", err.line)
    chosen = {k for k, _ in opts} or {"l", "w", "c"}
    counts = {
        "l": stdin.count("\n"),
        "w": len(stdin.split()),
        "m": len(stdin),
        "c": len(stdin.encode()),
        "L": max((len(line) for line in stdin.split("\n")), default=0),
    }
    values = [counts[k] for k in "lwmcL" if k in chosen]
    errors = _missing_files("wc", operands, "{prog}: {name}: No such file or directory\n")
    if errors and "-" not in operands:
        return FilterResult("", errors, 1)
    if len(values) == 1:
        line = str(values[0])
    else:
        line = " ".join(f"{v:7d}" for v in values)
    return FilterResult(line + "\n", errors, 1 if errors else 0)


# --- sort ----------------------------------------------------------------------------

_SORT = Spec(
    flags="nruhfbVgsMRcz",
    valued="ktoST",
    longs=(
        ("numeric-sort", "n", False),
        ("reverse", "r", False),
        ("unique", "u", False),
        ("human-numeric-sort", "h", False),
        ("ignore-case", "f", False),
        ("ignore-leading-blanks", "b", False),
        ("version-sort", "V", False),
        ("general-numeric-sort", "g", False),
        ("stable", "s", False),
        ("key", "k", True),
        ("field-separator", "t", True),
    ),
)
_NUM = re.compile(r"\s*(-?(?:\d+\.?\d*|\.\d+))")
_HUMAN = re.compile(r"\s*(-?(?:\d+\.?\d*|\.\d+))([kKMGTPEZYRQ]?)")
_SUFFIX = " KMGTPEZYRQ"


def _numeric(s: str) -> float:
    m = _NUM.match(s)
    return float(m.group(1)) if m else 0.0


def _human(s: str) -> tuple[int, float]:
    m = _HUMAN.match(s)
    if not m:
        return (0, 0.0)
    value = float(m.group(1))
    rank = _SUFFIX.index(m.group(2).upper()) if m.group(2) else 0
    sign = -1 if value < 0 else (1 if value > 0 else 0)
    return (sign * rank, value)


def _version(s: str) -> list[tuple[int, int | str]]:
    return [(0, int(p)) if p.isdigit() else (1, p) for p in re.findall(r"\d+|\D+", s)]


class _Key:
    def __init__(self, spec: str, global_flags: str) -> None:
        m = re.fullmatch(r"(\d+)(?:\.(\d+))?([a-zA-Z]*)(?:,(\d+)(?:\.(\d+))?([a-zA-Z]*))?", spec)
        if m is None:
            bad = re.match(r"\d*", spec)
            raise UsageError(
                f"sort: invalid number at field start: invalid count at start of '{spec[bad.end() if bad else 0 :]}'"
            )
        start = int(m.group(1))
        if start == 0:
            raise UsageError(f"sort: field number is zero: invalid field specification '{spec}'")
        self.start, self.start_char = start, int(m.group(2) or 1)
        self.end = int(m.group(4)) if m.group(4) else None
        self.end_char = int(m.group(5)) if m.group(5) else 0
        own = (m.group(3) or "") + (m.group(6) or "")
        self.flags = own if own.strip("b") else global_flags + own


def _fields(line: str, sep: str | None) -> list[tuple[int, int]]:
    """(start, end) offsets of each field; without -t, a field keeps its leading blanks."""
    if sep is not None:
        spans, pos = [], 0
        for part in line.split(sep):
            spans.append((pos, pos + len(part)))
            pos += len(part) + 1
        return spans
    return [(m.start(), m.end()) for m in re.finditer(r"[ \t]*[^ \t]+|[ \t]+$", line)]


def _key_text(line: str, key: _Key, sep: str | None) -> str:
    spans = _fields(line, sep)
    if key.start > len(spans):
        return ""
    begin = spans[key.start - 1][0]
    if "b" in key.flags:
        while begin < len(line) and line[begin] in " \t":
            begin += 1
    begin = min(begin + key.start_char - 1, len(line))
    if key.end is None:
        return line[begin:]
    if key.end > len(spans):
        return line[begin:]
    end = spans[key.end - 1][1]
    if key.end_char:
        end = min(spans[key.end - 1][0] + key.end_char, end)
    return line[begin:end] if end > begin else ""


def _cmp_text(a: str, b: str, flags: str) -> int:
    if "b" in flags:
        a, b = a.lstrip(" \t"), b.lstrip(" \t")
    ka: object
    kb: object
    if "n" in flags or "g" in flags:
        ka, kb = _numeric(a), _numeric(b)
    elif "h" in flags:
        ka, kb = _human(a), _human(b)
    elif "V" in flags:
        ka, kb = _version(a), _version(b)
    elif "f" in flags:
        ka, kb = a.upper(), b.upper()
    else:
        ka, kb = a, b
    result = (ka > kb) - (ka < kb)  # type: ignore[operator]
    return -result if "r" in flags else result


def sort(args: list[str], stdin: str) -> FilterResult:
    try:
        opts, operands = getopt("sort", args, _SORT)
        flags = "".join(k for k, _ in opts if len(k) == 1 and k in "nruhfbVgs")
        sep: str | None = None
        for k, v in opts:
            if k == "t":
                if len(v) != 1:
                    if v == "\\0":
                        v = "\0"
                    elif not v:
                        raise UsageError("sort: empty tab")
                    else:
                        raise UsageError(f"sort: multi-character tab '{v}'")
                sep = v
        keys = [_Key(v, flags.replace("u", "").replace("s", "")) for k, v in opts if k == "k"]
    except UsageError as err:
        tail = _try("sort") if "option" in err.line else ""
        return FilterResult("", f"{err.line}\n{tail}", 2)
    errors = _missing_files(
        "sort", operands, "{prog}: cannot read: {name}: No such file or directory\n"
    )
    if errors and "-" not in operands:
        return FilterResult("", errors, 2)
    order = flags.replace("u", "").replace("s", "")

    def compare_keys(a: str, b: str) -> int:
        if not keys:
            return _cmp_text(a, b, order)
        for key in keys:
            c = _cmp_text(_key_text(a, key, sep), _key_text(b, key, sep), key.flags)
            if c:
                return c
        return 0

    def compare(a: str, b: str) -> int:
        c = compare_keys(a, b)
        if c or "s" in flags or "u" in flags:
            return c
        last = (a > b) - (a < b)  # last-resort byte comparison, as GNU sort does
        return -last if "r" in flags else last

    lines = sorted(_bare_lines(stdin), key=functools.cmp_to_key(compare))
    if "u" in flags:
        unique: list[str] = []
        for line in lines:
            if not unique or compare_keys(unique[-1], line) != 0:
                unique.append(line)
        lines = unique
    return FilterResult("".join(f"{line}\n" for line in lines), errors, 2 if errors else 0)


# --- uniq ----------------------------------------------------------------------------

_UNIQ = Spec(
    flags="cdiuDz",
    valued="fsw",
    longs=(
        ("count", "c", False),
        ("repeated", "d", False),
        ("unique", "u", False),
        ("ignore-case", "i", False),
        ("skip-fields", "f", True),
        ("skip-chars", "s", True),
    ),
)


def uniq(args: list[str], stdin: str) -> FilterResult:
    try:
        opts, operands = getopt("uniq", args, _UNIQ)
    except UsageError as err:
        return _usage("uniq", err.line)
    flags = {k for k, _ in opts}
    skip_fields = skip_chars = 0
    for k, v in opts:
        if k in "fs" and not v.isdigit():
            what = "fields" if k == "f" else "bytes"
            return FilterResult("", f"uniq: {v}: invalid number of {what} to skip\n", 1)
        if k == "f":
            skip_fields = int(v)
        elif k == "s":
            skip_chars = int(v)
    if operands and operands[0] != "-":
        return FilterResult("", f"uniq: {operands[0]}: No such file or directory\n", 1)

    def norm(line: str) -> str:
        if skip_fields:
            line = "".join(re.findall(r"[ \t]*[^ \t]+", line)[skip_fields:])
        line = line[skip_chars:]
        return line.lower() if "i" in flags else line

    out: list[str] = []
    lines = _bare_lines(stdin)
    i = 0
    while i < len(lines):
        j = i + 1
        key = norm(lines[i])
        while j < len(lines) and norm(lines[j]) == key:
            j += 1
        n = j - i
        if not (("d" in flags and n < 2) or ("u" in flags and n > 1)):
            out.append(f"{n:7d} {lines[i]}" if "c" in flags else lines[i])
        i = j
    return FilterResult("".join(f"{line}\n" for line in out))


# --- cut -----------------------------------------------------------------------------

_CUT = Spec(
    flags="snz",
    valued="dfcb",
    longs=(
        ("delimiter", "d", True),
        ("fields", "f", True),
        ("characters", "c", True),
        ("bytes", "b", True),
        ("only-delimited", "s", False),
        ("output-delimiter", "od", True),
        ("complement", "complement", False),
    ),
)


def _ranges(spec: str, what: str) -> list[tuple[int, int]]:
    out = []
    for part in spec.split(","):
        m = re.fullmatch(r"(\d*)(-?)(\d*)", part)
        if m is None or not part:
            raise UsageError(f"cut: invalid {what} value '{part}'")
        lo_s, dash, hi_s = m.groups()
        if not dash:
            lo = hi = int(lo_s)
        elif not lo_s and not hi_s:
            raise UsageError("cut: invalid range with no endpoint: -")
        else:
            lo = int(lo_s) if lo_s else 1
            hi = int(hi_s) if hi_s else 1 << 30
        if lo == 0 or hi == 0:
            raise UsageError(f"cut: {what}s are numbered from 1")
        if lo > hi:
            raise UsageError("cut: invalid decreasing range")
        out.append((lo, hi))
    return out


def cut(args: list[str], stdin: str) -> FilterResult:
    try:
        opts, operands = getopt("cut", args, _CUT)
        values = dict(opts)
        kinds = [k for k in ("f", "c", "b") if k in values]
        if len(kinds) > 1:
            raise UsageError("cut: only one type of list may be specified")
        if not kinds:
            raise UsageError("cut: you must specify a list of bytes, characters, or fields")
        kind = kinds[0]
        delim = values.get("d", "\t")
        if len(delim) != 1:
            raise UsageError("cut: the delimiter must be a single character")
        if "d" in values and kind != "f":
            raise UsageError(
                "cut: an input delimiter may be specified only when operating on fields"
            )
        ranges = _ranges(values[kind], "field" if kind == "f" else "byte/character")
    except UsageError as err:
        return _usage("cut", err.line)
    if operands and operands[0] != "-":
        return FilterResult("", f"cut: {operands[0]}: No such file or directory\n", 1)
    complement = "complement" in values

    def chosen(i: int) -> bool:
        return any(lo <= i <= hi for lo, hi in ranges) != complement

    out_delim = values.get("od", delim if kind == "f" else "")
    out: list[str] = []
    for line in _bare_lines(stdin):
        if kind == "f":
            if delim not in line:
                if "s" not in values:
                    out.append(line)
                continue
            parts = line.split(delim)
            out.append(out_delim.join(p for i, p in enumerate(parts, 1) if chosen(i)))
        else:
            out.append("".join(ch for i, ch in enumerate(line, 1) if chosen(i)))
    return FilterResult("".join(f"{line}\n" for line in out))


# --- tr ------------------------------------------------------------------------------

_TR = Spec(
    flags="dscCt",
    longs=(("delete", "d", False), ("squeeze-repeats", "s", False), ("complement", "c", False)),
)
_TR_CLASSES = {
    "lower": "abcdefghijklmnopqrstuvwxyz",
    "upper": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "digit": "0123456789",
    "space": " \t\n\r\f\v",
    "blank": " \t",
}
_TR_CLASSES["alpha"] = _TR_CLASSES["lower"] + _TR_CLASSES["upper"]
_TR_CLASSES["alnum"] = _TR_CLASSES["alpha"] + _TR_CLASSES["digit"]
_TR_CLASSES["punct"] = "".join(chr(c) for c in range(33, 127) if not chr(c).isalnum())
_TR_ESC = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _tr_set(spec: str) -> str:
    chars: list[str] = []
    i = 0
    while i < len(spec):
        m = re.match(r"\[:(\w+):\]", spec[i:])
        if m:
            if m.group(1) not in _TR_CLASSES:
                raise UsageError(f"tr: invalid character class '{m.group(1)}'")
            chars.extend(_TR_CLASSES[m.group(1)])
            i += m.end()
            continue
        ch = spec[i]
        i += 1
        if ch == "\\" and i < len(spec):
            octal = re.match(r"[0-7]{1,3}", spec[i:])
            if octal:
                ch = chr(int(octal.group(), 8))
                i += octal.end()
            else:
                ch = _TR_ESC.get(spec[i], spec[i])
                i += 1
        if i + 1 < len(spec) and spec[i] == "-":
            hi = spec[i + 1]
            if hi == "\\" and i + 2 < len(spec):
                hi = _TR_ESC.get(spec[i + 2], spec[i + 2])
                i += 1
            if ord(hi) < ord(ch):
                raise UsageError(
                    f"tr: range-endpoints of '{ch}-{hi}' are in reverse collating sequence order"
                )
            chars.extend(chr(c) for c in range(ord(ch), ord(hi) + 1))
            i += 2
            continue
        chars.append(ch)
    return "".join(chars)


def tr(args: list[str], stdin: str) -> FilterResult:
    try:
        opts, operands = getopt("tr", args, _TR)
        flags = {k for k, _ in opts}
        delete, squeeze = "d" in flags, "s" in flags
        need = (
            1 if (delete and not squeeze) or (squeeze and not delete and len(operands) == 1) else 2
        )
        if not operands:
            raise UsageError("tr: missing operand")
        if len(operands) < need:
            raise UsageError(
                f"tr: missing operand after '{operands[-1]}'\nTwo strings must be given when translating."
            )
        if len(operands) > need:
            extra = (
                "\nOnly one string may be given when deleting without squeezing repeats."
                if delete and not squeeze
                else ""
            )
            raise UsageError(f"tr: extra operand '{operands[need]}'{extra}")
        set1 = _tr_set(operands[0])
        set2 = _tr_set(operands[1]) if len(operands) > 1 else ""
    except UsageError as err:
        return _usage("tr", err.line)
    complement = bool(flags & {"c", "C"})

    def in_set1(ch: str) -> bool:
        return (ch in set1) != complement

    text = stdin
    if delete:
        text = "".join(ch for ch in text if not in_set1(ch))
        squeeze_set = set2
    elif set2:
        if complement:
            text = "".join(ch if ch in set1 else set2[-1] for ch in text)
        else:
            padded = set2 + set2[-1] * max(0, len(set1) - len(set2))
            text = text.translate({ord(a): b for a, b in zip(set1, padded, strict=False)})
        squeeze_set = set2
    else:
        squeeze_set = set1
    if squeeze:
        text = (
            re.sub("([" + re.escape(squeeze_set) + "])\\1+", r"\1", text) if squeeze_set else text
        )
    return FilterResult(text)


TOOLS: dict[str, Tool] = {
    "head": head,
    "tail": tail,
    "wc": wc,
    "sort": sort,
    "uniq": uniq,
    "cut": cut,
    "tr": tr,
}
