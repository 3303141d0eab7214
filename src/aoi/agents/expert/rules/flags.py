"""Rules about feature flags: a fault flag switched on in the flagd ConfigMap."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import yaml

from aoi.agents.expert.notes import Notes
from aoi.agents.expert.rules import Finding, rule

OFF = ("off", "false", "disabled", "0")


@cache
def flag_components() -> dict[str, str]:
    """Flag name -> the component it breaks (data file next to this package)."""
    text = resources.files("aoi.agents.expert").joinpath("flags.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    return {str(k): str(v) for k, v in data.items()}


def component_for(flag: str, notes: Notes) -> str:
    known = flag_components().get(flag)
    if known:
        return known
    # an unknown flag: its leading camelCase words name the component (e.g. "quoteFailure" -> quote)
    words = [w.lower() for w in re.findall(r"[a-z]+|[A-Z][a-z]*", flag)]
    for size in range(len(words), 0, -1):
        name = "-".join(words[:size])
        if name in notes.deployments:
            return name
    return words[0] if words else flag


@rule("feature_flag")
def feature_flag(notes: Notes) -> list[Finding]:
    out = []
    for flag, variant in notes.flags.items():
        if variant.strip().lower() in OFF:
            continue
        component = component_for(flag, notes)
        out.append(
            Finding(
                "feature_flag",
                [component],
                "Application",
                "Misconfiguration",
                95,
                f"fault flag {flag} is on (defaultVariant {variant}): it breaks {component}",
                [f"flagd-config: {flag}={variant}"],
                detail={"flag": flag},
            )
        )
    return out
