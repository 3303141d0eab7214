"""The Executor allow-list: which writes may run, as data matched against parsed commands."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources as importlib_resources
from typing import Any

import yaml

from aoi.errors import ConfigError
from aoi.gate.facts import Facts

_DNS_NAME = re.compile(r"[a-z0-9]([-a-z0-9.]*[a-z0-9])?")
_TOOLS = frozenset({"kubectl", "helm"})
# Flags every rule accepts: where the command runs and how its result is printed.
# dry-run is implicit: its value either makes the command a read or changes nothing.
_IMPLICIT = frozenset({"namespace", "output", "request-timeout", "dry-run"})
_EXEC_IMPLICIT = frozenset({"namespace", "container", "stdin", "quiet", "request-timeout"})
_RULE_KEYS = frozenset(
    {
        "name",
        "why",
        "tool",
        "verb",
        "resources",
        "names",
        "args",
        "flags",
        "require",
        "programs",
        "writes",
    }
)


class PolicyError(ConfigError):
    """A policy file or allow-list entry is malformed; the message names the entry."""


@dataclass(slots=True, frozen=True)
class AllowRule:
    """One permitted write, matched against a command's parsed facts.

    Every object name must fully match `names` (DNS names by default), every
    extra positional must fully match `args` (none allowed when unset), every
    flag must be implicit, listed in `flags` or in `require`, and each required
    flag must be present with every value fully matching its pattern. For
    `kubectl exec` the inner program must be in `programs` and every write
    operation it performs must be in `writes`.
    """

    name: str
    tool: str
    verb: str
    why: str = ""
    resources: frozenset[str] = frozenset()
    names: re.Pattern[str] = _DNS_NAME
    args: re.Pattern[str] | None = None
    flags: frozenset[str] = frozenset()
    require: tuple[tuple[str, re.Pattern[str]], ...] = ()
    programs: frozenset[str] = frozenset()
    writes: frozenset[str] = frozenset()
    _allowed_flags: frozenset[str] = field(default=frozenset(), repr=False)

    def matches(self, facts: Facts) -> bool:
        """True when the command is one this rule permits."""
        if facts.tool != self.tool or facts.verb != self.verb:
            return False
        if self.resources and (
            not facts.resources or any(r not in self.resources for r in facts.resources)
        ):
            return False
        names = self.names
        if any(names.fullmatch(n) is None for n in facts.names):
            return False
        flags = facts.flags
        allowed = self._allowed_flags
        if any(f not in allowed for f in flags):
            return False
        for flag, pattern in self.require:
            values = flags.get(flag)
            if not values or any(pattern.fullmatch(v) is None for v in values):
                return False
        if self.verb == "exec":
            return (
                facts.program in self.programs
                and bool(facts.writes)
                and facts.writes <= self.writes
            )
        if facts.args:
            args = self.args
            if args is None or any(args.fullmatch(a) is None for a in facts.args):
                return False
        return True


def _compile(where: str, pattern: Any) -> re.Pattern[str]:
    if not isinstance(pattern, str) or not pattern:
        raise PolicyError(f"{where}: expected a non-empty regular expression")
    try:
        return re.compile(pattern, re.S)
    except re.error as err:
        raise PolicyError(f"{where}: bad regular expression: {err}") from None


def _strings(where: str, value: Any) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise PolicyError(f"{where}: expected a list of names")
    return frozenset(value)


def rule_from_mapping(entry: Mapping[str, Any], where: str) -> AllowRule:
    """Build and validate one rule; raise PolicyError naming the entry on mistakes."""
    if not isinstance(entry, Mapping):
        raise PolicyError(f"{where}: each allow-list entry must be a mapping")
    unknown = set(entry) - _RULE_KEYS
    if unknown:
        raise PolicyError(f"{where}: unknown keys {sorted(unknown)}")
    name = entry.get("name")
    if not isinstance(name, str) or not name:
        raise PolicyError(f"{where}: every rule needs a name")
    where = f"{where} ({name})"
    tool = entry.get("tool")
    if tool not in _TOOLS:
        raise PolicyError(f"{where}: tool must be one of {sorted(_TOOLS)}")
    verb = entry.get("verb")
    if not isinstance(verb, str) or not verb.strip() or any(c in verb for c in "*?[]|."):
        # A rule always names one literal verb: there is no allow-everything entry.
        raise PolicyError(
            f"{where}: verb must be one literal verb such as 'patch' or 'rollout restart'"
        )
    verb = " ".join(verb.split())
    require_map = entry.get("require") or {}
    if not isinstance(require_map, Mapping):
        raise PolicyError(f"{where}: require must map flag names to patterns")
    require = tuple(
        (str(flag), _compile(f"{where} require.{flag}", pattern))
        for flag, pattern in require_map.items()
    )
    flags = _strings(f"{where} flags", entry.get("flags"))
    programs = _strings(f"{where} programs", entry.get("programs"))
    writes = _strings(f"{where} writes", entry.get("writes"))
    if verb == "exec" and (not programs or not writes):
        raise PolicyError(f"{where}: an exec rule must list its programs and the writes it allows")
    implicit = _EXEC_IMPLICIT if verb == "exec" else _IMPLICIT
    names = entry.get("names")
    args = entry.get("args")
    return AllowRule(
        name=name,
        tool=tool,
        verb=verb,
        why=str(entry.get("why") or ""),
        resources=_strings(f"{where} resources", entry.get("resources")),
        names=_DNS_NAME if names is None else _compile(f"{where} names", names),
        args=None if args is None else _compile(f"{where} args", args),
        flags=flags,
        require=require,
        programs=programs,
        writes=writes,
        _allowed_flags=implicit | flags | {flag for flag, _ in require},
    )


def rules_from_list(entries: Any, where: str) -> tuple[AllowRule, ...]:
    if entries is None:
        return ()
    if not isinstance(entries, list):
        raise PolicyError(f"{where}: expected a list of rules")
    rules = tuple(rule_from_mapping(e, f"{where}[{i}]") for i, e in enumerate(entries))
    seen: set[str] = set()
    for rule in rules:
        if rule.name in seen:
            raise PolicyError(f"{where}: rule name {rule.name!r} is used twice")
        seen.add(rule.name)
    return rules


def default_rules() -> tuple[AllowRule, ...]:
    """The built-in allow-list shipped as executor_allow.yaml."""
    text = importlib_resources.files("aoi.gate").joinpath("executor_allow.yaml").read_text("utf-8")
    return rules_from_list(
        yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)), "executor_allow.yaml"
    )


def first_match(rules: Iterable[AllowRule], facts: Facts) -> AllowRule | None:
    for rule in rules:
        if rule.matches(facts):
            return rule
    return None
