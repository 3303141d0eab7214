"""Kubernetes-shaped object store: plain JSON dicts keyed by kind, namespace and name.

Objects are kept exactly as the API server would return them for `-o json`, so
printing, patching and deserialising with the official client all read the same
data. The store knows nothing of behaviour; the controller derives that.
"""

from __future__ import annotations

import builtins
import random
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from aoi.twin.cluster.clock import SimClock, rfc3339

Obj = dict[str, Any]


@dataclass(frozen=True, slots=True)
class KindInfo:
    kind: str
    api_version: str
    plural: str
    namespaced: bool


KINDS: dict[str, KindInfo] = {
    info.kind: info
    for info in (
        KindInfo("Namespace", "v1", "namespaces", False),
        KindInfo("Node", "v1", "nodes", False),
        KindInfo("PersistentVolume", "v1", "persistentvolumes", False),
        KindInfo("Pod", "v1", "pods", True),
        KindInfo("Service", "v1", "services", True),
        KindInfo("Endpoints", "v1", "endpoints", True),
        KindInfo("ConfigMap", "v1", "configmaps", True),
        KindInfo("Secret", "v1", "secrets", True),
        KindInfo("PersistentVolumeClaim", "v1", "persistentvolumeclaims", True),
        KindInfo("Event", "v1", "events", True),
        KindInfo("ServiceAccount", "v1", "serviceaccounts", True),
        KindInfo("Deployment", "apps/v1", "deployments", True),
        KindInfo("ReplicaSet", "apps/v1", "replicasets", True),
        KindInfo("StatefulSet", "apps/v1", "statefulsets", True),
        KindInfo("DaemonSet", "apps/v1", "daemonsets", True),
        KindInfo("Job", "batch/v1", "jobs", True),
        KindInfo("StorageClass", "storage.k8s.io/v1", "storageclasses", False),
        KindInfo("PodChaos", "chaos-mesh.org/v1alpha1", "podchaos", True),
        KindInfo("NetworkChaos", "chaos-mesh.org/v1alpha1", "networkchaos", True),
    )
}

# Name suffixes of generated objects use the same alphabet as Kubernetes' rand.String.
SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def match_labels(labels: dict[str, str] | None, selector: dict[str, str] | None) -> bool:
    """True when every selector pair is present in labels (an empty selector matches all)."""
    if not selector:
        return True
    if not labels:
        return False
    return all(labels.get(key) == value for key, value in selector.items())


