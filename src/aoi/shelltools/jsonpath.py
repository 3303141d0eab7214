"""kubectl's JSONPath (`-o jsonpath=...`, `-o custom-columns=...`), quirks included.

The parser and evaluator follow client-go's util/jsonpath behaviour as observed
from kubectl 1.32: `[*]` is a full slice, `['a.b']` splits on the dot, range
blocks re-run their body per item, missing keys print nothing, maps print as
Go's json.Marshal (sorted keys), and errors carry kubectl's wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from aoi.shelltools.gofmt import go_float, go_gostring, go_json, go_quote, go_sprint, go_type
from aoi.shelltools.result import FilterResult

__all__ = [
    "JsonPathError",
    "custom_columns",
    "jsonpath",
    "render_custom_columns",
    "render_jsonpath",
]

Node = tuple[Any, ...]


class JsonPathError(ValueError):
    """A template that does not parse or does not evaluate; `str()` is client-go's message."""


_DICT_KEY = re.compile(r"^'([^']*)'$")
_SLICE = re.compile(r"^(-?[0-9]*)(:-?[0-9]*)?(:-?[0-9]*)?$")
_FILTER = re.compile(r"^([^!<>=]+)([!<>=]+)(.+?)$", re.DOTALL)
_TERMINATORS = frozenset(" \t\r\n.,[]$@{}")


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def parse(self) -> list[Node]:
        root: list[Node] = []
        text, n = self.text, len(self.text)
        while self.pos < n:
            brace = text.find("{", self.pos)
            if brace < 0:
                root.append(("text", text[self.pos :]))
                break
            if brace > self.pos:
                root.append(("text", text[self.pos : brace]))
            self.pos = brace + 1
            action: list[Node] = []
            root.append(("list", action))
            self.inside(action)
        return root

    def inside(self, cur: list[Node]) -> None:
        text, n = self.text, len(self.text)
        while True:
            if text.startswith("}", self.pos):
                self.pos += 1
                return
            if text.startswith("[?(", self.pos):
                self.filter(cur)
                continue
            if text.startswith("..", self.pos):
                if cur and cur[-1][0] == "recursive":
                    raise JsonPathError("invalid multiple recursive descent")
                self.pos += 2
                cur.append(("recursive",))
                if self.pos < n and _alnum(text[self.pos]):
                    self.field(cur)
                continue
            if self.pos >= n or text[self.pos] in "\r\n":
                raise JsonPathError("unclosed action")
            ch = text[self.pos]
            self.pos += 1
            if ch in " @$":
                continue
            if ch == "[":
                self.array(cur)
            elif ch in "\"'":
                self.quote(cur, ch)
            elif ch == ".":
                self.field(cur)
            elif ch in "+-" or ch.isdigit():
                self.pos -= 1
                self.number(cur)
            elif _alnum(ch):
                self.pos -= 1
                self.identifier(cur)
            else:
                raise JsonPathError(
                    f"unrecognized character in action: U+{ord(ch):04X} {_rune(ch)}"
                )

    def field(self, cur: list[Node]) -> None:
        text, n, start = self.text, len(self.text), self.pos
        while self.pos < n:
            ch = text[self.pos]
            if ch == "\\":
                self.pos += 2
            elif ch in _TERMINATORS:
                break
            else:
                self.pos += 1
        value = text[start : min(self.pos, n)]
        self.pos = min(self.pos, n)
        cur.append(("wildcard",) if value == "*" else ("field", value.replace("\\", "")))

    def identifier(self, cur: list[Node]) -> None:
        text, n, start = self.text, len(self.text), self.pos
        while self.pos < n and text[self.pos] not in _TERMINATORS:
            self.pos += 1
        value = text[start : self.pos]
        cur.append(("bool", value == "true") if value in ("true", "false") else ("ident", value))

    def number(self, cur: list[Node]) -> None:
        text, n, start = self.text, len(self.text), self.pos
        if text[self.pos] in "+-":
            self.pos += 1
        while self.pos < n and (text[self.pos] == "." or text[self.pos].isdigit()):
            self.pos += 1
        value = text[start : self.pos]
        if re.fullmatch(r"[+-]?[0-9]+", value):
            cur.append(("int", int(value)))
            return
        try:
            cur.append(("float", float(value)))
        except ValueError:
            raise JsonPathError(f"cannot parse number {value}") from None

    def array(self, cur: list[Node]) -> None:
        text, n, start = self.text, len(self.text), self.pos
        while True:
            if self.pos >= n or text[self.pos] == "\n":
                raise JsonPathError("unterminated array")
            self.pos += 1
            if text[self.pos - 1] == "]":
                break
        body = text[start : self.pos - 1]
        if body == "*":
            body = ":"
        parts = body.split(",")
        if len(parts) > 1:
            cur.append(("union", [_parse_action(f"[{p.strip(' ')}]") for p in parts]))
            return
        key = _DICT_KEY.match(body)
        if key:
            cur.extend(_parse_action(f".{key.group(1)}"))
            return
        m = _SLICE.match(body)
        if m is None:
            raise JsonPathError(f"invalid array index {body}")
        params: list[tuple[int, bool]] = []
        derived = False
        for i, raw in enumerate(m.groups()):
            if raw:
                digits = raw[1:] if i > 0 else raw
                if i > 0 and digits == "":
                    params.append((0, False))
                else:
                    try:
                        params.append((int(digits), True))
                    except ValueError:
                        raise JsonPathError(f"array index {digits} is not a number") from None
            elif i == 1:
                params.append((params[0][0] + 1, True))
                derived = True
            else:
                params.append((0, False))
        cur.append(("array", params[0], params[1], params[2], derived))

    def filter(self, cur: list[Node]) -> None:
        text, n = self.text, len(self.text)
        self.pos += 3
        start = self.pos
        begin = end = False
        pair = ""
        while True:
            if self.pos >= n or text[self.pos] == "\n":
                raise JsonPathError("unterminated filter")
            ch = text[self.pos]
            self.pos += 1
            if ch in "\"'":
                if not begin:
                    begin, pair = True, ch
                    continue
                if text[self.pos - 2] != "\\" and ch == pair:
                    end = True
            elif ch == ")" and begin == end:
                break
        if text[self.pos : self.pos + 1] != "]":
            raise JsonPathError("unclosed array expect ]")
        self.pos += 1
        body = text[start : self.pos - 2]
        m = _FILTER.match(body)
        if m is None:
            cur.append(("filter", _parse_action(body), [], "exists"))
        else:
            cur.append(("filter", _parse_action(m.group(1)), _parse_action(m.group(3)), m.group(2)))

    def quote(self, cur: list[Node], q: str) -> None:
        text, n, start = self.text, len(self.text), self.pos - 1
        while True:
            if self.pos >= n or text[self.pos] == "\n":
                raise JsonPathError("unterminated quoted string")
            self.pos += 1
            if text[self.pos - 1] == q and text[self.pos - 2] != "\\":
                break
        raw = text[start : self.pos]
        cur.append(("text", _unquote(raw)))


