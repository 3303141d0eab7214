"""The kubectl grammar: verbs, flags and objects, classified READ / WRITE / FORBIDDEN."""

from __future__ import annotations

import re

from aoi.gate.facts import FORBIDDEN, READ, WRITE, Facts, Outcome, forbid
from aoi.gate.flags import GO_FALSE, Args, FlagError, FlagSpec, is_dry_run, parse, words
from aoi.gate.inner import classify_inner
from aoi.gate.resources import CLUSTER_SCOPED, canonical
from aoi.kube.flags import BARE_DEFAULTS, GLOBAL_FLAGS, VERB_FLAGS, FlagTable, parse_go_duration

MAX_WAIT_S = 300
"""Longest a read may wait for something to happen (kubectl wait, rollout status)."""

# Flags that change who kubectl is or which cluster it talks to.
IDENTITY_FLAGS = words(
    """
    kubeconfig context cluster server token as as-group as-uid user username password
    insecure-skip-tls-verify certificate-authority client-certificate client-key
    tls-server-name cache-dir kuberc
    """
)

_GLOBAL_VALUE = words(
    """
    namespace kubeconfig context cluster server token as as-group as-uid user username
    password certificate-authority client-certificate client-key tls-server-name cache-dir
    request-timeout v vmodule log-dir log-file log-file-max-size log-flush-frequency
    profile profile-output kuberc log-backtrace-at stderrthreshold
    """
)
_GLOBAL_SHORT_VALUE = frozenset("nsv")

_LONG_VALUE = _GLOBAL_VALUE | words(
    """
    output selector field-selector filename kustomize container containers patch
    patch-file type template sort-by label-columns chunk-size since since-time tail
    limit-bytes max-log-requests pod-running-timeout replicas current-replicas
    resource-version timeout grace-period image port target-port protocol name env
    requests limits overrides field-manager subresource to-revision revision raw for types
    min max cpu-percent pod-selector from from-literal from-file from-env-file keys
    external-ip load-balancer-ip session-affinity cluster-ip labels restart
    image-pull-policy serviceaccount schedule output-directory namespaces prune-allowlist
    selector-label resource cert key
    """
)
_OPTIONAL = frozenset({"dry-run", "validate", "cascade"})
# flags whose values name files on the machine kubectl runs on
_FILE_INPUTS = frozenset(
    ("filename", "kustomize", "from-file", "from-env-file", "patch-file", "cert", "key")
)
# flags that make kubectl write files on the machine it runs on
_FILE_OUTPUTS = {
    "log-file": "writes kubectl's log to a file",
    "log-dir": "writes kubectl's logs into a directory",
    "profile": "writes a profile to a file",
    "profile-output": "writes a profile to a file",
    "output-directory": "writes files",
    "log-file-max-size": "belongs to --log-file",
    "alsologtostderr": "belongs to file logging",
    "logtostderr": "belongs to file logging",
    "one-output": "belongs to file logging",
    "skip-log-headers": "belongs to file logging",
}

_SHORT: dict[str, tuple[str, bool]] = {
    "n": ("namespace", True),
    "o": ("output", True),
    "l": ("selector", True),
    "f": ("filename", True),
    "c": ("container", True),
    "p": ("patch", True),
    "k": ("kustomize", True),
    "L": ("label-columns", True),
    "s": ("server", True),
    "v": ("v", True),
    "e": ("env", True),
    "r": ("replicas", True),
    "A": ("all-namespaces", False),
    "w": ("watch", False),
    "i": ("stdin", False),
    "t": ("tty", False),
    "q": ("quiet", False),
    "h": ("help", False),
    "R": ("recursive", False),
}

_SPEC = FlagSpec(_SHORT, _LONG_VALUE, _OPTIONAL)
# Flags older kubectl releases (klog) and newer ones (kuberc) know: parsed so that the
# refusal can say what they do (they write files or change the configuration).
_REFUSED_KNOWN: FlagTable = {
    "log-file": ("", "s"),
    "log-dir": ("", "s"),
    "log-file-max-size": ("", "s"),
    "log-backtrace-at": ("", "s"),
    "stderrthreshold": ("", "s"),
    "alsologtostderr": ("", "b"),
    "logtostderr": ("", "b"),
    "one-output": ("", "b"),
    "skip-log-headers": ("", "b"),
    "add-dir-header": ("", "b"),
    "skip-headers": ("", "b"),
    "kuberc": ("", "s"),
}
_EXACT_SPECS: dict[str, FlagSpec] = {}


