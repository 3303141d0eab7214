"""A run's command policy: namespace scope, the Executor allow-list and user additions."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

import yaml

from aoi.gate.allowlist import AllowRule, PolicyError, default_rules, rules_from_list
from aoi.shell import ShellSyntaxError, Simple, parse

_LIMIT_KEYS = frozenset(
    {"protected_namespaces", "refused_kinds", "max_replicas", "local_file_inputs"}
)
_KEYS = (
    frozenset(
        {"namespaces", "default_namespace", "read_commands", "write_commands", "executor_allow"}
    )
    | _LIMIT_KEYS
)
# A user entry naming only one of these would allow arbitrary programs.
_TOO_BROAD = frozenset(
    [
        "sh",
        "bash",
        "ash",
        "dash",
        "zsh",
        "ksh",
        "busybox",
        "python",
        "python3",
        "perl",
        "node",
        "ruby",
        "php",
        "env",
        "xargs",
        "sudo",
        "su",
        "nohup",
        "timeout",
        "eval",
        "exec",
        "source",
        "awk",
        "gawk",
    ]
)
_GRAMMAR_TOOLS = frozenset({"kubectl", "helm", "mongo", "mongosh"})


@dataclass(slots=True, frozen=True)
class Limits:
    """Bounds on every Executor write, beyond the allow-list (see executor_limits.yaml)."""

    protected_namespaces: frozenset[str] = frozenset()
    refused_kinds: frozenset[str] = frozenset()
    max_replicas: int = 10
    local_file_inputs: bool = False

    def merged(self, data: dict[str, Any], where: str) -> Limits:
        """These limits with the keys of a mapping replacing them; PolicyError on bad values."""
        out = self
        names: dict[str, frozenset[str]] = {}
        for key in ("protected_namespaces", "refused_kinds"):
            if key in data:
                value = data[key]
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise PolicyError(f"{where}: {key} must be a list of names")
                names[key] = frozenset(value)
        out = replace(
            out,
            protected_namespaces=names.get("protected_namespaces", out.protected_namespaces),
            refused_kinds=names.get("refused_kinds", out.refused_kinds),
        )
        if "max_replicas" in data:
            value = data["max_replicas"]
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise PolicyError(f"{where}: max_replicas must be a whole number >= 0")
            out = replace(out, max_replicas=value)
        if "local_file_inputs" in data:
            if not isinstance(data["local_file_inputs"], bool):
                raise PolicyError(f"{where}: local_file_inputs must be true or false")
            out = replace(out, local_file_inputs=data["local_file_inputs"])
        return out


@dataclass(slots=True, frozen=True)
class Policy:
    """What a run may do: defaults plus an optional user file.

    `namespaces` confines every namespaced command (None: no confinement);
    `default_namespace` is where a command without -n lands. `read_commands`
    and `write_commands` are extra programs, as argv prefixes, classified READ
    or WRITE (writes still need the Executor and approval). `executor_allow` is
    the built-in allow-list followed by the user's rules. `limits` bound every
    Executor write (protected namespaces, refused kinds, replicas, local files).
    """

    namespaces: frozenset[str] | None = None
    default_namespace: str = "default"
    read_commands: tuple[tuple[str, ...], ...] = ()
    write_commands: tuple[tuple[str, ...], ...] = ()
    executor_allow: tuple[AllowRule, ...] = ()
    limits: Limits = field(default_factory=Limits)
    _by_verb: dict[tuple[str, str], tuple[AllowRule, ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        index: dict[tuple[str, str], list[AllowRule]] = {}
        for rule in self.executor_allow:
            index.setdefault((rule.tool, rule.verb), []).append(rule)
        object.__setattr__(self, "_by_verb", {k: tuple(v) for k, v in index.items()})

    def rules_for(self, tool: str, verb: str) -> tuple[AllowRule, ...]:
        """The allow-list rules for one tool and verb, in file order."""
        return self._by_verb.get((tool, verb), ())

    def write_problem(self, facts: Any) -> str | None:
        """Why a write breaks the policy's limits whatever the allow-list says, or None."""
        from aoi.gate.scope import write_problem

        return write_problem(facts, self)

    @classmethod
    def default(cls) -> Policy:
        """The built-in policy: no namespace scope, the shipped allow-list."""
        return _default()

    @classmethod
    def load(
        cls,
        path: str | Path | None = None,
        *,
        namespaces: Iterable[str] | None = None,
        default_namespace: str | None = None,
    ) -> Policy:
        """Defaults plus the user's YAML file; keyword arguments override the file.

        Raises PolicyError with one line naming the problem.
        """
        policy = _default()
        if path is not None:
            policy = policy.merged(_read(Path(path)), str(path))
        if namespaces is not None:
            policy = policy.scoped(namespaces)
        if default_namespace is not None:
            policy = replace(policy, default_namespace=default_namespace)
        return policy

    def scoped(self, namespaces: Iterable[str]) -> Policy:
        """The same policy confined to the given namespaces."""
        scope = frozenset(namespaces)
        if not scope:
            raise PolicyError("a namespace scope needs at least one namespace")
        return replace(self, namespaces=scope)

    def merged(self, data: Any, where: str = "policy") -> Policy:
        """This policy extended by a user mapping (the parsed policy file)."""
        if data is None:
            return self
        if not isinstance(data, dict):
            raise PolicyError(f"{where}: the policy file must be a mapping")
        unknown = set(data) - _KEYS
        if unknown:
            raise PolicyError(f"{where}: unknown keys {sorted(unknown)}; known: {sorted(_KEYS)}")
        policy = self
        if data.get("namespaces") is not None:
            value = data["namespaces"]
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise PolicyError(f"{where}: namespaces must be a list of names")
            policy = policy.scoped(value)
        if data.get("default_namespace") is not None:
            if not isinstance(data["default_namespace"], str):
                raise PolicyError(f"{where}: default_namespace must be a name")
            policy = replace(policy, default_namespace=data["default_namespace"])
        limit_data = {k: data[k] for k in _LIMIT_KEYS if k in data}
        if limit_data:
            policy = replace(policy, limits=policy.limits.merged(limit_data, where))
        reads = _prefixes(data.get("read_commands"), f"{where} read_commands")
        writes = _prefixes(data.get("write_commands"), f"{where} write_commands")
        rules = rules_from_list(data.get("executor_allow"), f"{where} executor_allow")
        names = {r.name for r in policy.executor_allow}
        for rule in rules:
            if rule.name in names:
                raise PolicyError(f"{where}: rule name {rule.name!r} is already in the allow-list")
        return replace(
            policy,
            read_commands=policy.read_commands + reads,
            write_commands=policy.write_commands + writes,
            executor_allow=policy.executor_allow + rules,
        )


