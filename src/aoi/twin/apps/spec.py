"""The schema of the twin's data files: applications, their components and the cluster.

Every model is frozen and rejects unknown keys, so a typo in a YAML file fails
at load time instead of silently producing a different cluster. The builder
(`aoi.twin.apps.build`) turns these models into Kubernetes objects; the controller
reads them for behaviour (programs, call graphs, databases, log styles).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Protocol = Literal["TCP", "UDP", "SCTP"]
Role = Literal[
    "service",
    "frontend",
    "mongodb",
    "memcached",
    "redis",
    "registry",
    "tracing",
    "proxy",
    "queue",
    "flags",
    "loadgen",
    "monitoring",
    "other",
]
Workload = Literal["Deployment", "StatefulSet", "DaemonSet", "StaticPod", "Job"]
CallProtocol = Literal[
    "grpc",
    "thrift",
    "http",
    "mongodb",
    "memcached",
    "redis",
    "consul",
    "jaeger",
    "kafka",
    "flagd",
    "valkey",
    "postgres",
    "otlp",
]
LogStyle = Literal[
    "go-hotel",
    "cpp-thrift",
    "mongod",
    "memcached",
    "redis",
    "nginx",
    "consul",
    "jaeger",
    "otel",
    "envoy",
    "flagd",
    "kafka",
    "locust",
    "prometheus",
    "generic",
]
Language = Literal[
    "go", "java", "dotnet", "node", "python", "rust", "ruby", "elixir", "php", "kotlin", "cpp"
]


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- containers -----------------------------------------------------------------


class KeyRef(Model):
    """A key of a Secret or ConfigMap."""

    name: str
    key: str


class EnvVar(Model):
    """One container environment variable: a literal value or one reference."""

    name: str
    value: str | None = None
    value_from_secret: KeyRef | None = None
    value_from_configmap: KeyRef | None = None
    field_path: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> EnvVar:
        sources = [self.value_from_secret, self.value_from_configmap, self.field_path]
        given = sum(s is not None for s in sources) + (self.value is not None)
        if given > 1:
            raise ValueError(f"env {self.name}: give one of value, secret, configmap, field_path")
        return self


class ContainerPort(Model):
    container_port: int
    name: str | None = None
    protocol: Protocol = "TCP"


class Mount(Model):
    """A volume mount, with the volume it comes from (`ref` names the claim, map, secret or path)."""

    name: str
    mount_path: str
    sub_path: str | None = None
    read_only: bool = False
    source: Literal["pvc", "configMap", "secret", "emptyDir", "hostPath"] = "emptyDir"
    ref: str | None = None
    host_path_type: str | None = None


class ContainerSpec(Model):
    """A second container of a pod: an init container or a sidecar."""

    name: str
    image: str
    image_pull_policy: str | None = None
    command: list[str] = Field(default_factory=list)
    args: list[str] = Field(default_factory=list)
    env: list[EnvVar] = Field(default_factory=list)
    container_ports: list[ContainerPort] = Field(default_factory=list)
    resources: dict[str, dict[str, str]] = Field(default_factory=dict)
    volume_mounts: list[Mount] = Field(default_factory=list)
    security_context: dict[str, Any] | None = None


# --- services and behaviour ------------------------------------------------------


class Port(Model):
    name: str | None = None
    port: int
    target_port: int | str | None = None
    protocol: Protocol = "TCP"
    node_port: int | None = None

    @property
    def target(self) -> int | str:
        return self.port if self.target_port is None else self.target_port


class ServiceDef(Model):
    """The Service in front of a component; labels and selector default to the component's."""

    type: Literal["ClusterIP", "NodePort"] = "ClusterIP"
    name: str | None = None
    ports: list[Port] = Field(default_factory=list)
    cluster_ip: str | None = None
    labels: dict[str, str] | None = None
    annotations: dict[str, str] = Field(default_factory=dict)
    selector: dict[str, str] | None = None


