"""Channels: the only way agents run commands. Classify, approve, run, redact, audit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aoi.gate.approval import Approval, approval_from, approval_name
from aoi.gate.audit import AuditLog
from aoi.gate.classify import classify, judge_argv
from aoi.gate.policy import Policy
from aoi.gate.secrets import SecretValues
from aoi.gate.verdict import Role, Verdict, VerdictKind
from aoi.shell import Sequence
from aoi.shell.quote import has_expansions, render

REFUSED_EXIT = 3


@dataclass(slots=True, frozen=True)
class Judged:
    """An accepted command as runners receive it: the tree the gate judged, and how to
    judge the commands whose words get their values only at run time.

    Runners execute `tree` and nothing else. `text` is the line as the agent sent
    it, for display and records only. `check(argv)` returns None when that
    expanded command may run for this role and policy, else the reason it may not;
    a runner calls it for every command with an expanded word, just before running it.
    """

    text: str
    tree: Sequence
    verdict: Verdict
    role: Role
    policy: Policy

    def check(self, argv: list[str]) -> str | None:
        """Judge one expanded command as it is about to run."""
        verdict = judge_argv(argv, self.role, self.policy)
        if not verdict.allowed:
            return verdict.reason
        if verdict.kind is not VerdictKind.READ and self.verdict.kind is VerdictKind.READ:
            return f"`{' '.join(argv)}` is not a read once its words are expanded"
        return None

    def shell_text(self) -> str | None:
        """The tree written for a POSIX shell (`sh -c`) so that it expands nothing the tree
        does not; None when some word gets its value only at run time (a shell
        would compute it unchecked)."""
        if has_expansions(self.tree):
            return None
        return render(self.tree)


Runner = Callable[[Judged], tuple[str, int]]
"""Runs one accepted command tree: Judged -> (output, exit status). Never a shell."""


@dataclass(slots=True, frozen=True)
class ChannelResult:
    """What an agent gets back. `output` is always redacted.

    `approved` is None when no approval was needed (READ, or refused before
    approval), else the approval decision.
    """

    output: str
    exit_code: int
    verdict: Verdict
    approved: bool | None
    redacted: bool


class Channel:
    """A role-bound way to run commands; the role cannot be changed after creation."""

    __slots__ = ("_gate", "_role")

    def __init__(self, gate: Gate, role: Role) -> None:
        self._gate = gate
        self._role = role

    @property
    def role(self) -> Role:
        return self._role

    def run(self, command: str) -> ChannelResult:
        """Classify, approve, run, redact and audit one command.

        A refusal comes back as the output (exit code REFUSED_EXIT) and the
        runner is not called.
        """
        return self._gate._run(self._role, command)

    def redact(self, text: str) -> str:
        """Mask text that reached the agent another way (an API's output) as the gate does."""
        return self._gate.secrets.redact(text)[0]

    def call(
        self,
        call: str,
        run: Callable[[], tuple[str, int]],
        *,
        namespace: str | None = None,
        reads: bool = True,
    ) -> ChannelResult:
        """Run one call that is not a command line (an environment's read API) under the gate.

        `call` is the call as written, for the audit; `namespace` the namespace it
        reads, if any; `reads` False marks a call that writes or ends the task. A
        call that is not a read, or that reads outside the policy's namespaces, is
        refused (exit REFUSED_EXIT) and `run` is never called; the output of one
        that runs is redacted, and either way the call and its verdict are audited.
        """
        return self._gate._call(self._role, call, run, namespace, reads)

    def __repr__(self) -> str:
        return f"Channel({self._role.value})"


class Gate:
    """Wraps a runner with the command policy; hands out Probe and Executor channels.

    `approval` is 'auto' (the twin's default), 'deny', 'ask' (y/N through
    `input_fn`, showing the command through `output_fn`) or a callback
    `(command, verdict) -> bool`. `audit_path` receives one JSON line per command.
    `secrets` are the values the environment knows to be secret: they are masked by
    value in every output, command and audit line, together with the values that
    structural masking and typed credentials reveal along the way.
    """

    def __init__(
        self,
        runner: Runner,
        *,
        policy: Policy | None = None,
        approval: str | Approval = "auto",
        audit_path: str | Path | None = None,
        input_fn: Callable[[str], str] = input,
        output_fn: Callable[[str], None] = print,
        secrets: SecretValues | None = None,
    ) -> None:
        self._runner = runner
        self.secrets = secrets if secrets is not None else SecretValues()
        self.policy = policy if policy is not None else Policy.default()
        self._approve = approval_from(approval, input_fn=input_fn, output_fn=output_fn)
        self._approval_name = approval_name(approval)
        self._audit = AuditLog(audit_path) if audit_path is not None else None

    def channel(self, role: Role) -> Channel:
        return Channel(self, Role(role))

    def scrub(self, value: object) -> object:
        """Every string in a JSON-like value (a step to store) masked by value and shape."""
        return self.secrets.scrub(value)

    def _run(self, role: Role, command: str) -> ChannelResult:
        # credentials typed on the line are learned first, so its output cannot echo them
        self.secrets.command(command)
        verdict = classify(command, role, self.policy)
        approved: bool | None = None
        decision = "not needed"
        if not verdict.allowed:
            decision = "refused by policy"
            return self._finish(
                role, command, verdict, f"refused: {verdict.reason}", REFUSED_EXIT, None, decision
            )
        if verdict.kind is VerdictKind.WRITE:
            approved = bool(self._approve(command, verdict))
            decision = f"{'approved' if approved else 'denied'} ({self._approval_name})"
            if not approved:
                text = f"refused: the approval policy declined this write; it was not run ({verdict.reason})"
                return self._finish(role, command, verdict, text, REFUSED_EXIT, approved, decision)
        assert verdict.tree is not None  # an allowed verdict always carries its tree
        judged = Judged(command, verdict.tree, verdict, role, self.policy)
        try:
            output, code = self._runner(judged)
        except BaseException as err:  # recorded, then passed on (an interrupted run is audited too)
            self._record(role, command, verdict, decision, None, False, error=type(err).__name__)
            raise
        return self._finish(role, command, verdict, output, code, approved, decision)

    def _call(
        self,
        role: Role,
        call: str,
        run: Callable[[], tuple[str, int]],
        namespace: str | None,
        reads: bool,
    ) -> ChannelResult:
        self.secrets.command(call)
        scope = self.policy.namespaces
        reason = "a read API call"
        kind, allowed = VerdictKind.READ, True
        if not reads:
            kind, allowed = VerdictKind.FORBIDDEN, False
            reason = f"`{call}` is not a read: this channel runs read API calls only"
        elif namespace is not None and scope is not None and namespace not in scope:
            allowed = False
            reason = (
                f"namespace {namespace!r} is outside this run's scope; "
                f"use one of: {', '.join(sorted(scope))}"
            )
        verdict = Verdict(kind, [[call]], reason, allowed)
        if not allowed:
            return self._finish(
                role, call, verdict, f"refused: {reason}", REFUSED_EXIT, None, "refused by policy"
            )
        try:
            output, code = run()
        except BaseException as err:  # audited, then passed on
            self._record(role, call, verdict, "not needed", None, False, error=type(err).__name__)
            raise
        return self._finish(role, call, verdict, output, code, None, "not needed")

    def _finish(
        self,
        role: Role,
        command: str,
        verdict: Verdict,
        output: str,
        code: int,
        approved: bool | None,
        decision: str,
    ) -> ChannelResult:
        text, changed = self.secrets.redact(output, verdict.argv)
        self._record(role, command, verdict, decision, code, changed)
        return ChannelResult(text, code, verdict, approved, changed)

    def _record(
        self,
        role: Role,
        command: str,
        verdict: Verdict,
        decision: str,
        code: int | None,
        redacted: bool,
        error: str | None = None,
    ) -> None:
        if self._audit is None:
            return
        fields: dict[str, object] = {
            "role": role.value,
            "command": self.secrets.command(command),
            "verdict": verdict.kind.value,
            "allowed": verdict.allowed,
            "reason": self.secrets.command(verdict.reason),
            "rule": verdict.rule,
            "approval": decision,
            "exit_code": code,
            "redacted": redacted,
        }
        if error is not None:
            fields["error"] = error
        self._audit.record(**fields)
