"""The gate's kubectl flag tables against the flags the real kubectl lists for each command.

The gate accepts a kubectl read only when every flag is in its command's table
(aoi.kube.flags.VERB_FLAGS); a flag real kubectl has and the table lacks would
refuse an honest read, and a flag kind that differs (switch or value) would make
the gate split the words differently from kubectl. Runs where `kubectl` is
installed; the tables are also checked against the gate's own parser everywhere.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from aoi.gate.flags import FlagError, parse
from aoi.gate.kubectl import exact_spec
from aoi.kube.flags import BARE_DEFAULTS, VERB_FLAGS

# Commands whose table is exactly the command's (the twin's merged tables, such as
# `rollout` or `create`, only need to hold every subcommand's flags).
_COMMANDS = [
    "get",
    "describe",
    "logs",
    "events",
    "explain",
    "api-resources",
    "api-versions",
    "version",
    "wait",
    "diff",
    "top pod",
    "top node",
    "rollout status",
    "rollout history",
    "auth can-i",
    "auth whoami",
    "auth reconcile",
    "config view",
    "config get-contexts",
    "config current-context",
    "cluster-info",
    "cluster-info dump",
    "exec",
    "apply view-last-applied",
    "plugin list",
]
_MERGED = {
    "rollout": ["rollout restart", "rollout undo", "rollout pause", "rollout resume"],
    "set": ["set image", "set env", "set resources", "set selector", "set serviceaccount"],
    "create": ["create deployment", "create configmap", "create secret generic"],
    "patch": ["patch"],
    "scale": ["scale"],
    "delete": ["delete"],
    "apply": ["apply"],
    "label": ["label"],
    "annotate": ["annotate"],
    "taint": ["taint"],
    "drain": ["drain"],
    "replace": ["replace"],
    "autoscale": ["autoscale"],
    "expose": ["expose"],
    "run": ["run"],
}
# Flags the twin's tables have beyond real kubectl's (it reads them itself).
_TWIN_EXTRAS = {"describe": {"field-selector"}}
_OPTION = re.compile(r"^\s+(?:-(\w), )?--([a-z0-9-]+)=(\S*?):?$")
_KUBECTL = shutil.which("kubectl")


def _real_flags(command: str) -> dict[str, tuple[str, str]]:
    assert _KUBECTL is not None
    text = subprocess.run(
        [_KUBECTL, *command.split(), "--help"], capture_output=True, text=True, check=True
    ).stdout
    options = text.split("Options:", 1)[1].split("Usage:", 1)[0] if "Options:" in text else ""
    flags: dict[str, tuple[str, str]] = {}
    for line in options.splitlines():
        m = _OPTION.match(line)
        if m is None:
            continue
        short, name, default = m.groups()
        if default in ("true", "false"):
            kind = "b"
        elif default.startswith("["):
            kind = "a"
        elif re.fullmatch(r"-?\d+", default):
            kind = "i"
        else:
            kind = "s"
        flags[name] = (short or "", kind)
    return flags


def _same_parse(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Two entries split words alike: same short letter, and both switches or both values."""
    return a[0] == b[0] and (a[1] == "b") == (b[1] == "b")


@pytest.mark.skipif(_KUBECTL is None, reason="kubectl is not installed")
@pytest.mark.parametrize("command", _COMMANDS)
def test_a_read_table_is_exactly_kubectls(command: str) -> None:
    real = _real_flags(command)
    table = VERB_FLAGS[command]
    missing = {n: v for n, v in real.items() if n not in table}
    differs = {
        n: (table[n], v) for n, v in real.items() if n in table and not _same_parse(table[n], v)
    }
    extra = set(table) - set(real) - _TWIN_EXTRAS.get(command, set())
    assert not missing and not differs and not extra, (missing, differs, extra)


@pytest.mark.skipif(_KUBECTL is None, reason="kubectl is not installed")
@pytest.mark.parametrize("table", sorted(_MERGED))
def test_a_merged_table_holds_every_subcommands_flags(table: str) -> None:
    for command in _MERGED[table]:
        real = _real_flags(command)
        missing = {n: v for n, v in real.items() if n not in VERB_FLAGS[table]}
        assert not missing, (command, missing)


@pytest.mark.parametrize("command", sorted(VERB_FLAGS))
def test_every_table_flag_parses_and_an_unknown_one_does_not(command: str) -> None:
    spec = exact_spec(command)
    for name, (short, kind) in VERB_FLAGS[command].items():
        if kind == "b":
            words = [f"--{name}"]
        elif name in BARE_DEFAULTS:
            words = [f"--{name}=v"]  # a bare --dry-run has its own value, never the next word
        else:
            words = [f"--{name}", "v"]
        args = parse(words, spec)
        assert name in args.flags and not args.positionals, name
        if short:
            args = parse([f"-{short}"] + ([] if kind == "b" else ["v"]), spec)
            assert name in args.flags and not args.positionals, short
    with pytest.raises(FlagError):
        parse(["--no-such-flag"], spec)
    with pytest.raises(FlagError):
        parse(["--show-labels=1"] if "show-labels" not in VERB_FLAGS[command] else ["-Z"], spec)