class Dependency(Model):
    """One edge of the call graph: this component calls `service` on `port`."""

    service: str
    port: int
    protocol: CallProtocol
    # "consul": HotelReservation's Go services resolve peers through Consul, so they
    # dial the pod IP and container port directly, bypassing the Service.
    via: Literal["service", "consul"] = "service"
    # A failed dependency at start makes the program exit (Go services panic on mongo auth).
    required_at_start: bool = False


class MongoClient(Model):
    """How a program connects to its MongoDB (user None: no authentication)."""

    service: str
    database: str
    user: str | None = None
    password: str | None = None


class MongoRole(Model):
    role: str
    db: str


class MongoUser(Model):
    user: str
    password: str
    db: str = "admin"
    roles: list[MongoRole] = Field(default_factory=list)


class MongoServer(Model):
    """What a mongod serves: its databases, auth and TLS mode, and the users its init scripts create."""

    databases: list[str] = Field(default_factory=list)
    auth: bool = False
    tls_mode: Literal["disabled", "allowTLS", "preferTLS", "requireTLS"] = "disabled"
    users: list[MongoUser] = Field(default_factory=list)


class Component(Model):
    """One workload (Deployment, StatefulSet, ...) and the Service in front of it."""

    name: str
    role: Role = "service"
    workload: Workload = "Deployment"
    replicas: int = 1
    container: str = ""
    image: str
    image_pull_policy: str | None = None
    command: list[str] = Field(default_factory=list)
    args: list[str] = Field(default_factory=list)
    env: list[EnvVar] = Field(default_factory=list)
    container_ports: list[ContainerPort] = Field(default_factory=list)
    service: ServiceDef | None = None
    extra_services: list[ServiceDef] = Field(default_factory=list)
    resources: dict[str, dict[str, str]] = Field(default_factory=dict)
    volume_mounts: list[Mount] = Field(default_factory=list)
    pod_labels: dict[str, str] = Field(default_factory=dict)
    selector: dict[str, str] = Field(default_factory=dict)
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    pod_annotations: dict[str, str] = Field(default_factory=dict)
    readiness_probe: dict[str, Any] | None = None
    liveness_probe: dict[str, Any] | None = None
    node_selector: dict[str, str] = Field(default_factory=dict)
    tolerations: list[dict[str, Any]] = Field(default_factory=list)
    init_containers: list[ContainerSpec] = Field(default_factory=list)
    sidecars: list[ContainerSpec] = Field(default_factory=list)
    security_context: dict[str, Any] | None = None
    strategy: Literal["RollingUpdate", "Recreate"] = "RollingUpdate"
    hostname: str | None = None
    service_account: str | None = None
    host_network: bool = False
    dns_policy: str = "ClusterFirst"
    priority_class: str | None = None
    restart_policy: Literal["Always", "OnFailure", "Never"] = "Always"
    # StaticPod: the node whose kubelet runs it; Job: its backoff limit.
    node: str | None = None
    backoff_limit: int | None = None
    calls: list[Dependency] = Field(default_factory=list)
    mongo_client: MongoClient | None = None
    database: MongoServer | None = None
    program: str = ""
    log_style: LogStyle = "generic"
    language: Language | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Component:
        if not self.container:
            object.__setattr__(self, "container", self.name)
        if not self.program:
            object.__setattr__(self, "program", self.name)
        if not self.selector:
            object.__setattr__(self, "selector", dict(self.pod_labels))
        extra = {k: v for k, v in self.selector.items() if self.pod_labels.get(k) != v}
        if extra:
            raise ValueError(f"{self.name}: selector {extra} is not a subset of pod_labels")
        return self

    @property
    def service_name(self) -> str | None:
        if self.service is None:
            return None
        return self.service.name or self.name

    def services(self) -> list[ServiceDef]:
        """The component's Services, the main one first."""
        return ([self.service] if self.service else []) + list(self.extra_services)

    def all_containers(self) -> list[str]:
        return [self.container, *(s.name for s in self.sidecars)]


