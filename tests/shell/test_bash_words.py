"""Differential test: the parser's words against bash's own, on lines that cannot run anything.

Generated lines are `printf '%s\\0' WORDS` where every word is built from
quoting and escapes only (no unquoted operator, `$` or backtick), and bash runs
with an empty environment, no PATH, no globbing, in an empty directory: all it
can do is print. For every line the parser accepts, bash's words must be the
parser's words; a line the parser refuses is allowed (the gate refuses it).
"""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aoi.shell import ShellSyntaxError, Simple, parse

BASH = shutil.which("bash")
pytestmark = pytest.mark.skipif(BASH is None, reason="bash is not installed")

_PLAIN = "abcxyz019-_=.,:/@%+^~{}*?[]!#"
_ANY = 'abc xyz\t;&|<>()$`\\"#*?~{},.=-!\n'


def _fragment(rng: random.Random) -> str:
    kind = rng.randrange(7)
    if kind == 0:
        return "".join(rng.choice(_PLAIN) for _ in range(rng.randint(1, 6)))
    if kind == 1:
        body = "".join(rng.choice(_ANY.replace("'", "")) for _ in range(rng.randint(0, 6)))
        return f"'{body}'"
    if kind == 2:
        out = ['"']
        for _ in range(rng.randint(0, 6)):
            c = rng.choice(_ANY)
            out.append("\\" + c if c in '"\\$`' else c)
        out.append('"')
        return "".join(out)
    if kind == 3:
        return "\\" + rng.choice(_ANY + "'")
    if kind == 4:
        return rng.choice(["{a,b}", "{1..3}", "x{a,b}y", "{x}", "{.items[*].name}", "a,b"])
    if kind == 5:
        return rng.choice(["~", "~/x", "a=~", "a:~", "-l=x", "'#'", "#x"])
    return rng.choice(["\\\n", "''", '""', "x\\ y"])


def _line(rng: random.Random) -> str:
    words = []
    for _ in range(rng.randint(1, 5)):
        words.append("".join(_fragment(rng) for _ in range(rng.randint(1, 3))))
    seps = [rng.choice([" ", "  ", "\t", " \\\n "]) for _ in words]
    return "printf '%s\\0' START" + "".join(s + w for s, w in zip(seps, words, strict=True))


def _ours(line: str) -> list[str] | None:
    try:
        tree = parse(line)
    except ShellSyntaxError:
        return None
    # a comment ends at the line break, so a continuation after `#...` starts a new
    # command: bash runs it too (without PATH it prints nothing), so compare the first
    item = tree.items[0]
    assert not item.rest
    (command,) = item.first.commands
    assert isinstance(command, Simple)
    argv = command.argv
    assert argv is not None and argv[:3] == ["printf", "%s\\0", "START"]
    return argv[3:]


def _bash(script: str, cwd: Path) -> bytes:
    assert BASH is not None
    return subprocess.run(
        [BASH, "--norc", "--noprofile", "-f", "-c", script],
        env={},
        cwd=cwd,
        capture_output=True,
        timeout=30,
        check=False,
    ).stdout


def _bash_words(line: str, cwd: Path) -> list[str]:
    out = _bash(line, cwd).decode("utf-8", "surrogateescape")
    return out.split("\0")[1:-1]


def test_generated_lines_agree_with_bash(tmp_path: Path) -> None:
    rng = random.Random(20261203)
    lines = [_line(rng) for _ in range(1500)]
    accepted = [(line, ours) for line in lines if (ours := _ours(line)) is not None]
    assert len(accepted) > 300, "the generator should mostly produce lines the parser accepts"
    # one bash for all: records end with \x01 (never generated)
    script = "\n".join(f"{line}\nprintf '\\001'" for line, _ in accepted)
    records = _bash(script, tmp_path).decode("utf-8", "surrogateescape").split("\x01")[:-1]
    if len(records) != len(accepted):  # find the first disagreement line by line
        for line, ours in accepted:
            assert _bash_words(line, tmp_path) == ours, line
    for (line, ours), record in zip(accepted, records, strict=True):
        theirs = record.split("\0")[1:-1]
        assert theirs == ours, f"bash and the parser split {line!r} differently"


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.randoms(use_true_random=False))
def test_hypothesis_lines_agree_with_bash(
    tmp_path_factory: pytest.TempPathFactory, rnd: random.Random
) -> None:
    line = _line(rnd)
    ours = _ours(line)
    if ours is None:
        return
    assert _bash_words(line, tmp_path_factory.mktemp("bash")) == ours, line
