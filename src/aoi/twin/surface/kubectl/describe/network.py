"""`kubectl describe` for Services, Endpoints, ConfigMaps, Secrets, ServiceAccounts and Events."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime
from typing import Any

from aoi.twin.cluster.endpointslices import endpoint_slices, format_for_port
from aoi.twin.cluster.store import Store
from aoi.twin.surface.kubectl.describe.writer import (
    Obj,
    Writer,
    events_for,
    events_section,
    identity,
    meta,
    printable,
)
from aoi.twin.surface.kubectl.values import format_labels


def describe_service(svc: Obj, store: Store, now: datetime) -> str:
    m, spec, status = meta(svc), svc.get("spec") or {}, svc.get("status") or {}
    w = Writer()
    identity(w, m)
    w.write(0, f"Selector:\t{format_labels(spec.get('selector'))}\n")
    w.write(0, f"Type:\t{spec.get('type', 'ClusterIP')}\n")
    if spec.get("ipFamilyPolicy"):
        w.write(0, f"IP Family Policy:\t{spec['ipFamilyPolicy']}\n")
    w.write(0, f"IP Families:\t{','.join(spec.get('ipFamilies') or []) or '<none>'}\n")
    w.write(0, f"IP:\t{spec.get('clusterIP', '')}\n")
    w.write(0, f"IPs:\t{','.join(spec.get('clusterIPs') or []) or '<none>'}\n")
    if spec.get("externalIPs"):
        w.write(0, f"External IPs:\t{','.join(spec['externalIPs'])}\n")
    if spec.get("loadBalancerIP"):
        w.write(0, f"IP:\t{spec['loadBalancerIP']}\n")
    if spec.get("loadBalancerClass"):
        w.write(0, f"LoadBalancer Class:\t{spec['loadBalancerClass']}\n")
    ingress = (status.get("loadBalancer") or {}).get("ingress") or []
    if ingress:
        text = ", ".join(i.get("ip") or i.get("hostname") or "" for i in ingress)
        w.write(0, f"LoadBalancer Ingress:\t{text}\n")
    # kubectl 1.32 reads the service's EndpointSlices (the twin derives them from its Endpoints)
    slices = endpoint_slices(store, m.get("namespace"), m.get("name", ""))
    for port in spec.get("ports") or []:
        name = port.get("name") or "<unset>"
        protocol = port.get("protocol", "TCP")
        w.write(0, f"Port:\t{name}\t{port.get('port')}/{protocol}\n")
        target = port.get("targetPort", port.get("port"))
        w.write(0, f"TargetPort:\t{target}/{protocol}\n")
        if port.get("nodePort"):
            w.write(0, f"NodePort:\t{name}\t{port['nodePort']}/{protocol}\n")
        w.write(0, f"Endpoints:\t{format_for_port(slices, port.get('name', ''))}\n")
    w.write(0, f"Session Affinity:\t{spec.get('sessionAffinity', 'None')}\n")
    if spec.get("externalTrafficPolicy"):
        w.write(0, f"External Traffic Policy:\t{spec['externalTrafficPolicy']}\n")
    if spec.get("internalTrafficPolicy"):
        w.write(0, f"Internal Traffic Policy:\t{spec['internalTrafficPolicy']}\n")
    if spec.get("healthCheckNodePort"):
        w.write(0, f"HealthCheck NodePort:\t{spec['healthCheckNodePort']}\n")
    if spec.get("loadBalancerSourceRanges"):
        w.write(0, f"LoadBalancer Source Ranges:\t{','.join(spec['loadBalancerSourceRanges'])}\n")
    events_section(w, events_for(store, svc), now)
    return w.text()


def describe_endpointslice(es: Obj, store: Store, now: datetime) -> str:
    """describeEndpointSliceV1: ports as a table, each endpoint as a small block."""
    w = Writer()
    identity(w, meta(es))
    w.write(0, f"AddressType:\t{es.get('addressType', '')}\n")
    ports = es.get("ports") or []
    if not ports:
        w.write(0, "Ports: <unset>\n")
    else:
        w.write(0, "Ports:\n")
        w.write(1, "Name\tPort\tProtocol\n")
        w.write(1, "----\t----\t--------\n")
        for port in ports:
            number = port.get("port")
            w.write(
                1,
                f"{port.get('name') or '<unset>'}\t"
                f"{'<unset>' if number is None else number}\t{port.get('protocol', '')}\n",
            )
    endpoints = es.get("endpoints") or []
    if not endpoints:
        w.write(0, "Endpoints: <none>\n")
    else:
        w.write(0, "Endpoints:\n")
        for e in endpoints:
            ready = (e.get("conditions") or {}).get("ready")
            w.write(1, f"- Addresses:\t{','.join(e.get('addresses') or [])}\n")
            w.write(2, "Conditions:\n")
            w.write(3, f"Ready:\t{'<unset>' if ready is None else str(bool(ready)).lower()}\n")
            w.write(2, f"Hostname:\t{e.get('hostname') or '<unset>'}\n")
            ref = e.get("targetRef")
            if ref:
                w.write(2, f"TargetRef:\t{ref.get('kind', '')}/{ref.get('name', '')}\n")
            w.write(2, f"NodeName:\t{e.get('nodeName') or '<unset>'}\n")
            w.write(2, f"Zone:\t{e.get('zone') or '<unset>'}\n")
    events_section(w, events_for(store, es), now)
    return w.text()


def describe_endpoints(ep: Obj, store: Store, now: datetime) -> str:
    m = meta(ep)
    w = Writer()
    identity(w, m)
    w.write(0, "Subsets:\n")
    for subset in ep.get("subsets") or []:
        ready = ",".join(a.get("ip", "") for a in subset.get("addresses") or [])
        not_ready = ",".join(a.get("ip", "") for a in subset.get("notReadyAddresses") or [])
        w.write(1, f"Addresses:\t{ready or '<none>'}\n")
        w.write(1, f"NotReadyAddresses:\t{not_ready or '<none>'}\n")
        if subset.get("ports"):
            w.write(1, "Ports:\n")
            w.write(2, "Name\tPort\tProtocol\n")
            w.write(2, "----\t----\t--------\n")
            for port in subset["ports"]:
                w.write(
                    2,
                    f"{port.get('name') or '<unset>'}\t{port.get('port')}\t"
                    f"{port.get('protocol', 'TCP')}\n",
                )
        w.write(0, "\n")
    events_section(w, events_for(store, ep), now)
    return w.text()


def describe_configmap(cm: Obj, store: Store, now: datetime) -> str:
    m = meta(cm)
    w = Writer()
    identity(w, m)
    w.write(0, "\nData\n====\n")
    data = cm.get("data") or {}
    # Go walks the map in random order; sorted keys are one of the orders it can print.
    for key in sorted(data):
        w.write(0, f"{key}:\n----\n")
        w.write(0, f"{data[key]}\n")
        w.write(0, "\n")
    w.write(0, "\nBinaryData\n====\n")
    binary = cm.get("binaryData") or {}
    for key in sorted(binary):
        w.write(0, f"{key}: {_decoded_len(binary[key])} bytes\n")
    w.write(0, "\n")
    events_section(w, events_for(store, cm), now)
    return w.text()


def _decoded_len(value: Any) -> int:
    try:
        return len(base64.b64decode(str(value), validate=True))
    except (binascii.Error, ValueError):
        return len(str(value))


def describe_secret(secret: Obj, store: Store, now: datetime) -> str:
    """Never the data itself: each key's decoded size, as kubectl prints it."""
    m = meta(secret)
    w = Writer()
    identity(w, m)
    w.write(0, f"\nType:\t{secret.get('type', 'Opaque')}\n")
    w.write(0, "\nData\n====\n")
    data = secret.get("data") or {}
    for key in sorted(data):
        w.write(0, f"{key}:\t{_decoded_len(data[key])} bytes\n")
    return w.text()


