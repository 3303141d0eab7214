"""A getopt-style flag parser shared by the command grammars.

It follows pflag (kubectl, helm) and GNU getopt conventions: `--name=value`,
`--name value` for flags that take a value, bundled short flags (`-it`), short
values glued on (`-nX`, `-n=X`, `-oyaml`), interspersed positionals, and `--`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aoi.kube.flags import GO_FALSE, GO_TRUE, dry_run_strategy

__all__ = ["GO_FALSE", "GO_TRUE", "Args", "FlagError", "FlagSpec", "is_dry_run", "parse", "words"]


class FlagError(ValueError):
    """A flag the grammar does not know or that lacks its value."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(slots=True, frozen=True)
class FlagSpec:
    """Which flags take values; short flags map to their long names.

    `short` maps a letter to (long name, takes a value). Unknown short flags are
    errors when `strict_short`. `long_switch`, when given, makes the long flags
    a positive table: a long flag that is neither a switch nor in `long_value`
    is an error (so is a GNU abbreviation such as `--out` for `--output`);
    without it unknown long flags are treated as switches. `optional` lists
    long flags whose value may only be given with `=`.
    """

    short: dict[str, tuple[str, bool]]
    long_value: frozenset[str]
    optional: frozenset[str] = frozenset()
    strict_short: bool = True
    # Tools like `tail -20` and `head -5` accept a bare number as a flag.
    numeric: str | None = None
    long_switch: frozenset[str] | None = None
    # every bare flag token the spec knows (`-n`, `--namespace`, `--all`), precompiled:
    # token -> (long name, takes the next word); built once, read on every parse
    tokens: dict[str, tuple[str, bool]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        table: dict[str, tuple[str, bool]] = {}
        for letter, (name, takes) in self.short.items():
            if not (self.numeric is not None and letter.isdigit()):
                table["-" + letter] = (name, takes)
        names: set[str] = set(self.long_value) | set(self.long_switch or ())
        for name in names:
            table["--" + name] = (name, name in self.long_value and name not in self.optional)
        object.__setattr__(self, "tokens", table)


@dataclass(slots=True)
class Args:
    """Parsed flags (by long name, every value kept in order) and positionals."""

    flags: dict[str, list[str]] = field(default_factory=dict)
    positionals: list[str] = field(default_factory=list)
    rest: list[str] | None = None

    def has(self, name: str) -> bool:
        return name in self.flags

    def on(self, name: str) -> bool:
        """True when a switch is present and its last value is not false to Go's ParseBool.

        A value ParseBool rejects counts as on: the switch is treated as set.
        """
        values = self.flags.get(name)
        return values is not None and values[-1] not in GO_FALSE

    def last(self, name: str) -> str | None:
        values = self.flags.get(name)
        return values[-1] if values else None


def is_dry_run(value: str | None) -> bool:
    """True when kubectl's or helm's --dry-run value really means a dry run.

    `client`, `server`, a bare `--dry-run` and Go ParseBool's true spellings
    are dry runs; `none`, ParseBool's false spellings (`0`, `f`, `F`, `False`,
    ...) are real changes, and anything else is not trusted to be a dry run.
    """
    # the gate's parser gives a bare --dry-run the value "true"
    return value is not None and dry_run_strategy(value) in ("client", "server")


def _add(flags: dict[str, list[str]], name: str, value: str) -> None:
    values = flags.get(name)
    if values is None:
        flags[name] = [value]
    else:
        values.append(value)


def parse(tokens: list[str], spec: FlagSpec, start: int = 0) -> Args:
    """Parse tokens[start:] against spec; raise FlagError on malformed flags."""
    flags: dict[str, list[str]] = {}
    positionals: list[str] = []
    args = Args(flags, positionals)
    known = spec.tokens
    i = start
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        i += 1
        # the common case, a whole known flag token, is one lookup in the precompiled table
        entry: Any = known.get(tok)
        if entry is not None:
            name, takes = entry
            if takes:
                if i >= n:
                    raise FlagError(f"flag {tok} needs a value")
                value = tokens[i]
                i += 1
            else:
                value = "true"
            values = flags.get(name)
            if values is None:
                flags[name] = [value]
            else:
                values.append(value)
            continue
        if len(tok) < 2 or tok[0] != "-":
            positionals.append(tok)
            continue
        if tok[1] == "-":
            if len(tok) == 2:
                args.rest = tokens[i:]
                break
            name, eq, value = tok[2:].partition("=")
            if spec.long_switch is not None and name not in spec.long_value:
                if name not in spec.long_switch:
                    raise FlagError(f"unknown flag --{name}")
                if eq and name not in spec.optional:
                    raise FlagError(f"flag --{name} takes no value")
            if eq:
                _add(flags, name, value)
            elif name in spec.long_value and name not in spec.optional:
                if i >= n:
                    raise FlagError(f"flag --{name} needs a value")
                _add(flags, name, tokens[i])
                i += 1
            else:
                _add(flags, name, "true")
            continue
        if spec.numeric is not None and tok[1:].isdigit():
            _add(flags, spec.numeric, tok[1:])
            continue
        short = spec.short
        j = 1
        while j < len(tok):
            letter = tok[j]
            entry = short.get(letter)
            if entry is None:
                if spec.strict_short:
                    raise FlagError(f"unknown flag -{letter}")
                name, takes = letter, False
            else:
                name, takes = entry
            j += 1
            if takes:
                value = tok[j:]
                if value.startswith("="):
                    value = value[1:]
                if not value and j >= len(tok):
                    if i >= n:
                        raise FlagError(f"flag -{letter} needs a value")
                    value = tokens[i]
                    i += 1
                _add(flags, name, value)
                break
            if j < len(tok) and tok[j] == "=":
                _add(flags, name, tok[j + 1 :])
                break
            _add(flags, name, "true")
    return args


def words(text: str) -> frozenset[str]:
    """A set of names written as whitespace-separated words (for long tables)."""
    return frozenset(text.split())
