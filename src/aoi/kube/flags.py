"""kubectl's command line, parsed the way cobra and pflag parse it.

Flags may come anywhere among the arguments, `--` ends them, long flags take
`--name value` or `--name=value`, short flags take `-n value`, `-nvalue` or
`-n=value`, and short booleans combine (`-it`). Errors carry kubectl's wording.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# A flag's kind: b = boolean, s = string, i = integer, a = repeatable string.
FlagTable = dict[str, tuple[str, str]]  # long name -> (short letter or "", kind)

GLOBAL_FLAGS: FlagTable = {
    "namespace": ("n", "s"),
    "context": ("", "s"),
    "cluster": ("", "s"),
    "kubeconfig": ("", "s"),
    "user": ("", "s"),
    "server": ("s", "s"),
    "token": ("", "s"),
    "as": ("", "s"),
    "as-group": ("", "a"),
    "request-timeout": ("", "s"),
    "v": ("v", "s"),
    "insecure-skip-tls-verify": ("", "b"),
    "match-server-version": ("", "b"),
    "warnings-as-errors": ("", "b"),
    "as-uid": ("", "s"),
    "cache-dir": ("", "s"),
    "certificate-authority": ("", "s"),
    "client-certificate": ("", "s"),
    "client-key": ("", "s"),
    "disable-compression": ("", "b"),
    "log-flush-frequency": ("", "s"),
    "password": ("", "s"),
    "profile": ("", "s"),
    "profile-output": ("", "s"),
    "tls-server-name": ("", "s"),
    "username": ("", "s"),
    "vmodule": ("", "s"),
}

_OUTPUT: FlagTable = {"output": ("o", "s")}
# kubectl's print flags: every command with -o has them, except explain, version and api-resources
_PRINT: FlagTable = {
    **_OUTPUT,
    "template": ("", "s"),
    "allow-missing-template-keys": ("", "b"),
    "show-managed-fields": ("", "b"),
}
_FILES: FlagTable = {"filename": ("f", "a"), "recursive": ("R", "b"), "kustomize": ("k", "s")}
_SELECT: FlagTable = {"selector": ("l", "s"), "field-selector": ("", "s")}
_DRY: FlagTable = {"dry-run": ("", "s"), "field-manager": ("", "s")}

VERB_FLAGS: dict[str, FlagTable] = {
    "get": {
        **_OUTPUT,
        **_FILES,
        **_SELECT,
        "all-namespaces": ("A", "b"),
        "show-labels": ("", "b"),
        "no-headers": ("", "b"),
        "watch": ("w", "b"),
        "watch-only": ("", "b"),
        "sort-by": ("", "s"),
        "label-columns": ("L", "a"),
        "show-kind": ("", "b"),
        "chunk-size": ("", "i"),
        "ignore-not-found": ("", "b"),
        "raw": ("", "s"),
        "template": ("", "s"),
        "show-managed-fields": ("", "b"),
        "subresource": ("", "s"),
        "allow-missing-template-keys": ("", "b"),
        "output-watch-events": ("", "b"),
        "server-print": ("", "b"),
    },
    "describe": {
        **_FILES,
        **_SELECT,
        "all-namespaces": ("A", "b"),
        "show-events": ("", "b"),
        "chunk-size": ("", "i"),
    },
    "logs": {
        "container": ("c", "s"),
        "tail": ("", "i"),
        "previous": ("p", "b"),
        "since": ("", "s"),
        "since-time": ("", "s"),
        "timestamps": ("", "b"),
        "selector": ("l", "s"),
        "follow": ("f", "b"),
        "all-containers": ("", "b"),
        "all-pods": ("", "b"),
        "prefix": ("", "b"),
        "limit-bytes": ("", "i"),
        "max-log-requests": ("", "i"),
        "ignore-errors": ("", "b"),
        "pod-running-timeout": ("", "s"),
        "insecure-skip-tls-verify-backend": ("", "b"),
    },
    "top pod": {
        **_SELECT,
        "all-namespaces": ("A", "b"),
        "containers": ("", "b"),
        "no-headers": ("", "b"),
        "sort-by": ("", "s"),
        "sum": ("", "b"),
        "use-protocol-buffers": ("", "b"),
    },
    "top node": {
        "selector": ("l", "s"),
        "no-headers": ("", "b"),
        "sort-by": ("", "s"),
        "show-capacity": ("", "b"),
        "use-protocol-buffers": ("", "b"),
    },
    "exec": {
        "container": ("c", "s"),
        "stdin": ("i", "b"),
        "tty": ("t", "b"),
        "quiet": ("q", "b"),
        "filename": ("f", "a"),
        "pod-running-timeout": ("", "s"),
    },
    "rollout": {
        "watch": ("w", "b"),
        "timeout": ("", "s"),
        "revision": ("", "i"),
        "to-revision": ("", "i"),
        **_PRINT,
        **_FILES,
        **_SELECT,
        **_DRY,
    },
    "patch": {
        "patch": ("p", "s"),
        "type": ("", "s"),
        "patch-file": ("", "s"),
        "local": ("", "b"),
        "subresource": ("", "s"),
        **_PRINT,
        **_FILES,
        **_DRY,
    },
    "scale": {
        "replicas": ("", "i"),
        "current-replicas": ("", "i"),
        "all": ("", "b"),
        "timeout": ("", "s"),
        "resource-version": ("", "s"),
        **_PRINT,
        **_FILES,
        **_SELECT,
        **_DRY,
    },
    "set": {
        "all": ("", "b"),
        "local": ("", "b"),
        "env": ("e", "a"),
        "from": ("", "s"),
        "keys": ("", "a"),
        "list": ("", "b"),
        "overwrite": ("", "b"),
        "containers": ("c", "s"),
        "resolve": ("", "b"),
        "prefix": ("", "s"),
        "limits": ("", "s"),
        "requests": ("", "s"),
        "resource-version": ("", "s"),
        "group": ("", "a"),
        "serviceaccount": ("", "a"),
        **_PRINT,
        **_FILES,
        **_SELECT,
        **_DRY,
    },
    "delete": {
        **_FILES,
        **_SELECT,
        "all": ("", "b"),
        "all-namespaces": ("A", "b"),
        "force": ("", "b"),
        "grace-period": ("", "i"),
        "now": ("", "b"),
        "wait": ("", "b"),
        "cascade": ("", "s"),
        "ignore-not-found": ("", "b"),
        "timeout": ("", "s"),
        "raw": ("", "s"),
        "interactive": ("i", "b"),
        **_OUTPUT,
        **_DRY,
    },
    "apply": {
        **_FILES,
        **_PRINT,
        **_DRY,
        "selector": ("l", "s"),
        "server-side": ("", "b"),
        "force": ("", "b"),
        "force-conflicts": ("", "b"),
        "prune": ("", "b"),
        "validate": ("", "s"),
        "overwrite": ("", "b"),
        "wait": ("", "b"),
        "all": ("", "b"),
        "cascade": ("", "s"),
        "grace-period": ("", "i"),
        "openapi-patch": ("", "b"),
        "prune-allowlist": ("", "a"),
        "subresource": ("", "s"),
        "timeout": ("", "s"),
    },
    "label": {
        "overwrite": ("", "b"),
        "list": ("", "b"),
        "all": ("", "b"),
        "local": ("", "b"),
        "resource-version": ("", "s"),
        "all-namespaces": ("A", "b"),
        **_PRINT,
        **_FILES,
        **_SELECT,
        **_DRY,
    },
    "create": {
        **_FILES,
        **_PRINT,
        **_DRY,
        "save-config": ("", "b"),
        "validate": ("", "s"),
        "edit": ("", "b"),
        "selector": ("l", "s"),
        "image": ("", "a"),
        "replicas": ("r", "i"),
        "port": ("", "i"),
        "from-literal": ("", "a"),
        "from-file": ("", "a"),
        "from-env-file": ("", "a"),
        "tcp": ("", "a"),
        "type": ("", "s"),
        "from": ("", "s"),
        "append-hash": ("", "b"),
        "raw": ("", "s"),
        "windows-line-endings": ("", "b"),
        "clusterip": ("", "s"),
        # the flags of create's subcommands (secret tls, service nodeport, job, quota, ...)
        "aggregation-rule": ("", "s"),
        "non-resource-url": ("", "a"),
        "resource": ("", "a"),
        "resource-name": ("", "a"),
        "verb": ("", "a"),
        "clusterrole": ("", "s"),
        "group": ("", "a"),
        "serviceaccount": ("", "a"),
        "user": ("", "a"),
        "restart": ("", "s"),
        "schedule": ("", "s"),
        "annotation": ("", "a"),
        "class": ("", "s"),
        "default-backend": ("", "s"),
        "rule": ("", "a"),
        "max-unavailable": ("", "s"),
        "min-available": ("", "s"),
        "description": ("", "s"),
        "global-default": ("", "b"),
        "preemption-policy": ("", "s"),
        "value": ("", "i"),
        "hard": ("", "s"),
        "scopes": ("", "s"),
        "role": ("", "s"),
        "docker-email": ("", "s"),
        "docker-password": ("", "s"),
        "docker-server": ("", "s"),
        "docker-username": ("", "s"),
        "cert": ("", "s"),
        "key": ("", "s"),
        "external-name": ("", "s"),
        "node-port": ("", "i"),
        "audience": ("", "a"),
        "bound-object-kind": ("", "s"),
        "bound-object-name": ("", "s"),
        "bound-object-uid": ("", "s"),
        "duration": ("", "s"),
    },
    "cordon": {**_DRY, "selector": ("l", "s")},
    "drain": {
        **_DRY,
        "selector": ("l", "s"),
        "ignore-daemonsets": ("", "b"),
        "delete-emptydir-data": ("", "b"),
        "force": ("", "b"),
        "grace-period": ("", "i"),
        "timeout": ("", "s"),
        "disable-eviction": ("", "b"),
        "pod-selector": ("", "s"),
        "chunk-size": ("", "i"),
        "skip-wait-for-delete-timeout": ("", "i"),
    },
    "taint": {
        **_DRY,
        **_PRINT,
        "selector": ("l", "s"),
        "overwrite": ("", "b"),
        "all": ("", "b"),
        "validate": ("", "s"),
    },
    "events": {
        **_PRINT,
        "all-namespaces": ("A", "b"),
        "for": ("", "s"),
        "types": ("", "a"),
        "template": ("", "s"),
        "allow-missing-template-keys": ("", "b"),
        "show-managed-fields": ("", "b"),
        "watch": ("w", "b"),
        "no-headers": ("", "b"),
        "chunk-size": ("", "i"),
    },
    "explain": {"recursive": ("", "b"), "api-version": ("", "s"), "output": ("o", "s")},
    "api-resources": {
        "namespaced": ("", "b"),
        "api-group": ("", "s"),
        "verbs": ("", "a"),
        "no-headers": ("", "b"),
        "sort-by": ("", "s"),
        "cached": ("", "b"),
        "categories": ("", "a"),
        **_OUTPUT,
    },
    "api-versions": {},
    "version": {"client": ("", "b"), "output": ("o", "s")},
    "cluster-info": {},
    "config": {"minify": ("", "b"), "raw": ("", "b"), **_PRINT},
    "auth": {"all-namespaces": ("A", "b"), "list": ("", "b"), "quiet": ("q", "b")},
    # Read subcommands and verbs the twin does not run have tables of their own: the gate
    # judges every read against its command's exact flags (from `kubectl CMD --help`).
    "rollout status": {
        **_FILES,
        "selector": ("l", "s"),
        "revision": ("", "i"),
        "timeout": ("", "s"),
        "watch": ("w", "b"),
    },
    "rollout history": {**_FILES, **_PRINT, "selector": ("l", "s"), "revision": ("", "i")},
    "auth can-i": {
        "all-namespaces": ("A", "b"),
        "list": ("", "b"),
        "no-headers": ("", "b"),
        "quiet": ("q", "b"),
        "subresource": ("", "s"),
    },
    "auth whoami": {**_PRINT},
    "auth reconcile": {
        **_FILES,
        **_PRINT,
        "dry-run": ("", "s"),
        "remove-extra-permissions": ("", "b"),
        "remove-extra-subjects": ("", "b"),
    },
    "config view": {
        **_PRINT,
        "flatten": ("", "b"),
        "merge": ("", "b"),
        "minify": ("", "b"),
        "raw": ("", "b"),
    },
    "config get-contexts": {**_OUTPUT, "no-headers": ("", "b")},
    "config current-context": {},
    "config get-clusters": {},
    "config get-users": {},
    "cluster-info dump": {
        **_PRINT,
        "all-namespaces": ("A", "b"),
        "namespaces": ("", "a"),
        "output-directory": ("", "s"),
        "pod-running-timeout": ("", "s"),
    },
    "apply view-last-applied": {**_FILES, **_OUTPUT, "selector": ("l", "s"), "all": ("", "b")},
    "plugin list": {"name-only": ("", "b")},
    "wait": {
        "filename": ("f", "a"),
        "recursive": ("R", "b"),
        **_PRINT,
        **_SELECT,
        "all": ("", "b"),
        "all-namespaces": ("A", "b"),
        "for": ("", "s"),
        "local": ("", "b"),
        "timeout": ("", "s"),
    },
    "diff": {
        **_FILES,
        "selector": ("l", "s"),
        "concurrency": ("", "i"),
        "field-manager": ("", "s"),
        "force-conflicts": ("", "b"),
        "prune": ("", "b"),
        "prune-allowlist": ("", "a"),
        "server-side": ("", "b"),
        "show-managed-fields": ("", "b"),
    },
    "run": {
        **_FILES,
        **_PRINT,
        **_DRY,
        "annotations": ("", "a"),
        "attach": ("", "b"),
        "cascade": ("", "s"),
        "command": ("", "b"),
        "env": ("", "a"),
        "expose": ("", "b"),
        "force": ("", "b"),
        "grace-period": ("", "i"),
        "image": ("", "s"),
        "image-pull-policy": ("", "s"),
        "labels": ("l", "s"),
        "leave-stdin-open": ("", "b"),
        "override-type": ("", "s"),
        "overrides": ("", "s"),
        "pod-running-timeout": ("", "s"),
        "port": ("", "s"),
        "privileged": ("", "b"),
        "quiet": ("q", "b"),
        "restart": ("", "s"),
        "rm": ("", "b"),
        "save-config": ("", "b"),
        "stdin": ("i", "b"),
        "timeout": ("", "s"),
        "tty": ("t", "b"),
        "wait": ("", "b"),
    },
    "completion": {},
    "options": {},
    "help": {},
    "port-forward": {"address": ("", "a"), "pod-running-timeout": ("", "s")},
    "proxy": {
        "port": ("p", "i"),
        "address": ("", "s"),
        "accept-hosts": ("", "s"),
        "accept-paths": ("", "s"),
        "api-prefix": ("", "s"),
        "disable-filter": ("", "b"),
        "keepalive": ("", "s"),
        "reject-methods": ("", "s"),
        "reject-paths": ("", "s"),
        "unix-socket": ("u", "s"),
        "www": ("w", "s"),
        "www-prefix": ("P", "s"),
    },
    "attach": {
        "container": ("c", "s"),
        "stdin": ("i", "b"),
        "tty": ("t", "b"),
        "quiet": ("q", "b"),
        "pod-running-timeout": ("", "s"),
    },
    "cp": {"container": ("c", "s"), "no-preserve": ("", "b"), "retries": ("", "i")},
    "debug": {
        "image": ("", "s"),
        "container": ("c", "s"),
        "stdin": ("i", "b"),
        "tty": ("t", "b"),
        "quiet": ("q", "b"),
        "target": ("", "s"),
        "copy-to": ("", "s"),
        "profile": ("", "s"),
        "attach": ("", "b"),
        "share-processes": ("", "b"),
        "replace": ("", "b"),
        "same-node": ("", "b"),
        "set-image": ("", "a"),
        "env": ("", "a"),
        "image-pull-policy": ("", "s"),
        "arguments-only": ("", "b"),
        "keep-labels": ("", "b"),
        "keep-annotations": ("", "b"),
        "keep-liveness": ("", "b"),
        "keep-readiness": ("", "b"),
        "keep-startup": ("", "b"),
        "keep-init-containers": ("", "b"),
        "custom": ("", "s"),
    },
    "edit": {
        **_FILES,
        **_OUTPUT,
        "output-patch": ("", "b"),
        "save-config": ("", "b"),
        "validate": ("", "s"),
        "windows-line-endings": ("", "b"),
        "field-manager": ("", "s"),
        "subresource": ("", "s"),
        "show-managed-fields": ("", "b"),
        "allow-missing-template-keys": ("", "b"),
    },
}
VERB_FLAGS["annotate"] = VERB_FLAGS["label"]
VERB_FLAGS["uncordon"] = VERB_FLAGS["cordon"]
VERB_FLAGS["replace"] = {
    **_FILES,
    **_PRINT,
    **_DRY,
    "force": ("", "b"),
    "cascade": ("", "s"),
    "grace-period": ("", "i"),
    "raw": ("", "s"),
    "save-config": ("", "b"),
    "subresource": ("", "s"),
    "timeout": ("", "s"),
    "validate": ("", "s"),
    "wait": ("", "b"),
}
VERB_FLAGS["autoscale"] = {
    **_FILES,
    **_PRINT,
    **_DRY,
    "min": ("", "i"),
    "max": ("", "i"),
    "cpu-percent": ("", "i"),
    "name": ("", "s"),
    "save-config": ("", "b"),
}
VERB_FLAGS["expose"] = {
    **_FILES,
    **_PRINT,
    **_DRY,
    "port": ("", "s"),
    "target-port": ("", "s"),
    "type": ("", "s"),
    "name": ("", "s"),
    "protocol": ("", "s"),
    "selector": ("", "s"),
    "cluster-ip": ("", "s"),
    "external-ip": ("", "s"),
    "labels": ("l", "s"),
    "load-balancer-ip": ("", "s"),
    "override-type": ("", "s"),
    "overrides": ("", "s"),
    "save-config": ("", "b"),
    "session-affinity": ("", "s"),
}

VERBS = (
    "get",
    "describe",
    "logs",
    "top",
    "exec",
    "rollout",
    "patch",
    "scale",
    "set",
    "delete",
    "apply",
    "label",
    "annotate",
    "create",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "events",
    "explain",
    "api-resources",
    "api-versions",
    "version",
    "cluster-info",
    "config",
    "auth",
    "edit",
    "port-forward",
    "proxy",
    "attach",
    "cp",
    "debug",
    "run",
    "expose",
    "autoscale",
    "replace",
    "wait",
    "diff",
    "kustomize",
    "certificate",
    "plugin",
    "completion",
    "alpha",
)


# Flags with a value of their own when given bare (pflag's NoOptDefVal): `--dry-run` alone
# means "unchanged" (client) and never swallows the next word, exactly as kubectl parses it.
BARE_DEFAULTS = {"dry-run": "unchanged", "validate": "strict", "cascade": "background"}
INT32_MAX = 2**31 - 1


class FlagError(Exception):
    """A command line kubectl itself would reject; the message is kubectl's."""


