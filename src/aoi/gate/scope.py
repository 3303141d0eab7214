"""Where a command may act: the run's namespace scope for every command, and the
Executor's further limits on writes (protected namespaces, kinds, selectors,
replica counts, local files), read from the policy's data."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import yaml

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
# keys whose values are counts of pods, wherever they sit in a patch or a chart's values
_COUNT_KEYS = frozenset({"replicas", "minreplicas", "maxreplicas", "replicacount"})
_JSON_PATCH_OPS = frozenset({"add", "remove", "replace", "test", "move", "copy"})
# one positive requirement: key=value, key==value or key in (...)
_POSITIVE = re.compile(r"^\s*[\w./-]+\s*(==?|\s+in\s+\()\s*[^,]*")
_SELECTOR_VERBS = frozenset({"delete", "label", "annotate", "rollout restart", "patch", "scale"})


def scope_problem(facts: Facts, policy: Policy) -> str | None:
    """Why the command leaves the run's namespaces, or None."""
    scope = policy.namespaces
    if scope is None:
        return None
    if facts.all_namespaces:
        allowed = ", ".join(sorted(scope))
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
        allowed = ", ".join(sorted(scope))
        return f"--raw paths must stay inside this run's namespaces ({allowed}): /api/v1/namespaces/NS/..."
    ns = facts.namespace or policy.default_namespace
    if ns in scope or DYNAMIC in ns:
        # a computed namespace is checked again, as its value, when the command runs
        return None
    allowed = ", ".join(sorted(scope))
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
    counts: list[Any] = []
    for flag in ("replicas", "min", "max") if facts.tool == "kubectl" else ():
        counts += facts.flags.get(flag, ())
    for text in facts.flags.get("patch", ()):
        problem = patch_counts(text, facts.flags.get("type", ["strategic"])[-1], counts)
        if problem is not None:
            return problem
    if facts.tool == "helm":
        problem = _helm_counts(facts.flags, counts)
        if problem is not None:
            return problem
    for count in counts:
        if isinstance(count, str) and count.strip().lstrip("+-").isdigit():
            count = int(count)
        if isinstance(count, float) and count.is_integer():
            count = int(count)
        if not isinstance(count, int) or isinstance(count, bool):
            return f"a replica count must be a whole number, not {count!r}"
        if count < 0 or count > limits.max_replicas:
            return f"{count} replicas is outside the policy's bound (0..{limits.max_replicas})"
    return None


def patch_counts(text: str, patch_type: str, counts: list[Any]) -> str | None:
    """Add every replica count the patch sets to `counts`; a reason when it cannot be judged.

    The patch is read as kubectl reads it: JSON, else YAML turned into JSON. A
    merge or strategic patch sets counts under their keys anywhere in it; a JSON
    patch (RFC 6902) sets them with add/replace/test on a path ending in the key,
    or inside the value it writes; a move or copy onto a count cannot be judged.
    """
    try:
        doc = json.loads(text, object_pairs_hook=_unique_keys)
    except _DuplicateKey as err:
        return f"the patch gives {err.key!r} twice in one object; give each key once"
    except ValueError:
        try:
            doc = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError:
            return "the patch is neither JSON nor YAML; write it as JSON"
    if patch_type != "json":
        if not isinstance(doc, dict):
            return f"a {patch_type} patch is an object ({{...}}), not {type(doc).__name__}"
        _walk_counts(doc, counts)
        return None
    if not isinstance(doc, list):
        return "a JSON patch (--type=json) is a list of operations: [{op, path, value}]"
    for op in doc:
        if not isinstance(op, dict) or op.get("op") not in _JSON_PATCH_OPS:
            return "each JSON patch operation needs op add, remove, replace, test, move or copy"
        path = _pointer(op.get("path"))
        if path is None:
            return "each JSON patch operation needs a path written as a JSON pointer (/spec/...)"
        if op["op"] in ("move", "copy"):
            source = _pointer(op.get("from"))
            if source is None or _has_count(path) or _has_count(source) or len(path) < 3:
                return (
                    f"JSON patch {op['op']} onto or from a replica count, or onto a whole "
                    "section, cannot be judged; write the value with replace"
                )
        elif op["op"] != "remove":
            if "value" not in op:
                return f"JSON patch {op['op']} needs a value"
            value = op["value"]
            if path and path[-1].lower() in _COUNT_KEYS:
                counts.append(value)
            else:
                _walk_counts(value, counts)
    return None


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are all different (decoders disagree on which repeat wins)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _pointer(path: Any) -> list[str] | None:
    """A JSON pointer's segments (RFC 6901: ~1 is '/', ~0 is '~'), or None."""
    if not isinstance(path, str) or (path and not path.startswith("/")):
        return None
    return [p.replace("~1", "/").replace("~0", "~") for p in path.split("/")[1:]]


def _has_count(path: list[str]) -> bool:
    return any(p.lower() in _COUNT_KEYS for p in path)


def _walk_counts(node: Any, counts: list[Any]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str) and key.lower() in _COUNT_KEYS and value is not None:
                counts.append(value)
            else:
                _walk_counts(value, counts)
    elif isinstance(node, list):
        for item in node:
            _walk_counts(item, counts)


def _helm_counts(flags: dict[str, list[str]], counts: list[Any]) -> str | None:
    """Counts a chart's values would get from --set, --set-string and --set-json."""
    for flag in ("set", "set-string", "set-literal"):
        for text in flags.get(flag, ()):
            pairs = [text] if flag == "set-literal" else re.split(r"(?<!\\),", text)
            for pair in pairs:
                key, eq, value = pair.partition("=")
                if eq and key.rsplit(".", 1)[-1].split("[", 1)[0].lower() in _COUNT_KEYS:
                    counts.append(
                        value if flag != "set" or not value.lstrip("-").isdigit() else int(value)
                    )
    for text in flags.get("set-json", ()):
        key, eq, value = text.partition("=")
        if not eq:
            continue
        try:
            parsed = json.loads(value)
        except ValueError:
            return f"--set-json {key}: the value is not JSON"
        if key.rsplit(".", 1)[-1].lower() in _COUNT_KEYS:
            counts.append(parsed)
        else:
            _walk_counts(parsed, counts)
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
