"""What `kubectl exec POD -c C -- ARGV` runs inside a container of the twin.

Each image has its own userland: the mongo image has bash, cat and the mongo
shell but no ps; the Go hotel images have sh, cat, ls and ps; busybox images
have nslookup. A binary the image lacks fails as containerd fails it (exit 126).
Files come from the pod: ConfigMap and Secret volumes at their mount paths, the
kubelet's /etc/hosts and /etc/resolv.conf, the service-account token; plus the
few files baked into images that matter for diagnosis (HotelReservation's
config.json). The environment is resolved as the kubelet resolves it, service
links included.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aoi.shelltools import CommandResult
from aoi.twin.apps.spec import image_repository
from aoi.twin.cluster.clock import parse_rfc3339
from aoi.twin.cluster.store import Obj
from aoi.twin.surface import limit
from aoi.twin.surface.container_shell import flavour_of, run_shell
from aoi.twin.surface.mongo.shell import run_mongo

if TYPE_CHECKING:
    from aoi.twin.world import World

CLUSTER_DNS = "10.96.0.10"
CLUSTER_DOMAIN = "cluster.local"
_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
_COMMON = {
    "sh",
    "cat",
    "ls",
    "env",
    "printenv",
    "hostname",
    "date",
    "echo",
    "id",
    "whoami",
    "pwd",
    "uname",
    "head",
    "tail",
    "grep",
    "true",
    "false",
    "sleep",
    "test",
    "[",
    "printf",
    "wc",
    "sort",
    "uniq",
    "cut",
    "tr",
    "awk",
    "egrep",
    "fgrep",
}
_GLIBC = _COMMON | {"bash", "getent"}
_BUSYBOX = _COMMON | {"ps", "nslookup", "wget", "nc", "ping", "netstat"}
# buildpack-deps (the golang image's base) adds git and procps (curl and wget: not modelled)
_BUILDPACK = _GLIBC | {"git", "ps"}

_OS_RELEASE = {
    "focal": 'NAME="Ubuntu"\nVERSION="20.04.2 LTS (Focal Fossa)"\nID=ubuntu\nID_LIKE=debian\n'
    'PRETTY_NAME="Ubuntu 20.04.2 LTS"\nVERSION_ID="20.04"\nHOME_URL="https://www.ubuntu.com/"\n'
    'SUPPORT_URL="https://help.ubuntu.com/"\nBUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"\n'
    'PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"\n'
    "VERSION_CODENAME=focal\nUBUNTU_CODENAME=focal\n",
    "xenial": 'NAME="Ubuntu"\nVERSION="16.04.7 LTS (Xenial Xerus)"\nID=ubuntu\nID_LIKE=debian\n'
    'PRETTY_NAME="Ubuntu 16.04.7 LTS"\nVERSION_ID="16.04"\nHOME_URL="http://www.ubuntu.com/"\n'
    'SUPPORT_URL="http://help.ubuntu.com/"\nBUG_REPORT_URL="http://bugs.launchpad.net/ubuntu/"\n'
    "VERSION_CODENAME=xenial\nUBUNTU_CODENAME=xenial\n",
    "bookworm": 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n'
    'VERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n'
    'HOME_URL="https://www.debian.org/"\nSUPPORT_URL="https://www.debian.org/support"\n'
    'BUG_REPORT_URL="https://bugs.debian.org/"\n',
    "bullseye": 'PRETTY_NAME="Debian GNU/Linux 11 (bullseye)"\nNAME="Debian GNU/Linux"\n'
    'VERSION_ID="11"\nVERSION="11 (bullseye)"\nVERSION_CODENAME=bullseye\nID=debian\n'
    'HOME_URL="https://www.debian.org/"\nSUPPORT_URL="https://www.debian.org/support"\n'
    'BUG_REPORT_URL="https://bugs.debian.org/"\n',
    "alpine": 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n'
    'HOME_URL="https://alpinelinux.org/"\n'
    'BUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"\n',
}
_HOTEL_CONFIG = """{
  "consulAddress": "consul:8500",
  "jaegerAddress": "jaeger:6831",
  "FrontendPort": "5000",
  "GeoPort": "8083",
  "GeoMongoAddress": "mongodb-geo:27017",
  "ProfilePort": "8081",
  "ProfileMongoAddress": "mongodb-profile:27017",
  "ProfileMemcAddress": "memcached-profile:11211",
  "RatePort": "8084",
  "RateMongoAddress": "mongodb-rate:27017",
  "RateMemcAddress": "memcached-rate:11211",
  "RecommendPort": "8085",
  "RecommendMongoAddress": "mongodb-recommendation:27017",
  "ReservePort": "8087",
  "ReserveMongoAddress": "mongodb-reservation:27017",
  "ReserveMemcAddress": "memcached-reserve:11211",
  "SearchPort": "8082",
  "UserPort": "8086",
  "UserMongoAddress": "mongodb-user:27017"
}
"""
_HOTEL_DIR = "/go/src/github.com/harlow/go-micro-services"
_HOTEL_FILES = (
    (f"{_HOTEL_DIR}/config.json", _HOTEL_CONFIG),
    (
        f"{_HOTEL_DIR}/Dockerfile",
        "FROM golang:1.21.3\n\nRUN git config --global http.sslverify false\n"
        "COPY . /go/src/github.com/harlow/go-micro-services\nWORKDIR /go/src/github.com/harlow/go-micro-services\n"
        'RUN go mod download\nRUN go install -ldflags="-s -w" ./cmd/...\n',
    ),
    (f"{_HOTEL_DIR}/go.mod", "module github.com/harlow/go-micro-services\n\ngo 1.21\n"),
)
_HOTEL_DIRS = tuple(
    f"{_HOTEL_DIR}/{d}"
    for d in ("cmd", "data", "dialer", "registry", "services", "tls", "tracing", "tune")
)
_MONGO_BINS = {
    "mongo",
    "mongod",
    "mongos",
    "mongodump",
    "mongorestore",
    "mongoexport",
    "mongoimport",
    "mongostat",
    "mongotop",
    "mongofiles",
    "bsondump",
    "jq",
    "gosu",
}
_HOTEL_BINS = {
    "frontend",
    "geo",
    "profile",
    "rate",
    "recommendation",
    "reservation",
    "search",
    "user",
}
_SOCIAL_BINS = {
    f"{n}Service"
    for n in (
        "ComposePost",
        "HomeTimeline",
        "UserTimeline",
        "PostStorage",
        "SocialGraph",
        "User",
        "UserMention",
        "Text",
        "UrlShorten",
        "UniqueId",
        "Media",
    )
}


@dataclass(frozen=True, slots=True)
class Image:
    """The userland of an image: its OS, programs, default command, env, user and workdir."""

    os: str
    binaries: frozenset[str]
    entrypoint: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    process_user: str = "root"
    exec_user: str = "root"
    workdir: str = "/"
    files: tuple[tuple[str, str], ...] = ()
    extra_dirs: tuple[str, ...] = ()


_IMAGES: dict[str, Image] = {
    "mongo": Image(
        "focal",
        frozenset(_GLIBC | _MONGO_BINS),
        ("mongod",),
        (
            ("GOSU_VERSION", "1.12"),
            ("JSYAML_VERSION", "3.13.1"),
            ("MONGO_PACKAGE", "mongodb-org"),
            ("MONGO_REPO", "repo.mongodb.org"),
            ("MONGO_MAJOR", "4.4"),
            ("MONGO_VERSION", "4.4.6"),
        ),
        process_user="mongodb",
        extra_dirs=("/data/db", "/data/configdb", "/docker-entrypoint-initdb.d"),
    ),
    "yinfangchen/hotelreservation": Image(
        "bookworm",
        frozenset(_BUILDPACK | _HOTEL_BINS | {"go"}),
        env=(("GOLANG_VERSION", "1.21.3"), ("GOPATH", "/go")),
        workdir=_HOTEL_DIR,
        files=_HOTEL_FILES,
        extra_dirs=_HOTEL_DIRS,
    ),
    "yinfangchen/geo": Image(
        "bookworm",
        frozenset(_BUILDPACK | _HOTEL_BINS | {"go"}),
        env=(("GOLANG_VERSION", "1.21.3"), ("GOPATH", "/go")),
        workdir=_HOTEL_DIR,
        files=(
            (
                f"{_HOTEL_DIR}/config.json",
                _HOTEL_CONFIG.replace("mongodb-geo:27017", "mongodb-geo:27777"),
            ),
        ),
    ),
    "deathstarbench/social-network-microservices": Image(
        "xenial", frozenset(_GLIBC | _SOCIAL_BINS | {"ps"}), workdir="/social-network-microservices"
    ),
    "yg397/openresty-thrift": Image(
        "xenial",
        frozenset(_GLIBC | {"ps", "openresty", "nginx"}),
        ("/usr/local/openresty/bin/openresty", "-g", "daemon off;"),
    ),
    "yg397/media-frontend": Image(
        "xenial",
        frozenset(_GLIBC | {"ps", "openresty", "nginx"}),
        ("/usr/local/openresty/bin/openresty", "-g", "daemon off;"),
    ),
    "memcached": Image(
        "bullseye",
        frozenset(_GLIBC | {"memcached"}),
        ("memcached",),
        process_user="memcache",
        exec_user="memcache",
    ),
    "redis": Image(
        "bullseye",
        frozenset(_GLIBC | {"redis-server", "redis-cli", "redis-benchmark"}),
        ("redis-server",),
        process_user="redis",
    ),
    "valkey/valkey": Image(
        "alpine",
        frozenset(_BUSYBOX | {"valkey-server", "valkey-cli", "redis-server", "redis-cli"}),
        ("valkey-server",),
        process_user="valkey",
    ),
    "hashicorp/consul": Image(
        "alpine",
        frozenset(_BUSYBOX | {"consul", "jq"}),
        ("consul", "agent", "-dev", "-client", "0.0.0.0"),
    ),
    "jaegertracing/all-in-one": Image("alpine", frozenset(_BUSYBOX), ("/go/bin/all-in-one-linux",)),
}
# The OpenTelemetry demo's images share one repository; the tag names the service, and
# each service's Dockerfile picks its base (2.0.2).
_OTEL_DEMO: dict[str, Image] = {
    **{
        tag: Image("alpine", frozenset(_BUSYBOX | extra))
        for tag, extra in (
            ("cart", {"cart"}),
            ("checkout", {"checkout"}),
            ("currency", {"currency"}),
            ("product-catalog", {"product-catalog"}),
            ("frontend", {"node", "npm"}),
            ("payment", {"node", "npm"}),
            ("flagd-ui", {"node", "npm"}),
            ("kafka", {"bash", "java"}),
        )
    },
    **{
        tag: Image("bookworm", frozenset(_GLIBC | extra))
        for tag, extra in (
            ("accounting", {"dotnet"}),
            ("email", {"ruby", "bundle", "gem"}),
            ("load-generator", {"python", "python3", "pip", "locust"}),
            ("recommendation", {"python", "python3", "pip"}),
            ("quote", {"php"}),
            ("shipping", {"shipping"}),
            ("image-provider", {"nginx"}),
            ("ad", {"java"}),
            ("frontend-proxy", {"envoy"}),
        )
    },
    # distroless: no shell and no tools, only the program
    "fraud-detection": Image("bookworm", frozenset({"java"}), ("java",)),
}
# Images built on distroless or scratch: the program alone, no shell.
_NO_SHELL = (
    "registry.k8s.io/kube-apiserver",
    "registry.k8s.io/kube-controller-manager",
    "registry.k8s.io/kube-scheduler",
    "registry.k8s.io/kube-proxy",
    "registry.k8s.io/etcd",
    "registry.k8s.io/coredns/coredns",
    "registry.k8s.io/kube-state-metrics/kube-state-metrics",
    "registry.k8s.io/metrics-server/metrics-server",
    "kindest/kindnetd",
    "otel/opentelemetry-collector-contrib",
    "ghcr.io/open-feature/flagd",
)
for _repo in _NO_SHELL:
    _IMAGES[_repo] = Image("bookworm", frozenset({_repo.rsplit("/", 1)[-1]}))
for _repo in (
    "quay.io/prometheus/prometheus",
    "quay.io/prometheus/alertmanager",
    "quay.io/prometheus/node-exporter",
    "quay.io/prometheus-operator/prometheus-config-reloader",
):
    _IMAGES[_repo] = Image("alpine", frozenset(_BUSYBOX | {_repo.rsplit("/", 1)[-1]}))
_DEFAULT_IMAGE = Image("bookworm", frozenset(_COMMON))
_FS_ROOT = [
    "bin",
    "boot",
    "dev",
    "etc",
    "home",
    "lib",
    "lib64",
    "media",
    "mnt",
    "opt",
    "proc",
    "root",
    "run",
    "sbin",
    "srv",
    "sys",
    "tmp",
    "usr",
    "var",
]


def image_of(image: str) -> Image:
    """The userland of an image reference (an unknown image: a minimal Debian)."""
    repo = image_repository(image)
    if repo == "ghcr.io/open-telemetry/demo":
        tag = image.split("@", 1)[0].rsplit(":", 1)[-1]
        return _OTEL_DEMO.get(tag.split("-", 1)[-1], _DEFAULT_IMAGE)
    return _IMAGES.get(repo, _DEFAULT_IMAGE)


class Box:
    """One container as the commands inside it see it: env, files, processes."""

    def __init__(self, twin: World, pod: Obj, container: dict[str, Any]) -> None:
        self.twin = twin
        self.pod = pod
        self.container = container
        self.image = image_of(container["image"])
        self.ns: str = pod["metadata"]["namespace"]
        self.hostname: str = pod["spec"].get("hostname") or pod["metadata"]["name"]
        self._files: dict[str, str] | None = None
        self._links: dict[str, str] = {}

    # --- environment ----------------------------------------------------------------
    def env(self) -> list[tuple[str, str]]:
        """The process environment in the order `env` prints it."""
        out: list[tuple[str, str]] = [("PATH", self._path()), ("HOSTNAME", self.hostname)]
        declared = self._declared_env()
        links = self._service_links()
        names = {k for k, _ in declared}
        out.extend((k, v) for k, v in links if k not in names)
        out.extend(declared)
        out.extend((k, v) for k, v in self.image.env if k not in names)
        out.append(("HOME", "/home/memcache" if self.image.exec_user == "memcache" else "/root"))
        return out

    def _path(self) -> str:
        if self.image.workdir == _HOTEL_DIR:
            return "/go/bin:/usr/local/go/bin:" + _PATH
        return _PATH

    def _declared_env(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        resolved: dict[str, str] = {}
        for var in self.container.get("env", []):
            value = self._env_value(var, resolved)
            if value is not None:
                resolved[var["name"]] = value
                out.append((var["name"], value))
        return out

    def _env_value(self, var: dict[str, Any], resolved: dict[str, str]) -> str | None:
        if "value" in var:
            text = str(var["value"])
            for name, value in resolved.items():
                text = text.replace(f"$({name})", value)
            return text
        source = var.get("valueFrom", {})
        if "configMapKeyRef" in source:
            ref = source["configMapKeyRef"]
            cm = self.twin.store.get("ConfigMap", self.ns, ref["name"])
            return None if cm is None else cm.get("data", {}).get(ref["key"])
        if "secretKeyRef" in source:
            ref = source["secretKeyRef"]
            secret = self.twin.store.get("Secret", self.ns, ref["name"])
            raw = None if secret is None else secret.get("data", {}).get(ref["key"])
            return None if raw is None else base64.b64decode(raw).decode(errors="replace")
        field = source.get("fieldRef", {}).get("fieldPath", "")
        values = {
            "metadata.name": self.pod["metadata"]["name"],
            "metadata.namespace": self.ns,
            "spec.nodeName": self.pod["spec"].get("nodeName", ""),
            "status.podIP": self.pod["status"].get("podIP", ""),
            "status.hostIP": self.pod["status"].get("hostIP", ""),
            "spec.serviceAccountName": self.pod["spec"].get("serviceAccountName", "default"),
        }
        return values.get(field)

    def _service_links(self) -> list[tuple[str, str]]:
        """Docker-link variables for each Service, as the kubelet adds them (enableServiceLinks)."""
        created = self.pod["metadata"].get("creationTimestamp", "")
        services = []
        if self.pod["spec"].get("enableServiceLinks", True):
            services = [
                s
                for s in self.twin.store.list("Service", self.ns)
                if s["metadata"].get("creationTimestamp", "") <= created
            ]
        master = self.twin.store.get("Service", "default", "kubernetes")
        if master is not None and all(s["metadata"]["name"] != "kubernetes" for s in services):
            services.append(master)
        out: list[tuple[str, str]] = []
        for svc in services:
            ip = svc["spec"].get("clusterIP", "")
            ports = svc["spec"].get("ports", [])
            if not ip or ip == "None" or not ports:
                continue
            prefix = svc["metadata"]["name"].upper().replace("-", "_")
            out.append((f"{prefix}_SERVICE_HOST", ip))
            out.append((f"{prefix}_SERVICE_PORT", str(ports[0]["port"])))
            for port in ports:
                if port.get("name"):
                    suffix = str(port["name"]).upper().replace("-", "_")
                    out.append((f"{prefix}_SERVICE_PORT_{suffix}", str(port["port"])))
            for i, port in enumerate(ports):
                proto = str(port.get("protocol", "TCP"))
                url = f"{proto.lower()}://{ip}:{port['port']}"
                if i == 0:
                    out.append((f"{prefix}_PORT", url))
                base = f"{prefix}_PORT_{port['port']}_{proto.upper()}"
                out += [
                    (base, url),
                    (f"{base}_PROTO", proto.lower()),
                    (f"{base}_PORT", str(port["port"])),
                    (f"{base}_ADDR", ip),
                ]
        return out

    # --- files ----------------------------------------------------------------------
    def files(self) -> dict[str, str]:
        """Every file the twin knows in this container, by absolute path."""
        if self._files is not None:
            return self._files
        files: dict[str, str] = {
            "/etc/hostname": self.hostname + "\n",
            "/etc/hosts": self._hosts(),
            "/etc/resolv.conf": self._resolv(),
            "/etc/os-release": _OS_RELEASE[self.image.os],
        }
        files.update(dict(self.image.files))
        volumes = {v["name"]: v for v in self.pod["spec"].get("volumes", [])}
        for mount in self.container.get("volumeMounts", []):
            volume = volumes.get(mount["name"], {})
            data = self._volume_data(volume)
            path = mount["mountPath"].rstrip("/") or "/"
            if data is None:
                files.setdefault(path + "/", "")
            elif mount.get("subPath"):
                if mount["subPath"] in data:
                    files[path] = data[mount["subPath"]]
            else:
                files[path + "/"] = ""
                for key, text in data.items():
                    files[f"{path}/{key}"] = text
                    self._links[f"{path}/{key}"] = f"..data/{key}"
        for directory in self.image.extra_dirs:
            files.setdefault(directory + "/", "")
        self._files = files
        return files

    def _volume_data(self, volume: dict[str, Any]) -> dict[str, str] | None:
        if "configMap" in volume:
            cm = self.twin.store.get("ConfigMap", self.ns, volume["configMap"]["name"])
            return dict((cm or {}).get("data", {}))
        if "secret" in volume:
            secret = self.twin.store.get("Secret", self.ns, volume["secret"]["secretName"])
            raw = (secret or {}).get("data", {})
            return {k: base64.b64decode(v).decode(errors="replace") for k, v in raw.items()}
        if "projected" in volume:
            ca = self.twin.store.get("ConfigMap", self.ns, "kube-root-ca.crt")
            token = (
                "eyJhbGciOiJSUzI1NiIsImtpZCI6InR3aW4ifQ."
                + base64.urlsafe_b64encode(
                    f'{{"sub":"system:serviceaccount:{self.ns}:default"}}'.encode()
                )
                .decode()
                .rstrip("=")
                + ".c2lnbmF0dXJl"
            )
            return {
                "ca.crt": (ca or {}).get("data", {}).get("ca.crt", ""),
                "namespace": self.ns,
                "token": token,
            }
        return None

    def _hosts(self) -> str:
        lines = [
            "# Kubernetes-managed hosts file.",
            "127.0.0.1\tlocalhost",
            "::1\tlocalhost ip6-localhost ip6-loopback",
            "fe00::0\tip6-localnet",
            "fe00::0\tip6-mcastprefix",
            "fe00::1\tip6-allnodes",
            "fe00::2\tip6-allrouters",
        ]
        ip = self.pod["status"].get("podIP")
        if ip:
            lines.append(f"{ip}\t{self.hostname}")
        return "\n".join(lines) + "\n"

    def _resolv(self) -> str:
        search = f"{self.ns}.svc.{CLUSTER_DOMAIN} svc.{CLUSTER_DOMAIN} {CLUSTER_DOMAIN}"
        return f"search {search}\nnameserver {CLUSTER_DNS}\noptions ndots:5\n"

    def resolve(self, name: str) -> tuple[str, str] | None:
        """(fqdn, ip) of a Service name as the cluster DNS answers it."""
        fqdn_suffix = f".svc.{CLUSTER_DOMAIN}"
        base = name.rstrip(".").removesuffix(fqdn_suffix).removesuffix(".svc")
        svc_name, _, svc_ns = base.partition(".")
        svc = self.twin.store.get("Service", svc_ns or self.ns, svc_name)
        if svc is None or "." in (svc_ns or ""):
            return None
        ip = svc["spec"].get("clusterIP", "")
        if ip == "None":
            return None
        return f"{svc_name}.{svc['metadata']['namespace']}{fqdn_suffix}", ip

    def absolute(self, path: str) -> str:
        if not path.startswith("/"):
            path = f"{self.image.workdir.rstrip('/')}/{path}"
        parts: list[str] = []
        for part in path.split("/"):
            if part in ("", "."):
                continue
            if part == "..":
                if parts:
                    parts.pop()
            else:
                parts.append(part)
        return "/" + "/".join(parts)

    def listing(self, directory: str) -> list[str] | None:
        """Names in a directory (None: no such directory)."""
        files = self.files()
        prefix = directory.rstrip("/") + "/"
        names = {
            p[len(prefix) :].split("/")[0]
            for p in files
            if p.startswith(prefix) and len(p) > len(prefix)
        }
        if directory == "/":
            names |= set(_FS_ROOT)
        known_dirs = {"/etc", "/tmp", "/root", "/home", "/usr", "/var", "/bin", "/proc"}
        if not names and prefix not in files and directory not in known_dirs:
            return None
        if self.image.workdir.startswith(prefix) and directory != self.image.workdir:
            names.add(self.image.workdir[len(prefix) :].split("/")[0])
        return sorted(names)

    def is_dir(self, path: str) -> bool:
        return path == "/" or self.listing(path) is not None

    # --- processes ------------------------------------------------------------------
    def main_command(self) -> list[str]:
        command = list(self.container.get("command", []))
        args = list(self.container.get("args", []))
        if command:
            words = command + args
        elif args:
            words = list(self.image.entrypoint[:1]) + args
        else:
            words = list(self.image.entrypoint) or ["/bin/sh"]
        if words and words[0] == "mongod":
            words.append("--bind_ip_all")
        return words

    def started(self) -> datetime:
        for status in self.pod["status"].get("containerStatuses", []):
            if status["name"] == self.container["name"]:
                running = status.get("state", {}).get("running")
                if running:
                    return parse_rfc3339(running["startedAt"])
        return self.twin.clock.now()


# --- the programs ----------------------------------------------------------------------------

_UIDS = {"root": 0, "mongodb": 999, "redis": 999, "valkey": 999, "memcache": 11211}
Program = Callable[[Box, list[str]], CommandResult]


def exec_in_container(
    twin: World, pod: dict[str, Any], container: str, argv: list[str]
) -> CommandResult:
    """Run `argv` in `container` of `pod` as `kubectl exec` would; never raises.

    Returns the program's own output and exit status; kubectl's "command
    terminated with exit code N" line is the caller's to add. A container that is
    not running gives kubectl's upgrade error (exit 1).
    """
    spec = next((c for c in pod["spec"].get("containers", []) if c["name"] == container), None)
    if spec is None:
        message = f"error: unable to upgrade connection: container {container} not found in pod {pod['metadata']['name']}\n"
        return CommandResult("", message, 1)
    status = next(
        (s for s in pod["status"].get("containerStatuses", []) if s["name"] == container), None
    )
    if status is None or "running" not in status.get("state", {}):
        return CommandResult(
            "", f'error: unable to upgrade connection: container not found ("{container}")\n', 1
        )
    if not argv:
        return CommandResult(
            "", "error: you must specify at least one command for the container\n", 1
        )
    return _run(Box(twin, pod, spec), argv, depth=0)


def _run(
    box: Box, argv: list[str], depth: int, stdin: str = "", shell: bool = False
) -> CommandResult:
    """One program of the image; inside a shell a missing one is the shell's 127 (no text)."""
    binary = argv[0].rsplit("/", 1)[-1]
    if binary not in box.image.binaries:
        if shell:
            return CommandResult("", "", 127)
        message = (
            "OCI runtime exec failed: exec failed: unable to start container process: "
            f'exec: "{argv[0]}": executable file not found in $PATH: unknown\n'
        )
        return CommandResult("", message, 126)
    if binary in ("sh", "bash", "ash") and depth < 4:
        return run_shell(
            binary,
            flavour_of(binary, box.image.os),
            argv[1:],
            dict(box.env()),
            {p: t for p, t in box.files().items() if not p.endswith("/")},
            lambda inner, data: _run(box, inner, depth + 1, data, shell=True),
            lambda seconds: limit.sleep(box.twin, seconds),
            lambda: limit.expire(box.twin),
        )
    if binary in _FILTERS:
        return _filter(box, binary, argv[1:], stdin)
    program = _PROGRAMS.get(binary)
    if program is None:
        # a server or tool whose run the cluster does not model keeps running until killed
        limit.expire(box.twin)
    return program(box, argv[1:])


