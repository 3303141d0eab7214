"""`kubectl patch`: strategic merge (default), JSON merge (`--type merge`) and JSON patch (`--type json`)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aoi.kube.flags import Parsed
from aoi.shelltools import CommandResult
from aoi.twin.cluster.store import Obj
from aoi.twin.surface.kubectl.common import KubectlError, get_object
from aoi.twin.surface.kubectl.writes import validate
from aoi.twin.surface.kubectl.writes.base import (
    commit,
    comparable,
    dry_run,
    keep_server_fields,
    report,
    targets,
)
from aoi.twin.surface.kubectl.writes.defaults import apply_defaults
from aoi.twin.surface.kubectl.writes.jsonpatch import (
    JsonPatchError,
    JsonPatchFormatError,
    apply_json_patch,
    decode,
)
from aoi.twin.surface.kubectl.writes.manifests import load
from aoi.twin.surface.kubectl.writes.merge import PatchError, json_merge, strategic_merge
from aoi.twin.surface.kubectl.writes.payload import decode_json, go_type_name, to_json_text

if TYPE_CHECKING:
    from aoi.twin.world import World

TYPES = ("json", "merge", "strategic")
REJECTED = "The request is invalid: the server rejected our request due to an error in our request"


def patch(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    kind = parsed.get_str("type") or "strategic"
    if kind not in TYPES:
        raise KubectlError(f'error: --type must be one of [json merge strategic], not "{kind}"')
    local = parsed.get_bool("local")
    if local and parsed.args:
        raise KubectlError("error: cannot specify --local and server resources")
    text = parsed.get_str("patch") or ""
    patch_file = parsed.get_str("patch-file")
    if text and patch_file:
        raise KubectlError("error: cannot specify --patch and --patch-file together")
    if patch_file:
        try:
            text = Path(patch_file).read_text(encoding="utf-8")
        except OSError:
            raise KubectlError(
                f"error: unable to read patch file: open {patch_file}: no such file or directory"
            ) from None
    if not text:
        raise KubectlError(
            "error: must specify --patch or --patch-file containing the contents of the patch"
        )
    body = to_json_text(text)
    dry = dry_run(parsed)
    if local:
        return _local(parsed, stdin, kind, body)
    done: list[tuple[Obj, str]] = []
    errors: list[str] = []
    for info, ns, name in targets(twin, parsed, stdin, verb="patch", allow_select=False):
        try:
            obj = get_object(twin, info, ns or "", name)
            new = patched(obj, body, kind)
            keep_server_fields(obj, new)
            if new["metadata"].get("name") != name:
                raise KubectlError(
                    f"Error from server (BadRequest): the name of the object "
                    f"({new['metadata'].get('name')}) does not match the name on the URL ({name})"
                )
            apply_defaults(twin, new, creating=False)
            validate.check(new, obj)
            if comparable(new) == comparable(obj):
                done.append((obj, "patched (no change)"))
                continue
            if dry:
                done.append((new, "patched"))
                continue
            done.append((commit(twin, obj, new), "patched"))
        except KubectlError as exc:
            errors.append(exc.message)
    result = report(parsed, done, dry)
    if errors:
        return CommandResult(result.stdout, result.stderr + "".join(errors), 1)
    return result


def patched(obj: Obj, body: str, kind: str) -> Obj:
    """`obj` with the patch text applied as the API server applies a patch of this type."""
    value = decode_json(body)
    if kind == "json":
        try:
            return _as_object(apply_json_patch(obj, decode(value)))
        except JsonPatchFormatError as exc:
            raise KubectlError(f"Error from server (BadRequest): {exc}") from None
        except JsonPatchError:
            raise KubectlError(REJECTED) from None
    if not isinstance(value, dict):
        raise KubectlError(
            f"Error from server (BadRequest): json: cannot unmarshal {go_type_name(value)} into "
            "Go value of type map[string]interface {}"
        )
    if kind == "merge":
        return _as_object(json_merge(obj, value))
    try:
        return strategic_merge(obj, value, obj["kind"])
    except PatchError as exc:
        raise KubectlError(f"Error from server: {exc}") from None


def _as_object(value: Any) -> Obj:
    if not isinstance(value, dict):
        raise KubectlError(REJECTED)
    value.setdefault("metadata", {})
    return value


def _local(parsed: Parsed, stdin: str, kind: str, body: str) -> CommandResult:
    """--local: patch the objects of -f and print them; nothing on the server changes."""
    if not parsed.get_list("filename"):
        raise KubectlError("error: must specify a file with -f when using --local")
    done: list[tuple[Obj, str]] = []
    for manifest in load(parsed, stdin):
        obj = manifest.obj
        try:
            value: Any = decode_json(body)
        except KubectlError:
            raise KubectlError("error: invalid JSON document") from None
        try:
            if kind == "json":
                new = apply_json_patch(obj, decode(value))
            elif kind == "merge":
                new = json_merge(obj, value)
            elif not isinstance(value, dict):
                raise KubectlError("error: invalid JSON document")
            else:
                new = strategic_merge(copy.deepcopy(obj), value, obj["kind"])
        except (JsonPatchError, JsonPatchFormatError, PatchError) as exc:
            raise KubectlError(f"error: {exc}") from None
        done.append((new, "patched"))
    return report(parsed, done)
