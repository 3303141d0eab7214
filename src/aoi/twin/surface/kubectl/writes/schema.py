"""Patch strategies of the Kubernetes types the twin holds (the `patchStrategy` struct tags).

A strategic merge patch merges a list by a key only where the Go type says so
(`containers` by `name`, Service `ports` by `port`, ...); every other list is
replaced whole. This table is the subset of those tags the twin's kinds use.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Field:
    """How one field of a type patches: its element type and list strategy."""

    type: str | None = None  # the type of the value (of each element, for a list)
    merge_key: str | None = None  # lists of maps merged by this key
    merge_primitives: bool = False  # lists of scalars merged as a set (finalizers)
    retain_keys: bool = False  # the value (each element) is a union: apply drops unset keys


@dataclass(frozen=True, slots=True)
class Type:
    fields: dict[str, Field] = field(default_factory=dict)

    def get(self, name: str) -> Field:
        return self.fields.get(name, _PLAIN)


_PLAIN = Field()


def _t(**fields: Field) -> Type:
    return Type(dict(fields))


TYPES: dict[str, Type] = {
    "ObjectMeta": _t(
        finalizers=Field(merge_primitives=True),
        ownerReferences=Field(merge_key="uid"),
    ),
    "PodTemplateSpec": _t(metadata=Field("ObjectMeta"), spec=Field("PodSpec")),
    "PodSpec": _t(
        containers=Field("Container", merge_key="name"),
        initContainers=Field("Container", merge_key="name"),
        ephemeralContainers=Field("Container", merge_key="name"),
        volumes=Field("Volume", merge_key="name", retain_keys=True),
        imagePullSecrets=Field(merge_key="name"),
        hostAliases=Field(merge_key="ip"),
        topologySpreadConstraints=Field(merge_key="topologyKey"),
        resourceClaims=Field(merge_key="name", retain_keys=True),
        schedulingGates=Field(merge_key="name"),
    ),
    "Container": _t(
        ports=Field(merge_key="containerPort"),
        env=Field(merge_key="name"),
        volumeMounts=Field(merge_key="mountPath"),
        volumeDevices=Field(merge_key="devicePath"),
    ),
    "Volume": _t(),
    "DeploymentSpec": _t(template=Field("PodTemplateSpec"), strategy=Field(retain_keys=True)),
    "StatefulSetSpec": _t(template=Field("PodTemplateSpec")),
    "DaemonSetSpec": _t(template=Field("PodTemplateSpec"), updateStrategy=Field(retain_keys=True)),
    "ReplicaSetSpec": _t(template=Field("PodTemplateSpec")),
    "JobSpec": _t(template=Field("PodTemplateSpec")),
    "ServiceSpec": _t(ports=Field(merge_key="port")),
    "WithConditions": _t(conditions=Field(merge_key="type")),
    "PodStatus": _t(conditions=Field(merge_key="type")),
    "NodeStatus": _t(conditions=Field(merge_key="type"), addresses=Field(merge_key="type")),
    "EndpointSubset": _t(addresses=Field(merge_key="ip"), ports=Field(merge_key="port")),
    "Endpoints": _t(metadata=Field("ObjectMeta"), subsets=Field("EndpointSubset")),
    "Object": _t(metadata=Field("ObjectMeta")),
}

_SPEC_TYPES = {
    "Deployment": "DeploymentSpec",
    "StatefulSet": "StatefulSetSpec",
    "DaemonSet": "DaemonSetSpec",
    "ReplicaSet": "ReplicaSetSpec",
    "Job": "JobSpec",
    "Pod": "PodSpec",
    "Service": "ServiceSpec",
}
_STATUS_TYPES = {
    "Pod": "PodStatus",
    "Node": "NodeStatus",
    "Deployment": "WithConditions",
    "StatefulSet": "WithConditions",
    "DaemonSet": "WithConditions",
    "ReplicaSet": "WithConditions",
    "Job": "WithConditions",
}

for _kind in set(_SPEC_TYPES) | set(_STATUS_TYPES):
    _fields = {"metadata": Field("ObjectMeta")}
    if _kind in _SPEC_TYPES:
        _fields["spec"] = Field(_SPEC_TYPES[_kind])
    if _kind in _STATUS_TYPES:
        _fields["status"] = Field(_STATUS_TYPES[_kind])
    TYPES[_kind] = Type(_fields)


def root_type(kind: str) -> str:
    """The schema type name of a whole object of `kind`."""
    return kind if kind in TYPES else "Object"


def type_of(name: str | None) -> Type:
    return TYPES.get(name or "", _EMPTY)


_EMPTY = Type()