def _env(box: Box, args: list[str]) -> CommandResult:
    if args:
        return CommandResult("", f"env: '{args[0]}': No such file or directory\n", 127)
    return CommandResult("".join(f"{k}={v}\n" for k, v in box.env()))


def _printenv(box: Box, args: list[str]) -> CommandResult:
    env = box.env()
    if not args:
        return _env(box, [])
    values = dict(env)
    found = [values[a] + "\n" for a in args if a in values]
    return CommandResult("".join(found), "", 0 if len(found) == len(args) else 1)


def _cat(box: Box, args: list[str]) -> CommandResult:
    files = box.files()
    out: list[str] = []
    err: list[str] = []
    for arg in [a for a in args if a != "--"]:
        if arg.startswith("-") and arg != "-":
            continue
        path = box.absolute(arg)
        if path in files:
            out.append(files[path])
        elif box.is_dir(path):
            err.append(f"cat: {arg}: Is a directory\n")
        else:
            err.append(f"cat: {arg}: No such file or directory\n")
    return CommandResult("".join(out), "".join(err), 1 if err else 0)


def _ls(box: Box, args: list[str]) -> CommandResult:
    flags = "".join(a[1:] for a in args if a.startswith("-") and a != "-")
    targets = [a for a in args if not a.startswith("-")] or ["."]
    out: list[str] = []
    err: list[str] = []
    for n, target in enumerate(targets):
        path = box.absolute(target)
        if path in box.files():
            out.append(_long_entry(box, path, target) if "l" in flags else target)
            continue
        names = box.listing(path)
        if names is None:
            err.append(f"ls: cannot access '{target}': No such file or directory\n")
            continue
        if len(targets) > 1:
            out.append(("" if n == 0 else "\n") + f"{target}:")
        prefix = path.rstrip("/")
        if "a" in flags:
            names = [".", "..", *names]
        if path in {
            m["mountPath"].rstrip("/") for m in box.container.get("volumeMounts", [])
        } and any(f"{prefix}/{k}" in box._links for k in names):
            names = sorted([*names, "..data", *([f"..{_stamp(box)}"] if "a" in flags else [])])
            if "a" not in flags:
                names = [x for x in names if not x.startswith(".")]
        if "l" in flags:
            out.append(f"total {4 * len(names)}")
            out.extend(_long_entry(box, f"{prefix}/{x}", x) for x in names)
        else:
            out.extend(names)
    text = "".join(line + "\n" for line in out)
    return CommandResult(text, "".join(err), 2 if err else 0)


