"""GNU getopt_long, small: clustered short flags, attached or separate values, permutation."""

from __future__ import annotations

from dataclasses import dataclass


class UsageError(Exception):
    """A bad option; `line` is the first line GNU tools print (without the usage tail)."""

    def __init__(self, line: str) -> None:
        super().__init__(line)
        self.line = line


@dataclass(frozen=True, slots=True)
class Spec:
    """Which options a tool takes.

    `flags`: short options without a value; `valued`: short options that take one;
    `longs`: long name -> (short letter or key, takes a value); `digits`: `-5`-style
    numbers are collected as option "#" (grep's context, head's line count).
    """

    flags: str
    valued: str = ""
    longs: tuple[tuple[str, str, bool], ...] = ()
    digits: bool = False


def getopt(prog: str, argv: list[str], spec: Spec) -> tuple[list[tuple[str, str]], list[str]]:
    """Split argv into [(option, value)] and operands, the way GNU tools read them."""
    opts: list[tuple[str, str]] = []
    operands: list[str] = []
    longs = {name: (key, takes) for name, key, takes in spec.longs}
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg == "--":
            operands.extend(argv[i:])
            break
        if arg.startswith("--"):
            name, eq, value = arg[2:].partition("=")
            matches = [n for n in longs if n == name] or [n for n in longs if n.startswith(name)]
            if len(matches) != 1:
                if matches:
                    raise UsageError(f"{prog}: option '{arg}' is ambiguous")
                raise UsageError(f"{prog}: unrecognized option '{arg}'")
            key, takes = longs[matches[0]]
            if takes and not eq:
                if i >= len(argv):
                    raise UsageError(f"{prog}: option '--{matches[0]}' requires an argument")
                value = argv[i]
                i += 1
            elif not takes and eq:
                raise UsageError(f"{prog}: option '--{matches[0]}' doesn't allow an argument")
            opts.append((key, value))
            continue
        if not arg.startswith("-") or arg == "-":
            operands.append(arg)
            continue
        j = 1
        while j < len(arg):
            ch = arg[j]
            if spec.digits and ch.isdigit():
                k = j
                while k < len(arg) and arg[k].isdigit():
                    k += 1
                opts.append(("#", arg[j:k]))
                j = k
                continue
            if ch in spec.valued:
                value = arg[j + 1 :]
                if not value:
                    if i >= len(argv):
                        raise UsageError(f"{prog}: option requires an argument -- '{ch}'")
                    value = argv[i]
                    i += 1
                opts.append((ch, value))
                break
            if ch not in spec.flags:
                raise UsageError(f"{prog}: invalid option -- '{ch}'")
            opts.append((ch, ""))
            j += 1
    return opts, operands
