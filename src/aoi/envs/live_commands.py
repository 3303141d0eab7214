"""How an agent's command line becomes one argv on a live cluster, or a refusal.

The line is split without a shell (the gate's lexer: POSIX quoting as shlex reads
it, `|` between stages, every other shell operator refused). The first stage must
be kubectl or helm (or a program the user's policy file names); it runs with the
session's kube context pinned, so flags that change identity or target are
refused outright: kubectl keeps the last value of a repeated flag, so an agent's
`--context` after ours would win. Later stages are the twin's in-process filters.
AIOpsLab's own refusals (`kubectl edit`, `port-forward`, `logs -f`) come first,
in its words, then anything the gate classifies FORBIDDEN.
"""

from __future__ import annotations

from dataclasses import dataclass

from aoi.gate import Policy, Role, VerdictKind, classify
from aoi.gate.lexer import LexError, split_pipeline
from aoi.shelltools import FILTERS
from aoi.twin import api as twin_api

# Global kubectl flags that take a value as the next token: skipped to find the verb.
_KUBECTL_VALUE_FLAGS = frozenset(
    {
        "-n",
        "--namespace",
        "--context",
        "--kubeconfig",
        "-s",
        "--server",
        "--cluster",
        "--user",
        "--token",
        "--as",
        "--as-group",
        "--as-uid",
        "--request-timeout",
        "--cache-dir",
        "-v",
        "--v",
        "--certificate-authority",
        "--client-certificate",
        "--client-key",
        "--tls-server-name",
        "--username",
        "--password",
        "--profile",
        "--profile-output",
    }
)
KUBECTL_IDENTITY_FLAGS = frozenset(
    {
        "--context",
        "--kubeconfig",
        "--cluster",
        "--server",
        "-s",
        "--user",
        "--token",
        "--as",
        "--as-group",
        "--as-uid",
        "--username",
        "--password",
        "--certificate-authority",
        "--client-certificate",
        "--client-key",
        "--tls-server-name",
        "--insecure-skip-tls-verify",
    }
)
HELM_IDENTITY_FLAGS = frozenset(
    {
        "--kube-context",
        "--kubeconfig",
        "--kube-apiserver",
        "--kube-token",
        "--kube-as-user",
        "--kube-as-group",
        "--kube-ca-file",
        "--kube-insecure-skip-tls-verify",
        "--kube-tls-server-name",
    }
)
CONTEXT_FLAG = {"kubectl": "--context", "helm": "--kube-context"}

# AIOpsLab's refusals, worded as the twin words them.
EDIT_REFUSAL = twin_api.REFUSE_EDIT
PORT_FORWARD_REFUSAL = twin_api.REFUSE_PORT_FORWARD
LOGS_FOLLOW_REFUSAL = twin_api.REFUSE_KUBECTL_FOLLOW


@dataclass(frozen=True, slots=True)
class Prepared:
    """An accepted command: the argv to run, the filters after it, the stages as split."""

    argv: list[str]
    filters: list[list[str]]
    stages: list[list[str]]


def prepare(command: str, context: str, policy: Policy | None = None) -> Prepared | str:
    """The argv (context pinned) and filters for a command line, or the refusal text."""
    try:
        stages = split_pipeline(command)
    except LexError as err:
        return f"Error: refused on the live cluster: {err.reason}"
    first = stages[0]
    program = first[0]
    if program == "kubectl":
        refusal = _aiopslab_refusal(first)
        if refusal is not None:
            return refusal
    identity = _identity_flag(first)
    if identity is not None:
        return (
            f"Error: `{identity}` is not allowed: this session is pinned to the kube context "
            f"{context!r}, and every command already runs there. Drop the flag."
        )
    verdict = classify(command, Role.EXECUTOR, policy)
    if verdict.kind is VerdictKind.FORBIDDEN:
        return f"Error: refused on the live cluster: {verdict.reason}"
    for stage in stages[1:]:
        if stage[0] not in FILTERS:
            return f"Error: refused on the live cluster: `{stage[0]}` cannot be piped into"
    if program in CONTEXT_FLAG:
        argv = [program, CONTEXT_FLAG[program], context, *first[1:]]
    elif _policy_allows(first, policy):
        argv = list(first)
    else:
        return (
            f"Error: refused on the live cluster: `{program}` is not available; commands must "
            "be kubectl or helm (a policy file's read_commands can allow more)"
        )
    return Prepared(argv, [list(s) for s in stages[1:]], [list(s) for s in stages])


def kubectl_verb(tokens: list[str]) -> tuple[str | None, int]:
    """kubectl's verb and its index in tokens (tokens[0] is kubectl), skipping global flags."""
    i = 1
    while i < len(tokens):
        tok = tokens[i]
        if tok == "--":
            return None, -1
        if tok in _KUBECTL_VALUE_FLAGS:
            i += 2
            continue
        if tok.startswith("-"):
            i += 1
            continue
        return tok, i
    return None, -1


def _aiopslab_refusal(tokens: list[str]) -> str | None:
    verb, at = kubectl_verb(tokens)
    if verb == "edit":
        return EDIT_REFUSAL
    if verb == "port-forward":
        return PORT_FORWARD_REFUSAL
    if verb == "logs":
        for tok in tokens[at + 1 :]:
            if tok == "--":
                break
            # -f alone or among the boolean shorthands (`-pf`).
            short = tok.startswith("-") and not tok.startswith("--") and set(tok[1:]) <= {"f", "p"}
            if tok in ("--follow", "--follow=true") or (short and "f" in tok):
                return LOGS_FOLLOW_REFUSAL
    return None


def _identity_flag(tokens: list[str]) -> str | None:
    flags = {"kubectl": KUBECTL_IDENTITY_FLAGS, "helm": HELM_IDENTITY_FLAGS}.get(tokens[0])
    if flags is None:
        return None
    for tok in tokens[1:]:
        if tok == "--":
            break
        name = tok.split("=", 1)[0]
        if name in flags:
            return name
        # pflag reads `-sVALUE` as --server VALUE.
        if tokens[0] == "kubectl" and tok.startswith("-s") and not tok.startswith("--"):
            return "-s"
    return None


def _policy_allows(argv: list[str], policy: Policy | None) -> bool:
    if policy is None:
        return False
    prefixes = (*policy.read_commands, *policy.write_commands)
    return any(tuple(argv[: len(p)]) == p for p in prefixes)
