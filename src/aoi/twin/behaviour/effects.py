"""Feature-flag effects: what the OpenTelemetry demo's flagd flags do to its programs.

flagd serves the flags of the `flagd-config` ConfigMap; a flag whose default
variant is not "off" changes the behaviour of one program (and, through it, its
callers). The table of effects is data (`data/flag_effects.yaml`).
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from aoi.twin.behaviour.view import WorldView

FLAG_CONFIGMAP = "flagd-config"
FLAG_KEY = "demo.flagd.json"


@cache
def effect_table() -> dict[str, dict[str, Any]]:
    text = resources.files("aoi.twin.behaviour").joinpath("data/flag_effects.yaml").read_text()
    data: dict[str, dict[str, Any]] = yaml.load(
        text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    )
    return data


def active_flags(configmap: dict[str, Any] | None) -> dict[str, Any]:
    """Flags whose served variant is not off, mapped to that variant's value."""
    if configmap is None:
        return {}
    try:
        doc = json.loads(configmap.get("data", {}).get(FLAG_KEY, "{}"))
    except json.JSONDecodeError:
        return {}
    out: dict[str, Any] = {}
    flags = doc.get("flags", {}) if isinstance(doc, dict) else {}
    for name, flag in flags.items():
        if not isinstance(flag, dict) or flag.get("state") != "ENABLED":
            continue
        variant = flag.get("defaultVariant")
        value = flag.get("variants", {}).get(variant)
        if variant in (None, "off") or value in (False, 0, None, "off", "0"):
            continue
        out[name] = value
    return out


def _magnitude(value: Any) -> float:
    if isinstance(value, bool):
        return 1.0
    if isinstance(value, int | float):
        return float(value)
    match = re.match(r"\s*(\d+(?:\.\d+)?)", str(value))
    return float(match.group(1)) if match else 1.0


class Effects:
    """Per-program effects of the flags flagd serves right now."""

    def __init__(self, twin: WorldView) -> None:
        self.twin = twin

    def flags(self, namespace: str) -> dict[str, Any]:
        if not self._flagd_serving(namespace):
            return {}
        return active_flags(self.twin.store.get("ConfigMap", namespace, FLAG_CONFIGMAP))

    def _flagd_serving(self, namespace: str) -> bool:
        return self.twin.store.get("Deployment", namespace, "flagd") is not None

    def for_service(self, namespace: str, service: str, at: datetime) -> dict[str, Any]:
        """error_rate, latency_ms, cpu, memory, logs and active flag names for one program."""
        flags = self.flags(namespace)
        if not flags:
            return {}
        table = effect_table()
        out: dict[str, Any] = {}
        for name, value in flags.items():
            effect = table.get(name)
            if effect is None:
                continue
            target = effect["service"]
            mag = _magnitude(value)
            if target == service:
                out.setdefault("flags", []).append(name)
                out["error_rate"] = max(
                    out.get("error_rate", 0.0),
                    float(effect.get("error_rate", 0.0))
                    + float(effect.get("error_rate_per_unit", 0.0)) * mag,
                )
                out["latency_ms"] = (
                    out.get("latency_ms", 0.0)
                    + float(effect.get("latency_ms", 0.0))
                    + float(effect.get("latency_ms_per_unit", 0.0)) * mag
                )
                for key in ("cpu", "memory"):
                    if key in effect:
                        out[key] = out.get(key, 1.0) * float(effect[key])
                out.setdefault("logs", []).extend(effect.get("logs", []))
                if effect.get("log_per_request"):
                    out["log_per_request"] = True
            if effect.get("flood") == service:
                out.setdefault("flags", []).append(name)
                out["cpu"] = out.get("cpu", 1.0) * 6.0
                out["latency_ms"] = out.get("latency_ms", 0.0) + 650.0
                out["request_rate"] = out.get("request_rate", 1.0) * 40.0
            caller_line = effect.get("callers", {}).get(service)
            if caller_line:
                out.setdefault("caller_errors", []).append((target, caller_line))
        if "error_rate" in out:
            out["error_rate"] = min(1.0, out["error_rate"])
        return out
