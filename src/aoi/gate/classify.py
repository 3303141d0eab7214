"""classify(command, role): the one entry point that decides what a command may do."""

from __future__ import annotations

from aoi.gate.allowlist import first_match
from aoi.gate.facts import FORBIDDEN, READ, WRITE, Facts, Outcome, forbid
from aoi.gate.filters import check_filter
from aoi.gate.helm import classify_helm
from aoi.gate.kubectl import classify_kubectl
from aoi.gate.lexer import LexError, split_pipeline
from aoi.gate.policy import Policy
from aoi.gate.verdict import Role, Verdict

_TOP_LEVEL = (
    "kubectl or helm (with optional pipes into grep, head, tail, wc, sort, uniq, awk, jq or cut)"
)


def classify(command: str, role: Role, policy: Policy | None = None) -> Verdict:
    """Classify one command line for one role; never runs anything.

    READ is allowed for both roles. WRITE is allowed only for the Executor and
    only when it matches the policy's allow-list (approval comes later, when the
    channel runs it). FORBIDDEN is never allowed. The reason is written for the
    model that sent the command.
    """
    if policy is None:
        policy = Policy.default()
    try:
        stages = split_pipeline(command)
    except LexError as err:
        return Verdict(FORBIDDEN, [], err.reason, False)
    for stage in stages[1:]:
        problem = check_filter(stage)
        if problem is not None:
            return Verdict(FORBIDDEN, stages, problem, False)
    outcome = _classify_stage(stages[0], policy)
    facts = outcome.facts
    if outcome.kind is not FORBIDDEN and facts is not None:
        problem = _scope_problem(facts, policy)
        if problem is not None:
            return Verdict(FORBIDDEN, stages, problem, False)
    kind = outcome.kind
    if kind is READ:
        return Verdict(READ, stages, outcome.reason, True)
    if kind is FORBIDDEN:
        return Verdict(FORBIDDEN, stages, outcome.reason, False)
    if role is Role.PROBE:
        return Verdict(
            WRITE,
            stages,
            f"{outcome.reason}; the Probe may only read, so hand this repair to the Executor",
            False,
        )
    if facts is None:
        # A user's write_commands entry: named by the user, so allow-listed by them.
        return Verdict(WRITE, stages, outcome.reason, True, "policy:write_commands")
    rule = first_match(policy.rules_for(facts.tool, facts.verb), facts)
    if rule is not None:
        return Verdict(
            WRITE, stages, f"{outcome.reason} (allow-list rule {rule.name})", True, rule.name
        )
    return Verdict(WRITE, stages, f"{outcome.reason}; {_not_listed(facts, policy)}", False)


def _classify_stage(argv: list[str], policy: Policy) -> Outcome:
    program = argv[0]
    if program == "kubectl":
        return classify_kubectl(argv)
    if program == "helm":
        return classify_helm(argv)
    if "=" in program and program.split("=", 1)[0].isidentifier():
        return forbid("variable assignments before a command (`VAR=x cmd`) are not available")
    for prefix in policy.read_commands:
        if tuple(argv[: len(prefix)]) == prefix:
            return Outcome(READ, f"read-only: allowed by the policy file ({' '.join(prefix)})")
    for prefix in policy.write_commands:
        if tuple(argv[: len(prefix)]) == prefix:
            return Outcome(WRITE, f"write: allowed by the policy file ({' '.join(prefix)})")
    if program.endswith(("/kubectl", "/helm")):
        return forbid(f"call {program.rsplit('/', 1)[1]} by name, not by path")
    return forbid(f"`{program}` is not available; commands must be {_TOP_LEVEL}")


def _scope_problem(facts: Facts, policy: Policy) -> str | None:
    scope = policy.namespaces
    if scope is None:
        return None
    allowed = ", ".join(sorted(scope))
    if facts.all_namespaces:
        return f"all namespaces (-A) is outside this run's scope; use -n with one of: {allowed}"
    if not facts.namespaced:
        return None
    if facts.raw_path is not None:
        parts = facts.raw_path.split("/")
        if "namespaces" in parts:
            i = parts.index("namespaces")
            if i + 1 < len(parts) and parts[i + 1] in scope:
                return None
        return f"--raw paths must stay inside this run's namespaces ({allowed}): /api/v1/namespaces/NS/..."
    ns = facts.namespace or policy.default_namespace
    if ns in scope:
        return None
    # apply/create -f: kubectl itself rejects a manifest whose namespace differs from -n.
    return f"namespace {ns!r} is outside this run's scope; add -n with one of: {allowed}"


def _not_listed(facts: Facts, policy: Policy) -> str:
    same = [r.name for r in policy.rules_for(facts.tool, facts.verb)]
    if same:
        return (
            "it matches no executor allow-list rule for this verb "
            f"({', '.join(same)}); check the kind, flags and patch fields"
        )
    verbs = sorted({f"{r.tool} {r.verb}" for r in policy.executor_allow})
    return "not on the executor allow-list; allowed writes are: " + ", ".join(verbs)
