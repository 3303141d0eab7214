"""classify(command, role): the one entry point that decides what a command may do.

The command is parsed once into a tree (aoi.shell) and the verdict is on that
tree: every simple command in it, substitutions included, is judged by its
program's grammar, and the tree is as dangerous as its most dangerous command.
Runners execute the same tree; a word that only gets its value at run time
(`$x`, `$(...)`) is judged again, as the command it becomes, just before it runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from aoi.gate.allowlist import AllowRule, first_match
from aoi.gate.builtins import classify_builtin
from aoi.gate.facts import FORBIDDEN, READ, WRITE, Facts, Outcome, forbid
from aoi.gate.filters import FILTERS, check_filter
from aoi.gate.helm import classify_helm
from aoi.gate.kubectl import classify_kubectl
from aoi.gate.policy import Policy
from aoi.gate.scope import scope_problem
from aoi.gate.verdict import Role, Verdict, VerdictKind
from aoi.shell import AndOr, Pipeline, Sequence, ShellSyntaxError, Simple, parse, simple_commands
from aoi.shell.tree import lit

DYNAMIC = "\x00"
"""Stands for a word whose value is known only at run time, while the tree is judged."""

MAX_COMMANDS = 64
"""Most simple commands one command line may hold."""

_TOP_LEVEL = (
    "kubectl or helm, with the filters grep, head, tail, wc, sort, uniq, awk, jq and cut, "
    "the builtins echo, printf, test, read, true, false and sleep, and for/while/if around them"
)
_RANK = {READ: 0, WRITE: 1, FORBIDDEN: 2}
# Redirections that write or read no file: to /dev/null and between stdout and stderr.
_HARMLESS_REDIRECTS = frozenset(
    {(None, ">", "/dev/null"), (1, ">", "/dev/null"), (2, ">", "/dev/null")}
    | {(None, ">>", "/dev/null"), (2, ">>", "/dev/null"), (None, "&>", "/dev/null")}
    | {(2, ">&", "1"), (1, ">&", "2"), (None, ">&", "2")}
)


@dataclass(slots=True)
class _Step:
    kind: VerdictKind
    reason: str
    facts: Facts | None
    argv: list[str]
    rule: AllowRule | None = None
    allowed: bool = True


def classify(command: str, role: Role, policy: Policy | None = None) -> Verdict:
    """Classify one command line for one role; never runs anything.

    READ is allowed for both roles. WRITE is allowed only for the Executor and
    only when every write in the line matches the policy's allow-list
    (approval comes later, when the channel runs it). FORBIDDEN is never
    allowed. The reason is written for the model that sent the command.
    """
    if policy is None:
        policy = Policy.default()
    try:
        tree = parse(command)
    except ShellSyntaxError as err:
        return Verdict(FORBIDDEN, [], err.reason, False)
    return judge(tree, role, policy)


def judge(tree: Sequence, role: Role, policy: Policy) -> Verdict:
    """The verdict on a parsed tree for one role under one policy."""
    commands = simple_commands(tree)
    if len(commands) > MAX_COMMANDS:
        return Verdict(
            FORBIDDEN,
            [],
            f"the command line holds {len(commands)} commands; the limit is {MAX_COMMANDS}",
            False,
            tree=tree,
        )
    steps = [_judge_simple(c, role, policy) for c in commands]
    argv = [s.argv for s in steps]
    worst = steps[0]
    for step in steps[1:]:
        if _RANK[step.kind] > _RANK[worst.kind] or (
            step.kind is worst.kind and worst.allowed and not step.allowed
        ):
            worst = step
    many = len(steps) > 1
    if worst.kind is FORBIDDEN:
        reason = f"`{_show(worst.argv)}`: {worst.reason}" if many else worst.reason
        return Verdict(FORBIDDEN, argv, reason, False, tree=tree)
    if worst.kind is READ:
        reason = f"read-only: all {len(steps)} commands only read" if many else worst.reason
        return Verdict(READ, argv, reason, True, tree=tree)
    reason = f"`{_show(worst.argv)}`: {worst.reason}" if many else worst.reason
    if not worst.allowed:
        return Verdict(WRITE, argv, reason, False, tree=tree)
    rules = [s.rule.name if s.rule else "policy:write_commands" for s in steps if s.kind is WRITE]
    rule = ",".join(dict.fromkeys(rules))
    if many:
        reason = f"write: {len(rules)} allow-listed writes ({rule})"
    return Verdict(WRITE, argv, reason, True, rule, tree=tree)


def judge_argv(argv: list[str], role: Role, policy: Policy) -> Verdict:
    """The verdict on one simple command given as its final argv (expanded at run time)."""
    simple = Simple((), tuple(lit(a) for a in argv))
    return judge(Sequence((AndOr(Pipeline((simple,))),)), role, policy)


def _show(argv: list[str]) -> str:
    text = " ".join("$..." if a == DYNAMIC else a for a in argv)
    return text if len(text) <= 80 else text[:77] + "..."


def _judge_simple(command: Simple, role: Role, policy: Policy) -> _Step:
    words = command.words
    argv = [DYNAMIC if (v := w.literal) is None else v for w in words]
    for r in command.redirects:
        target = r.target.literal
        if (r.fd, r.op, target) not in _HARMLESS_REDIRECTS:
            where = target if target is not None else "a computed path"
            return _Step(
                FORBIDDEN,
                f"redirection `{r.op}` to or from {where} touches files; only `2>&1`, "
                "`>/dev/null` and `2>/dev/null` are available (the output comes back to you)",
                None,
                argv,
            )
    if command.assigns:
        if words:
            return _Step(
                FORBIDDEN,
                "assignments before a command (`VAR=x cmd`) are not available; "
                "set the variable first (`VAR=x; cmd $VAR`)",
                None,
                argv,
            )
        for name, _ in command.assigns:
            if name in ("IFS", "PATH", "HOME", "KUBECONFIG", "ENV", "BASH_ENV"):
                return _Step(FORBIDDEN, f"setting {name} is not available", None, argv)
        return _Step(READ, "sets a shell variable", None, argv)
    if argv[0] == DYNAMIC:
        return _Step(
            FORBIDDEN,
            "the program name must be written out, not computed ($VAR or $(...))",
            None,
            argv,
        )
    outcome = _outcome(argv, policy)
    kind = outcome.kind
    facts = outcome.facts
    if kind is not FORBIDDEN and facts is not None and policy.namespaces is not None:
        problem = scope_problem(facts, policy)
        if problem is not None:
            return _Step(FORBIDDEN, problem, facts, argv)
    if kind is READ:
        return _Step(READ, outcome.reason, facts, argv)
    if kind is FORBIDDEN:
        return _Step(FORBIDDEN, outcome.reason, facts, argv)
    if role is Role.PROBE:
        reason = f"{outcome.reason}; the Probe may only read, so hand this repair to the Executor"
        return _Step(WRITE, reason, facts, argv, allowed=False)
    if DYNAMIC in argv:
        reason = f"{outcome.reason}; a write must be written out in full, without $VAR or $(...)"
        return _Step(WRITE, reason, facts, argv, allowed=False)
    if facts is None:
        # A user's write_commands entry: named by the user, so allow-listed by them.
        return _Step(WRITE, outcome.reason, facts, argv)
    problem = policy.write_problem(facts)
    if problem is not None:
        return _Step(WRITE, f"{outcome.reason}; {problem}", facts, argv, allowed=False)
    rule = first_match(policy.rules_for(facts.tool, facts.verb), facts)
    if rule is not None:
        return _Step(WRITE, f"{outcome.reason} (allow-list rule {rule.name})", facts, argv, rule)
    return _Step(
        WRITE, f"{outcome.reason}; {_not_listed(facts, policy)}", facts, argv, allowed=False
    )


def _outcome(argv: list[str], policy: Policy) -> Outcome:
    program = argv[0]
    if program == "kubectl":
        return classify_kubectl(argv)
    if program == "helm":
        return classify_helm(argv)
    if program in FILTERS:
        problem = check_filter(argv)
        if problem is not None:
            return forbid(problem)
        return Outcome(READ, f"read-only: {program} filters text")
    builtin = classify_builtin(argv)
    if builtin is not None:
        return builtin
    for prefix in policy.read_commands:
        if tuple(argv[: len(prefix)]) == prefix:
            return Outcome(READ, f"read-only: allowed by the policy file ({' '.join(prefix)})")
    for prefix in policy.write_commands:
        if tuple(argv[: len(prefix)]) == prefix:
            return Outcome(WRITE, f"write: allowed by the policy file ({' '.join(prefix)})")
    if program.endswith(("/kubectl", "/helm")):
        return forbid(f"call {program.rsplit('/', 1)[1]} by name, not by path")
    return forbid(f"`{program}` is not available; commands are {_TOP_LEVEL}")


def _not_listed(facts: Facts, policy: Policy) -> str:
    same = [r.name for r in policy.rules_for(facts.tool, facts.verb)]
    if same:
        return (
            "it matches no executor allow-list rule for this verb "
            f"({', '.join(same)}); check the kind, flags and patch fields"
        )
    verbs = sorted({f"{r.tool} {r.verb}" for r in policy.executor_allow})
    return "not on the executor allow-list; allowed writes are: " + ", ".join(verbs)
