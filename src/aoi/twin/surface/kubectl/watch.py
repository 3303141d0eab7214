"""kubectl's commands that never end by themselves: `get -w`, `events -w`, `logs -f`.

Each prints what it would print at once, then what the cluster changes while
simulated time passes, until the line's time limit kills it
(`aoi.twin.surface.limit`): a watch prints one row per change of a watched
object, flushed alone as kubectl flushes each watch event (so its columns are
as wide as that row needs); `logs -f` prints new lines as the program writes
them and ends by itself, as kubectl does, when the container it follows exits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from aoi.kube.flags import Parsed
from aoi.shelltools import CommandResult
from aoi.twin.cluster.store import Obj
from aoi.twin.surface import limit
from aoi.twin.surface.kubectl.common import (
    find_object,
    is_structured,
    list_objects,
    namespace_of,
    render_structured,
    split_type_name,
)
from aoi.twin.surface.kubectl.printers import print_names, print_table
from aoi.twin.surface.kubectl.resources import ResourceInfo, resolve_many
from aoi.twin.surface.kubectl.selectors import field_matcher, label_matcher

if TYPE_CHECKING:
    from aoi.twin.world import World

STEP_S = 1.0
"""How often the watch looks at the cluster: finer than any change an agent can tell apart."""

Key = tuple[str, str, str]


def watch_get(twin: World, parsed: Parsed, initial: str) -> CommandResult:
    """`kubectl get ... -w`: `initial` (empty with --watch-only), then a row per change."""
    ns = namespace_of(twin, parsed)
    all_ns = parsed.get_bool("all-namespaces")
    output = parsed.get_str("output") or ""
    targets = _targets(twin, parsed, ns, all_ns)

    def row(info: ResourceInfo, obj: Obj) -> str:
        if output == "name":
            return print_names([obj])
        if is_structured(output):
            return render_structured(output, [obj], single=True).stdout
        return print_table(
            info.kind,
            [obj],
            now=twin.clock.now(),
            wide=output == "wide",
            show_labels=parsed.get_bool("show-labels"),
            all_namespaces=all_ns and info.namespaced,
            no_headers=True,
            label_columns=parsed.get_list("label-columns"),
        )

    return _follow(twin, targets, row, initial)


def watch_events(
    twin: World, selected: Callable[[], list[Obj]], initial: str, row: Callable[[Obj], str]
) -> CommandResult:
    """`kubectl events -w`: the table, then a row per new or repeated event of `selected()`."""
    info = resolve_many("events")[0]
    return _follow(twin, lambda: [(info, e) for e in selected()], lambda _i, obj: row(obj), initial)


def _targets(
    twin: World, parsed: Parsed, ns: str, all_ns: bool
) -> Callable[[], list[tuple[ResourceInfo, Obj]]]:
    labels = label_matcher(parsed.get_str("selector"))
    args = parsed.args
    if "/" in args[0] or (len(args) > 1 and "," not in args[0]):
        pairs = [(info, name) for info, name in split_type_name(args) if name is not None]

        def named() -> list[tuple[ResourceInfo, Obj]]:
            found = []
            for info, name in pairs:
                obj = find_object(twin, info, ns if info.namespaced else None, name)
                if obj is not None:
                    found.append((info, obj))
            return found

        return named
    infos = resolve_many(args[0])
    fields = {
        info.kind: field_matcher(parsed.get_str("field-selector"), info.kind, info.plural)
        for info in infos
    }
    scope = None if all_ns else ns

    def listed() -> list[tuple[ResourceInfo, Obj]]:
        return [
            (info, obj)
            for info in infos
            for obj in list_objects(twin, info, scope if info.namespaced else None)
            if labels(obj) and fields[info.kind](obj)
        ]

    return listed


def _key(obj: Obj) -> Key:
    meta = obj["metadata"]
    return obj["kind"], meta.get("namespace", ""), meta["name"]


def _follow(
    twin: World,
    targets: Callable[[], list[tuple[ResourceInfo, Obj]]],
    row: Callable[[ResourceInfo, Obj], str],
    initial: str,
) -> CommandResult:
    out = [initial]
    seen: dict[Key, tuple[str, ResourceInfo, Obj]] = {
        _key(obj): (obj["metadata"].get("resourceVersion", ""), info, obj)
        for info, obj in targets()
    }
    while limit.remaining(twin) > STEP_S:
        twin.tick(STEP_S)
        now: dict[Key, tuple[str, ResourceInfo, Obj]] = {}
        for info, obj in targets():
            key = _key(obj)
            version = obj["metadata"].get("resourceVersion", "")
            now[key] = (version, info, obj)
            if key not in seen or seen[key][0] != version:
                out.append(row(info, obj))
        for key, (_version, info, obj) in seen.items():
            if key not in now:  # deleted: kubectl prints the object's last state
                out.append(row(info, obj))
        seen = now
    limit.expire(twin, "".join(out))


def follow_logs(
    twin: World,
    text: str,
    lines: Callable[[bool], list[tuple[float, str]]],
    running: Callable[[], object],
    render: Callable[[list[tuple[float, str]]], str],
) -> CommandResult:
    """`kubectl logs -f`: `text`, then each line the container writes, until it exits.

    `lines(previous)` gives the (time, line) pairs of the current run (or of the
    run before it), `running()` an identity of the running container (None when
    none runs), `render` formats new pairs as `kubectl logs` prints them.
    """
    out = [text]
    start = running()
    if start is None:  # nothing runs: kubectl prints what the last run wrote and returns
        return CommandResult(text)
    last = max((t for t, _ in lines(False)), default=float("-inf"))
    while limit.remaining(twin) > STEP_S:
        twin.tick(STEP_S)
        current = running()
        if current != start:
            # the followed container exited: its stream closes and kubectl returns
            out.append(render([(t, line) for t, line in lines(True) if t > last]))
            return CommandResult("".join(out))
        fresh = [(t, line) for t, line in lines(False) if t > last]
        if fresh:
            out.append(render(fresh))
            last = fresh[-1][0]
    limit.expire(twin, "".join(out))
