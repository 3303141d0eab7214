"""Where a command may act: the run's namespace scope for every command, and the
Executor's further limits on writes (protected namespaces, kinds, selectors,
replica counts, local files), read from the policy's data."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from aoi.gate.facts import Facts

if TYPE_CHECKING:
    from aoi.gate.policy import Policy

DYNAMIC = "\x00"
_NON_RESOURCE_RAW = ("/healthz", "/livez", "/readyz", "/version", "/metrics", "/openapi")
# flags whose values name files on the machine running AOI
LOCAL_FILE_FLAGS = (
    "filename",
    "kustomize",
    "from-file",
    "from-env-file",
    "patch-file",
    "cert",
    "key",
    "values",
    "set-file",
)
_REPLICAS = re.compile(r"[\"']?\breplicas[\"']?\s*:\s*[\"']?(-?\d+)")
# one positive requirement: key=value, key==value or key in (...)
_POSITIVE = re.compile(r"^\s*[\w./-]+\s*(==?|\s+in\s+\()\s*[^,]*")
_SELECTOR_VERBS = frozenset({"delete", "label", "annotate", "rollout restart", "patch", "scale"})


def scope_problem(facts: Facts, policy: Policy) -> str | None:
    """Why the command leaves the run's namespaces, or None."""
    scope = policy.namespaces
    if scope is None:
        return None
    allowed = ", ".join(sorted(scope))
    if facts.all_namespaces:
        return f"all namespaces (-A) is outside this run's scope; use -n with one of: {allowed}"
    if not facts.namespaced:
        return None
    if facts.raw_path is not None:
        if DYNAMIC in facts.raw_path:
            return None
        parts = facts.raw_path.split("?", 1)[0].split("/")
        if "namespaces" in parts:
            i = parts.index("namespaces")
            if i + 1 < len(parts) and parts[i + 1] in scope:
                return None
        return f"--raw paths must stay inside this run's namespaces ({allowed}): /api/v1/namespaces/NS/..."
    ns = facts.namespace or policy.default_namespace
    if ns in scope or DYNAMIC in ns:
        # a computed namespace is checked again, as its value, when the command runs
        return None
    return f"namespace {ns!r} is outside this run's scope; add -n with one of: {allowed}"


def write_problem(facts: Facts, policy: Policy) -> str | None:
    """Why the Executor may not make this write whatever the allow-list says, or None."""
    limits = policy.limits
    if facts.namespaced:
        ns = facts.namespace or policy.default_namespace
        if ns in limits.protected_namespaces:
            return (
                f"writes in namespace {ns!r} are not allowed (protected: "
                f"{', '.join(sorted(limits.protected_namespaces))}); repair the application's namespace"
            )
    for kind in facts.resources:
        if kind in limits.refused_kinds:
            return f"changing {kind} objects is not allowed (the policy's refused_kinds)"
    if not limits.local_file_inputs:
        for flag in LOCAL_FILE_FLAGS:
            if flag in facts.flags:
                return (
                    f"--{flag} reads a file on the machine running AOI; write the change inline "
                    "(kubectl patch -p, --from-literal, helm --set)"
                )
    if facts.verb in _SELECTOR_VERBS:
        for flag in ("selector", "field-selector"):
            for value in facts.flags.get(flag, ()):
                if not any(_POSITIVE.match(term) for term in _terms(value)):
                    return (
                        f"--{flag} {value!r} is too broad for a write: name at least one "
                        "label with key=value (negative or existence-only selectors match too much)"
                    )
    counts = list(facts.flags.get("replicas", ()))
    counts += [m.group(1) for v in facts.flags.get("patch", ()) for m in _REPLICAS.finditer(v)]
    for count in counts:
        try:
            number = int(count)
        except ValueError:
            continue
        if number < 0 or number > limits.max_replicas:
            return f"{number} replicas is outside the policy's bound (0..{limits.max_replicas})"
    return None


def _terms(selector: str) -> list[str]:
    """Split a selector on the commas between requirements, not those inside `in (...)`."""
    out: list[str] = []
    depth = 0
    start = 0
    for i, char in enumerate(selector):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            out.append(selector[start:i])
            start = i + 1
    out.append(selector[start:])
    return [t for t in out if t.strip()]
