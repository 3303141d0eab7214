"""What users type after `kubectl get` resolved to a resource type, as the API server's discovery would.

The table lists the API resources of a plain kubectl v1.32 cluster (with metrics-server). The twin
holds only some of them (`held`); the rest exist, so asking for them lists nothing instead of
failing, exactly as on a real cluster where nobody created any.
"""

from __future__ import annotations

from dataclasses import dataclass

from aoi.twin.cluster.store import KINDS
from aoi.twin.surface.kubectl.tabwriter import tabwrite


@dataclass(frozen=True, slots=True)
class ResourceInfo:
    """One API resource: the same four fields as `store.KindInfo`, plus discovery's names."""

    kind: str
    api_version: str
    plural: str
    namespaced: bool
    singular: str
    short_names: tuple[str, ...] = ()
    held: bool = False

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]

    @property
    def qualified(self) -> str:
        """`deployment.apps`, `pod`: how `-o name` and `get all` name this type."""
        return f"{self.singular}.{self.group}" if self.group else self.singular


class UnknownResourceError(LookupError):
    """A resource type the server does not have; str() is kubectl's message."""

    def __init__(self, name: str) -> None:
        super().__init__(f'error: the server doesn\'t have a resource type "{name}"')
        self.name = name


def _r(kind: str, api_version: str, plural: str, namespaced: bool, *short: str) -> ResourceInfo:
    return ResourceInfo(
        kind=kind,
        api_version=api_version,
        plural=plural,
        namespaced=namespaced,
        singular=kind.lower(),
        short_names=short,
        held=kind in KINDS and KINDS[kind].api_version == api_version,
    )


# In `kubectl api-resources` order: the core group by name, then the groups as discovery lists them.
API_RESOURCES: tuple[ResourceInfo, ...] = (
    _r("Binding", "v1", "bindings", True),
    _r("ComponentStatus", "v1", "componentstatuses", False, "cs"),
    _r("ConfigMap", "v1", "configmaps", True, "cm"),
    _r("Endpoints", "v1", "endpoints", True, "ep"),
    _r("Event", "v1", "events", True, "ev"),
    _r("LimitRange", "v1", "limitranges", True, "limits"),
    _r("Namespace", "v1", "namespaces", False, "ns"),
    _r("Node", "v1", "nodes", False, "no"),
    _r("PersistentVolumeClaim", "v1", "persistentvolumeclaims", True, "pvc"),
    _r("PersistentVolume", "v1", "persistentvolumes", False, "pv"),
    _r("Pod", "v1", "pods", True, "po"),
    _r("PodTemplate", "v1", "podtemplates", True),
    _r("ReplicationController", "v1", "replicationcontrollers", True, "rc"),
    _r("ResourceQuota", "v1", "resourcequotas", True, "quota"),
    _r("Secret", "v1", "secrets", True),
    _r("ServiceAccount", "v1", "serviceaccounts", True, "sa"),
    _r("Service", "v1", "services", True, "svc"),
    _r(
        "MutatingWebhookConfiguration",
        "admissionregistration.k8s.io/v1",
        "mutatingwebhookconfigurations",
        False,
    ),
    _r(
        "ValidatingAdmissionPolicy",
        "admissionregistration.k8s.io/v1",
        "validatingadmissionpolicies",
        False,
    ),
    _r(
        "ValidatingAdmissionPolicyBinding",
        "admissionregistration.k8s.io/v1",
        "validatingadmissionpolicybindings",
        False,
    ),
    _r(
        "ValidatingWebhookConfiguration",
        "admissionregistration.k8s.io/v1",
        "validatingwebhookconfigurations",
        False,
    ),
    _r(
        "CustomResourceDefinition",
        "apiextensions.k8s.io/v1",
        "customresourcedefinitions",
        False,
        "crd",
        "crds",
    ),
    _r("APIService", "apiregistration.k8s.io/v1", "apiservices", False),
    _r("ControllerRevision", "apps/v1", "controllerrevisions", True),
    _r("DaemonSet", "apps/v1", "daemonsets", True, "ds"),
    _r("Deployment", "apps/v1", "deployments", True, "deploy"),
    _r("ReplicaSet", "apps/v1", "replicasets", True, "rs"),
    _r("StatefulSet", "apps/v1", "statefulsets", True, "sts"),
    _r("SelfSubjectReview", "authentication.k8s.io/v1", "selfsubjectreviews", False),
    _r("TokenReview", "authentication.k8s.io/v1", "tokenreviews", False),
    _r("LocalSubjectAccessReview", "authorization.k8s.io/v1", "localsubjectaccessreviews", True),
    _r("SelfSubjectAccessReview", "authorization.k8s.io/v1", "selfsubjectaccessreviews", False),
    _r("SelfSubjectRulesReview", "authorization.k8s.io/v1", "selfsubjectrulesreviews", False),
    _r("SubjectAccessReview", "authorization.k8s.io/v1", "subjectaccessreviews", False),
    _r("HorizontalPodAutoscaler", "autoscaling/v2", "horizontalpodautoscalers", True, "hpa"),
    _r("CronJob", "batch/v1", "cronjobs", True, "cj"),
    _r("Job", "batch/v1", "jobs", True),
    _r(
        "CertificateSigningRequest",
        "certificates.k8s.io/v1",
        "certificatesigningrequests",
        False,
        "csr",
    ),
    _r("Lease", "coordination.k8s.io/v1", "leases", True),
    _r("EndpointSlice", "discovery.k8s.io/v1", "endpointslices", True),
    _r("Event", "events.k8s.io/v1", "events", True, "ev"),
    _r("FlowSchema", "flowcontrol.apiserver.k8s.io/v1", "flowschemas", False),
    _r(
        "PriorityLevelConfiguration",
        "flowcontrol.apiserver.k8s.io/v1",
        "prioritylevelconfigurations",
        False,
    ),
    _r("NodeMetrics", "metrics.k8s.io/v1beta1", "nodes", False),
    _r("PodMetrics", "metrics.k8s.io/v1beta1", "pods", True),
    _r("IngressClass", "networking.k8s.io/v1", "ingressclasses", False),
    _r("Ingress", "networking.k8s.io/v1", "ingresses", True, "ing"),
    _r("NetworkPolicy", "networking.k8s.io/v1", "networkpolicies", True, "netpol"),
    _r("RuntimeClass", "node.k8s.io/v1", "runtimeclasses", False),
    _r("PodDisruptionBudget", "policy/v1", "poddisruptionbudgets", True, "pdb"),
    _r("ClusterRoleBinding", "rbac.authorization.k8s.io/v1", "clusterrolebindings", False),
    _r("ClusterRole", "rbac.authorization.k8s.io/v1", "clusterroles", False),
    _r("RoleBinding", "rbac.authorization.k8s.io/v1", "rolebindings", True),
    _r("Role", "rbac.authorization.k8s.io/v1", "roles", True),
    _r("PriorityClass", "scheduling.k8s.io/v1", "priorityclasses", False, "pc"),
    _r("CSIDriver", "storage.k8s.io/v1", "csidrivers", False),
    _r("CSINode", "storage.k8s.io/v1", "csinodes", False),
    _r("CSIStorageCapacity", "storage.k8s.io/v1", "csistoragecapacities", True),
    _r("StorageClass", "storage.k8s.io/v1", "storageclasses", False, "sc"),
    _r("VolumeAttachment", "storage.k8s.io/v1", "volumeattachments", False),
    _r("NetworkChaos", "chaos-mesh.org/v1alpha1", "networkchaos", True),
    _r("PodChaos", "chaos-mesh.org/v1alpha1", "podchaos", True),
)