def _stamp(box: Box) -> str:
    return box.started().strftime("%Y_%m_%d_%H_%M_%S.") + "123456789"


def _long_entry(box: Box, path: str, name: str) -> str:
    when = box.started().strftime("%b %e %H:%M")
    if path in box._links:
        return f"lrwxrwxrwx 1 root root {len(box._links[path]) + 3:>4} {when} {name} -> {box._links[path]}"
    if name == "..data":
        target = f"..{_stamp(box)}"
        return f"lrwxrwxrwx 1 root root {len(target):>4} {when} {name} -> {target}"
    text = box.files().get(path)
    if text is None or path.endswith("/"):
        return f"drwxr-xr-x 2 root root 4096 {when} {name}"
    return f"-rw-r--r-- 1 root root {len(text.encode()):>4} {when} {name}"


def _ps(box: Box, args: list[str]) -> CommandResult:
    main = " ".join(box.main_command())
    started = box.started()
    now = box.twin.clock.now()
    ran = int(max(0.0, (now - started).total_seconds()))
    cpu_seconds = ran // 150
    self_cmd = " ".join(["ps", *args])
    if box.image.os == "alpine":
        lines = [
            "PID   USER     TIME  COMMAND",
            f"    1 {box.image.process_user:<8} {cpu_seconds // 60:>2}:{cpu_seconds % 60:02d} {main}",
            f"   {40 + ran % 50:>2} {box.image.exec_user:<8}  0:00 {self_cmd}",
        ]
        return CommandResult("\n".join(lines) + "\n")
    me = 40 + ran % 50
    start = started.strftime("%H:%M")
    flags = "".join(args).lstrip("-")
    if "u" in flags or "aux" in flags:
        head = "USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND"
        lines = [
            head,
            f"{box.image.process_user:<8} {1:>7}  0.4  0.2 1243520 45312 ?       Ssl  {start}   {cpu_seconds // 60}:{cpu_seconds % 60:02d} {main}",
            f"{box.image.exec_user:<8} {me:>7}  0.0  0.0   8088  3968 ?        Rs   {now.strftime('%H:%M')}   0:00 {self_cmd}",
        ]
    elif "e" in flags or "f" in flags:
        head = "UID          PID    PPID  C STIME TTY          TIME CMD"
        lines = [
            head,
            f"{box.image.process_user:<8} {1:>7} {0:>7}  0 {start} ?        00:{cpu_seconds // 60:02d}:{cpu_seconds % 60:02d} {main}",
            f"{box.image.exec_user:<8} {me:>7} {0:>7}  0 {now.strftime('%H:%M')} ?        00:00:00 {self_cmd}",
        ]
    else:
        program = box.main_command()[0].rsplit("/", 1)[-1][:15]
        lines = [
            "    PID TTY          TIME CMD",
            f"      1 ?        00:{cpu_seconds // 60:02d}:{cpu_seconds % 60:02d} {program}",
            f"{me:>7} ?        00:00:00 ps",
        ]
    return CommandResult("\n".join(lines) + "\n")


