"""How an agent's command line becomes argv lists on a live cluster, or a refusal.

The line is parsed once into the gate's command tree (aoi.shell), and the live
environment evaluates that tree in-process: kubectl and helm (or a program the
user's policy file names) run as argv lists with the session's kube context
pinned, filters and shell builtins run in-process, and no shell is ever
involved. Flags that change identity or target are refused outright: kubectl
keeps the last value of a repeated flag, so an agent's `--context` after ours
would win. AIOpsLab's own refusals (`kubectl edit`, `port-forward`, `logs -f`)
come first, in its words, then anything the gate classifies FORBIDDEN.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aoi import agent_api
from aoi.gate import Judged, Policy, Role, VerdictKind
from aoi.gate.classify import judge, judge_argv
from aoi.shell import Sequence, ShellSyntaxError, parse, simple_commands

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
EDIT_REFUSAL = agent_api.REFUSE_EDIT
PORT_FORWARD_REFUSAL = agent_api.REFUSE_PORT_FORWARD
LOGS_FOLLOW_REFUSAL = agent_api.REFUSE_KUBECTL_FOLLOW


@dataclass(frozen=True, slots=True)
class Prepared:
    """An accepted command: the tree to run, the check for words expanded at run time,
    and every simple command's words (for redaction)."""

    tree: Sequence
    check: Callable[[list[str]], str | None]
    stages: list[list[str]]


def prepare(command: str | Judged, context: str, policy: Policy | None = None) -> Prepared | str:
    """The tree for a command line (parsed once), or the refusal text.

    A `Judged` from the gate brings its tree and its check. A plain string (a
    direct act() call, trusted by its caller) is parsed and refused only when
    no role may run it (FORBIDDEN), and so is every command it expands to.
    """
    check: Callable[[list[str]], str | None]
    if isinstance(command, Judged):
        tree: Sequence = command.tree
        check = command.check
        argv = command.verdict.argv
    else:
        try:
            tree = parse(command)
        except ShellSyntaxError as err:
            return f"Error: refused on the live cluster: {err.reason}"
        verdict = judge(tree, Role.EXECUTOR, policy or Policy.default())
        argv = verdict.argv

        def forbidden(words: list[str]) -> str | None:
            found = judge_argv(words, Role.EXECUTOR, policy or Policy.default())
            return found.reason if found.kind is VerdictKind.FORBIDDEN else None

        check = forbidden

        for simple in simple_commands(tree):
            literal = simple.argv
            if literal and literal[0] == "kubectl":
                refusal = _aiopslab_refusal(literal)
                if refusal is not None:
                    return refusal
            identity = _identity_flag(literal) if literal else None
            if identity is not None:
                return _pinned(identity, context)
        if verdict.kind is VerdictKind.FORBIDDEN:
            return f"Error: refused on the live cluster: {verdict.reason}"
    return Prepared(tree, check, [list(a) for a in argv])


def program_argv(argv: list[str], context: str, policy: Policy | None) -> list[str] | str:
    """The argv a live program runs as (kube context pinned), or why it may not run."""
    program = argv[0]
    identity = _identity_flag(argv)
    if identity is not None:
        return _pinned(identity, context)
    if program in CONTEXT_FLAG:
        return [program, CONTEXT_FLAG[program], context, *argv[1:]]
    if _policy_allows(argv, policy):
        return list(argv)
    return (
        f"Error: refused on the live cluster: `{program}` is not available; commands must "
        "be kubectl or helm (a policy file's read_commands can allow more)"
    )


def _pinned(identity: str, context: str) -> str:
    return (
        f"Error: `{identity}` is not allowed: this session is pinned to the kube context "
        f"{context!r}, and every command already runs there. Drop the flag."
    )


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
