"""Kubernetes Events as the components of a cluster record them (core/v1 Event objects)."""

from __future__ import annotations

from datetime import datetime

from aoi.twin.cluster.clock import rfc3339
from aoi.twin.cluster.store import Obj, Store


class EventRecorder:
    """Records events into the store, aggregating repeats the way the event broadcaster does."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._index: dict[tuple[str, str, str, str], Obj] = {}

    def record(
        self,
        obj: Obj,
        reason: str,
        message: str,
        *,
        component: str,
        at: datetime,
        type: str = "Normal",
        host: str | None = None,
        field_path: str | None = None,
    ) -> Obj:
        meta = obj["metadata"]
        key = (meta["uid"], reason, message, component)
        stamp = rfc3339(at)
        existing = self._index.get(key)
        if existing is not None and self.store.get(
            "Event", existing["metadata"]["namespace"], existing["metadata"]["name"]
        ):
            existing["count"] = existing.get("count", 1) + 1
            if stamp > existing["lastTimestamp"]:
                existing["lastTimestamp"] = stamp
            self.store.touch(existing)
            return existing
        involved = {
            "kind": obj["kind"],
            "namespace": meta.get("namespace", "default"),
            "name": meta["name"],
            "uid": meta["uid"],
            "apiVersion": obj["apiVersion"],
            "resourceVersion": meta.get("resourceVersion", ""),
        }
        if field_path:
            involved["fieldPath"] = field_path
        source: dict[str, str] = {"component": component}
        if host:
            source["host"] = host
        # the recorder names an event by its moment in nanoseconds, so names sort in time order
        micros = int(at.timestamp()) * 10**6 + at.microsecond
        suffix = f"{micros * 1000 + self.store.rng.randrange(1000):x}"
        event: Obj = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {
                "name": f"{meta['name']}.{suffix}",
                "namespace": meta.get("namespace", "default"),
            },
            "involvedObject": involved,
            "reason": reason,
            "message": message,
            "source": source,
            "firstTimestamp": stamp,
            "lastTimestamp": stamp,
            "count": 1,
            "type": type,
            "eventTime": None,
            "reportingComponent": component,
            "reportingInstance": host or "",
        }
        self.store.add(event, created=stamp)
        self._index[key] = event
        return event

    def expire(self, before: datetime) -> None:
        """Drop events last seen before `before` (the API server's one-hour event TTL)."""
        cutoff = rfc3339(before)
        stale = [e for e in self.store.list("Event") if e["lastTimestamp"] < cutoff]
        if stale:
            self.store.delete_many(stale)
