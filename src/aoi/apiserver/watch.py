"""Watches: finite streams of events on the simulated clock.

A watch starts from the objects that match (ADDED, unless the client names a
resourceVersion to start after), then lets simulated time pass in steps and reports what
changed; it ends after the first step with news or at its `timeoutSeconds` (60 by default),
which real clients treat as a watch the server closed (informers watch again).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import orjson
from starlette.requests import Request

from aoi.apiserver import reads, tables
from aoi.apiserver.errors import ApiError
from aoi.twin.cluster.store import Obj

if TYPE_CHECKING:
    from aoi.apiserver.app import Target, TwinAPI

STEP_SECONDS = 5.0
DEFAULT_TIMEOUT_S = 60.0
MAX_TIMEOUT_S = 3600.0


def _event(kind: str, obj: Any) -> bytes:
    return orjson.dumps({"type": kind, "object": obj}) + b"\n"


async def watch_stream(api: TwinAPI, request: Request, target: Target) -> AsyncIterator[bytes]:
    q = request.query_params
    as_table = tables.wants_table(request.headers.get("accept", ""))
    twin = api.twin
    info = target.info

    def current() -> dict[str, Obj]:
        objs = reads.list_(
            twin, info, target.namespace, q.get("labelSelector"), q.get("fieldSelector")
        )
        if target.name is not None:
            objs = [o for o in objs if o["metadata"]["name"] == target.name]
        return {o["metadata"]["uid"]: o for o in objs}

    def shown(obj: Obj) -> Any:
        if not as_table:
            return obj
        return tables.table(
            info.kind,
            [obj],
            now=twin.clock.now(),
            include_object=q.get("includeObject", "Metadata"),
            resource_version=obj["metadata"].get("resourceVersion", ""),
        )

    try:
        seen = current()
    except ApiError as exc:
        yield _event("ERROR", exc.status())
        return
    # Controllers update status in place: compare content, not only resourceVersion.
    versions = {uid: orjson.dumps(o) for uid, o in seen.items()}
    start_rv = q.get("resourceVersion")
    if not start_rv or start_rv == "0":
        for obj in seen.values():
            yield _event("ADDED", shown(obj))
    timeout = DEFAULT_TIMEOUT_S
    if q.get("timeoutSeconds"):
        try:
            timeout = min(float(q["timeoutSeconds"]), MAX_TIMEOUT_S)
        except ValueError:
            timeout = DEFAULT_TIMEOUT_S
    elapsed = 0.0
    while elapsed < timeout:
        step = min(STEP_SECONDS, timeout - elapsed)
        twin.tick(step)
        elapsed += step
        now = current()
        sent = False
        for uid, obj in now.items():
            if uid not in versions:
                sent = True
                yield _event("ADDED", shown(obj))
            elif versions[uid] != orjson.dumps(obj):
                sent = True
                yield _event("MODIFIED", shown(obj))
        for uid, obj in seen.items():
            if uid not in now:
                sent = True
                yield _event("DELETED", shown(obj))
        seen = now
        versions = {uid: orjson.dumps(o) for uid, o in now.items()}
        if sent:
            # the watcher has news: end here, so simulated time moves no further than needed
            break
    if q.get("allowWatchBookmarks") in ("true", "1"):
        # a bookmark tells informers where the stream ended, so a quiet watch is not an error
        yield _event("BOOKMARK", _bookmark(info.kind, info.api_version, api.resource_version()))


def _bookmark(kind: str, api_version: str, resource_version: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "apiVersion": api_version,
        "metadata": {"resourceVersion": resource_version},
    }
