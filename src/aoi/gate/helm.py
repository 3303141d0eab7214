"""The helm grammar: releases are read with list/status/get/history, changed with upgrade/rollback."""

from __future__ import annotations

from aoi.gate.facts import READ, WRITE, Facts, Outcome, forbid
from aoi.gate.flags import FlagError, FlagSpec, is_dry_run, parse, words

_IDENTITY = frozenset(
    {
        "kubeconfig",
        "kube-context",
        "kube-apiserver",
        "kube-token",
        "kube-as-user",
        "kube-as-group",
        "kube-ca-file",
        "kube-tls-server-name",
        "kube-insecure-skip-tls-verify",
        "registry-config",
        "repository-config",
        "repository-cache",
    }
)
_GLOBAL_VALUE = frozenset(
    {"namespace", "burst-limit", "qps"} | _IDENTITY - {"kube-insecure-skip-tls-verify"}
)
_LONG_VALUE = _GLOBAL_VALUE | words(
    """
    set set-string set-file set-json set-literal values version timeout output revision max
    description post-renderer post-renderer-args repo username password ca-file cert-file
    key-file filter selector history-max offset time-format name-template label labels
    """
)
_SHORT: dict[str, tuple[str, bool]] = {
    "n": ("namespace", True),
    "f": ("values", True),
    "o": ("output", True),
    "l": ("selector", True),
    "i": ("install", False),
    "A": ("all-namespaces", False),
    "a": ("all", False),
    "q": ("short", False),
    "h": ("help", False),
}
_SPEC = FlagSpec(_SHORT, _LONG_VALUE, frozenset({"dry-run"}))
_LIST_SPEC = FlagSpec(
    {
        **_SHORT,
        "f": ("filter", True),
        "m": ("max", True),
        "d": ("date", False),
        "r": ("reverse", False),
    },
    _LONG_VALUE,
)

_READ = frozenset(
    {
        "list",
        "ls",
        "status",
        "history",
        "hist",
        "version",
        "env",
        "template",
        "lint",
        "verify",
        "search",
        "completion",
        "help",
    }
)
_WRITE = frozenset(
    {
        "upgrade",
        "rollback",
        "install",
        "uninstall",
        "delete",
        "del",
        "un",
        "test",
        "pull",
        "fetch",
        "create",
        "package",
    }
)
_SUBS: dict[str, dict[str, str]] = {
    "get": {s: "read" for s in ("all", "values", "manifest", "notes", "hooks", "metadata")},
    "show": {s: "read" for s in ("all", "chart", "values", "readme", "crds")},
    "inspect": {s: "read" for s in ("all", "chart", "values", "readme")},
    "repo": {
        "list": "read",
        "ls": "read",
        "add": "write",
        "update": "write",
        "up": "write",
        "remove": "write",
        "rm": "write",
        "index": "write",
    },
    "dependency": {
        "list": "read",
        "ls": "read",
        "build": "write",
        "update": "write",
        "up": "write",
    },
    "dep": {"list": "read", "ls": "read", "build": "write", "update": "write", "up": "write"},
    "plugin": {"list": "read", "ls": "read"},
}
_NO_NAMESPACE = frozenset(
    {
        "version",
        "env",
        "template",
        "lint",
        "verify",
        "search",
        "completion",
        "help",
        "show",
        "inspect",
        "repo",
        "dependency",
        "dep",
        "plugin",
        "pull",
        "fetch",
        "create",
        "package",
    }
)
_CANONICAL_VERB = {
    "ls": "list",
    "hist": "history",
    "delete": "uninstall",
    "del": "uninstall",
    "un": "uninstall",
    "fetch": "pull",
}


# verbs that read a chart from this machine's disk and print it back
_LOCAL_CHART_VERBS = frozenset({"template", "lint", "verify", "show", "inspect", "package"})


def classify_helm(tokens: list[str]) -> Outcome:
    """Classify one `helm ...` token list."""
    verb_i = _find_verb(tokens)
    if verb_i < 0:
        return forbid("give helm a verb, for example: helm list -n NAMESPACE")
    verb = tokens[verb_i]
    if verb in ("push", "registry", "plugin") and not (
        verb == "plugin" and tokens[verb_i + 1 : verb_i + 2] in (["list"], ["ls"])
    ):
        return forbid(f"helm {verb} changes registries or plugins; that is for a person to do")
    if verb not in _READ and verb not in _WRITE and verb not in _SUBS:
        return forbid(
            f"unknown helm verb {verb!r}; read with helm list, status, get values or history"
        )
    spec = _LIST_SPEC if verb in ("list", "ls") else _SPEC
    try:
        args = parse(tokens[1:verb_i] + tokens[verb_i + 1 :], spec)
    except FlagError as err:
        return forbid(f"helm {verb}: {err.reason}")
    for name in args.flags:
        if name in _IDENTITY:
            return forbid(
                f"--{name} changes helm's identity, target cluster or configuration; the run's context is fixed"
            )
    if "post-renderer" in args.flags:
        return forbid("--post-renderer runs a program on this machine; drop it")
    if verb in _LOCAL_CHART_VERBS:
        return forbid(
            f"helm {verb} reads chart files on the machine AOI runs on; read the release in the "
            "cluster with helm get values, helm get manifest or helm status"
        )
    positionals = args.positionals
    full_verb = _CANONICAL_VERB.get(verb, verb)
    kind = READ if verb in _READ else WRITE
    subs = _SUBS.get(verb)
    if subs is not None:
        sub = positionals[0] if positionals else ""
        sub_kind = subs.get(sub)
        if sub_kind is None:
            return forbid(f"helm {verb} needs one of: {', '.join(subs)}")
        full_verb = f"{verb} {sub}"
        positionals = positionals[1:]
        kind = READ if sub_kind == "read" else WRITE
    all_ns = args.on("all-namespaces")
    facts = Facts(
        tool="helm",
        verb=full_verb,
        names=tuple(positionals[:1]),
        args=tuple(positionals[1:]),
        flags=args.flags,
        namespace=args.last("namespace") or None,
        all_namespaces=all_ns,
        namespaced=verb not in _NO_NAMESPACE,
    )
    reads_files = any(
        name in args.flags for name in ("values", "set-file", "ca-file", "cert-file", "key-file")
    )
    if kind is WRITE:
        if (
            not reads_files
            and is_dry_run(args.last("dry-run"))
            and full_verb in ("upgrade", "install", "rollback", "uninstall")
        ):
            return Outcome(READ, f"read-only: helm {full_verb} --dry-run changes nothing", facts)
        if all_ns:
            return forbid(
                f"helm {full_verb} across all namespaces is not allowed; name one with -n"
            )
        release = positionals[0] if positionals else "?"
        return Outcome(WRITE, f"write: helm {full_verb} changes release {release}", facts)
    return Outcome(READ, f"read-only: helm {full_verb}", facts)


def _find_verb(tokens: list[str]) -> int:
    i = 1
    while i < len(tokens):
        tok = tokens[i]
        if not tok.startswith("-") or tok == "-":
            return i
        if tok == "--":
            return -1
        if tok.startswith("--"):
            if "=" not in tok and tok[2:] in _GLOBAL_VALUE:
                i += 1
        elif tok == "-n":
            i += 1
        i += 1
    return -1