@dataclass(slots=True)
class Parsed:
    args: list[str] = field(default_factory=list)
    flags: dict[str, str | bool | int | list[str]] = field(default_factory=dict)
    after_dash: list[str] = field(default_factory=list)
    dash_at: int | None = None

    def get_str(self, name: str, default: str | None = None) -> str | None:
        value = self.flags.get(name)
        return value if isinstance(value, str) else default

    def get_bool(self, name: str) -> bool:
        return self.flags.get(name) is True

    def get_int(self, name: str) -> int | None:
        value = self.flags.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def get_list(self, name: str) -> list[str]:
        value = self.flags.get(name)
        return list(value) if isinstance(value, list) else []


def parse_flags(argv: list[str], table: FlagTable, help_name: str) -> Parsed:
    """Split argv into positional arguments and flags, as pflag does for one command."""
    full = {**GLOBAL_FLAGS, **table}
    shorts = {short: name for name, (short, _kind) in full.items() if short}
    out = Parsed()
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg == "--":
            out.dash_at = len(out.args)
            out.after_dash = argv[i:]
            break
        if arg.startswith("--") and len(arg) > 2:
            name, eq, value = arg[2:].partition("=")
            if name not in full:
                raise FlagError(
                    f"Error: unknown flag: --{name}\nSee 'kubectl {help_name} --help' for usage."
                )
            kind = full[name][1]
            if kind == "b":
                out.flags[name] = _bool(value, name, help_name) if eq else True
                continue
            if not eq and name in BARE_DEFAULTS:
                out.flags[name] = BARE_DEFAULTS[name]
                continue
            if not eq:
                if i >= len(argv):
                    raise FlagError(
                        f"Error: flag needs an argument: --{name}\n"
                        f"See 'kubectl {help_name} --help' for usage."
                    )
                value = argv[i]
                i += 1
            _store(out, name, kind, value, help_name)
            continue
        if arg.startswith("-") and len(arg) > 1 and not _is_number(arg):
            letters = arg[1:]
            j = 0
            while j < len(letters):
                letter = letters[j]
                name_or_none = shorts.get(letter)
                if name_or_none is None:
                    raise FlagError(
                        f"Error: unknown shorthand flag: '{letter}' in {arg}\n"
                        f"See 'kubectl {help_name} --help' for usage."
                    )
                name = name_or_none
                kind = full[name][1]
                if kind == "b":
                    rest = letters[j + 1 :]
                    if rest.startswith("="):
                        out.flags[name] = _bool(rest[1:], name, help_name)
                        break
                    out.flags[name] = True
                    j += 1
                    continue
                value = letters[j + 1 :]
                if value.startswith("="):
                    value = value[1:]
                if not value:
                    if i >= len(argv):
                        raise FlagError(
                            f"Error: flag needs an argument: '{letter}' in {arg}\n"
                            f"See 'kubectl {help_name} --help' for usage."
                        )
                    value = argv[i]
                    i += 1
                _store(out, name, kind, value, help_name)
                break
            continue
        out.args.append(arg)
    return out


