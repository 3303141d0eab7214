"""`kubectl label` and `kubectl annotate`: `key=value` sets, `key-` removes, `--overwrite` to change."""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING

from aoi.kube.flags import Parsed
from aoi.shelltools import CommandResult
from aoi.twin.cluster.store import Obj
from aoi.twin.surface.kubectl.common import KubectlError, get_object
from aoi.twin.surface.kubectl.writes.base import commit, dry_run, report, targets
from aoi.twin.surface.kubectl.writes.validate import label_value_problem

if TYPE_CHECKING:
    from aoi.twin.world import World

_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_PREFIX = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def label(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    return _run(twin, parsed, stdin, field="labels")


def annotate(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    return _run(twin, parsed, stdin, field="annotations")


def _split(args: list[str], noun: str) -> tuple[list[str], list[str]]:
    resources: list[str] = []
    changes: list[str] = []
    for arg in args:
        is_change = "=" in arg or (arg.endswith("-") and len(arg) > 1)
        if is_change:
            changes.append(arg)
        elif changes:
            raise KubectlError(
                f"error: all resources must be specified before {noun} changes: {arg}"
            )
        else:
            resources.append(arg)
    return resources, changes


def _key_problem(key: str) -> str:
    prefix, slash, name = key.rpartition("/")
    if slash and (not prefix or len(prefix) > 253 or not _PREFIX.match(prefix)):
        return "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    if not name or len(name) > 63 or not _NAME.match(name):
        return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
    return ""


def _parse(changes: list[str], field: str) -> tuple[dict[str, str], list[str]]:
    setting: dict[str, str] = {}
    removing: list[str] = []
    noun = "label" if field == "labels" else "annotation"
    for change in changes:
        if "=" in change:
            key, _, value = change.partition("=")
            problem = _key_problem(key)
            if problem:
                raise KubectlError(f'error: invalid {noun} spec: {change}: "{key}": {problem}')
            if field == "labels":
                problem = label_value_problem(value)
                if problem:
                    raise KubectlError(f'error: invalid label value: "{change}": {problem}')
            setting[key] = value
        else:
            removing.append(change[:-1])
    both = [k for k in removing if k in setting]
    if both:
        raise KubectlError(
            f"error: can not both modify and remove the following {noun}(s) in the same command: {', '.join(both)}"
        )
    return setting, removing


def _run(twin: World, parsed: Parsed, stdin: str, *, field: str) -> CommandResult:
    noun = "label" if field == "labels" else "annotation"
    resources, changes = _split(parsed.args, noun)
    listing = parsed.get_bool("list")
    if not changes and not listing:
        raise KubectlError(f"error: at least one {noun} update is required")
    setting, removing = _parse(changes, field)
    overwrite = parsed.get_bool("overwrite")
    dry = dry_run(parsed)
    done: list[tuple[Obj, str]] = []
    listed: list[str] = []
    errors: list[str] = []
    for info, ns, name in targets(twin, parsed, stdin, verb=noun, args=resources):
        try:
            obj = get_object(twin, info, ns or "", name)
            if listing and not changes:
                for key, value in sorted((obj["metadata"].get(field) or {}).items()):
                    listed.append(f"{key}={value}\n")
                continue
            new = copy.deepcopy(obj)
            current = dict(new["metadata"].get(field) or {})
            if not overwrite:
                taken = [k for k in setting if k in current and current[k] != setting[k]]
                if taken:
                    key = taken[0]
                    if field == "labels":
                        raise KubectlError(
                            f"error: '{key}' already has a value ({current[key]}), and --overwrite is false"
                        )
                    raise KubectlError(
                        "error: --overwrite is false but found the following declared annotation(s): "
                        + ", ".join(f"'{k}' already has a value ({current[k]})" for k in taken)
                    )
            for key in removing:
                current.pop(key, None)
            current.update(setting)
            if current:
                new["metadata"][field] = current
            else:
                new["metadata"].pop(field, None)
            before = obj["metadata"].get(field) or {}
            if field == "annotations":
                word = "annotated"
            elif current == before:
                word = "not labeled"
            elif not overwrite and len(current) < len(before):
                word = "unlabeled"
            else:
                word = "labeled"
            if current == before or dry:
                done.append((new, word))
                continue
            done.append((commit(twin, obj, new), word))
        except KubectlError as exc:
            errors.append(exc.message)
    result = report(parsed, done, dry)
    stdout = "".join(listed) + result.stdout
    return CommandResult(stdout, "".join(errors), 1 if errors else 0)
