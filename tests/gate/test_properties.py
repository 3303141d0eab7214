"""Properties the gate must keep for every input, not just the table's."""

from __future__ import annotations

import shlex

from hypothesis import example, given, settings
from hypothesis import strategies as st

from aoi.gate import Role, VerdictKind, classify
from aoi.gate.classify import judge_argv
from aoi.gate.policy import Policy
from aoi.shell import ShellSyntaxError, parse, simple_commands

_READS = [
    "kubectl get pods -n test-social-network",
    "kubectl logs geo-1 -n x --tail=20",
    "kubectl describe svc user -n x",
    "helm list -n x",
    "kubectl get pods -n x -o jsonpath='{.items[*].metadata.name}'",
    "kubectl exec -n x mongodb-geo-1 -- mongo --eval 'db.getUsers()'",
    "echo done",
    "sleep 1",
]
_WRITES = [
    "kubectl delete pod geo-1 -n x",
    "kubectl scale deployment geo --replicas=1 -n x",
    "helm rollback social 2 -n x",
    "kubectl exec geo-1 -n x -- rm -rf /data",
    "kubectl delete deployment geo -n x --dry-run=0",
]
_TEMPLATES = [
    "{a}; {b}",
    "{a} && {b}",
    "{a} || {b}",
    "{a} | grep x; {b}",
    "for p in one two; do {a}; {b}; done",
    "echo $({b}) $({a})",
    "x=$({b}); {a}",
    "if {a}; then {b}; fi",
    "if {b}; then {a}; else {a}; fi",
    "{a} | while read line; do {b}; done",
    "( {a}; {b} )",
    "{{ {b}; }} | {{ {a}; }}",
    "{a}\n{b}",
    "! {b} || {a}",
    "echo `{b}`; {a}",
    'echo "$({b})" "$({a})"',
]


@settings(max_examples=400, deadline=None, derandomize=True)
@given(
    st.sampled_from(_TEMPLATES), st.sampled_from(_READS), st.sampled_from(_WRITES), st.booleans()
)
def test_no_tree_holding_a_write_is_a_read(
    template: str, read: str, write: str, swap: bool
) -> None:
    a, b = (write, read) if swap else (read, write)
    command = template.replace("\\n", "\n").format(a=a, b=b)
    for role in Role:
        verdict = classify(command, role)
        assert verdict.kind is not VerdictKind.READ, command
    assert not classify(command, Role.PROBE).allowed, command


_piece = st.one_of(
    st.sampled_from([" ", "  ", "\t"]),
    st.text("abcxyz-=./:,{}[]*", min_size=1, max_size=6),
    st.text('ab ;&|<>()$`\n"\\#', max_size=6).map(lambda s: "'" + s.replace("'", "") + "'"),
    st.text("ab ;&|<>()\n'#", max_size=6).map(lambda s: '"' + s + '"'),
    st.sampled_from([*";&<>()$`\n\r", "||", "&&", "$(", "${", ">>", "<<", "<(", "2>&1"]),
    st.sampled_from([" | grep x", " | head -5", " | wc -l", " | awk '{print $1}'"]),
    st.sampled_from(["\\;", "\\|", "\\$", "\\ ", "; kubectl delete pod x", "$(rm x)"]),
)
_commands = st.builds(
    lambda base, tail: base + " " + "".join(tail),
    st.sampled_from(_READS + _WRITES),
    st.lists(_piece, max_size=8),
)


@settings(max_examples=600, deadline=None, derandomize=True)
@given(_commands)
@example("kubectl get pods -n x; rm -rf /")
@example("kubectl get pods -n x 'a;b' ; ls")
@example("kubectl get pods -n x ';' kubectl delete deployment geo -n x")
def test_a_tree_is_as_dangerous_as_its_worst_command(command: str) -> None:
    """The verdict on a line equals the worst verdict on its simple commands, judged alone."""
    policy = Policy.default()
    try:
        tree = parse(command)
    except ShellSyntaxError:
        assert not classify(command, Role.PROBE).allowed
        return
    for role in Role:
        verdict = classify(command, role)
        if not verdict.allowed:
            continue
        for simple in simple_commands(tree):
            argv = simple.argv
            if argv is None or simple.redirects or simple.assigns:
                continue
            alone = judge_argv(argv, role, policy)
            assert alone.allowed, (command, argv, alone.reason)
            if role is Role.PROBE or verdict.kind is VerdictKind.READ:
                assert alone.kind is VerdictKind.READ, (command, argv)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(max_size=60))
