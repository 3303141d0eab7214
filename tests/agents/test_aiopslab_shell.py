"""What AIOpsLab's shell runs is the tree the gate judged, on kind and on a local cluster.

The whole way a command travels is followed: the judged tree is quoted, written
as a fenced exec_shell call, read back with AIOpsLab's parsing rules, then run
as AIOpsLab runs it: `sh -c COMMAND` (shell=True, local or ssh), or on kind
`sh -c 'docker exec kind-control-plane sh -c "COMMAND"'` with `"` escaped (here
the inner `sh` stands in for docker exec). Real shells do the reading, with no
PATH, in an empty folder, on trees of `printf` only: all they can do is print
the words they got.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aoi.agents.aiopslab import _ProxyEnvironment, aiopslab_command
from aoi.catalog import parse_action
from aoi.envs import Action
from aoi.gate import Gate, Role
from aoi.shell import ShellSyntaxError, parse, simple_commands
from aoi.shell.quote import render

SHELLS = [s for s in ("/bin/sh", shutil.which("bash"), shutil.which("dash")) if s]
pytestmark = pytest.mark.skipif(not Path("/bin/sh").exists(), reason="no /bin/sh")

_WORDS = st.sampled_from(
    [
        "get",
        "a b",
        "$(id)",
        "`id`",
        "$HOME",
        "${x}",
        "\\",
        "\\'",
        '\\"',
        "'",
        '"',
        "a\\",
        "\\$",
        "x\ny",
        ";",
        "&&",
        "|",
        "*",
        "~",
        "!",
        "%s",
        "",
        "é",
        "{a,b}",
        "#",
        "'{print $1}'",
        "\\n",
        "\\\\",
    ]
)
_COMMANDS = st.lists(st.lists(_WORDS, min_size=1, max_size=5), min_size=1, max_size=3)


def _q(word: str) -> str:
    return "'" + word.replace("'", "'\\''") + "'"


def _tree(commands: list[list[str]]) -> object:
    line = " ; ".join(" ".join(_q(w) for w in ["printf", "%s\\0", "START", *ws]) for ws in commands)
    return parse(line)


def _through_aiopslab(text: str) -> str:
    """The command AIOpsLab's Shell.exec receives for exec_shell(text) written by AOI."""
    parsed = parse_action(Action.exec_shell(text).render())
    assert parsed.ok and parsed.api == "exec_shell", parsed.error
    command = parsed.args[0]
    assert isinstance(command, str)
    return command


def _run(shell: str, script: str, cwd: Path) -> list[list[str]]:
    out = subprocess.run(
        [shell, "-c", script],
        env={"PATH": "/nonexistent"},
        cwd=cwd,
        capture_output=True,
        check=False,
        timeout=20,
    ).stdout.decode("utf-8", "surrogateescape")
    return [r.split("\0")[:-1] for r in out.split("START\0")[1:]]


def _as_aiopslab_runs_it(command: str, host: str, shell: str, cwd: Path) -> list[list[str]]:
    if host == "kind":
        escaped = command.replace('"', '\\"')  # what AIOpsLab's docker_exec does
        return _run(shell, f'{shell} -c "{escaped}"', cwd)
    return _run(shell, command, cwd)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(_COMMANDS, st.sampled_from(["kind", "localhost", None]))
def test_aiopslab_runs_the_argv_the_gate_judged(
    tmp_path_factory: pytest.TempPathFactory, commands: list[list[str]], host: str | None
) -> None:
    try:
        tree = _tree(commands)
    except ShellSyntaxError:
        return
    expected = [c.argv[3:] for c in simple_commands(tree)]  # type: ignore[arg-type]
    sent, refusal = aiopslab_command(render(tree), host)  # type: ignore[arg-type]
    if sent is None:
        # only an unknown host refuses, and only text the two shells read differently
        assert host is None and refusal
        return
    command = _through_aiopslab(sent)
    cwd = tmp_path_factory.mktemp("aiopslab")
    for shell in SHELLS:
        hosts = ["kind", "localhost"] if host is None else [host]
        for where in hosts:
            ran = _as_aiopslab_runs_it(command, where, shell, cwd)
            assert ran == expected, (shell, where, command)


def test_kind_gets_an_awk_program_and_a_quoted_substitution_unexpanded(tmp_path: Path) -> None:
    sent: list[str] = []
    env = _ProxyEnvironment("kind")
    env.act = lambda call: sent.append(call.args[0]) or _ok()  # type: ignore[method-assign]
    gate = Gate(env.run_command)
    result = gate.channel(Role.PROBE).run("kubectl get pods -n x | awk '{print $1}' | grep '$(id)'")
    assert result.verdict.allowed, result.output
    (command,) = sent
    # the host's double quotes see only escaped specials
    assert "\\$1" in command and "\\$(id)" in command
    # what the host's shell hands to `sh -c` inside the node: the quoted tree, unexpanded
    escaped = command.replace('"', '\\"')
    handed = subprocess.run(
        ["/bin/sh", "-c", f'printf "%s" "{escaped}"'],
        env={"PATH": "/nonexistent"},
        cwd=tmp_path,
        capture_output=True,
        check=False,
        timeout=20,
    ).stdout.decode()
    assert handed == "kubectl get pods -n x | awk '{print $1}' | grep '$(id)'"


def test_an_unknown_host_refuses_what_the_shells_would_read_apart() -> None:
    env = _ProxyEnvironment(None)
    sent: list[str] = []
    env.act = lambda call: sent.append(call.args[0]) or _ok()  # type: ignore[method-assign]
    gate = Gate(env.run_command)
    refused = gate.channel(Role.PROBE).run("kubectl get pods -n x | awk '{print $1}'")
    assert "k8s_host" in refused.output and sent == []
    plain = gate.channel(Role.PROBE).run("kubectl get pods -n x -o wide")
    assert plain.verdict.allowed and sent == ["kubectl get pods -n x -o wide"]


def test_three_backticks_are_never_sent() -> None:
    text, refusal = aiopslab_command("grep '```'", "localhost")
    assert text is None and "backticks" in refusal


def _ok() -> object:
    from aoi.envs.base import Observation

    return Observation(text="ok")