def _hostname(box: Box, args: list[str]) -> CommandResult:
    if "-i" in args or "-I" in args:
        return CommandResult(box.pod["status"].get("podIP", "") + (" \n" if "-I" in args else "\n"))
    return CommandResult(box.hostname + "\n")


def _date(box: Box, args: list[str]) -> CommandResult:
    now = box.twin.clock.now()
    return CommandResult(
        now.strftime("%a %b ") + f"{now.day:>2}" + now.strftime(" %H:%M:%S UTC %Y") + "\n"
    )


def _echo(box: Box, args: list[str]) -> CommandResult:
    newline = "\n"
    if args and args[0] == "-n":
        args, newline = args[1:], ""
    return CommandResult(" ".join(args) + newline)


def _id(box: Box, args: list[str]) -> CommandResult:
    user = box.image.exec_user
    uid = _UIDS.get(user, 0)
    if args and args[0] in ("-u", "-un"):
        return CommandResult((user if args[0] == "-un" else str(uid)) + "\n")
    return CommandResult(f"uid={uid}({user}) gid={uid}({user}) groups={uid}({user})\n")


def _whoami(box: Box, args: list[str]) -> CommandResult:
    return CommandResult(box.image.exec_user + "\n")


def _pwd(box: Box, args: list[str]) -> CommandResult:
    return CommandResult(box.image.workdir + "\n")


