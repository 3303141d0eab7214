"""Properties the gate must keep for every input, not just the table's."""

from __future__ import annotations

import shlex

from hypothesis import example, given, settings
from hypothesis import strategies as st

from aoi.gate import Role, VerdictKind, classify
from aoi.gate.lexer import LexError, split_pipeline

_META = frozenset(";&<>()$`\n\r")


def has_unquoted_metachar(text: str) -> bool:
    """An independent oracle: does a POSIX shell see control syntax here?

    Any of ; & < > ( ) $ ` and line breaks outside quotes, or `||`. A single
    pipe is not counted: the gate allows pipes into its filters.
    """
    i = 0
    quote: str | None = None
    while i < len(text):
        char = text[i]
        if quote is None:
            if char == "\\":
                i += 2
                continue
            if char in "'\"":
                quote = char
            elif char in _META or (char == "|" and text[i + 1 : i + 2] == "|"):
                return True
        elif quote == "'":
            if char == "'":
                quote = None
        else:
            if char == "\\":
                i += 2
                continue
            if char == '"':
                quote = None
        i += 1
    return False


_READS = [
    "kubectl get pods -n test-social-network",
    "kubectl logs geo-1 -n x --tail=20",
    "kubectl describe svc user -n x",
    "helm list -n x",
    "kubectl get pods -n x -o jsonpath='{.items[*].metadata.name}'",
    "kubectl exec -n x mongodb-geo-1 -- mongo --eval 'db.getUsers()'",
]
_piece = st.one_of(
    st.sampled_from([" ", "  ", "\t"]),
    st.text("abcxyz-=./:,{}[]*", min_size=1, max_size=6),
    st.text('ab ;&|<>()$`\n"\\#', max_size=6).map(lambda s: "'" + s.replace("'", "") + "'"),
    st.text("ab ;&|<>()\n'#", max_size=6).map(lambda s: '"' + s + '"'),
    st.sampled_from([*";&<>()$`\n\r", "||", "&&", "$(", "${", ">>", "<<", "<(", "2>&1"]),
    st.sampled_from([" | grep x", " | head -5", " | wc -l", " | awk '{print $1}'"]),
    st.sampled_from(["\\;", "\\|", "\\$", "\\ "]),
)
_commands = st.builds(
    lambda base, tail: base + " " + "".join(tail),
    st.sampled_from(_READS),
    st.lists(_piece, max_size=8),
)


@settings(max_examples=600, deadline=None)
@given(_commands)
@example("kubectl get pods -n x; rm -rf /")
@example("kubectl get pods -n x 'a;b' ; ls")
def test_no_unquoted_metacharacter_is_ever_allowed(command: str) -> None:
    if has_unquoted_metachar(command):
        assert not classify(command, Role.PROBE).allowed
        assert not classify(command, Role.EXECUTOR).allowed


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text_with_metacharacters_is_refused(text: str) -> None:
    command = "kubectl get pods " + text
    if has_unquoted_metachar(command):
        assert not classify(command, Role.PROBE).allowed


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


@settings(max_examples=500, deadline=None)
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


@settings(max_examples=400, deadline=None)
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


@settings(max_examples=400, deadline=None)
@given(st.lists(_safe_piece, min_size=1, max_size=10))
def test_tokens_agree_with_shlex(pieces: list[str]) -> None:
    """A runner that re-splits an accepted command with shlex sees the same tokens."""
    command = "kubectl " + "".join(pieces)
    try:
        stages = split_pipeline(command)
    except LexError:
        return
    assert stages == [shlex.split(command)]
