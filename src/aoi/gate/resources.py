"""Kubernetes resource names: aliases to canonical kinds, and which are cluster-scoped."""

from __future__ import annotations

_ALIASES: dict[str, tuple[str, ...]] = {
    "pod": ("pods", "po"),
    "service": ("services", "svc"),
    "deployment": ("deployments", "deploy"),
    "statefulset": ("statefulsets", "sts"),
    "daemonset": ("daemonsets", "ds"),
    "replicaset": ("replicasets", "rs"),
    "replicationcontroller": ("replicationcontrollers", "rc"),
    "job": ("jobs",),
    "cronjob": ("cronjobs", "cj"),
    "configmap": ("configmaps", "cm"),
    "secret": ("secrets",),
    "serviceaccount": ("serviceaccounts", "sa"),
    "persistentvolumeclaim": ("persistentvolumeclaims", "pvc"),
    "persistentvolume": ("persistentvolumes", "pv"),
    "storageclass": ("storageclasses", "sc"),
    "endpoints": ("endpoint", "ep"),
    "endpointslice": ("endpointslices",),
    "ingress": ("ingresses", "ing"),
    "ingressclass": ("ingressclasses",),
    "networkpolicy": ("networkpolicies", "netpol"),
    "horizontalpodautoscaler": ("horizontalpodautoscalers", "hpa"),
    "poddisruptionbudget": ("poddisruptionbudgets", "pdb"),
    "event": ("events", "ev"),
    "node": ("nodes", "no"),
    "namespace": ("namespaces", "ns"),
    "resourcequota": ("resourcequotas", "quota"),
    "limitrange": ("limitranges", "limits"),
    "role": ("roles",),
    "rolebinding": ("rolebindings",),
    "clusterrole": ("clusterroles",),
    "clusterrolebinding": ("clusterrolebindings",),
    "customresourcedefinition": ("customresourcedefinitions", "crd", "crds"),
    "priorityclass": ("priorityclasses", "pc"),
    "apiservice": ("apiservices",),
    "csidriver": ("csidrivers",),
    "csinode": ("csinodes",),
    "volumeattachment": ("volumeattachments",),
    "runtimeclass": ("runtimeclasses",),
    "mutatingwebhookconfiguration": ("mutatingwebhookconfigurations",),
    "validatingwebhookconfiguration": ("validatingwebhookconfigurations",),
    "certificatesigningrequest": ("certificatesigningrequests", "csr"),
    "componentstatus": ("componentstatuses", "cs"),
    "lease": ("leases",),
    "controllerrevision": ("controllerrevisions",),
    "tidbcluster": ("tidbclusters", "tc"),
    "networkchaos": ("networkchaoses",),
    "podchaos": ("podchaoses",),
    "stresschaos": ("stresschaoses",),
    "iochaos": ("iochaoses",),
    "httpchaos": ("httpchaoses",),
    "dnschaos": ("dnschaoses",),
    "timechaos": ("timechaoses",),
    "kernelchaos": ("kernelchaoses",),
    "jvmchaos": ("jvmchaoses",),
    "schedule": ("schedules",),
    "workflow": ("workflows",),
}

CANONICAL: dict[str, str] = {}
for _kind, _names in _ALIASES.items():
    CANONICAL[_kind] = _kind
    for _name in _names:
        CANONICAL[_name] = _kind

CLUSTER_SCOPED = frozenset(
    {
        "node",
        "namespace",
        "persistentvolume",
        "storageclass",
        "ingressclass",
        "clusterrole",
        "clusterrolebinding",
        "customresourcedefinition",
        "priorityclass",
        "apiservice",
        "csidriver",
        "csinode",
        "volumeattachment",
        "runtimeclass",
        "mutatingwebhookconfiguration",
        "validatingwebhookconfiguration",
        "certificatesigningrequest",
        "componentstatus",
    }
)


def canonical(name: str) -> str:
    """Canonical kind for a resource name as typed (`svc`, `deployments.apps`)."""
    found = CANONICAL.get(name)
    if found is not None:
        return found
    lowered = name.lower()
    found = CANONICAL.get(lowered)
    if found is not None:
        return found
    head = lowered.split(".", 1)[0]
    return CANONICAL.get(head, head)