def exact_spec(command: str) -> FlagSpec:
    """The positive grammar of one kubectl command ("get", "rollout status", "top pod").

    Built from the one flag table (aoi.kube.flags.VERB_FLAGS) with kubectl's global
    flags: a flag outside it is an error, booleans take `=VALUE` only, and a flag
    with a bare default (`--dry-run`) never swallows the next word.
    """
    spec = _EXACT_SPECS.get(command)
    if spec is None:
        table = {**_REFUSED_KNOWN, **GLOBAL_FLAGS, "help": ("h", "b"), **VERB_FLAGS[command]}
        short = {letter: (name, kind != "b") for name, (letter, kind) in table.items() if letter}
        switches = frozenset(name for name, (_, kind) in table.items() if kind == "b")
        values = frozenset(table) - switches
        spec = FlagSpec(
            short, values, switches | (values & BARE_DEFAULTS.keys()), long_switch=switches
        )
        _EXACT_SPECS[command] = spec
    return spec


def _table_name(verb: str, positionals: list[str]) -> str:
    """Which flag table applies: the subcommand's own where it has one, else the verb's."""
    if verb == "top":
        first = positionals[0] if positionals else "pod"
        return "top node" if canonical(first) == "node" else "top pod"
    if positionals:
        sub = f"{verb} {positionals[0]}"
        if sub in VERB_FLAGS:
            return sub
    return verb


# verbs whose subcommands (if any) share the verb's own flag table
_ONE_TABLE = frozenset(
    verb
    for verb in VERB_FLAGS
    if " " not in verb and verb != "top" and not any(k.startswith(verb + " ") for k in VERB_FLAGS)
)

_LOGS_SPEC = FlagSpec(
    {**_SHORT, "f": ("follow", False), "p": ("previous", False)},
    _LONG_VALUE - {"prefix"},
    _OPTIONAL,
)
_TOP_SPEC = FlagSpec(_SHORT, _LONG_VALUE - {"containers"}, _OPTIONAL)
_SET_SPEC = FlagSpec({**_SHORT, "c": ("containers", True)}, _LONG_VALUE | {"prefix"}, _OPTIONAL)
_SPECS = {"logs": _LOGS_SPEC, "top": _TOP_SPEC, "set": _SET_SPEC}

_READ_VERBS = words(
    """
    get describe logs top explain api-resources api-versions version events diff wait
    completion options help
    """
)
_WRITE_VERBS = words(
    """
    apply patch scale delete create label annotate taint cordon uncordon drain replace
    autoscale expose run
    """
)
_FORBIDDEN_VERBS = {
    "edit": "kubectl edit opens an editor; use kubectl patch or kubectl apply instead",
    "port-forward": "kubectl port-forward starts a long-running listener; query the service from inside a pod with kubectl exec instead",
    "proxy": "kubectl proxy starts a long-running listener; use kubectl get --raw for API paths",
    "attach": "kubectl attach is interactive; use kubectl logs to read a container's output",
    "cp": "kubectl cp copies files between this machine and a pod; read a file with kubectl exec POD -- cat FILE",
    "debug": "kubectl debug creates debugging containers or node pods; use kubectl describe, logs and exec instead",
    "alpha": "kubectl alpha commands are not available",
    "certificate": "kubectl certificate approves credentials; that is for a person to do",
    "kustomize": "kubectl kustomize reads directories on the machine AOI runs on; read the objects in the cluster instead",
}
_NO_NAMESPACE_VERBS = words(
    """
    explain api-resources api-versions version cluster-info config completion options help
    plugin kustomize cordon uncordon drain
    """
)
_SUBVERBS: dict[str, dict[str, str]] = {
    "rollout": {
        "status": "read",
        "history": "read",
        "restart": "write",
        "undo": "write",
        "pause": "write",
        "resume": "write",
    },
    "set": {
        "image": "write",
        "env": "write",
        "resources": "write",
        "selector": "write",
        "serviceaccount": "write",
        "sa": "write",
        "subject": "write",
    },
    "auth": {"can-i": "read", "whoami": "read", "reconcile": "write"},
    "config": {
        "view": "read",
        "current-context": "read",
        "get-contexts": "read",
        "get-clusters": "read",
        "get-users": "read",
    },
    "plugin": {"list": "read"},
    "cluster-info": {"dump": "read"},
}
_OUTPUT_FROM_FILE = ("jsonpath-file", "go-template-file", "custom-columns-file", "template-file")
_MANIFEST_SUFFIXES = (".yaml", ".yml", ".json", "/")
_NON_RESOURCE_RAW = ("/healthz", "/livez", "/readyz", "/version", "/metrics", "/openapi")


