"""The ASGI application: a Kubernetes API endpoint over one twin.

Requests are served one at a time on the event loop (handlers never await while they read
or write the twin), so the twin needs no locks. The simulated clock moves in one of three
ways (`CLOCKS`): "command", as it does for the in-process surface, one step per kubectl
invocation (kubectl names each in its `Kubectl-Session` header) or per request of clients
that send no session; "wall", with the wall clock (times `speed`), as a real cluster's time
passes between requests; "still", not at all (the printers oracle).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from aoi.apiserver import discovery, mutations, reads, tables
from aoi.apiserver.errors import ApiError, bad_request, method_not_allowed, not_found_path
from aoi.twin.cluster.store import Obj
from aoi.twin.surface.kubectl.common import has_objects
from aoi.twin.surface.kubectl.resources import ResourceInfo

if TYPE_CHECKING:
    from aoi.twin.core import Twin

JSON = "application/json"
CLOCKS = ("command", "wall", "still")
_SESSIONS_KEPT = 64


@dataclass(frozen=True, slots=True)
class Target:
    """What a resource path names: /api[s]/GV/[namespaces/NS/]PLURAL[/NAME[/SUB]]."""

    info: ResourceInfo
    namespace: str | None
    name: str | None
    sub: str | None


def dumps(value: Any) -> bytes:
    return orjson.dumps(value)


def json_response(value: Any, status: int = 200, media_type: str = JSON) -> Response:
    return Response(dumps(value), status_code=status, media_type=media_type)


def error_response(exc: ApiError) -> Response:
    return json_response(exc.status(), exc.code)


class TwinAPI:
    """A Kubernetes API server over `twin` (an ASGI app).

    `clock`: how simulated time passes (see CLOCKS); `speed`: simulated seconds per wall
    second under the "wall" clock.
    """

    def __init__(
        self,
        twin: Twin,
        *,
        clock: str = "command",
        speed: float = 1.0,
        address: str = "127.0.0.1:6443",
    ) -> None:
        if clock not in CLOCKS:
            raise ValueError(f"clock must be one of {', '.join(CLOCKS)}, not {clock!r}")
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.twin = twin
        self.clock = clock
        self.speed = speed
        self._wall = time.monotonic()
        self.address = address
        self._sessions: list[str] = []
        self.requests = 0
        from aoi.apiserver.exec_ws import exec_endpoint
        from aoi.apiserver.openapi import openapi_v2, openapi_v3, openapi_v3_group

        self.app = Starlette(
            routes=[
                Route("/version", self._version),
                Route("/api", self._api),
                Route("/apis", self._apis),
                Route("/healthz", self._ok),
                Route("/livez", self._ok),
                Route("/readyz", self._ok),
                Route("/openapi/v2", openapi_v2),
                Route("/openapi/v3", openapi_v3),
                Route("/openapi/v3/{path:path}", openapi_v3_group),
                WebSocketRoute(
                    "/api/v1/namespaces/{namespace}/pods/{name}/exec",
                    self._exec_ws(exec_endpoint),
                ),
                Route(
                    "/api/{rest:path}",
                    self._core,
                    methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                ),
                Route(
                    "/apis/{rest:path}",
                    self._named,
                    methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                ),
            ]
        )

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)

    # --- time ------------------------------------------------------------------------------
    def _let_time_pass(self, request: Request | WebSocket) -> None:
        """One tick per kubectl invocation (its session header), or per request without one."""
        self.requests += 1
        if self.clock == "still":
            return
        if self.clock == "wall":
            now = time.monotonic()
            elapsed, self._wall = now - self._wall, now
            self.twin.tick(elapsed * self.speed)
            return
        session = request.headers.get("kubectl-session")
        if session is not None:
            if session in self._sessions:
                return
            self._sessions.append(session)
            del self._sessions[:-_SESSIONS_KEPT]
        self.twin.tick()

    # --- discovery -------------------------------------------------------------------------
    async def _ok(self, request: Request) -> Response:
        return PlainTextResponse("ok")

    async def _version(self, request: Request) -> Response:
        return json_response(discovery.version(self.twin.cluster.kubernetes_version))

    async def _api(self, request: Request) -> Response:
        if discovery.wants_aggregated(request.headers.get("accept", "")):
            return json_response(discovery.aggregated(True), media_type=discovery.AGGREGATED)
        return json_response(discovery.api_versions(self.address))

    async def _apis(self, request: Request) -> Response:
        if discovery.wants_aggregated(request.headers.get("accept", "")):
            return json_response(discovery.aggregated(False), media_type=discovery.AGGREGATED)
        return json_response(discovery.api_group_list())

    # --- resources ---------------------------------------------------------------------------
    async def _core(self, request: Request) -> Response:
        parts = [p for p in request.path_params["rest"].split("/") if p]
        if not parts:
            return await self._api(request)
        if parts[0] != "v1":
            return error_response(not_found_path())
        return await self._resource(request, "v1", parts[1:])

    async def _named(self, request: Request) -> Response:
        parts = [p for p in request.path_params["rest"].split("/") if p]
        if len(parts) == 1:
            group = discovery.api_group(parts[0])
            if group is None:
                return error_response(not_found_path())
            return json_response(group)
        return await self._resource(request, f"{parts[0]}/{parts[1]}", parts[2:])

    async def _resource(self, request: Request, api_version: str, parts: list[str]) -> Response:
        if not parts:
            listing = discovery.resource_list(api_version)
            if listing is None:
                return error_response(not_found_path())
            return json_response(listing)
        try:
            target = self._target(api_version, parts)
            self._let_time_pass(request)
            return await self._dispatch(request, target)
        except ApiError as exc:
            return error_response(exc)

    def _target(self, api_version: str, parts: list[str]) -> Target:
        namespace: str | None = None
        if (
            parts[0] == "namespaces"
            and len(parts) >= 3
            and discovery.lookup(api_version, parts[2]) is not None
        ):
            namespace, parts = parts[1], parts[2:]
        info = discovery.lookup(api_version, parts[0])
        if info is None or len(parts) > 3:
            raise not_found_path()
        if not info.namespaced and namespace is not None:
            raise not_found_path()
        name = parts[1] if len(parts) > 1 else None
        sub = parts[2] if len(parts) > 2 else None
        if sub is not None and sub not in {
            s.name for s in discovery.SUBRESOURCES.get(info.plural, ())
        }:
            raise not_found_path()
        return Target(info, namespace, name, sub)

    async def _dispatch(self, request: Request, target: Target) -> Response:
        method = request.method
        q = request.query_params
        dry = "All" in q.getlist("dryRun")
        twin = self.twin
        info, ns, name, sub = target.info, target.namespace, target.name, target.sub
        if info.group == "metrics.k8s.io":
            from aoi.apiserver.metrics import metrics

            if method != "GET":
                raise method_not_allowed()
            return json_response(metrics(twin, info, ns, name, q.get("labelSelector")))
        if info.namespaced and name is not None and ns is None:
            raise not_found_path()
        if name is None:
            if method == "GET":
                if _truthy(q.get("watch")):
                    from aoi.apiserver.watch import watch_stream

                    return StreamingResponse(
                        watch_stream(self, request, target),
                        media_type=JSON,
                    )
                return self._list(request, target)
            if method == "POST":
                if ns is None and info.namespaced:
                    raise method_not_allowed()
                body = mutations.parse_body(await request.body())
                obj = mutations.create(twin, info, ns, body, dry=dry)
                return self._object(request, obj, 201)
            if method == "DELETE":
                objs = reads.list_(twin, info, ns, q.get("labelSelector"), q.get("fieldSelector"))
                options = mutations.parse_body(await request.body())
                policy = mutations.propagation_of(options, q.get("propagationPolicy"))
                gone = [
                    mutations.delete(
                        twin,
                        info,
                        o["metadata"].get("namespace"),
                        o["metadata"]["name"],
                        propagation=policy,
                        dry=dry,
                    )
                    for o in list(objs)
                ]
                return json_response(_list_body(info, gone, twin))
            raise method_not_allowed()
        if sub == "log":
            return self._log(request, ns or "", name)
        if sub == "scale":
            return await self._scale(request, target)
        if sub == "status":
            return await self._status(request, target)
        if sub is not None:
            if sub == "exec":
                from aoi.apiserver.exec_ws import exec_target

                q = request.query_params
                exec_target(twin, ns or "", name, q.get("container"), q.getlist("command"))
                raise bad_request("Upgrade request required")
            raise method_not_allowed()
        if method == "GET":
            return self._object(request, reads.get(twin, info, ns, name))
        if method == "PUT":
            body = mutations.parse_body(await request.body())
            obj = mutations.replace(twin, info, ns, name, body, dry=dry)
            return self._object(request, obj)
        if method == "PATCH":
            raw = await request.body()
            content_type = request.headers.get("content-type", "")
            if mutations.PATCH_TYPES.get(content_type.split(";")[0].strip()) == "apply":
                existed = twin.store.get(info.kind, ns, name) is not None if info.held else False
                obj = mutations.patch(twin, info, ns, name, raw, content_type, dry=dry)
                return self._object(request, obj, 200 if existed else 201)
            obj = mutations.patch(twin, info, ns, name, raw, content_type, dry=dry)
            return self._object(request, obj)
        if method == "DELETE":
            options = mutations.parse_body(await request.body())
            policy = mutations.propagation_of(options, q.get("propagationPolicy"))
            obj = mutations.delete(twin, info, ns, name, propagation=policy, dry=dry)
            return self._object(request, obj)
        raise method_not_allowed()

    # --- answers --------------------------------------------------------------------------
    def _object(self, request: Request, obj: Obj, status: int = 200) -> Response:
        if tables.wants_table(request.headers.get("accept", "")):
            return json_response(self._table(request, [obj]), status)
        return json_response(obj, status)

    def _table(self, request: Request, objs: list[Obj]) -> dict[str, Any]:
        include = request.query_params.get("includeObject", "Metadata")
        kind = objs[0]["kind"] if objs else ""
        rv = self.resource_version()
        if kind in tables.PRINTERS or not objs:
            return tables.table(
                kind or "Pod",
                objs,
                now=self.twin.clock.now(),
                include_object=include,
                resource_version=rv,
            )
        return tables.default_table(objs, now=self.twin.clock.now(), include_object=include)

    def resource_version(self) -> str:
        return str(getattr(self.twin.store, "_version", ""))

    def _list(self, request: Request, target: Target) -> Response:
        q = request.query_params
        objs = reads.list_(
            self.twin, target.info, target.namespace, q.get("labelSelector"), q.get("fieldSelector")
        )
        if tables.wants_table(request.headers.get("accept", "")):
            info = target.info
            include = q.get("includeObject", "Metadata")
            if info.kind in tables.PRINTERS and has_objects(info):
                body = tables.table(
                    info.kind,
                    objs,
                    now=self.twin.clock.now(),
                    include_object=include,
                    resource_version=self.resource_version(),
                )
            else:
                body = tables.default_table(objs, now=self.twin.clock.now(), include_object=include)
            return json_response(body)
        return json_response(_list_body(target.info, objs, self.twin))

    def _log(self, request: Request, namespace: str, name: str) -> Response:
        q = request.query_params
        if _truthy(q.get("follow")):
            pass  # the twin's logs are finite: a follow ends where the log ends
        tail = _int(q.get("tailLines"))
        since = _int(q.get("sinceSeconds"))
        text = reads.pod_log(
            self.twin,
            namespace,
            name,
            container=q.get("container"),
            previous=_truthy(q.get("previous")),
            since_seconds=float(since) if since is not None else None,
            tail=tail,
            timestamps=_truthy(q.get("timestamps")),
        )
        limit = _int(q.get("limitBytes"))
        if limit is not None:
            text = text.encode()[:limit].decode("utf-8", "ignore")
        return PlainTextResponse(text)

    async def _scale(self, request: Request, target: Target) -> Response:
        twin, info, ns, name = self.twin, target.info, target.namespace, target.name or ""
        dry = "All" in request.query_params.getlist("dryRun")
        if request.method == "GET":
            obj = reads.get(twin, info, ns, name)
            if info.kind not in mutations.SCALABLE:
                raise not_found_path()
            return json_response(mutations.scale_of(obj))
        raw = await request.body()
        if request.method == "PUT":
            body = mutations.parse_body(raw)
            if not isinstance(body, dict):
                raise bad_request("the body of the request was in an unknown format")
            scale = mutations.update_scale(twin, info, ns, name, lambda _s: body, dry=dry)
        elif request.method == "PATCH":
            change = mutations.patch_function(raw, request.headers.get("content-type", ""))
            scale = mutations.update_scale(twin, info, ns, name, change, dry=dry)
        else:
            raise method_not_allowed()
        return json_response(scale)

    async def _status(self, request: Request, target: Target) -> Response:
        twin, info, ns, name = self.twin, target.info, target.namespace, target.name or ""
        dry = "All" in request.query_params.getlist("dryRun")
        if request.method == "GET":
            return self._object(request, reads.get(twin, info, ns, name))
        raw = await request.body()
        if request.method == "PUT":
            body = mutations.parse_body(raw)
            if not isinstance(body, dict):
                raise bad_request("the body of the request was in an unknown format")
            obj = mutations.update_status(twin, info, ns, name, lambda _o: body, dry=dry)
        elif request.method == "PATCH":
            change = mutations.patch_function(raw, request.headers.get("content-type", ""))
            obj = mutations.update_status(twin, info, ns, name, change, dry=dry)
        else:
            raise method_not_allowed()
        return json_response(obj)

    def _exec_ws(
        self, endpoint: Callable[[TwinAPI, WebSocket], Awaitable[None]]
    ) -> Callable[[WebSocket], Awaitable[None]]:
        async def handler(websocket: WebSocket) -> None:
            self._let_time_pass(websocket)
            await endpoint(self, websocket)

        return handler


def _list_body(info: ResourceInfo, objs: list[Obj], twin: Twin) -> dict[str, Any]:
    return {
        "kind": f"{info.kind}List",
        "apiVersion": info.api_version,
        "metadata": {"resourceVersion": str(getattr(twin.store, "_version", ""))},
        "items": objs,
    }


def _truthy(value: str | None) -> bool:
    return value is not None and value.lower() in ("true", "1")


def _int(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise bad_request(f"invalid integer {value!r}") from None


__all__ = ["TwinAPI"]