def _store(out: Parsed, name: str, kind: str, value: str, help_name: str) -> None:
    if kind == "i":
        try:
            number = int(value)
            if not -INT32_MAX - 1 <= number <= INT32_MAX and name not in (
                "limit-bytes",
                "since-time",
            ):
                raise FlagError(
                    f'Error: invalid argument "{value}" for "--{name}" flag: strconv.ParseInt: '
                    f"parsing \"{value}\": value out of range\nSee 'kubectl {help_name} --help' for usage."
                )
            out.flags[name] = number
        except ValueError:
            raise FlagError(
                f'Error: invalid argument "{value}" for "--{name}" flag: strconv.ParseInt: '
                f"parsing \"{value}\": invalid syntax\nSee 'kubectl {help_name} --help' for usage."
            ) from None
    elif kind == "a":
        current = out.flags.setdefault(name, [])
        assert isinstance(current, list)
        current.extend(value.split(",") if name in ("label-columns",) else [value])
    else:
        out.flags[name] = value


GO_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})
GO_FALSE = frozenset({"0", "f", "F", "FALSE", "false", "False"})


def parse_go_bool(value: str) -> bool | None:
    """Go's strconv.ParseBool, which kubectl and helm use: None where Go returns an error."""
    if value in GO_TRUE:
        return True
    if value in GO_FALSE:
        return False
    return None


