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


# helm's own flags for each command it has (`helm CMD --help`, helm 3): long name ->
# (short letter or "", takes a value). Reads, and the writes whose dry run could be a
# read, are parsed against exactly these; a flag outside them is refused.
_FlagTable = dict[str, tuple[str, bool]]
_HELM_GLOBAL: _FlagTable = {
    "namespace": ("n", True),
    "kubeconfig": ("", True),
    "kube-context": ("", True),
    "kube-apiserver": ("", True),
    "kube-token": ("", True),
    "kube-as-user": ("", True),
    "kube-as-group": ("", True),
    "kube-ca-file": ("", True),
    "kube-tls-server-name": ("", True),
    "kube-insecure-skip-tls-verify": ("", False),
    "burst-limit": ("", True),
    "qps": ("", True),
    "registry-config": ("", True),
    "repository-config": ("", True),
    "repository-cache": ("", True),
    "debug": ("", False),
    "help": ("h", False),
}
_OUT: _FlagTable = {"output": ("o", True)}
_REV: _FlagTable = {"revision": ("", True)}
_CHART_SOURCE: _FlagTable = {
    "ca-file": ("", True),
    "cert-file": ("", True),
    "key-file": ("", True),
    "keyring": ("", True),
    "insecure-skip-tls-verify": ("", False),
    "pass-credentials": ("", False),
    "password": ("", True),
    "username": ("", True),
    "plain-http": ("", False),
    "repo": ("", True),
    "verify": ("", False),
    "version": ("", True),
    "devel": ("", False),
}
_INSTALL: _FlagTable = {
    **_CHART_SOURCE,
    **_OUT,
    "atomic": ("", False),
    "create-namespace": ("", False),
    "dependency-update": ("", False),
    "description": ("", True),
    "disable-openapi-validation": ("", False),
    "dry-run": ("", True),
    "enable-dns": ("", False),
    "force": ("", False),
    "hide-notes": ("", False),
    "hide-secret": ("", False),
    "labels": ("l", True),
    "no-hooks": ("", False),
    "post-renderer": ("", True),
    "post-renderer-args": ("", True),
    "render-subchart-notes": ("", False),
    "set": ("", True),
    "set-file": ("", True),
    "set-json": ("", True),
    "set-literal": ("", True),
    "set-string": ("", True),
    "skip-crds": ("", False),
    "skip-schema-validation": ("", False),
    "take-ownership": ("", False),
    "timeout": ("", True),
    "values": ("f", True),
    "wait": ("", False),
    "wait-for-jobs": ("", False),
}
HELM_FLAGS: dict[str, _FlagTable] = {
    "list": {
        **_OUT,
        "all": ("a", False),
        "all-namespaces": ("A", False),
        "date": ("d", False),
        "deployed": ("", False),
        "failed": ("", False),
        "filter": ("f", True),
        "max": ("m", True),
        "no-headers": ("", False),
        "offset": ("", True),
        "pending": ("", False),
        "reverse": ("r", False),
        "selector": ("l", True),
        "short": ("q", False),
        "superseded": ("", False),
        "time-format": ("", True),
        "uninstalled": ("", False),
        "uninstalling": ("", False),
    },
    "status": {**_OUT, **_REV, "show-desc": ("", False), "show-resources": ("", False)},
    "history": {**_OUT, "max": ("", True)},
    "get all": {**_REV, "template": ("", True)},
    "get values": {**_OUT, **_REV, "all": ("a", False)},
    "get manifest": {**_REV},
    "get notes": {**_REV},
    "get hooks": {**_REV},
    "get metadata": {**_OUT, **_REV},
    "version": {"short": ("", False), "template": ("", True)},
    "env": {},
    "help": {},
    "completion": {"no-descriptions": ("", False)},
    "search repo": {
        **_OUT,
        "devel": ("", False),
        "fail-on-no-result": ("", False),
        "max-col-width": ("", True),
        "regexp": ("r", False),
        "version": ("", True),
        "versions": ("l", False),
    },
    "search hub": {
        **_OUT,
        "endpoint": ("", True),
        "fail-on-no-result": ("", False),
        "list-repo-url": ("", False),
        "max-col-width": ("", True),
    },
    "repo list": {**_OUT},
    "plugin list": {},
    "upgrade": {
        **_INSTALL,
        "install": ("i", False),
        "cleanup-on-fail": ("", False),
        "history-max": ("", True),
        "reset-values": ("", False),
        "reuse-values": ("", False),
        "reset-then-reuse-values": ("", False),
    },
    "install": {
        **_INSTALL,
        "generate-name": ("g", False),
        "name-template": ("", True),
        "replace": ("", False),
    },
    "rollback": {
        "cleanup-on-fail": ("", False),
        "dry-run": ("", True),
        "force": ("", False),
        "history-max": ("", True),
        "no-hooks": ("", False),
        "recreate-pods": ("", False),
        "timeout": ("", True),
        "wait": ("", False),
        "wait-for-jobs": ("", False),
    },
    "uninstall": {
        "cascade": ("", True),
        "description": ("", True),
        "dry-run": ("", True),
        "ignore-not-found": ("", False),
        "keep-history": ("", False),
        "no-hooks": ("", False),
        "timeout": ("", True),
        "wait": ("", False),
    },
}
# flags with a value of their own when given bare (`--dry-run` alone is a client dry run)
_BARE = frozenset({"dry-run"})
_EXACT: dict[str, FlagSpec] = {}