_RAW_QUERY = frozenset(
    {
        "limit",
        "labelSelector",
        "fieldSelector",
        "continue",
        "pretty",
        "tailLines",
        "container",
        "timestamps",
        "previous",
        "sinceSeconds",
        "limitBytes",
        "resourceVersion",
    }
)
# API paths a plain GET may read: discovery, health, and objects with their status and logs
_RAW_PATH = re.compile(
    r"/(?:healthz|livez|readyz)(?:/[\w-]+)?|/version|/metrics|/openapi/v[23](?:/[\w./-]*)?"
    r"|/api(?:/v1)?|/apis(?:/[\w.-]+(?:/v[\w]+)?)?"
    r"|/(?:api/v1|apis/[\w.-]+/v\w+)(?:/namespaces/[a-z0-9][-a-z0-9]*)?"
    r"(?:/[a-z][a-z0-9]*(?:/[a-z0-9][-a-z0-9.]*(?:/(?:status|log|scale))?)?)?"
)
_RAW_FORBIDDEN_SEGMENTS = frozenset(
    {
        "proxy",
        "exec",
        "attach",
        "portforward",
        "eviction",
        "binding",
        "token",
        "ephemeralcontainers",
    }
)


def raw_path_problem(raw: str) -> str | None:
    """Why `get --raw PATH` is not a bounded read of the API, or None."""
    path, _, query = raw.partition("?")
    segments = path.split("/")
    if any(s in _RAW_FORBIDDEN_SEGMENTS for s in segments):
        return (
            "--raw through proxy, exec or token paths reaches programs, not the API; "
            "read objects with kubectl get and query services from a pod"
        )
    if "." in segments or ".." in segments or "//" in path or _RAW_PATH.fullmatch(path) is None:
        return (
            f"--raw {path!r} is not a read path the gate knows; use /api/v1/namespaces/NS/KIND[/NAME], "
            "/apis/GROUP/VERSION/..., /healthz, /readyz, /livez, /version or /metrics"
        )
    for pair in query.split("&") if query else ():
        key, _, value = pair.partition("=")
        if key in ("watch", "follow"):
            if value in GO_FALSE:
                continue
            return f"--raw with {key}= never ends; drop it"
        if key not in _RAW_QUERY:
            return f"--raw query parameter {key!r} is not available"
    if path.endswith("/log") and "/pods/" not in path:
        return "--raw .../log paths are only available for pods"
    return None


_HELP = "; only the flags kubectl itself lists for this command are available"


def _table_or_verb(verb: str, words: list[str]) -> str:
    try:
        return _table_name(verb, parse(words, _SPECS.get(verb, _SPEC)).positionals)
    except FlagError:
        return verb


def _find_verb(tokens: list[str]) -> int:
    """Index of the first positional after kubectl's global flags, or -1."""
    i = 1
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        if tok == "--" or not tok.startswith("-") or tok == "-":
            return i if tok != "--" else -1
        if tok.startswith("--"):
            if "=" not in tok and tok[2:] in _GLOBAL_VALUE:
                i += 1
        elif len(tok) == 2 and tok[1] in _GLOBAL_SHORT_VALUE:
            i += 1
        i += 1
    return -1