# kubectl's category "all", in the order `kubectl get all` prints it.
ALL_CATEGORY: tuple[str, ...] = (
    "pods",
    "replicationcontrollers",
    "services",
    "daemonsets",
    "deployments",
    "replicasets",
    "statefulsets",
    "horizontalpodautoscalers",
    "cronjobs",
    "jobs",
)

# Kinds the twin holds under another group's name: events.k8s.io Events are the core Events.
_ALIASES = {("events", "events.k8s.io"): ("events", "")}

# Discovery prefers the core group and then the earlier group, as the RESTMapper does
# (`nodes` is core Node, not NodeMetrics).
_BY_NAME: dict[str, ResourceInfo] = {}
for _info in API_RESOURCES:
    for _name in (_info.plural, _info.singular, *_info.short_names):
        _BY_NAME.setdefault(_name, _info)


def _lookup(name: str, group: str | None) -> ResourceInfo | None:
    if group is None:
        return _BY_NAME.get(name)
    name, group = _ALIASES.get((name, group), (name, group))
    for info in API_RESOURCES:
        if info.group == group and name in (info.plural, info.singular, *info.short_names):
            return info
    return None


def resolve(name: str) -> ResourceInfo:
    """The resource a user means by `po`, `Pods`, `deployments.apps`, `deploy.v1.apps`, ...

    Raises UnknownResourceError (kubectl's message) for a type no cluster has. `all` and
    comma lists are several types: use `resolve_many`.
    """
    text = name.strip().lower()
    found = _lookup(text, None)
    if found is None and "." in text:
        head, _, rest = text.partition(".")
        found = _lookup(head, rest)
        if found is None and "." in rest:
            version, _, group = rest.partition(".")
            found = _lookup(head, group)
            if found is not None and not found.api_version.endswith("/" + version):
                found = None
    if found is None:
        raise UnknownResourceError(name)
    if not found.held and found.kind in KINDS:
        # Another group's name for a kind the twin holds (events.k8s.io Events).
        return _held(found.kind)
    return found


def resolve_many(text: str) -> list[ResourceInfo]:
    """The types of `kubectl get TYPE[,TYPE...]`; `all` expands to kubectl's category."""
    out: list[ResourceInfo] = []
    for part in text.split(","):
        infos = (
            [resolve(p) for p in ALL_CATEGORY] if part.strip().lower() == "all" else [resolve(part)]
        )
        out.extend(info for info in infos if info not in out)
    return out


def _held(kind: str) -> ResourceInfo:
    for info in API_RESOURCES:
        if info.kind == kind and info.held:
            return info
    raise KeyError(kind)


def info_for_kind(kind: str) -> ResourceInfo:
    """The held resource of a twin kind (`Deployment` -> deployments.apps)."""
    return _held(kind)


def api_resources_table() -> str:
    """`kubectl api-resources`, with its trailing newline."""
    rows = ["NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND"]
    rows.extend(
        f"{i.plural}\t{','.join(i.short_names)}\t{i.api_version}\t{str(i.namespaced).lower()}\t{i.kind}"
        for i in API_RESOURCES
    )
    return tabwrite("\n".join(rows) + "\n", minwidth=6, padding=3)
