"""Manifests passed with `-f`: files, directories or stdin, YAML streams, JSON and List objects.

Files are read from the real filesystem, because an agent may have written a manifest
with its own tools before running `kubectl apply -f` on the twin.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from aoi.kube.flags import Parsed
from aoi.twin.cluster.store import Obj
from aoi.twin.surface.kubectl.common import KubectlError
from aoi.twin.surface.kubectl.resources import API_RESOURCES, ResourceInfo
from aoi.twin.surface.kubectl.writes.payload import yaml_error

_EXTENSIONS = (".json", ".yaml", ".yml")
_VALIDATE_HINT = "; if you choose to ignore these errors, turn validation off with --validate=false"


@dataclass(slots=True)
class Manifest:
    """One object from a manifest, with where it came from (for messages) and its API type."""

    obj: Obj
    source: str
    info: ResourceInfo


def read_sources(parsed: Parsed, stdin: str) -> list[tuple[str, str]]:
    """(source name, text) for every -f argument, directories expanded."""
    out: list[tuple[str, str]] = []
    for name in parsed.get_list("filename"):
        if name == "-":
            out.append(("STDIN", stdin))
            continue
        if name.startswith(("http://", "https://")):
            host = name.split("/", 3)[2]
            raise KubectlError(f'error: Get "{name}": dial tcp: lookup {host}: no such host')
        path = Path(name)
        if not path.exists():
            raise KubectlError(f'error: the path "{name}" does not exist')
        if path.is_dir():
            pattern = "**/*" if parsed.get_bool("recursive") else "*"
            files = sorted(p for p in path.glob(pattern) if p.suffix in _EXTENSIONS and p.is_file())
            out.extend((str(p), _read(p)) for p in files)
        else:
            out.append((name, _read(path)))
    return out


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KubectlError(f"error: open {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise KubectlError(f"error: open {path}: {exc}") from None


def load(parsed: Parsed, stdin: str, *, validate: bool = True) -> list[Manifest]:
    """Every object the -f arguments hold, in order; kubectl's errors for bad ones."""
    manifests: list[Manifest] = []
    for source, text in read_sources(parsed, stdin):
        for doc in _documents(source, text):
            for obj in _flatten(doc):
                manifests.append(Manifest(obj, source, _mapping(obj, source, validate)))
    return manifests


def _documents(source: str, text: str) -> list[Any]:
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            return [json.loads(text)]
        except json.JSONDecodeError:
            pass
    try:
        docs = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as exc:
        raise KubectlError(
            f"error: error parsing {source}: error converting YAML to JSON: {yaml_error(exc)}"
        ) from None
    return [_jsonable(d) for d in docs]


def _jsonable(value: Any) -> Any:
    """YAML values as JSON would carry them (dates and other tags become strings)."""
    return json.loads(json.dumps(value, default=str))


def _flatten(doc: Any) -> list[Any]:
    if isinstance(doc, dict) and doc.get("kind") == "List" and isinstance(doc.get("items"), list):
        out: list[Any] = []
        for item in doc["items"]:
            out.extend(_flatten(item))
        return out
    return [doc]


def _mapping(obj: Any, source: str, validate: bool) -> ResourceInfo:
    if not isinstance(obj, dict):
        raise KubectlError(
            f'error: error validating "{source}": error validating data: invalid object to validate{_VALIDATE_HINT}'
        )
    missing = [f"{k} not set" for k in ("apiVersion", "kind") if not obj.get(k)]
    if missing:
        if not validate:
            raise KubectlError(
                f"error: unable to decode \"{source}\": Object 'Kind' is missing in '{json.dumps(obj, separators=(',', ':'))}'"
            )
        listed = missing[0] if len(missing) == 1 else "[" + ", ".join(missing) + "]"
        raise KubectlError(
            f'error: error validating "{source}": error validating data: {listed}{_VALIDATE_HINT}'
        )
    kind, version = str(obj["kind"]), str(obj["apiVersion"])
    for info in API_RESOURCES:
        if info.kind == kind and info.api_version == version:
            obj.setdefault("metadata", {})
            if not isinstance(obj["metadata"], dict):
                obj["metadata"] = {}
            return info
    meta = obj["metadata"] if isinstance(obj.get("metadata"), dict) else {}
    raise KubectlError(
        f'error: resource mapping not found for name: "{meta.get("name", "")}" namespace: '
        f'"{meta.get("namespace", "")}" from "{source}": no matches for kind "{kind}" in version '
        f'"{version}"\nensure CRDs are installed first'
    )


def target_namespace(manifest: Manifest, flag_ns: str, explicit: bool) -> str | None:
    """The namespace an object goes to: its own, else -n, else default; None when cluster-scoped."""
    if not manifest.info.namespaced:
        manifest.obj["metadata"].pop("namespace", None)
        return None
    own = manifest.obj["metadata"].get("namespace")
    if own and explicit and own != flag_ns:
        raise KubectlError(
            f'error: the namespace from the provided object "{own}" does not match the namespace '
            f"\"{flag_ns}\". You must pass '--namespace={own}' to perform this operation."
        )
    ns = own or flag_ns
    manifest.obj["metadata"]["namespace"] = ns
    return str(ns)


def require_held(manifest: Manifest) -> None:
    """The twin stores only some kinds; writing another fails honestly."""
    if not manifest.info.held:
        raise KubectlError(
            f'error: the twin does not hold {manifest.info.plural} ("{manifest.info.kind}" in '
            f'"{manifest.info.api_version}"); it cannot create "{manifest.obj["metadata"].get("name", "")}" '
            f'from "{manifest.source}"'
        )