def _uname(box: Box, args: list[str]) -> CommandResult:
    node = box.twin.store.get("Node", None, box.pod["spec"].get("nodeName", ""))
    kernel = (node or {}).get("status", {}).get("nodeInfo", {}).get("kernelVersion", "6.8.0")
    if "-r" in args:
        return CommandResult(kernel + "\n")
    if "-a" in args:
        return CommandResult(
            f"Linux {box.hostname} {kernel} #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux\n"
        )
    return CommandResult("Linux\n")


def _nslookup(box: Box, args: list[str]) -> CommandResult:
    names = [a for a in args if not a.startswith("-")]
    if not names:
        return CommandResult(
            "",
            "BusyBox v1.36.1 (2023-11-07 18:53:09 UTC) multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n",
            1,
        )
    head = f"Server:\t\t{CLUSTER_DNS}\nAddress:\t{CLUSTER_DNS}:53\n\n"
    found = box.resolve(names[0])
    if found is None:
        suffix = "" if "." in names[0] else f".{box.ns}.svc.{CLUSTER_DOMAIN}"
        return CommandResult(head + f"** server can't find {names[0]}{suffix}: NXDOMAIN\n\n", "", 1)
    return CommandResult(head + f"Name:\t{found[0]}\nAddress: {found[1]}\n\n")


