"""Runners execute the tree the gate judged: the same argv, and no change from a read."""

from __future__ import annotations

import json
import pickle
import shutil
import subprocess
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aoi.gate import Gate, Judged, Policy, Role, VerdictKind, classify
from aoi.shell import ShellSyntaxError, parse, simple_commands
from aoi.shell.quote import render
from aoi.shell.run import Result, Shell
from aoi.twin.core import Twin

from .table import load_cases

HOTEL = "test-hotel-reservation"
READS = [c.command for c in load_cases() if c.section == "read" and c.scope is None]


def _state(twin: Twin) -> str:
    """What a write could change: every object's declared parts, mongo users, helm releases."""
    objects = []
    for obj in twin.store.all():
        meta = obj.get("metadata", {})
        declared = {k: v for k, v in obj.items() if k not in ("status", "metadata")}
        objects.append(
            [
                obj.get("kind"),
                meta.get("namespace"),
                meta.get("name"),
                meta.get("labels"),
                {
                    k: v
                    for k, v in (meta.get("annotations") or {}).items()
                    if "last-applied" not in k
                },
                declared,
            ]
        )
    objects.sort(key=lambda o: json.dumps(o[:3]))
    users = {
        f"{ns}/{server}": sorted(
            [u.db, u.user, u.password, sorted(u.roles)] for u in state.users.values()
        )
        for (ns, server), state in twin.mongo.items()
    }
    return json.dumps([objects, users], sort_keys=True, default=str)


@pytest.fixture(scope="module")
def prototype() -> Twin:
    twin = Twin.fresh("hotel-reservation", seed=3)
    # a second helm revision, so that a rollback has somewhere to go
    upgrade = twin.run(
        "helm upgrade prometheus prometheus-community/prometheus -n observe --reuse-values "
        "--set server.retention=2d"
    )
    assert upgrade.exit_code == 0, upgrade.stderr
    return twin


_DRY_WRITES = [
    "helm rollback prometheus 1 -n observe --dry-run",
    "helm rollback prometheus 1 -n observe --dry-run=true",
    f"kubectl delete deployment geo -n {HOTEL} --dry-run=client",
    f"kubectl delete deployment geo -n {HOTEL} --dry-run=server",
    f"kubectl delete deployment geo -n {HOTEL} --dry-run=1",
    f"kubectl scale deployment geo -n {HOTEL} --replicas=0 --dry-run=client",
    f"kubectl -n {HOTEL} --dry-run=T rollout restart deployment/geo",
    f"kubectl label pods --all new=label -n {HOTEL} --dry-run=client",
    f"kubectl get pods -n {HOTEL} ';' kubectl delete deployment geo -n {HOTEL}",
    f"kubectl get pods -n {HOTEL} '&&' kubectl delete deployment geo -n {HOTEL}",
    f"kubectl get pods -n {HOTEL} \\; kubectl delete deployment geo -n {HOTEL}",
    f"for d in $(kubectl get deploy -n {HOTEL} -o name); do kubectl get $d -n {HOTEL}; done",
    f"kubectl exec -n {HOTEL} deploy/mongodb-geo -- mongo --eval 'db.getUsers()'",
]


@pytest.mark.parametrize("command", _DRY_WRITES + READS)
def test_an_allowed_probe_command_leaves_the_twin_unchanged(prototype: Twin, command: str) -> None:
    verdict = classify(command, Role.PROBE)
    assert verdict.allowed and verdict.kind is VerdictKind.READ, verdict.reason
    twin = _clone(prototype)
    before = _state(twin)
    Gate(lambda judged: _run_on(twin, judged)).channel(Role.PROBE).run(command)
    assert _state(twin) == before, command


def _clone(twin: Twin) -> Twin:
    copy: Twin = pickle.loads(pickle.dumps(twin))
    return copy


def _run_on(twin: Twin, judged: Judged) -> tuple[str, int]:
    result = twin.run_tree(judged.tree, judged.check)
    return result.output, result.exit_code


def test_a_dry_run_helm_rollback_does_not_roll_back(prototype: Twin) -> None:
    twin = _clone(prototype)
    history = twin.run("helm history prometheus -n observe").stdout
    assert twin.run("helm rollback prometheus 1 -n observe --dry-run").exit_code == 0
    assert twin.run("helm history prometheus -n observe").stdout == history
    assert twin.run("helm rollback prometheus 1 -n observe --dry-run=false").exit_code == 0
    assert twin.run("helm history prometheus -n observe").stdout != history


# --- the argv a runner executes is the argv the gate judged --------------------------------