# --- application-level objects ---------------------------------------------------


class HelmRelease(Model):
    release: str
    chart: str
    chart_version: str
    app_version: str
    revision: int = 1
    status: str = "deployed"
    description: str = "Install complete"
    values: dict[str, Any] = Field(default_factory=dict)


class ConfigMapSpec(Model):
    name: str
    data: dict[str, str] = Field(default_factory=dict)
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)


class SecretSpec(Model):
    name: str
    type: str = "Opaque"
    string_data: dict[str, str] = Field(default_factory=dict)
    labels: dict[str, str] = Field(default_factory=dict)


class VolumeSpec(Model):
    """A static PersistentVolume and the claim bound to it."""

    name: str
    claim: str
    capacity: str = "1Gi"
    host_path: str
    host_path_type: str | None = None
    storage_class: str
    access_modes: list[str] = Field(default_factory=lambda: ["ReadWriteOnce"])
    reclaim_policy: Literal["Retain", "Delete", "Recycle"] = "Retain"
    node_affinity_host: str | None = None


class BadImage(Model):
    """A known broken build: what its container does when started.

    A build of one of the app's programs names it (`program`) and says what it gets
    wrong (`dials`: a dependency it dials at another port); everything it prints and
    how it exits then follows from that program's own behaviour. A build the app
    knows nothing of gives its whole output (`log`) and exit status instead.
    """

    program: str = ""
    dials: dict[str, int] = Field(default_factory=dict)
    exit_code: int = 2
    reason: str = "Error"
    log: list[str] = Field(default_factory=list)

    def component(self, app: App) -> Component | None:
        """The app's component this build is of, its dependencies as the build dials them."""
        comp = next((c for c in app.components if c.program == self.program), None)
        if comp is None or not self.program:
            return None
        calls = [
            d.model_copy(update={"port": self.dials[d.service]}) if d.service in self.dials else d
            for d in comp.calls
        ]
        return comp.model_copy(update={"calls": calls})


def image_repository(image: str) -> str:
    """The repository of an image reference, tag and digest dropped, Docker Hub prefixes normalised."""
    ref = image.split("@", 1)[0]
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    if colon > slash:
        ref = ref[:colon]
    for prefix in ("docker.io/", "index.docker.io/"):
        if ref.startswith(prefix):
            ref = ref[len(prefix) :]
    if ref.startswith("library/"):
        ref = ref[len("library/") :]
    return ref


# Images that contain exactly one program: the image alone decides what runs.
SINGLE_PROGRAM_IMAGES = frozenset(
    {
        "mongo",
        "memcached",
        "redis",
        "hashicorp/consul",
        "jaegertracing/all-in-one",
        "valkey/valkey",
        "yg397/openresty-thrift",
        "yg397/media-frontend",
    }
)


