"""Discovery: `/api`, `/apis`, the resource lists of each group version, and `/version`.

The resources are the twin's table of a plain v1.32 cluster (`kubectl api-resources`), so
kubectl's RESTMapper resolves `po`, `deploy`, `all` exactly as it would on that cluster. Both
the legacy documents and the aggregated ones (apidiscovery.k8s.io/v2, which kubectl 1.30+
asks for first) are served.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from aoi.twin.surface.kubectl.resources import ALL_CATEGORY, API_RESOURCES, ResourceInfo

FULL_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"


@dataclass(frozen=True, slots=True)
class Subresource:
    name: str
    kind: str
    verbs: tuple[str, ...]
    group: str = ""  # of the response kind, when it differs from the parent's
    version: str = ""


_STATUS = Subresource("status", "", ("get", "patch", "update"))
_SCALE = Subresource("scale", "Scale", ("get", "patch", "update"), "autoscaling", "v1")
SUBRESOURCES: dict[str, tuple[Subresource, ...]] = {
    "pods": (
        Subresource("attach", "PodAttachOptions", ("create", "get")),
        Subresource("binding", "Binding", ("create",)),
        Subresource("eviction", "Eviction", ("create",), "policy", "v1"),
        Subresource("exec", "PodExecOptions", ("create", "get")),
        Subresource("log", "Pod", ("get",)),
        Subresource("portforward", "PodPortForwardOptions", ("create", "get")),
        _STATUS,
    ),
    "deployments": (_SCALE, _STATUS),
    "replicasets": (_SCALE, _STATUS),
    "statefulsets": (_SCALE, _STATUS),
    "daemonsets": (_STATUS,),
    "jobs": (_STATUS,),
    "nodes": (Subresource("proxy", "NodeProxyOptions", ("create", "get")), _STATUS),
    "namespaces": (Subresource("finalize", "", ("update",)), _STATUS),
    "services": (Subresource("proxy", "ServiceProxyOptions", ("create", "get")), _STATUS),
    "persistentvolumeclaims": (_STATUS,),
    "persistentvolumes": (_STATUS,),
}


def verbs(info: ResourceInfo) -> tuple[str, ...]:
    if info.group == "metrics.k8s.io" or info.plural == "componentstatuses":
        return ("get", "list")
    if info.plural.endswith("reviews") or info.plural == "bindings":
        return ("create",)
    return FULL_VERBS


def categories(info: ResourceInfo) -> list[str]:
    return ["all"] if info.plural in ALL_CATEGORY and info.group != "metrics.k8s.io" else []


def group_versions() -> dict[str, list[ResourceInfo]]:
    """group/version ("v1" for core) -> its resources, in discovery order."""
    out: dict[str, list[ResourceInfo]] = {}
    for info in API_RESOURCES:
        out.setdefault(info.api_version, []).append(info)
    return out


def lookup(api_version: str, plural: str) -> ResourceInfo | None:
    return _INDEX.get((api_version, plural))


_INDEX = {(i.api_version, i.plural): i for i in API_RESOURCES}


# --- legacy documents ------------------------------------------------------------------------
def api_versions(server_address: str) -> dict[str, Any]:
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [
            {"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}
        ],
    }


def api_group_list() -> dict[str, Any]:
    groups = []
    for gv in group_versions():
        if "/" not in gv:
            continue
        group, _, version = gv.partition("/")
        entry = {"groupVersion": gv, "version": version}
        groups.append({"name": group, "versions": [entry], "preferredVersion": entry})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def api_group(group: str) -> dict[str, Any] | None:
    for item in api_group_list()["groups"]:
        if item["name"] == group:
            return {"kind": "APIGroup", "apiVersion": "v1", **item}
    return None


@functools.cache
def resource_list(api_version: str) -> dict[str, Any] | None:
    infos = group_versions().get(api_version)
    if infos is None:
        return None
    resources: list[dict[str, Any]] = []
    for info in infos:
        entry: dict[str, Any] = {
            "name": info.plural,
            "singularName": info.singular,
            "namespaced": info.namespaced,
            "kind": info.kind,
            "verbs": list(verbs(info)),
        }
        if info.short_names:
            entry["shortNames"] = list(info.short_names)
        if categories(info):
            entry["categories"] = categories(info)
        resources.append(entry)
        for sub in SUBRESOURCES.get(info.plural, ()) if info.group != "metrics.k8s.io" else ():
            sub_entry: dict[str, Any] = {
                "name": f"{info.plural}/{sub.name}",
                "singularName": "",
                "namespaced": info.namespaced,
                "kind": sub.kind or info.kind,
                "verbs": list(sub.verbs),
            }
            if sub.group:
                sub_entry["group"] = sub.group
                sub_entry["version"] = sub.version
            resources.append(sub_entry)
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": api_version,
        "resources": resources,
    }


# --- aggregated documents (apidiscovery.k8s.io/v2) ---------------------------------------------
@functools.cache
def aggregated(core: bool) -> dict[str, Any]:
    """The APIGroupDiscoveryList of `/api` (core) or `/apis` (every named group)."""
    items = []
    for gv, infos in group_versions().items():
        if ("/" in gv) == core:
            continue
        group, _, version = gv.rpartition("/")
        resources = []
        for info in infos:
            entry: dict[str, Any] = {
                "resource": info.plural,
                "responseKind": {"group": group, "version": version, "kind": info.kind},
                "scope": "Namespaced" if info.namespaced else "Cluster",
                "singularResource": info.singular,
                "verbs": list(verbs(info)),
            }
            if info.short_names:
                entry["shortNames"] = list(info.short_names)
            if categories(info):
                entry["categories"] = categories(info)
            subs = []
            for sub in SUBRESOURCES.get(info.plural, ()) if group != "metrics.k8s.io" else ():
                subs.append(
                    {
                        "subresource": sub.name,
                        "responseKind": {
                            "group": sub.group if sub.group else group,
                            "version": sub.version if sub.group else version,
                            "kind": sub.kind or info.kind,
                        },
                        "verbs": list(sub.verbs),
                    }
                )
            if subs:
                entry["subresources"] = subs
            resources.append(entry)
        items.append(
            {
                "metadata": {"name": group} if group else {},
                "versions": [{"version": version, "resources": resources, "freshness": "Current"}],
            }
        )
    return {
        "kind": "APIGroupDiscoveryList",
        "apiVersion": "apidiscovery.k8s.io/v2",
        "metadata": {},
        "items": items,
    }


def wants_aggregated(accept: str) -> bool:
    """True when the client's Accept header asks for aggregated discovery before plain JSON."""
    for part in accept.split(","):
        params = dict(p.strip().partition("=")[::2] for p in part.split(";")[1:] if "=" in p)
        if params.get("g") == "apidiscovery.k8s.io" and params.get("v") == "v2":
            return True
        if part.split(";")[0].strip() in ("application/json", "*/*") and "g" not in params:
            return False
    return False


def version(kubernetes_version: str) -> dict[str, Any]:
    minor = kubernetes_version.lstrip("v").split(".")[1]
    return {
        "major": "1",
        "minor": minor,
        "gitVersion": kubernetes_version,
        "gitCommit": "",
        "gitTreeState": "clean",
        "buildDate": "2025-04-22T16:03:35Z",
        "goVersion": "go1.23.6",
        "compiler": "gc",
        "platform": "linux/amd64",
    }
