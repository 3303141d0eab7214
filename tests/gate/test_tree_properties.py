"""Properties over random command trees: lists, pipelines, loops, conditionals, groups and
substitutions built around simple commands whose verdicts are known.

- the gate parses the line into exactly the simple commands it was built from, and the
  runner executes only argv the gate judged, word for word;
- a tree holding a write is never READ, and one holding a forbidden command is FORBIDDEN;
- a tree the Probe is allowed leaves a fresh twin unchanged (objects, mongo users and
  roles, helm releases).
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aoi.gate import Gate, Policy, Role, VerdictKind, classify
from aoi.gate.classify import DYNAMIC, judge_argv
from aoi.shell.run import Result, Shell
from aoi.twin.core import Twin

from .test_runners import HOTEL, _clone, _run_on, _state, prototype

__all__ = ["prototype"]  # the module-scoped twin fixture, shared with test_runners


@dataclass(frozen=True)
class Built:
    """A command line and the argv of every simple command in it, in source order."""

    text: str
    argv: tuple[tuple[str, ...], ...]


def _simple(text: str) -> Built:
    return Built(text, (tuple(_words(text)),))


def _words(text: str) -> list[str]:
    import shlex

    return shlex.split(text)


READS = [
    f"kubectl get pods -n {HOTEL}",
    f"kubectl get deploy geo -n {HOTEL} -o yaml",
    f"kubectl describe svc geo -n {HOTEL}",
    f"kubectl logs deploy/geo -n {HOTEL} --tail=3",
    "helm list -n observe",
    "helm history prometheus -n observe",
    f"kubectl exec -n {HOTEL} deploy/mongodb-geo -- mongo --eval 'db.getUsers()'",
    f"kubectl delete deployment geo -n {HOTEL} --dry-run=client",
    f"kubectl scale deployment geo -n {HOTEL} --replicas=0 --dry-run=server",
    "helm rollback prometheus 1 -n observe --dry-run",
    "echo hello",
    "true",
]
WRITES = [
    f"kubectl delete deployment geo -n {HOTEL}",
    f"kubectl scale deployment geo -n {HOTEL} --replicas=0",
    f"kubectl delete deployment geo -n {HOTEL} --dry-run=0",
    f"kubectl label deployment geo -n {HOTEL} broken=yes",
    f"kubectl exec -n {HOTEL} deploy/mongodb-geo -- mongo --eval 'db.dropUser(\"admin\")'",
    f"kubectl exec -n {HOTEL} deploy/geo -- rm -rf /data",
    "helm rollback prometheus 1 -n observe",
    "helm uninstall prometheus -n observe",
]
FORBIDDEN = [
    "rm -rf /",
    "kubectl get pods -n x --bogus",
    f"kubectl exec -n {HOTEL} deploy/geo -- sh -c 'while true; do echo; done'",
    "kubectl get pods -n x --kubeconfig /tmp/k",
    "curl http://example.com",
]
FILTERS = ["grep -i geo", "head -5", "wc -l", "sort", "awk '{print $1}'", "tail -n 2"]


def _trees(leaves: list[str]) -> st.SearchStrategy[Built]:
    leaf = st.sampled_from(leaves).map(_simple)

    def grow(inner: st.SearchStrategy[Built]) -> st.SearchStrategy[Built]:
        pair = st.tuples(inner, inner)
        return st.one_of(
            st.tuples(pair, st.sampled_from([" ; ", " && ", " || "])).map(
                lambda t: Built(t[0][0].text + t[1] + t[0][1].text, t[0][0].argv + t[0][1].argv)
            ),
            st.tuples(inner, st.sampled_from(FILTERS)).map(
                lambda t: Built(f"{t[0].text} | {t[1]}", (*t[0].argv, tuple(_words(t[1]))))
            ),
            inner.map(lambda b: Built(f"for v in one two; do {b.text}; done", b.argv)),
            inner.map(lambda b: Built(f"while false; do {b.text}; done", (("false",), *b.argv))),
            pair.map(
                lambda p: Built(
                    f"if {p[0].text}; then {p[1].text}; else echo no; fi",
                    p[0].argv + p[1].argv + (("echo", "no"),),
                )
            ),
            inner.map(lambda b: Built(f"( {b.text} )", b.argv)),
            inner.map(lambda b: Built(f"{{ {b.text}; }}", b.argv)),
            inner.map(lambda b: Built(f'echo "$( {b.text} )"', (("echo", DYNAMIC), *b.argv))),
            # the assignment is a simple command without words, after its substitution
            inner.map(
                lambda b: Built(f"x=$( {b.text} ); echo done", (*b.argv, (), ("echo", "done")))
            ),
        )

    return st.recursive(leaf, grow, max_leaves=6)


_ALL = _trees(READS + WRITES + FORBIDDEN)


def _alone(argv: tuple[str, ...], role: Role) -> VerdictKind:
    return judge_argv(list(argv), role, Policy.default()).kind


@settings(max_examples=500, deadline=None, derandomize=True)
@given(_ALL)
def test_the_gate_judges_every_simple_command_and_the_runner_runs_only_those(built: Built) -> None:
    verdict = classify(built.text, Role.EXECUTOR)
    assert verdict.tree is not None, (built.text, verdict.reason)
    assert [tuple(a) for a in verdict.argv] == list(built.argv), built.text
    ran: list[list[str]] = []
    Shell(lambda argv, stdin: ran.append(argv) or Result(code=0)).run(verdict.tree)
    judged = {tuple(a) for a in verdict.argv}
    assert all(tuple(a) in judged for a in ran), (built.text, ran)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(_ALL)
def test_a_tree_is_as_dangerous_as_the_worst_command_in_it(built: Built) -> None:
    kinds = {_alone(a, Role.EXECUTOR) for a in built.argv if a and DYNAMIC not in a}
    for role in Role:
        verdict = classify(built.text, role)
        if VerdictKind.FORBIDDEN in kinds:
            assert verdict.kind is VerdictKind.FORBIDDEN and not verdict.allowed, built.text
        elif VerdictKind.WRITE in kinds:
            assert verdict.kind is VerdictKind.WRITE, built.text
            if role is Role.PROBE:
                assert not verdict.allowed, built.text
        else:
            assert verdict.kind is VerdictKind.READ and verdict.allowed, (
                built.text,
                verdict.reason,
            )


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(_trees(READS + WRITES))
def test_an_allowed_probe_tree_leaves_a_fresh_twin_unchanged(prototype: Twin, built: Built) -> None:
    twin = _clone(prototype)
    before = _state(twin)
    ran: list[str] = []

    def run(judged: object) -> tuple[str, int]:
        ran.append(built.text)
        return _run_on(twin, judged)  # type: ignore[arg-type]

    Gate(run).channel(Role.PROBE).run(built.text)
    # an allowed line only reads; a refused one never reaches the twin
    assert _state(twin) == before, built.text
    assert bool(ran) == classify(built.text, Role.PROBE).allowed, built.text