def _getent(box: Box, args: list[str]) -> CommandResult:
    if len(args) < 2 or args[0] not in ("hosts", "ahosts", "ahostsv4"):
        return CommandResult("", "", 2 if len(args) >= 1 else 1)
    out = []
    for name in args[1:]:
        if name in ("localhost", box.hostname):
            ip = "127.0.0.1" if name == "localhost" else box.pod["status"].get("podIP", "")
            out.append(f"{ip:<15} {name}")
            continue
        found = box.resolve(name)
        if found is not None:
            out.append(f"{found[1]:<15} {found[0]}")
    code = 0 if len(out) == len(args) - 1 else 2
    return CommandResult("".join(line + "\n" for line in out), "", code)


def _mongo(box: Box, args: list[str]) -> CommandResult:
    program = box.twin.oracle.program_of(box.pod, box.container)
    name = program.name if program is not None else None
    own = name if name is not None and (box.ns, name) in box.twin.mongo else None
    return run_mongo(box.twin, box.pod, own, args)


_FILTERS = frozenset(
    {"grep", "egrep", "fgrep", "head", "tail", "wc", "sort", "uniq", "cut", "tr", "awk", "jq"}
)


def _filter(box: Box, prog: str, args: list[str], stdin: str) -> CommandResult:
    """A text tool: it reads the files it is given (operands naming files), else its input."""
    from aoi.shelltools import run_filter

    files = box.files()
    rest: list[str] = []
    texts: list[str] = []
    missing: list[str] = []
    operands = [a for a in args if not a.startswith("-")]
    # grep's and awk's first operand is the pattern or program, never a file
    skip = (
        operands[:1]
        if prog in ("grep", "egrep", "fgrep", "awk", "jq") and not ("-e" in args or "-f" in args)
        else []
    )
    for arg in args:
        if arg.startswith("-") or arg in skip:
            rest.append(arg)
            if arg in skip:
                skip = []
            continue
        path = box.absolute(arg)
        if path in files and not path.endswith("/"):
            texts.append(files[path])
        elif "/" in arg or box.is_dir(path):
            missing.append(arg)
        else:
            rest.append(arg)
    err = "".join(
        f"{prog}: {m}: {'Is a directory' if box.is_dir(box.absolute(m)) else 'No such file or directory'}\n"
        for m in missing
    )
    if missing and not texts:
        return CommandResult("", err, 2 if prog.endswith("grep") else 1)
    result = run_filter([prog, *rest], "".join(texts) if texts else stdin)
    return CommandResult(result.stdout, err + result.stderr, result.exit_code or (2 if err else 0))


def _sleep(box: Box, args: list[str]) -> CommandResult:
    total = 0.0
    for arg in args:
        try:
            total += float(arg.rstrip("s"))
        except ValueError:
            return CommandResult("", f"sleep: invalid time interval '{arg}'\n", 1)
    limit.sleep(box.twin, total)
    return CommandResult("")


def _constant(code: int) -> Program:
    return lambda box, args: CommandResult("", "", code)


_PROGRAMS: dict[str, Program] = {
    "env": _env,
    "printenv": _printenv,
    "cat": _cat,
    "ls": _ls,
    "ps": _ps,
    "hostname": _hostname,
    "date": _date,
    "echo": _echo,
    "id": _id,
    "whoami": _whoami,
    "pwd": _pwd,
    "uname": _uname,
    "nslookup": _nslookup,
    "getent": _getent,
    "mongo": _mongo,
    "true": _constant(0),
    "false": _constant(1),
    "sleep": _sleep,
}