def _alnum(ch: str) -> bool:
    return ch == "_" or ch.isalpha() or ch.isdigit()


def _rune(ch: str) -> str:
    return f"'{ch}'" if ch.isprintable() else ""


_UNQUOTE = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}


def _unquote(raw: str) -> str:
    q, body = raw[0], raw[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        esc = body[i + 1 : i + 2]
        if esc in _UNQUOTE:
            out.append(_UNQUOTE[esc])
            i += 2
        elif esc == q:
            out.append(q)
            i += 2
        elif esc in ("x", "u", "U"):
            width = {"x": 2, "u": 4, "U": 8}[esc]
            digits = body[i + 2 : i + 2 + width]
            if not re.fullmatch(rf"[0-9a-fA-F]{{{width}}}", digits):
                raise JsonPathError(f"unquote string {raw} error invalid syntax")
            out.append(chr(int(digits, 16)) if int(digits, 16) < 0x110000 else "\ufffd")
            i += 2 + width
        elif re.fullmatch(r"[0-7]{3}", body[i + 1 : i + 4]) and int(body[i + 1 : i + 4], 8) < 256:
            out.append(chr(int(body[i + 1 : i + 4], 8)))
            i += 4
        else:
            raise JsonPathError(f"unquote string {raw} error invalid syntax")
    return "".join(out)


def _parse_action(text: str) -> list[Node]:
    root = _Parser("{" + text + "}").parse()
    return root[0][1] if root and root[0][0] == "list" else []


@lru_cache(maxsize=512)
def _parse(template: str) -> tuple[Node, ...]:
    return tuple(_Parser(template).parse())


# --- evaluation ----------------------------------------------------------------


@dataclass(slots=True)
class _State:
    allow_missing: bool
    begin_range: int = 0
    in_range: int = 0
    end_range: int = 0
    last_end: Node | None = None


def _walk(values: list[Any], node: Node, st: _State) -> list[Any]:
    kind = node[0]
    if kind == "list":
        for sub in node[1]:
            values = _walk(values, sub, st)
        return values
    if kind == "text":
        return [node[1]]
    if kind == "field":
        return _field(values, node[1], st)
    if kind == "array":
        return _array(values, node)
    if kind == "filter":
        return _filter(values, node, st)
    if kind in ("int", "float", "bool"):
        return [node[1]] * len(values)
    if kind == "wildcard":
        return [c for v in values for c in _children(v)]
    if kind == "recursive":
        return _recursive(values)
    if kind == "union":
        return [x for lst in node[1] for x in _walk(values, ("list", lst), st)]
    if node[1] == "range":
        st.begin_range += 1
        return values
    if node[1] == "end":
        if st.in_range > 0:
            st.end_range += 1
            return []
        raise JsonPathError("not in range, nothing to end")
    raise JsonPathError(f"unrecognized identifier {node[1]}")


def _field(values: list[Any], name: str, st: _State) -> list[Any]:
    if not values:
        return []
    out = [v[name] for v in values if isinstance(v, dict) and name in v]
    if not out and not st.allow_missing:
        raise JsonPathError(f"{name} is not found")
    return out


def _children(v: Any) -> list[Any]:
    if isinstance(v, dict):
        # Go ranges over a map in random order; sorted keys are one faithful, stable choice.
        return [v[k] for k in sorted(v)]
    if isinstance(v, list):
        return v
    if isinstance(v, str):
        return list(v.encode())  # Go indexes a string by byte
    return []


def _recursive(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for v in values:
        kids = _children(v) if v is not None else []
        if kids:
            out.append(v)
            out.extend(_recursive(kids))
    return out


def _array(values: list[Any], node: Node) -> list[Any]:
    (start, start_known), (stop, stop_known), (step, step_known), derived = node[1:]
    out: list[Any] = []
    for v in values:
        if v is None:
            continue
        if not isinstance(v, list):
            raise JsonPathError(f"{go_type(v)} is not array or slice")
        length = len(v)
        lo = start if start_known else 0
        if lo < 0:
            lo += length
        hi = stop if stop_known else length
        if hi < 0 or (hi == 0 and derived):
            hi += length
        if hi == lo:
            return out
        if lo >= length or lo < 0:
            raise JsonPathError(f"array index out of bounds: index {lo}, length {length}")
        if hi > length or hi < 0:
            raise JsonPathError(f"array index out of bounds: index {hi - 1}, length {length}")
        if lo > hi:
            raise JsonPathError(f"starting index {lo} is greater than ending index {hi}")
        stride = 1
        if step_known:
            if step <= 0:
                raise JsonPathError("step must be > 0")
            stride = step
        out.extend(v[lo:hi:stride])
    return out


def _basic_kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "string"
    raise JsonPathError("invalid type for comparison")


def _compare(op: str, left: Any, right: Any) -> bool:
    kl, kr = _basic_kind(left), _basic_kind(right)
    if kl != kr:
        raise JsonPathError("incompatible types for comparison")
    if op == "==":
        return bool(left == right)
    if op == "!=":
        return bool(left != right)
    if kl == "bool":
        raise JsonPathError("invalid type for comparison")
    if op == "<":
        return bool(left < right)
    if op == ">":
        return bool(left > right)
    if op == "<=":
        return bool(left <= right)
    if op == ">=":
        return bool(left >= right)
    raise JsonPathError(f"unrecognized filter operator {op}")


def _filter(values: list[Any], node: Node, st: _State) -> list[Any]:
    _, left_nodes, right_nodes, op = node
    out: list[Any] = []
    for v in values:
        if not isinstance(v, list):
            raise JsonPathError(f"{go_sprint(v)} is not array or slice and cannot be filtered")
        for item in v:
            if op == "exists":
                try:
                    if _walk([item], ("list", left_nodes), st):
                        out.append(item)
                except JsonPathError:
                    pass
                continue
            lefts = _walk([item], ("list", left_nodes), st)
            if not lefts:
                continue
            if len(lefts) > 1:
                raise JsonPathError("can only compare one element at a time")
            rights = _walk([item], ("list", right_nodes), st)
            if not rights:
                continue
            if len(rights) > 1:
                raise JsonPathError("can only compare one element at a time")
            if _compare(op, lefts[0], rights[0]):
                out.append(item)
    return out


def _find_results(nodes: tuple[Node, ...] | list[Node], data: Any, st: _State) -> list[list[Any]]:
    cur = [data]
    full: list[list[Any]] = []
    i = 0
    while i < len(nodes):
        node = nodes[i]
        results = _walk(cur, node, st)
        if 0 < st.end_range <= st.in_range:
            st.end_range -= 1
            st.last_end = node
            break
        if st.begin_range > 0:
            st.begin_range -= 1
            st.in_range += 1
            rest = nodes[i + 1 :]
            if results:
                for value in results:
                    full.extend(_find_results(rest, value, st))
            else:
                _find_results(rest, None, st)
            st.in_range -= 1
            # Resume after the `end` that closed this range, as client-go does.
            for k in range(i + 1, len(nodes)):
                if nodes[k] is st.last_end:
                    i = k
                    break
            i += 1
            continue
        full.append(results)
        i += 1
    return full


def _text(v: Any) -> str:
    if isinstance(v, dict | list):
        return go_json(v)
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return go_float(v)
    return str(v)


def evaluate(template: str, obj: Any, *, allow_missing_keys: bool = True) -> str:
    """Render `template` against `obj`; raises JsonPathError with client-go's message."""
    nodes = _parse(template)
    full = _find_results(nodes, obj, _State(allow_missing_keys))
    return "".join(" ".join(_text(v) for v in results) for results in full)


def render_jsonpath(template: str, obj: Any, *, allow_missing_keys: bool = True) -> FilterResult:
    """What `kubectl get -o jsonpath=TEMPLATE` prints for `obj`, as stdout/stderr/exit code."""
    try:
        _parse(template)
    except JsonPathError as err:
        return FilterResult("", f"error: error parsing jsonpath {template}, {err}\n", 1)
    except RecursionError:
        return FilterResult("", f"error: error parsing jsonpath {template}, invalid syntax\n", 1)
    try:
        return FilterResult(evaluate(template, obj, allow_missing_keys=allow_missing_keys))
    except (JsonPathError, RecursionError) as err:
        detail = err if isinstance(err, JsonPathError) else "stack overflow"
        text = (
            f"error: error executing jsonpath {go_quote(template)}: Error executing template: "
            f"{detail}. Printing more information for debugging the template:\n"
            f"\ttemplate was:\n\t\t{template}\n"
            f"\tobject given to jsonpath engine was:\n\t\t{go_gostring(obj)}\n\n\n"
        )
        return FilterResult("", text, 1)


def jsonpath(template: str, obj: Any) -> str:
    """kubectl's `-o jsonpath` output for `obj`; on failure, kubectl's error text instead."""
    result = render_jsonpath(template, obj)
    return result.stdout if result.exit_code == 0 else result.stderr


# --- custom-columns ----------------------------------------------------------------

_RELAXED = re.compile(r"^\{\.?([^{}]+)\}$|^\.?([^{}]+)$", re.DOTALL)


def _relaxed(expr: str) -> str:
    if not expr:
        return expr
    m = _RELAXED.match(expr)
    if m is None:
        raise JsonPathError(
            "unexpected path string, expected a 'name1.name2' or '.name1.name2' or "
            "'{name1.name2}' or '{.name1.name2}'"
        )
    return "{." + (m.group(1) or m.group(2)) + "}"


def _tabulate(rows: list[list[str]]) -> str:
    """Go's text/tabwriter as kubectl configures it: min width 6, padding 3."""
    if not rows:
        return ""
    ncols = max(len(r) for r in rows)
    widths = [6] * (ncols - 1)
    for row in rows:
        for c, cell in enumerate(row[:-1]):
            widths[c] = max(widths[c], len(cell) + 3)
    lines = []
    for row in rows:
        cells = [cell.ljust(widths[c]) for c, cell in enumerate(row[:-1])]
        lines.append("".join(cells) + row[-1] + "\n")
    return "".join(lines)


def _escape_terminal(s: str) -> str:
    return s.replace("\x1b", "^[").replace("\r", "\\r")


def render_custom_columns(spec: str, items: list[Any], *, no_headers: bool = False) -> FilterResult:
    """What `kubectl get -o custom-columns=SPEC` prints for `items`, one row per item."""
    if not spec:
        return FilterResult(
            "", "error: custom-columns format specified but no custom columns given\n", 1
        )
    headers: list[str] = []
    templates: list[str] = []
    for part in spec.split(","):
        if ":" not in part:
            return FilterResult(
                "",
                f"error: unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>\n",
                1,
            )
        header, expr = part.split(":", 1)
        try:
            templates.append(_relaxed(expr))
        except JsonPathError as err:
            return FilterResult("", f"error: {err}\n", 1)
        headers.append(header)
    rows: list[list[str]] = [] if no_headers else [headers]
    try:
        parsed = [_parse(t) for t in templates]
        for item in items:
            row = []
            for nodes in parsed:
                found = _find_results(nodes, item, _State(allow_missing=True))
                values = [_escape_terminal(go_sprint(v)) for results in found for v in results]
                row.append(
                    ",".join(values) if found and found[0] else ",".join(["<none>", *values])
                )
            rows.append(row)
    except (JsonPathError, RecursionError) as err:
        detail = err if isinstance(err, JsonPathError) else "stack overflow"
        return FilterResult(_tabulate(rows), f"error: {detail}\n", 1)
    return FilterResult(_tabulate(rows))


def custom_columns(spec: str, items: list[Any], *, no_headers: bool = False) -> str:
    """kubectl's `-o custom-columns` table for `items`; on failure, kubectl's error text."""
    result = render_custom_columns(spec, items, no_headers=no_headers)
    return result.stdout + result.stderr
