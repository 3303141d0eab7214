"""Loads cases.txt: commands with their expected verdicts (shared by tests and benchmarks)."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

CASES_FILE = Path(__file__).with_name("cases.txt")
SECTIONS = ("read", "write_allowed", "write_refused", "forbidden")


@dataclass(frozen=True)
class Case:
    section: str
    command: str
    scope: tuple[str, ...] | None
    line: int

    @property
    def id(self) -> str:
        prefix = "scoped-" if self.scope else ""
        return f"{prefix}{self.section}-L{self.line}"


def load_cases(path: Path = CASES_FILE) -> list[Case]:
    cases: list[Case] = []
    section: str | None = None
    scoped = False
    scope: tuple[str, ...] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            words = line[1:-1].split()
            scoped = words[0] == "scoped"
            section = words[-1]
            if section not in SECTIONS:
                raise ValueError(f"{path}:{number}: unknown section {section!r}")
            continue
        if line.startswith("namespaces:"):
            scope = tuple(line.split(":", 1)[1].split())
            continue
        if section is None:
            raise ValueError(f"{path}:{number}: command before any section")
        if line == "esc":
            command = ""
        elif line.startswith("esc "):
            command = codecs.decode(line[4:], "unicode_escape")
        else:
            command = line
        cases.append(Case(section, command, scope if scoped else None, number))
    return cases