def describe_serviceaccount(sa: Obj, store: Store, now: datetime) -> str:
    m = meta(sa)
    w = Writer()
    identity(w, m)
    tokens = [
        meta(s)["name"]
        for s in store.list("Secret", m.get("namespace"))
        if s.get("type") == "kubernetes.io/service-account-token"
        and (meta(s).get("annotations") or {}).get("kubernetes.io/service-account.name")
        == m.get("name")
    ]
    rows = {
        "Image pull secrets:": [s.get("name", "") for s in sa.get("imagePullSecrets") or []],
        "Mountable secrets: ": [s.get("name", "") for s in sa.get("secrets") or []],
        "Tokens:            ": tokens,
    }
    for header in sorted(rows):
        names = rows[header]
        if not names:
            w.write(0, f"{header}\t<none>\n")
        for i, name in enumerate(names):
            missing = store.get("Secret", m.get("namespace"), name) is None
            prefix = header if i == 0 else " " * 19
            w.write(0, f"{prefix}\t{name}{' (not found)' if missing else ''}\n")
    events_section(w, events_for(store, sa), now)
    return w.text()


_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+|[^A-Za-z\d]+")
_ACRONYMS = {"API", "URL", "UID", "OSB", "GUID"}


def smart_label(field: str) -> str:
    """smartLabelFor: `involvedObject` -> `Involved Object`, `apiVersion` -> `API Version`."""
    if any(not (c.isalpha() or c == "-") for c in field):
        return field
    parts = []
    for part in _CAMEL.findall(field):
        parts.append(part.upper() if part.upper() in _ACRONYMS else part[:1].upper() + part[1:])
    return " ".join(parts)


_SKIP = {
    ".metadata.managedFields",
    ".metadata.name",
    ".metadata.namespace",
    ".metadata.labels",
    ".metadata.annotations",
}


def _unstructured(w: Writer, level: int, content: dict[str, Any], prefix: str) -> None:
    for field in sorted(content):
        value, path = content[field], f"{prefix}.{field}"
        if path in _SKIP:
            continue
        if isinstance(value, dict):
            w.write(level, f"{smart_label(field)}:\n")
            _unstructured(w, level + 1, value, path)
        elif isinstance(value, list):
            w.write(level, f"{smart_label(field)}:\n")
            for child in value:
                if isinstance(child, dict):
                    _unstructured(w, level + 1, child, path)
                else:
                    w.write(level + 1, f"{printable(child)}\n")
        else:
            w.write(level, f"{smart_label(field)}:\t{printable(value)}\n")


def describe_generic(obj: Obj, store: Store, now: datetime) -> str:
    """kubectl's generic describer (Events and kinds without their own): every field, sorted."""
    m = meta(obj)
    w = Writer()
    identity(w, m)
    _unstructured(w, 0, obj, "")
    events_section(w, events_for(store, obj), now)
    return w.text()
