"""Where helm keeps releases: `sh.helm.release.v1.<name>.v<N>` Secrets, and helm's timestamps.

A release record is JSON, gzipped and base64-encoded twice (once by helm, once
by the Secret's data field), as helm 3's storage driver writes it.
"""

from __future__ import annotations

import base64
import copy
import gzip
import json
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aoi.twin.apps.spec import HelmRelease
from aoi.twin.cluster.store import Obj
from aoi.twin.surface.helm.args import HelmError

if TYPE_CHECKING:
    from aoi.twin.world import World


RELEASE_TYPE = "helm.sh/release.v1"


def release_revisions(twin: World, namespace: str, name: str) -> list[tuple[Obj, dict[str, Any]]]:
    out = []
    for secret in twin.store.list("Secret", namespace, {"owner": "helm", "name": name}):
        if secret.get("type") == RELEASE_TYPE:
            out.append((secret, decode_release(secret)))
    out.sort(key=lambda pair: int(pair[1]["version"]))
    return out


def decode_release(secret: Obj) -> dict[str, Any]:
    packed = base64.b64decode(secret["data"]["release"])
    data: dict[str, Any] = json.loads(gzip.decompress(base64.b64decode(packed)))
    return data


def encode_release(record: dict[str, Any]) -> str:
    raw = json.dumps(record, separators=(",", ":")).encode()
    return base64.b64encode(base64.b64encode(gzip.compress(raw, mtime=0))).decode("ascii")


def latest_release(twin: World, namespace: str, name: str) -> tuple[Obj, dict[str, Any]]:
    revs = release_revisions(twin, namespace, name)
    if not revs:
        raise HelmError("release: not found")
    return revs[-1]


def _go_time(text: str) -> datetime:
    """A helm timestamp (RFC 3339 with nanoseconds) as a datetime, plus its nanoseconds."""
    return datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)


def _nanos(text: str) -> str:
    m = re.search(r"\.(\d+)", text)
    return (m.group(1) if m else "").ljust(9, "0")[:9]


def time_string(text: str) -> str:
    """Go's time.Time.String(): 2026-11-26 08:50:12.123456789 +0000 UTC (zeros trimmed)."""
    frac = _nanos(text).rstrip("0")
    return (
        _go_time(text).strftime("%Y-%m-%d %H:%M:%S") + (f".{frac}" if frac else "") + " +0000 UTC"
    )


def ansic(text: str) -> str:
    """Go's time.ANSIC: Mon Jan _2 15:04:05 2006."""
    t = _go_time(text)
    return t.strftime("%a %b ") + f"{t.day:>2}" + t.strftime(" %H:%M:%S %Y")


def chart_name(record: dict[str, Any]) -> str:
    meta = record["chart"]["metadata"]
    return f"{meta['name']}-{meta['version']}"


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Helm's value coalescing: maps merge key by key, anything else replaces; null deletes."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def chart_defaults(twin: World, namespace: str) -> dict[str, Any]:
    """The chart's values.yaml: the values the twin's application data was installed with."""
    release = release_spec(twin, namespace)
    return copy.deepcopy(dict(release.values)) if release else {}


def release_spec(twin: World, namespace: str) -> HelmRelease | None:
    app = twin.app_for(namespace)
    if app is not None:
        return app.helm
    for ns in twin.cluster.namespaces:
        if ns.name == namespace:
            return ns.helm
    return None
