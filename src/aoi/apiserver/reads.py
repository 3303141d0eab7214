"""Reads through the API: one object, lists with label and field selectors, pod logs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aoi.apiserver.errors import ApiError, bad_request, not_found
from aoi.twin.behaviour.logs import LogUnavailable
from aoi.twin.cluster.store import Obj
from aoi.twin.surface.kubectl.common import KubectlError, find_object, list_objects
from aoi.twin.surface.kubectl.resources import ResourceInfo
from aoi.twin.surface.kubectl.selectors import SelectorError, field_matcher, label_matcher

if TYPE_CHECKING:
    from aoi.twin.core import Twin

_FIELD_UNSUPPORTED = "field label not supported: "


def get(twin: Twin, info: ResourceInfo, namespace: str | None, name: str) -> Obj:
    obj = find_object(twin, info, namespace, name)
    if obj is None:
        raise not_found(info.plural, name, info.group)
    return obj


def list_(
    twin: Twin,
    info: ResourceInfo,
    namespace: str | None,
    label_selector: str | None = None,
    field_selector: str | None = None,
) -> list[Obj]:
    """Objects of one resource in a namespace (None: all), filtered as the server filters."""
    try:
        labels = label_matcher(label_selector)
    except SelectorError as exc:
        raise bad_request(str(exc)) from None
    try:
        fields = field_matcher(field_selector, info.kind, info.plural)
    except SelectorError as exc:
        text = str(exc)
        if _FIELD_UNSUPPORTED in text:
            raise bad_request(_FIELD_UNSUPPORTED + text.split(_FIELD_UNSUPPORTED, 1)[1]) from None
        raise bad_request(text) from None
    objs = list_objects(twin, info, namespace)
    if label_selector or field_selector:
        objs = [o for o in objs if labels(o) and fields(o)]
    return objs


def pod_log(
    twin: Twin,
    namespace: str,
    name: str,
    *,
    container: str | None,
    previous: bool,
    since_seconds: float | None,
    tail: int | None,
    timestamps: bool,
) -> str:
    """The kubelet's answer to `pods/NAME/log`: the text, or the server's error."""
    pod = get(twin, _POD, namespace, name)
    containers = [c["name"] for c in pod["spec"]["containers"]]
    init = [c["name"] for c in pod["spec"].get("initContainers", [])]
    if container is None:
        if len(containers) != 1:
            raise bad_request(
                f"a container name must be specified for pod {name}, choose one of: "
                f"[{' '.join(containers)}]"
                + (f" or one of the init containers: [{' '.join(init)}]" if init else "")
            )
        container = containers[0]
    elif container not in containers and container not in init:
        raise bad_request(f"container {container} is not valid for pod {name}")
    rt = twin.controller.runtimes.get(pod["metadata"]["uid"], {}).get(container)
    if rt is None or (rt.started is None and rt.last is None):
        reason = rt.waiting_reason if rt else "ContainerCreating"
        raise bad_request(
            f'container "{container}" in pod "{name}" is waiting to start: '
            + (
                "trying and failing to pull image"
                if reason in ("ImagePullBackOff", "ErrImagePull")
                else reason
            )
        )
    if previous and rt.last is None:
        raise bad_request(f'previous terminated container "{container}" in pod "{name}" not found')
    try:
        return twin.logs.container_log(
            pod,
            container,
            previous=previous,
            since_seconds=since_seconds,
            tail=tail,
            timestamps=timestamps,
        )
    except LogUnavailable as exc:
        raise bad_request(exc.message) from None
    except KubectlError as exc:
        raise ApiError("BadRequest", exc.message.rstrip("\n")) from None


def _pod_info() -> ResourceInfo:
    from aoi.twin.surface.kubectl.resources import info_for_kind

    return info_for_kind("Pod")


_POD = _pod_info()
