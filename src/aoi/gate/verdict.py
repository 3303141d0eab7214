"""The gate's vocabulary: roles, verdict kinds and verdicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aoi.shell import Sequence


class Role(StrEnum):
    """Who is asking: the Probe may only read; the Executor may also write."""

    PROBE = "probe"
    EXECUTOR = "executor"


class VerdictKind(StrEnum):
    """What a command does to the cluster, independent of who asks."""

    READ = "read"
    WRITE = "write"
    FORBIDDEN = "forbidden"


@dataclass(slots=True, frozen=True, init=False)
class Verdict:
    """The gate's decision on one command for one role.

    `tree` is the parsed command (None when it did not parse): what runners
    execute. `argv` holds every simple command's words in source order
    (substitutions included; a word computed at run time shows as "\x00").
    `allowed` already accounts for the role and, for the Executor, the
    allow-list; approval is decided later, at run time. `rule` names the
    allow-list entries a permitted WRITE matched.
    """

    kind: VerdictKind
    argv: list[list[str]]
    reason: str
    allowed: bool
    rule: str | None = field(default=None)
    tree: Sequence | None = field(default=None, repr=False, compare=False)

    def __init__(
        self,
        kind: VerdictKind,
        argv: list[list[str]],
        reason: str,
        allowed: bool,
        rule: str | None = None,
        tree: Sequence | None = None,
    ) -> None:
        # Frozen: each slot is written once through its descriptor, which costs a third
        # of the generated object.__setattr__ calls (one verdict per classified command).
        _SET_KIND(self, kind)
        _SET_ARGV(self, argv)
        _SET_REASON(self, reason)
        _SET_ALLOWED(self, allowed)
        _SET_RULE(self, rule)
        _SET_TREE(self, tree)


_SLOTS: dict[str, Any] = dict(vars(Verdict))
_SET_KIND = _SLOTS["kind"].__set__
_SET_ARGV = _SLOTS["argv"].__set__
_SET_REASON = _SLOTS["reason"].__set__
_SET_ALLOWED = _SLOTS["allowed"].__set__
_SET_RULE = _SLOTS["rule"].__set__
_SET_TREE = _SLOTS["tree"].__set__