def test_arbitrary_text_after_a_read_never_makes_the_probe_write(text: str) -> None:
    command = "kubectl get pods " + text
    verdict = classify(command, Role.PROBE)
    if verdict.allowed:
        assert verdict.kind is VerdictKind.READ


_WRITE_FORMS = [
    "kubectl delete pod geo-1",
    'kubectl patch svc user -p \'{"spec":{"ports":[{"targetPort":9090}]}}\'',
    "kubectl scale deployment geo --replicas=1",
    "kubectl rollout restart deployment/geo",
    "kubectl rollout undo deployment/geo",
    "kubectl set image deployment/geo geo=img:1",
    "kubectl apply -f pv.yaml",
    "kubectl create -f pvc.yaml",
    "kubectl label node n1 a=b",
    "kubectl cordon n1",
    "kubectl taint nodes n1 a=b:NoSchedule-",
    "kubectl replace -f x.yaml",
    'kubectl exec mongodb-geo-1 -- mongo --eval \'db.grantRolesToUser("a", ["readWrite"])\'',
    "kubectl exec geo-1 -- rm -rf /data",
    "helm upgrade social ./chart --set a=b",
    "helm rollback social 2",
    "helm uninstall social",
]
_EXTRA_FLAGS = [
    "-n x",
    "-nx",
    "--namespace x",
    "--namespace=x",
    "-o yaml",
    "-oyaml",
    "--dry-run=none",
    "--dry-run=false",
    "-l app=x",
    "--wait",
    "--force",
    "--grace-period=0",
    "-c mongo",
    "-i",
    "--record",
    "-v 6",
    "--overwrite",
    "--request-timeout=5s",
]


@settings(max_examples=500, deadline=None, derandomize=True)
@given(
    st.sampled_from(_WRITE_FORMS),
    st.lists(st.sampled_from(_EXTRA_FLAGS), max_size=4),
    st.lists(st.sampled_from([" | grep x", " | head -3", " | wc -l"]), max_size=2),
)
def test_no_write_is_ever_allowed_for_the_probe(
    base: str, flags: list[str], pipes: list[str]
) -> None:
    tokens = base.split(" ", 2)
    # Flags go before and after the verb, as kubectl and helm accept them.
    head = " ".join([tokens[0], *flags[:1], *tokens[1:2]])
    command = " ".join([head, tokens[2] if len(tokens) > 2 else "", *flags[1:]]) + "".join(pipes)
    verdict = classify(command, Role.PROBE)
    assert not verdict.allowed
    assert verdict.kind is not VerdictKind.READ


@settings(max_examples=400, deadline=None, derandomize=True)
@given(
    st.text(alphabet=st.sampled_from(list("kubectl gets pods-n=x'\"|;{}$ helmexec--")), max_size=50)
)
def test_the_probe_is_only_ever_allowed_reads(text: str) -> None:
    for command in (text, "kubectl " + text, "helm " + text):
        verdict = classify(command, Role.PROBE)
        if verdict.allowed:
            assert verdict.kind is VerdictKind.READ
        executor = classify(command, Role.EXECUTOR)
        if executor.allowed and executor.kind is VerdictKind.WRITE:
            assert executor.rule is not None


_safe_piece = st.one_of(
    st.text("abc-=./:,{}[]*@", min_size=1, max_size=5),
    st.sampled_from([" ", "  ", "\t"]),
    st.text('ab |;&<>()$`\\"{}', max_size=6).map(lambda s: "'" + s + "'"),
    st.text("ab |;&<>(){}'", max_size=6).map(lambda s: '"' + s + '"'),
    st.sampled_from(['"a\\"b"', '"a\\\\b"', "\\ ", "\\'", '\\"', "''", '""']),
)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(_safe_piece, min_size=1, max_size=10))
def test_literal_words_agree_with_shlex(pieces: list[str]) -> None:
    """An independent oracle for quote removal: shlex in POSIX mode, on lines without operators."""
    command = "kubectl " + "".join(pieces)
    try:
        tree = parse(command)
    except ShellSyntaxError:
        return
    commands = simple_commands(tree)
    if len(commands) != 1 or commands[0].argv is None:
        return
    assert commands[0].argv == shlex.split(command)