_WORDS = st.sampled_from(
    ["get", "pods", "-n", "x", "a b", "'q'", "a;b", "$(x)", "&&", "|", "-o", "{.a}", "", "é", "\\"]
)
_SIMPLE = st.lists(_WORDS, min_size=1, max_size=6).map(lambda ws: ["kubectl", *ws])
_OPS = st.sampled_from([" ; ", " && ", " || ", " | "])


def _q(word: str) -> str:
    return "'" + word.replace("'", "'\\''") + "'"


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(_SIMPLE, min_size=1, max_size=4), st.lists(_OPS, min_size=3, max_size=3))
def test_the_runner_executes_exactly_the_judged_argv(
    commands: list[list[str]], ops: list[str]
) -> None:
    line = " ".join(_q(w) for w in commands[0])
    for op, argv in zip(ops, commands[1:], strict=False):
        line += op + " ".join(_q(w) for w in argv)
    verdict = classify(line, Role.EXECUTOR)
    assert verdict.tree is not None
    ran: list[list[str]] = []
    shell = Shell(lambda argv, stdin: ran.append(argv) or Result(code=0))
    shell.run(verdict.tree)
    judged = [a for a in verdict.argv]
    # every command run was judged, word for word; `||` may skip some
    assert all(argv in judged for argv in ran)
    assert ran[0] == judged[0] == commands[0]


def test_expanded_words_are_judged_before_they_run() -> None:
    policy = Policy.load(namespaces=[HOTEL])
    verdict = classify("x=kube-system; kubectl get pods -n $x", Role.PROBE, policy)
    assert verdict.allowed and verdict.tree is not None
    judged = Judged("", verdict.tree, verdict, Role.PROBE, policy)
    ran: list[list[str]] = []
    result = Shell(lambda argv, stdin: ran.append(argv) or Result(), check=judged.check).run(
        verdict.tree
    )
    assert ran == [] and "outside this run's scope" in result.stderr
    # a read whose expanded word turns it into a write is stopped too
    verdict = classify("v=delete; kubectl get pods -n x; echo $v", Role.PROBE)
    assert verdict.allowed
    tricky = classify("for w in delete; do kubectl $w pod geo -n x; done", Role.PROBE)
    assert not tricky.allowed


# --- the AIOpsLab wrapper: a quoting sh -c cannot expand ------------------------------------

BASH = shutil.which("bash")


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.lists(st.lists(_WORDS, min_size=1, max_size=5), min_size=1, max_size=3))
def test_bash_reads_the_wrapped_tree_as_the_same_argv(
    tmp_path_factory: pytest.TempPathFactory, commands: list[list[str]]
) -> None:
    """For any literal tree, bash parsing the quoting gives the same argv, and runs nothing else."""
    line = " ; ".join(" ".join(_q(w) for w in ["printf", "%s\\0", "START", *ws]) for ws in commands)
    try:
        tree = parse(line)
    except ShellSyntaxError:
        return
    wrapped = render(tree)
    assert BASH is not None
    out = subprocess.run(
        [BASH, "--norc", "--noprofile", "-c", wrapped],
        env={},
        cwd=tmp_path_factory.mktemp("sh"),
        capture_output=True,
        check=False,
        timeout=20,
    ).stdout.decode("utf-8", "surrogateescape")
    records = [r.split("\0")[:-1] for r in out.split("START\0")[1:]]
    assert records == [[w for w in c.argv[3:]] for c in simple_commands(tree)], wrapped


def test_the_default_environment_runner_sends_the_quoted_tree() -> None:
    from aoi.envs.base import Environment

    sent: list[str] = []

    class Recorder(Environment):
        def reset(self, task_id: str, seed: int = 0) -> Any:  # pragma: no cover
            raise NotImplementedError

        def act(self, call: Any) -> Any:
            from aoi.envs.base import Observation

            sent.append(call.args[0])
            return Observation(text="ok")

        def evaluate(self) -> Any:  # pragma: no cover
            raise NotImplementedError

    gate = Gate(Recorder().run_command)
    gate.channel(Role.PROBE).run(
        "kubectl get pods -n x -o jsonpath='{.items[*].metadata.name}' | grep '$(id)'"
    )
    assert sent == [
        "kubectl get pods -n x -o '{.items[*].metadata.name}' | grep '$(id)'".replace(
            "-o '{", "-o 'jsonpath={"
        )
    ]
    refused = gate.channel(Role.PROBE).run("for p in $(kubectl get pods -o name); do echo $p; done")
    assert "not available" in refused.output and len(sent) == 1


def test_the_twin_runs_a_compound_read(prototype: Twin) -> None:
    twin = _clone(prototype)
    result = twin.run(
        f"for d in geo rate; do kubectl get deploy $d -n {HOTEL} -o name; done && echo done"
    )
    assert result.stdout.split() == ["deployment.apps/geo", "deployment.apps/rate", "done"]
