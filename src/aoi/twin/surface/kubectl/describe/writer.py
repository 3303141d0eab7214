"""kubectl describe's PrefixWriter and the sections every describer shares.

Describers write tab-separated text exactly as kubectl's Go code does; `Writer.text()` lays it
out with describe's tabwriter (no minimum width, 2 spaces of padding), so the alignment quirks
of the real output (blocks that end at a line without tabs, trailing spaces) come for free.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from aoi.twin.cluster.store import Store
from aoi.twin.surface.kubectl.tabwriter import tabwrite
from aoi.twin.surface.kubectl.values import parse_time, since

Obj = dict[str, Any]

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
MAX_ANNOTATION_LEN = 140
_EPOCH = datetime.min.replace(tzinfo=UTC)


class Writer:
    """Accumulates describe output; `flush` closes a tabwriter block as Go's Flush does."""

    __slots__ = ("_buf", "_done")

    def __init__(self) -> None:
        self._buf: list[str] = []
        self._done: list[str] = []

    def write(self, level: int, text: str) -> None:
        self._buf.append("  " * level + text)

    def line(self, text: str) -> None:
        self._buf.append(text + "\n")

    def flush(self) -> None:
        if self._buf:
            self._done.append(tabwrite("".join(self._buf), minwidth=0, padding=2))
            self._buf = []

    def text(self) -> str:
        self.flush()
        return "".join(self._done)


def meta(obj: Obj) -> Obj:
    return obj.get("metadata") or {}


def labels_multiline(
    w: Writer,
    title: str,
    labels: Mapping[str, str] | None,
    *,
    initial_indent: str = "",
    inner_indent: str = "\t",
) -> None:
    """printLabelsMultilineWithIndent: `key=value` lines sorted by key, `<none>` when empty."""
    w.write(0, f"{initial_indent}{title}:{inner_indent}")
    if not labels:
        w.line("<none>")
        return
    for i, key in enumerate(sorted(labels)):
        if i:
            w.write(0, initial_indent)
            w.write(0, inner_indent)
        w.write(0, f"{key}={labels[key]}\n")


def identity(w: Writer, m: Obj, *, namespaced: bool = True) -> None:
    """The lines every describer starts with: Name, Namespace, Labels, Annotations."""
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    if namespaced:
        w.write(0, f"Namespace:\t{m.get('namespace', '')}\n")
    labels_multiline(w, "Labels", m.get("labels"))
    annotations_multiline(w, "Annotations", m.get("annotations"))


def annotations_multiline(w: Writer, title: str, annotations: Mapping[str, str] | None) -> None:
    """printAnnotationsMultiline: `key: value`, long or multi-line values on their own lines."""
    w.write(0, f"{title}:\t")
    keys = sorted(k for k in annotations or {} if k != LAST_APPLIED)
    if not annotations or not keys:
        w.line("<none>")
        return
    for i, key in enumerate(keys):
        if i:
            w.write(0, "\t")
        value = str(annotations[key]).removesuffix("\n")
        if len(value) + len(key) + 2 > MAX_ANNOTATION_LEN or "\n" in value:
            w.write(0, f"{key}:\n")
            for part in value.split("\n"):
                w.write(0, f"\t  {_shorten(part, MAX_ANNOTATION_LEN - 2)}\n")
        else:
            w.write(0, f"{key}: {value}\n")


def _shorten(text: str, limit: int) -> str:
    return text[:limit] + "..." if len(text) > limit else text


def tolerations_multiline(
    w: Writer, title: str, tolerations: list[Obj] | None, *, initial_indent: str = ""
) -> None:
    """printPodTolerationsMultiline: `key=value:Effect op=Exists for 300s`, sorted by key."""
    w.write(0, f"{initial_indent}{title}:\t")
    if not tolerations:
        w.line("<none>")
        return
    for i, tol in enumerate(sorted(tolerations, key=lambda t: t.get("key", ""))):
        if i:
            w.write(0, initial_indent)
            w.write(0, "\t")
        key, value, effect = tol.get("key", ""), tol.get("value", ""), tol.get("effect", "")
        text = key + (f"={value}" if value else "") + (f":{effect}" if effect else "")
        if tol.get("operator") == "Exists" and not value:
            text += " op=Exists" if key or effect else "op=Exists"
        if tol.get("tolerationSeconds") is not None:
            text += f" for {tol['tolerationSeconds']}s"
        w.write(0, text + "\n")


def controller_of(obj: Obj) -> Obj | None:
    for ref in meta(obj).get("ownerReferences") or []:
        if ref.get("controller"):
            return dict(ref)
    return None


def controlled_by(obj: Obj) -> str:
    ref = controller_of(obj)
    return f"{ref['kind']}/{ref['name']}" if ref else ""


def events_for(
    store: Store, obj: Obj, *, match_kind: bool = True, extra_uids: tuple[str, ...] = ()
) -> list[Obj]:
    """The events describe finds for an object (kubectl's involvedObject field selector).

    An event that records a uid must carry the object's (or one of `extra_uids`); one that
    records none is matched by kind and name alone.
    """
    m = meta(obj)
    namespace = m.get("namespace") or ""
    uids = {m.get("uid"), *extra_uids} - {None, ""}
    found = []
    for ev in store.list("Event", namespace or None):
        involved = ev.get("involvedObject") or {}
        if involved.get("name") != m.get("name"):
            continue
        if (involved.get("namespace") or "") != namespace:
            continue
        if match_kind and involved.get("kind") != obj.get("kind"):
            continue
        if involved.get("uid") and uids and involved["uid"] not in uids:
            continue
        found.append(ev)
    return found


def events_section(w: Writer, events: list[Obj], now: datetime) -> None:
    """DescribeEvents: `Events: <none>` or the Type/Reason/Age/From/Message table."""
    if not events:
        w.write(0, "Events:\t<none>\n")
        return
    w.flush()
    ordered = sorted(events, key=lambda e: parse_time(e.get("lastTimestamp")) or _EPOCH)
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(1, "----\t------\t----\t----\t-------\n")
    for ev in ordered:
        first = since(ev.get("eventTime"), now)
        if parse_time(ev.get("eventTime")) is None:
            first = since(ev.get("firstTimestamp"), now)
        series = ev.get("series")
        if series:
            last = since(series.get("lastObservedTime"), now)
            interval = f"{last} (x{series.get('count', 0)} over {first})"
        elif (ev.get("count") or 0) > 1:
            last = since(ev.get("lastTimestamp"), now)
            interval = f"{last} (x{ev['count']} over {first})"
        else:
            interval = first
        source = (ev.get("source") or {}).get("component") or ev.get("reportingComponent") or ""
        message = (ev.get("message") or "").strip()
        w.write(
            1, f"{ev.get('type', '')}\t{ev.get('reason', '')}\t{interval}\t{source}\t{message}\n"
        )


def go_bool(value: Any) -> str:
    return "true" if value else "false"


def printable(value: Any) -> str:
    """Go's %v of a decoded JSON value."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return go_bool(value)
    if isinstance(value, list):
        return "[" + " ".join(printable(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = " ".join(f"{k}:{printable(v)}" for k, v in sorted(value.items()))
        return f"map[{inner}]"
    return str(value)
