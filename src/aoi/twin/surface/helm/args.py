"""helm's command line: its flags, their parsing, and the usage errors helm prints."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


USAGE = {
    "status": "helm status RELEASE_NAME [flags]",
    "history": "helm history RELEASE_NAME [flags]",
    "values": "helm get values RELEASE_NAME [flags]",
    "manifest": "helm get manifest RELEASE_NAME [flags]",
    "upgrade": "helm upgrade [RELEASE] [CHART] [flags]",
    "rollback": "helm rollback <RELEASE> [REVISION] [flags]",
}
# flag -> takes a value; short forms map to their long names
FLAGS: dict[str, bool] = {
    "namespace": True,
    "all-namespaces": False,
    "all": False,
    "output": True,
    "set": True,
    "set-string": True,
    "values": True,
    "reuse-values": False,
    "reset-values": False,
    "install": False,
    "wait": False,
    "timeout": True,
    "atomic": False,
    "debug": False,
    "version": True,
    "revision": True,
    "max": True,
    "kube-context": True,
    "short": False,
    "dry-run": False,
    "force": False,
    "cleanup-on-fail": False,
    "create-namespace": False,
    "deployed": False,
    "failed": False,
    "superseded": False,
    "pending": False,
    "uninstalled": False,
    "short-output": False,
    "no-headers": False,
    "template": True,
    "history-max": True,
    "description": True,
    "reset-then-reuse-values": False,
}
SHORT = {
    "n": "namespace",
    "A": "all-namespaces",
    "a": "all",
    "o": "output",
    "f": "values",
    "i": "install",
    "q": "short",
}


class HelmError(Exception):
    pass


class Args:
    def __init__(self) -> None:
        self.flags: dict[str, list[str]] = {}
        self.positional: list[str] = []

    def one(self, name: str, default: str = "") -> str:
        return self.flags.get(name, [default])[-1]

    def has(self, name: str) -> bool:
        return name in self.flags and self.flags[name][-1] != "false"


def parse_args(argv: list[str]) -> Args:
    args = Args()
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg == "--":
            args.positional.extend(argv[i:])
            break
        if arg.startswith("--"):
            name, eq, value = arg[2:].partition("=")
            if name not in FLAGS:
                raise HelmError(f"unknown flag: --{name}")
        elif arg.startswith("-") and len(arg) > 1:
            letter, value = arg[1], arg[2:]
            eq = "=" if value else ""
            value = value.removeprefix("=")
            if letter not in SHORT:
                raise HelmError(f"unknown shorthand flag: '{letter}' in {arg}")
            name = SHORT[letter]
        else:
            args.positional.append(arg)
            continue
        if FLAGS[name] and not eq:
            if i >= len(argv):
                raise HelmError(f"flag needs an argument: --{name}")
            value = argv[i]
            i += 1
        args.flags.setdefault(name, []).append(value if FLAGS[name] else (value or "true"))
    return args


def need_args(args: Args, verb: str, count: int) -> None:
    if len(args.positional) != count:
        noun = "argument" if count == 1 else "arguments"
        name = f"get {verb}" if verb in ("values", "manifest") else verb
        raise HelmError(f'"helm {name}" requires {count} {noun}\n\nUsage:  {USAGE[verb]}')


def namespace_of(args: Args) -> str:
    return args.one("namespace", "default")