@functools.cache
def _default() -> Policy:
    text = importlib_resources.files("aoi.gate").joinpath("executor_limits.yaml").read_text("utf-8")
    limits = Limits().merged(yaml.safe_load(text), "executor_limits.yaml")
    return Policy(executor_allow=default_rules(), limits=limits)


def _read(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise PolicyError(f"cannot read policy file {path}: {err.strerror}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(err, "problem", None) or "syntax error"
        raise PolicyError(f"policy file {path} is not valid YAML: {problem}{where}") from None


def _prefixes(value: Any, where: str) -> tuple[tuple[str, ...], ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise PolicyError(f"{where}: expected a list of commands")
    out: list[tuple[str, ...]] = []
    for item in value:
        if not isinstance(item, str):
            raise PolicyError(f"{where}: each entry is one command as a string")
        try:
            tree = parse(item)
        except ShellSyntaxError as err:
            raise PolicyError(f"{where}: {item!r}: {err.reason}") from None
        argv = None
        if len(tree.items) == 1 and not tree.items[0].rest:
            commands = tree.items[0].first.commands
            if len(commands) == 1 and isinstance(commands[0], Simple):
                argv = commands[0].argv
        if not argv:
            raise PolicyError(
                f"{where}: {item!r}: one plain command per entry (no pipes, lists or $...)"
            )
        tokens = tuple(argv)
        program = tokens[0]
        if program in _GRAMMAR_TOOLS:
            raise PolicyError(
                f"{where}: {item!r}: {program} is classified by the gate's grammar; "
                "add an executor_allow rule instead"
            )
        if "/" in program or program in _TOO_BROAD or program == "*":
            raise PolicyError(f"{where}: {item!r} would allow arbitrary programs")
        out.append(tokens)
    return tuple(out)