class Store:
    """All objects of one twin, with deterministic uids, names and resource versions."""

    def __init__(self, clock: SimClock, seed: int) -> None:
        self.clock = clock
        self.rng = random.Random(seed)
        # kind -> namespace ("" for cluster-scoped) -> name -> object
        self._objects: dict[str, dict[str, dict[str, Obj]]] = {kind: {} for kind in KINDS}
        self._version = 1000 + self.rng.randrange(100000)
        # kind -> owner uid -> (namespace, name) -> object; ownerReferences never change
        self._owned: dict[str, dict[str, dict[tuple[str, str], Obj]]] = {kind: {} for kind in KINDS}

    # --- identity -----------------------------------------------------------------
    def new_uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def random_suffix(self, length: int = 5) -> str:
        return "".join(self.rng.choice(SAFE_ALPHABET) for _ in range(length))

    def next_version(self) -> str:
        self._version += 1 + self.rng.randrange(40)
        return str(self._version)

    # --- reads --------------------------------------------------------------------
    def get(self, kind: str, namespace: str | None, name: str) -> Obj | None:
        table = self._objects[kind].get(self._ns(kind, namespace))
        return None if table is None else table.get(name)

    def list(
        self,
        kind: str,
        namespace: str | None = None,
        selector: dict[str, str] | None = None,
    ) -> list[Obj]:
        """Objects of a kind, sorted as the API server lists them (namespace, then name)."""
        by_ns = self._objects[kind]
        if namespace is not None and KINDS[kind].namespaced:
            tables = [by_ns.get(namespace, {})]
            names = [namespace]
        else:
            names = sorted(by_ns)
            tables = [by_ns[n] for n in names]
        out: list[Obj] = []
        for table in tables:
            objs = [table[name] for name in sorted(table)]
            if selector:
                objs = [o for o in objs if match_labels(o["metadata"].get("labels"), selector)]
            out.extend(objs)
        return out

    def owned(self, kind: str, owner: Obj) -> builtins.list[Obj]:
        """Objects of `kind` whose ownerReferences name `owner`, sorted by name."""
        table = self._owned[kind].get(owner["metadata"]["uid"], {})
        return [table[key] for key in sorted(table)]

    def _index(self, obj: Obj) -> None:
        meta = obj["metadata"]
        key = (meta.get("namespace", ""), meta["name"])
        for ref in meta.get("ownerReferences", ()):
            self._owned[obj["kind"]].setdefault(ref["uid"], {})[key] = obj

    def _unindex(self, obj: Obj) -> None:
        meta = obj["metadata"]
        key = (meta.get("namespace", ""), meta["name"])
        for ref in meta.get("ownerReferences", ()):
            children = self._owned[obj["kind"]].get(ref["uid"])
            if children is not None:
                children.pop(key, None)
                if not children:
                    del self._owned[obj["kind"]][ref["uid"]]

    def all(self) -> Iterator[Obj]:
        for by_ns in self._objects.values():
            for table in by_ns.values():
                yield from table.values()

    def namespaces(self) -> builtins.list[str]:
        return [str(o["metadata"]["name"]) for o in self.list("Namespace")]

    # --- writes -------------------------------------------------------------------
    def add(self, obj: Obj, *, created: str | None = None) -> Obj:
        """Insert a new object, filling the metadata the API server would fill."""
        kind = obj["kind"]
        info = KINDS[kind]
        obj.setdefault("apiVersion", info.api_version)
        meta = obj.setdefault("metadata", {})
        if info.namespaced:
            meta.setdefault("namespace", "default")
        else:
            meta.pop("namespace", None)
        meta.setdefault("uid", self.new_uid())
        meta.setdefault("creationTimestamp", created or rfc3339(self.clock.now()))
        meta["resourceVersion"] = self.next_version()
        if kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"):
            meta.setdefault("generation", 1)
        table = self._objects[kind].setdefault(meta.get("namespace", ""), {})
        previous = table.get(meta["name"])
        if previous is not None:
            self._unindex(previous)
        table[meta["name"]] = obj
        self._index(obj)
        return obj

    def touch(self, obj: Obj) -> Obj:
        """Record a change made in place: bump resourceVersion."""
        obj["metadata"]["resourceVersion"] = self.next_version()
        return obj

    def replace(self, obj: Obj) -> Obj:
        kind = obj["kind"]
        meta = obj["metadata"]
        table = self._objects[kind].setdefault(self._ns(kind, meta.get("namespace")), {})
        previous = table.get(meta["name"])
        if previous is not None:
            self._unindex(previous)
        table[meta["name"]] = obj
        self._index(obj)
        return self.touch(obj)

    def delete(self, kind: str, namespace: str | None, name: str) -> Obj | None:
        table = self._objects[kind].get(self._ns(kind, namespace))
        removed = None if table is None else table.pop(name, None)
        if removed is not None:
            self._unindex(removed)
        return removed

    def delete_many(self, objs: Iterable[Obj]) -> None:
        for obj in list(objs):
            meta = obj["metadata"]
            self.delete(obj["kind"], meta.get("namespace"), meta["name"])

    @staticmethod
    def _ns(kind: str, namespace: str | None) -> str:
        return (namespace or "") if KINDS[kind].namespaced else ""


def owner_ref(owner: Obj, *, controller: bool = True) -> dict[str, Any]:
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": controller,
        "blockOwnerDeletion": True,
    }