def _objects(
    positionals: list[str],
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Split positionals into (kinds, names, other args) the way kubectl reads them."""
    if not positionals:
        return (), (), ()
    kinds: list[str] = []
    names: list[str] = []
    rest: list[str] = []
    first = positionals[0]
    if len(positionals) == 1 and "/" not in first and "," not in first:
        return ((canonical(first),) if first else ()), (), ()
    if "/" in first:
        for p in positionals:
            if "/" in p and "=" not in p:
                kind, _, name = p.partition("/")
                kinds.append(canonical(kind))
                names.append(name)
            else:
                rest.append(p)
    else:
        kinds.extend(canonical(k) for k in first.split(",") if k)
        for p in positionals[1:]:
            if "=" in p or p.endswith("-"):
                rest.append(p)
            else:
                names.append(p)
    return tuple(dict.fromkeys(kinds)), tuple(names), tuple(rest)


def classify_kubectl(tokens: list[str]) -> Outcome:
    """Classify one `kubectl ...` token list."""
    vi = _find_verb(tokens)
    if vi < 0:
        if any(t in ("-h", "--help") for t in tokens[1:]):
            return Outcome(READ, "kubectl help", Facts("kubectl", "help", namespaced=False))
        return forbid("give kubectl a verb, for example: kubectl get pods -n NAMESPACE")
    verb = tokens[vi]
    reason = _FORBIDDEN_VERBS.get(verb)
    if reason is not None:
        return forbid(reason)
    if verb == "exec":
        return _exec(tokens, vi)
    if verb not in _READ_VERBS and verb not in _WRITE_VERBS and verb not in _SUBVERBS:
        return forbid(
            f"unknown kubectl verb {verb!r} (plugins are not allowed); "
            "read with get, describe, logs, top or events"
        )
    words = tokens[1:vi] + tokens[vi + 1 :]
    try:
        if verb in _ONE_TABLE:
            # no subcommand has a table of its own: parse once, with the verb's
            args = parse(words, exact_spec(verb))
        else:
            args = parse(words, _SPECS.get(verb, _SPEC))
            table = _table_name(verb, args.positionals)
            if table not in VERB_FLAGS:
                return forbid(f"kubectl {table} is not available")
            first = args.positionals[:1]
            args = parse(words, exact_spec(table))
            if table != verb and args.positionals[:1] != first:
                return forbid(f"kubectl {verb}: put the subcommand right after {verb!r}")
    except FlagError as err:
        return forbid(f"kubectl {_table_or_verb(verb, words)}: {err.reason}{_HELP}")
    problem = _flag_problem(verb, args)
    if problem is not None:
        return forbid(problem)

    # Words after `--` are still objects to kubectl, so they are matched too.
    positionals = args.positionals + (args.rest or [])
    full_verb = verb
    kind = READ if verb in _READ_VERBS else WRITE
    subs = _SUBVERBS.get(verb)
    if subs is not None:
        sub = positionals[0] if positionals else ""
        sub_kind = subs.get(sub)
        if sub_kind is None:
            if verb == "cluster-info" and not sub:
                sub_kind = "read"
            elif verb == "config":
                return forbid(
                    f"kubectl config {sub} changes identity or target; only view, "
                    "current-context and get-contexts are allowed"
                )
            else:
                choices = ", ".join(subs)
                return forbid(f"kubectl {verb} needs one of: {choices}")
        if sub:
            full_verb = f"{verb} {sub}"
            positionals = positionals[1:]
        kind = READ if sub_kind == "read" else WRITE

    problem = wait_problem(full_verb, args)
    if problem is not None:
        return forbid(problem)
    resources, names, rest = _resources_for(verb, full_verb, positionals)
    ns = args.last("namespace") or None
    all_ns = args.on("all-namespaces")
    facts = Facts(
        tool="kubectl",
        verb=full_verb,
        resources=resources,
        names=names,
        args=rest,
        flags=args.flags,
        namespace=ns,
        all_namespaces=all_ns,
        namespaced=_is_namespaced(verb, full_verb, resources),
    )

    raw = args.last("raw")
    if raw is not None:
        if verb != "get":
            return forbid("--raw is allowed only with kubectl get (a plain GET)")
        problem = raw_path_problem(raw)
        if problem is not None:
            return forbid(problem)
        facts.raw_path = raw
        facts.namespaced = not raw.startswith(_NON_RESOURCE_RAW)
        return Outcome(READ, f"read-only: kubectl get --raw {raw}", facts)

    if full_verb == "config view" and (args.on("raw") or args.on("flatten")):
        return forbid("kubectl config view --raw/--flatten prints credentials; drop the flag")
    if full_verb == "cluster-info dump" and args.has("output-directory"):
        return forbid(
            "kubectl cluster-info dump --output-directory writes files; print to stdout instead"
        )
    if full_verb == "set env" and args.on("list") and not args.has("env"):
        return Outcome(READ, "read-only: kubectl set env --list prints the environment", facts)
    if full_verb == "apply" and positionals[:1] == ["view-last-applied"]:
        return Outcome(READ, "read-only: kubectl apply view-last-applied", facts)
    if full_verb == "apply" and positionals[:1] == ["edit-last-applied"]:
        return forbid("kubectl apply edit-last-applied opens an editor; use kubectl apply -f FILE")

    reads_files = not _FILE_INPUTS.isdisjoint(args.flags)
    if kind is WRITE and ("from-file" in args.flags or "from-env-file" in args.flags):
        return forbid(
            f"kubectl {full_verb} --from-file would copy files of the machine AOI runs on into the "
            "cluster; give the data with --from-literal KEY=VALUE"
        )
    if kind is WRITE:
        # a dry run is a read, unless it reads local files (they would be printed back)
        if is_dry_run(args.last("dry-run")) and not reads_files:
            return Outcome(
                READ, f"read-only: kubectl {full_verb} with --dry-run changes nothing", facts
            )
        if all_ns:
            return Outcome(
                FORBIDDEN,
                f"kubectl {full_verb} across all namespaces (-A) is not allowed; name one namespace with -n",
                facts,
            )
        if verb == "delete" and args.on("all") and not names:
            what = f"every {resources[0]}" if resources else "everything"
            return Outcome(
                WRITE,
                f"write: kubectl delete --all removes {what} in the namespace; name the objects instead",
                facts,
            )
        target = " ".join(resources) if resources else "objects from files"
        return Outcome(WRITE, f"write: kubectl {full_verb} changes {target}", facts)
    if reads_files:
        return forbid(
            f"kubectl {full_verb} with a local file (-f/-k/--from-file) would read files on the "
            "machine AOI runs on; name the objects in the cluster instead"
        )
    what = f" [{', '.join(resources)}]" if resources and verb != "auth" else ""
    return Outcome(READ, f"read-only: kubectl {full_verb}{what}", facts)


def wait_problem(command: str, args: Args) -> str | None:
    """Why the command may wait without end (or longer than MAX_WAIT_S), or None.

    `kubectl wait` waits --timeout (30s by default; a negative one is a week);
    `rollout status` watches until the rollout ends unless --watch=false or a
    --timeout bounds it; --pod-running-timeout waits for a pod to start.
    """
    flags = args.flags
    if (
        command != "rollout status"
        and "timeout" not in flags
        and "pod-running-timeout" not in flags
    ):
        return None
    bound = f"at most {MAX_WAIT_S}s"
    for flag in ("timeout", "pod-running-timeout"):
        text = args.last(flag)
        if text is None or "\x00" in text:
            continue  # a computed value is judged again, as its value, when it runs
        if flag == "timeout" and command not in ("wait", "rollout status"):
            continue
        seconds = parse_go_duration(text)
        if seconds is None:
            return f"--{flag}={text} is not a duration; write it as 30s, 2m or 1m30s"
        if seconds < 0 and command == "wait":
            return f"kubectl wait --timeout={text} waits a week; give a timeout of {bound}"
        if seconds > MAX_WAIT_S:
            return f"--{flag}={text} waits too long; give a timeout of {bound}"
    if command == "rollout status":
        watching = args.last("watch") is None or args.on("watch")
        timeout = parse_go_duration(args.last("timeout") or "0")
        if watching and not timeout:
            return (
                "kubectl rollout status watches until the rollout ends, without a bound; "
                f"add --timeout=60s ({bound}) or --watch=false"
            )
    return None


def _resources_for(
    verb: str, full_verb: str, positionals: list[str]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    if verb in ("cordon", "uncordon", "drain"):
        return ("node",), tuple(positionals), ()
    if verb == "logs":
        if positionals and "/" in positionals[0]:
            kinds, names, _ = _objects(positionals[:1])
            return kinds, names, tuple(positionals[1:])
        return ("pod",), tuple(positionals[:1]), tuple(positionals[1:])
    if verb == "top":
        kind = canonical(positionals[0]) if positionals else "pod"
        return (kind,), tuple(positionals[1:]), ()
    if verb == "create" and positionals:
        sub = canonical(positionals[0])
        after = positionals[2:] if sub == "secret" else positionals[1:]
        return (sub,), tuple(after[:1]), tuple(after[1:])
    if verb == "auth" or full_verb in ("explain",):
        return (), (), tuple(positionals)
    if verb in ("version", "api-resources", "api-versions", "completion", "options", "help"):
        return (), (), tuple(positionals)
    return _objects(positionals)


def _is_namespaced(verb: str, full_verb: str, resources: tuple[str, ...]) -> bool:
    if verb in _NO_NAMESPACE_VERBS or full_verb == "auth whoami":
        return False
    return not (resources and CLUSTER_SCOPED.issuperset(resources))


# the flags _flag_problem looks at: a command with none of them has no flag problem
_REFUSED_FLAGS = frozenset(_FILE_OUTPUTS) | IDENTITY_FLAGS
_CHECKED_FLAGS = _REFUSED_FLAGS | words(
    "follow watch watch-only tty stdin filename output kustomize"
)


def _flag_problem(verb: str, args: Args) -> str | None:
    """A reason to refuse based on flags alone, or None."""
    flags = args.flags
    if _CHECKED_FLAGS.isdisjoint(flags):
        return None
    for name in flags if not _REFUSED_FLAGS.isdisjoint(flags) else ():
        effect = _FILE_OUTPUTS.get(name)
        if effect is not None and not (name == "profile" and args.last(name) == "none"):
            return f"--{name} {effect} on the machine running AOI; drop it"
        if name in IDENTITY_FLAGS:
            return (
                f"--{name} changes kubectl's identity or target cluster; the run's context is fixed"
            )
    on = args.on
    if verb == "logs" and "follow" in flags and on("follow"):
        return "kubectl logs -f never ends; drop -f and use --tail=N or --since=DURATION"
    watching = ("watch" in flags and on("watch")) or ("watch-only" in flags and on("watch-only"))
    if watching and verb != "rollout":
        return f"kubectl {verb} --watch never ends; drop -w and run the command again later"
    if "tty" in flags and on("tty"):
        return "a TTY (-t) is interactive; drop -t/-it"
    if "stdin" in flags and on("stdin") and verb != "exec":
        return "stdin (-i) is not available; drop -i"
    for value in flags.get("filename", ()):
        if value == "-":
            return "-f - reads stdin, which is not available; pass a file path"
        if "://" in value:
            return "manifests must be local files, not URLs"
        if not value.endswith(_MANIFEST_SUFFIXES):
            return "-f takes a manifest: a .yaml, .yml or .json file, or a directory ending in /"
    for value in flags.get("output", ()):
        if value.startswith(_OUTPUT_FROM_FILE):
            return f"-o {value.split('=', 1)[0]} reads a template file; put the template inline"
    if "kustomize" in flags and any("://" in v for v in flags["kustomize"]):
        return "kustomize directories must be local, not URLs"
    return None


def _exec(tokens: list[str], vi: int) -> Outcome:
    dashes = tokens.index("--") if "--" in tokens else -1
    head = tokens[:dashes] if dashes >= 0 else tokens
    try:
        args = parse(head[1:vi] + head[vi + 1 :], exact_spec("exec"))
    except FlagError as err:
        return forbid(f"kubectl exec: {err.reason}{_HELP}")
    problem = _flag_problem("exec", args)
    if problem is not None:
        return forbid(problem)
    problem = wait_problem("exec", args)
    if problem is not None:
        return forbid(problem)
    positionals = args.positionals
    if not positionals:
        return forbid("kubectl exec needs a pod: kubectl exec POD -n NAMESPACE -- COMMAND")
    target = positionals[0]
    if dashes >= 0:
        inner = tokens[dashes + 1 :]
        if len(positionals) > 1:
            return forbid("put only the pod before `--`: kubectl exec POD -- COMMAND")
    else:
        inner = positionals[1:]
    if not inner:
        return forbid(
            "kubectl exec needs a command after `--`; an interactive shell is not available"
        )
    if "/" in target:
        kind, _, name = target.partition("/")
        resources: tuple[str, ...] = (canonical(kind),)
    else:
        resources, name = ("pod",), target
    result = classify_inner(inner)
    facts = Facts(
        tool="kubectl",
        verb="exec",
        resources=resources,
        names=(name,),
        args=tuple(inner),
        flags=args.flags,
        namespace=args.last("namespace") or None,
        all_namespaces=args.on("all-namespaces"),
        program=result.facts.program if result.facts else inner[0],
        writes=result.facts.writes if result.facts else frozenset(),
    )
    if result.kind is FORBIDDEN:
        return Outcome(FORBIDDEN, f"kubectl exec: {result.reason}", facts)
    return Outcome(
        result.kind,
        f"{'read-only' if result.kind is READ else 'write'}: kubectl exec {result.reason}",
        facts,
    )