def exact_spec(command: str) -> FlagSpec:
    """The positive grammar of one helm command ("list", "get values", "upgrade")."""
    spec = _EXACT.get(command)
    if spec is None:
        table = {**_HELM_GLOBAL, **HELM_FLAGS[command]}
        short = {letter: (name, takes) for name, (letter, takes) in table.items() if letter}
        switches = frozenset(name for name, (_, takes) in table.items() if not takes)
        values = frozenset(table) - switches
        spec = FlagSpec(short, values, switches | (values & _BARE), long_switch=switches)
        _EXACT[command] = spec
    return spec


# verbs that read a chart from this machine's disk and print it back
_LOCAL_CHART_VERBS = frozenset(
    {"template", "lint", "verify", "show", "inspect", "package", "dependency", "dep"}
)


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
    words = tokens[1:verb_i] + tokens[verb_i + 1 :]
    command = _CANONICAL_VERB.get(verb, verb)
    first: list[str] = []
    try:
        args = parse(words, spec)
        if verb in _SUBS or verb == "search":
            first = args.positionals[:1]
            command = f"{command} {first[0]}" if first else command
        if command == "search hub":
            return forbid("helm search hub asks Artifact Hub on the internet; use helm search repo")
        if command in HELM_FLAGS:
            args = parse(words, exact_spec(command))
            if " " in command and args.positionals[:1] != first:
                return forbid(f"helm {verb}: put the subcommand right after {verb!r}")
        elif verb in _READ and verb not in _LOCAL_CHART_VERBS:
            return forbid(f"helm {command} is not available; read with helm list, status or get")
    except FlagError as err:
        return forbid(
            f"helm {command}: {err.reason}; only the flags helm itself lists for this command "
            "are available"
        )
    for name in args.flags:
        if name in _IDENTITY:
            return forbid(
                f"--{name} changes helm's identity, target cluster or configuration; the run's context is fixed"
            )
    if "post-renderer" in args.flags:
        return forbid("--post-renderer runs a program on this machine; drop it")
    if verb in _LOCAL_CHART_VERBS and tokens[verb_i + 1 : verb_i + 2] != ["help"]:
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
        dry = is_dry_run(args.last("dry-run"))
        if not reads_files and dry and full_verb in ("rollback", "uninstall"):
            return Outcome(READ, f"read-only: helm {full_verb} --dry-run changes nothing", facts)
        if dry and full_verb in ("upgrade", "install"):
            # helm looks for CHART as a path on this machine first, then in repositories,
            # and the dry run prints the chart it rendered: a read of local files
            return Outcome(
                WRITE,
                f"write: helm {full_verb} --dry-run renders CHART, which helm reads from a path "
                "on the machine running AOI when one exists, and prints it back",
                facts,
            )
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