class App(Model):
    """One AIOpsLab application as deployed in its namespace."""

    name: str
    key: Literal["hotel-reservation", "social-network", "astronomy-shop"]
    aliases: list[str] = Field(default_factory=list)
    namespace: str
    deploy: Literal["kubectl", "helm"]
    helm: HelmRelease | None = None
    log_label: str
    frontend: str
    frontend_port: int | None = None
    components: list[Component]
    configmaps: list[ConfigMapSpec] = Field(default_factory=list)
    secrets: list[SecretSpec] = Field(default_factory=list)
    volumes: list[VolumeSpec] = Field(default_factory=list)
    bad_images: dict[str, BadImage] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _unique(self) -> App:
        names = [c.name for c in self.components]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"{self.key}: duplicate components {sorted(dup)}")
        if self.deploy == "helm" and self.helm is None:
            raise ValueError(f"{self.key}: a helm app needs a helm release")
        if self.frontend not in self.components_by_service():
            raise ValueError(f"{self.key}: frontend service {self.frontend} is not defined")
        return self

    def component(self, name: str) -> Component:
        """The component named `name`; KeyError if there is none."""
        for comp in self.components:
            if comp.name == name:
                return comp
        raise KeyError(name)

    def components_by_service(self) -> dict[str, Component]:
        """Every Service name of the app mapped to the component behind it."""
        out: dict[str, Component] = {}
        for comp in self.components:
            for svc in comp.services():
                out[svc.name or comp.name] = comp
        return out

    def program_for(
        self, image: str, command: list[str], args: list[str], prefer: str | None = None
    ) -> Component | None:
        """Which component's program a container with this image and command runs.

        Matched by image repository (tag ignored, unless the app tells its programs
        apart by tag, as the OpenTelemetry demo does) and binary: the first word of
        command, else of args. Single-program images (mongo, redis, ...) match by
        image alone. Several components may run the same program (six mongods):
        `prefer` names the one to return when it matches. None when nothing in the
        app runs that combination (the container would fail to start).
        """
        repo = image_repository(image)
        candidates = [c for c in self.components if image_repository(c.image) == repo]
        if len({_tag(c.image) for c in candidates}) > 1:
            candidates = [c for c in candidates if _tag(c.image) == _tag(image)]
        if repo not in SINGLE_PROGRAM_IMAGES:
            binary = _binary(command, args)
            candidates = [c for c in candidates if _binary(c.command, c.args) == binary]
        for comp in candidates:
            if comp.name == prefer:
                return comp
        return candidates[0] if candidates else None


def _tag(image: str) -> str:
    ref = image.split("@", 1)[0]
    slash, colon = ref.rfind("/"), ref.rfind(":")
    return ref[colon + 1 :] if colon > slash else "latest"


def _binary(command: list[str], args: list[str]) -> str:
    words = command or args
    return words[0].rsplit("/", 1)[-1] if words else ""


# --- the cluster -------------------------------------------------------------------


class NodeSpec(Model):
    name: str
    role: Literal["control-plane", "worker"]
    internal_ip: str
    pod_cidr: str
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    taints: list[dict[str, str]] = Field(default_factory=list)
    capacity: dict[str, str]
    allocatable: dict[str, str]
    kubelet_version: str
    container_runtime: str
    os_image: str
    kernel_version: str
    architecture: str = "amd64"
    images: list[dict[str, Any]] = Field(default_factory=list)


class InfraNamespace(Model):
    """A namespace of the platform (kube-system, observe, ...) and what runs in it."""

    name: str
    labels: dict[str, str] = Field(default_factory=dict)
    helm: HelmRelease | None = None
    components: list[Component] = Field(default_factory=list)
    configmaps: list[ConfigMapSpec] = Field(default_factory=list)


class Cluster(Model):
    name: str = "kind"
    kubernetes_version: str
    service_cidr: str = "10.96.0.0/16"
    pod_cidr: str = "10.244.0.0/16"
    api_server_port: int = 6443
    nodes: list[NodeSpec]
    namespaces: list[InfraNamespace]
    # images the kind node image was built with (AIOpsLab's kind/images.txt)
    preloaded_images: list[str] = Field(default_factory=list)
    # image -> size in bytes in its registry, as the kubelet's Pulled events report them
    image_sizes: dict[str, int] = Field(default_factory=dict)

    def node(self, name: str) -> NodeSpec:
        for node in self.nodes:
            if node.name == name:
                return node
        raise KeyError(name)

    def namespace(self, name: str) -> InfraNamespace:
        for ns in self.namespaces:
            if ns.name == name:
                return ns
        raise KeyError(name)

    def components(self) -> list[tuple[str, Component]]:
        """Every infrastructure component with its namespace."""
        return [(ns.name, comp) for ns in self.namespaces for comp in ns.components]
