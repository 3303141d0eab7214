"""Split a command line into pipeline stages without a shell.

The rules are POSIX quoting as `shlex.split` applies them, so a runner that
re-splits an accepted command with `shlex` sees the same tokens. Anything a
shell would treat as control (chaining, redirection, substitution, sub-shells,
background jobs, comments, line breaks) is refused rather than interpreted.
"""

from __future__ import annotations

import re


class LexError(ValueError):
    """The command uses shell syntax the gate refuses; `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# Unicode whitespace other than space and tab would split differently in a
# shell, in shlex and in str.split, so it is refused outside quotes.
_ODD_SPACE = "\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_CONTROL = "\x00-\x08\x0e-\x1b\x7f"

# A command free of these characters is split by str.split, the fast path.
_SPECIAL = re.compile(f"['\"\\\\|&;<>()$`#\n\r{_CONTROL}{_ODD_SPACE}]")

_TOKEN = re.compile(
    r"(?P<ws>[ \t]+)"
    r"|(?P<sq>'[^']*')"
    r'|(?P<dq>"(?:[^"\\]|\\.)*")'
    r"|(?P<esc>\\.)"
    rf"|(?P<word>[^ \t'\"\\|&;<>()$`\n\r{_CONTROL}{_ODD_SPACE}]+)"
    r"|(?P<pipe>\|)"
    r"|(?P<bad>.)",
    re.S,
)
_DQ_ESCAPE = re.compile(r'\\(["\\])')
# Inside double quotes a shell would still run command substitutions.
_DQ_SUBST = re.compile(r"(?<!\\)(\$\(|`)")

_BAD_REASONS = {
    ";": "`;` chains commands; send one command per call",
    "&": "`&` (`&&`, background jobs) chains or detaches commands; send one command per call",
    ">": "output redirection (`>`) writes files; the gate returns output to you directly",
    "<": "input redirection (`<`, `<<`, `<(`) is not available; pass data as arguments",
    "(": "sub-shells and process substitution (`(`) are not available; send one plain command",
    ")": "sub-shells (`)`) are not available; send one plain command",
    "$": "shell expansion (`$`, `$(...)`, `${...}`) is not available; write the value literally or quote it with single quotes",
    "`": "command substitution (backticks) is not available; run the inner command on its own first",
    "\n": "a line break separates commands; send one command per call",
    "\r": "a line break separates commands; send one command per call",
    "'": "unterminated single quote",
    '"': "unterminated double quote",
    "\\": "a trailing backslash or a backslash before a line break is not allowed",
}


def _bad_reason(char: str) -> str:
    reason = _BAD_REASONS.get(char)
    if reason is not None:
        return reason
    return f"control or unusual whitespace character {char!r} is not allowed outside quotes"


def split_pipeline(command: str) -> list[list[str]]:
    """Return the command's pipeline stages as token lists.

    Raises LexError for empty stages, `||`, and every unquoted shell
    metacharacter except the single pipe.
    """
    if _SPECIAL.search(command) is None:
        tokens = command.split()
        if not tokens:
            raise LexError("empty command")
        return [tokens]
    return _scan(command)


def _scan(command: str) -> list[list[str]]:
    stages: list[list[str]] = []
    stage: list[str] = []
    parts: list[str] = []
    in_token = False
    after_pipe = False
    for m in _TOKEN.finditer(command):
        group = m.lastgroup
        text = m.group()
        if group == "ws":
            if in_token:
                stage.append("".join(parts))
                parts.clear()
                in_token = False
        elif group == "word":
            if not in_token and text[0] == "#":
                raise LexError(
                    "`#` starts a shell comment here; quote it if it is part of an argument"
                )
            parts.append(text)
            in_token = True
        elif group == "sq":
            parts.append(text[1:-1])
            in_token = True
        elif group == "dq":
            body = text[1:-1]
            if _DQ_SUBST.search(body):
                raise LexError(
                    "command substitution inside double quotes is not available; "
                    "use single quotes for literal text"
                )
            parts.append(_DQ_ESCAPE.sub(r"\1", body) if "\\" in body else body)
            in_token = True
        elif group == "esc":
            char = text[1]
            if char in "\n\r":
                raise LexError(_bad_reason("\\"))
            parts.append(char)
            in_token = True
        elif group == "pipe":
            if after_pipe and not in_token and not stage:
                raise LexError("`||` chains commands; send one command per call")
            if in_token:
                stage.append("".join(parts))
                parts.clear()
                in_token = False
            if not stage:
                raise LexError("a pipe `|` needs a command on both sides")
            stages.append(stage)
            stage = []
            after_pipe = True
            continue
        else:
            raise LexError(_bad_reason(text))
        after_pipe = False
    if in_token:
        stage.append("".join(parts))
    if not stage:
        raise LexError("a pipe `|` needs a command on both sides" if stages else "empty command")
    stages.append(stage)
    return stages