def dry_run_strategy(value: str | None) -> str | None:
    """kubectl's GetDryRunStrategy: '' (a real change), 'client', 'server', or None (an error).

    `none` and ParseBool's false spellings (`0`, `f`, `F`, `False`, ...) are real
    changes; ParseBool's true spellings and a bare `--dry-run` are client dry runs.
    """
    if value is None or value == "none":
        return ""
    if value in ("client", "server"):
        return value
    if value == "unchanged":
        return "client"
    parsed = parse_go_bool(value)
    if parsed is None:
        return None
    return "client" if parsed else ""


def _bool(value: str, name: str, help_name: str) -> bool:
    parsed = parse_go_bool(value)
    if parsed is not None:
        return parsed
    raise FlagError(
        f'Error: invalid argument "{value}" for "--{name}" flag: strconv.ParseBool: '
        f"parsing \"{value}\": invalid syntax\nSee 'kubectl {help_name} --help' for usage."
    )


def _is_number(text: str) -> bool:
    return text[1:].isdigit()


_DURATION_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0}
_DURATION_UNITS |= {"m": 60.0, "h": 3600.0}


def parse_go_duration(text: str) -> float | None:
    """Go's time.ParseDuration, in seconds: None where Go returns an error.

    A duration is an optional sign and one or more decimal numbers, each with a
    unit (ns, us, ms, s, m, h): `30s`, `1m30s`, `1.5h`, `-1s`. A bare `0` is zero;
    any other number without a unit is an error.
    """
    if not text:
        return None
    sign = 1.0
    if text[0] in "+-":
        sign = -1.0 if text[0] == "-" else 1.0
        text = text[1:]
    if text == "0":
        return 0.0
    if not text:
        return None
    total = 0.0
    i = 0
    n = len(text)
    while i < n:
        start = i
        while i < n and (text[i].isdigit() or text[i] == "."):
            i += 1
        number = text[start:i]
        if not number or number == "." or number.count(".") > 1:
            return None
        unit_start = i
        while i < n and not (text[i].isdigit() or text[i] == "."):
            i += 1
        scale = _DURATION_UNITS.get(text[unit_start:i])
        if scale is None:
            return None
        total += float(number) * scale
    return sign * total
