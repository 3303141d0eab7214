"""Resource usage of containers and nodes, as metrics-server reports it to `kubectl top`.

Usage derives from what a program is (its role and language), the traffic it
serves, the effects acting on it (a CPU-burning flag, a flood of requests) and
a seeded jitter; containers that are not running report nothing.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime
from typing import TYPE_CHECKING

from aoi.twin.cluster.store import Obj
from aoi.twin.surface.kubectl.tabwriter import tabwrite

if TYPE_CHECKING:
    from aoi.twin.world import World

MI = 1024 * 1024
# (cpu millicores, memory MiB) of an idle-ish program under the benchmark's light load.
BASE = {
    "mongodb": (9.0, 95.0),
    "memcached": (1.0, 3.0),
    "redis": (3.0, 6.0),
    "registry": (22.0, 48.0),
    "tracing": (4.0, 38.0),
    "frontend": (3.0, 14.0),
    "proxy": (4.0, 24.0),
    "queue": (40.0, 520.0),
    "flags": (2.0, 28.0),
    "loadgen": (30.0, 110.0),
    "monitoring": (15.0, 180.0),
    "service": (2.0, 10.0),
    "other": (3.0, 30.0),
}
LANGUAGE_MEMORY = {
    "java": 260.0,
    "kotlin": 300.0,
    "dotnet": 90.0,
    "node": 70.0,
    "python": 55.0,
    "ruby": 80.0,
    "elixir": 60.0,
    "php": 40.0,
}


def _jitter(key: str) -> float:
    digest = hashlib.blake2b(key.encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") / 2**32


def container_usage(
    twin: World, pod: Obj, container: str, at: datetime | None = None
) -> tuple[float, float] | None:
    """(cpu cores, memory bytes) of a running container; None when it is not running."""
    at = at or twin.clock.now()
    rt = twin.controller.runtimes.get(pod["metadata"]["uid"], {}).get(container)
    if rt is None or rt.state != "running" or rt.started is None:
        return None
    spec = next((c for c in pod["spec"]["containers"] if c["name"] == container), None)
    if spec is None:
        return None
    program = twin.oracle.program_of(pod, spec)
    role = program.role if program else "other"
    cpu_m, mem_mi = BASE.get(role, BASE["other"])
    if program is not None and program.language in LANGUAGE_MEMORY:
        mem_mi = LANGUAGE_MEMORY[program.language]
        cpu_m *= 3
    if container != pod["spec"]["containers"][0]["name"]:
        cpu_m, mem_mi = cpu_m * 0.4, mem_mi * 0.5
    seed = f"{twin.seed}/{pod['metadata']['uid']}/{container}"
    cpu_m *= 0.7 + 0.6 * _jitter(seed)
    mem_mi *= 0.85 + 0.3 * _jitter(seed + "m")
    if program is not None:
        ns = pod["metadata"]["namespace"]
        effects = twin.effects_for(ns, program.name, at) if twin.app_for(ns) else {}
        cpu_m *= float(effects.get("cpu", 1.0))
        mem_mi *= float(effects.get("memory", 1.0))
    # slow drift over minutes, and memory that grows a little after a start
    minute = at.timestamp() / 60.0
    cpu_m *= 1.0 + 0.15 * math.sin(minute / 3.0 + _jitter(seed + "p") * 6.28)
    uptime = (at - rt.started).total_seconds()
    mem_mi *= 0.75 + 0.25 * min(1.0, uptime / 300.0)
    return max(cpu_m, 1.0) / 1000.0, mem_mi * MI


def pod_usage_table(
    twin: World,
    pods: list[Obj],
    *,
    all_namespaces: bool,
    containers: bool,
    no_headers: bool,
    sort_by: str | None,
    namespace: str,
) -> tuple[str, str]:
    """`kubectl top pod` (stdout, stderr)."""
    rows: list[tuple[str, str, str, float, float]] = []
    for pod in pods:
        meta = pod["metadata"]
        per = []
        for c in pod["spec"]["containers"]:
            use = container_usage(twin, pod, c["name"])
            if use is not None:
                per.append((c["name"], use))
        if not per:
            continue
        if containers:
            for name, (cpu, mem) in per:
                rows.append((meta["namespace"], meta["name"], name, cpu, mem))
        else:
            rows.append(
                (
                    meta["namespace"],
                    meta["name"],
                    "",
                    sum(u[0] for _, u in per),
                    sum(u[1] for _, u in per),
                )
            )
    if not rows:
        where = "" if all_namespaces else f" in {namespace} namespace"
        return (
            "",
            f"No resources found{where}.\n"
            if not pods
            else f"error: Metrics not available for pod {namespace}/{pods[0]['metadata']['name']}, age: {_age(twin, pods[0])}\n",
        )
    if sort_by == "cpu":
        rows.sort(key=lambda r: -r[3])
    elif sort_by == "memory":
        rows.sort(key=lambda r: -r[4])
    head = (
        ("NAMESPACE\t" if all_namespaces else "")
        + "POD\tNAME\t" * containers
        + ("NAME\t" if not containers else "")
        + "CPU(cores)\tMEMORY(bytes)\t"
    )
    lines = [] if no_headers else [head]
    for ns, pod_name, cname, cpu, mem in rows:
        cells = ([ns] if all_namespaces else []) + [pod_name] + ([cname] if containers else [])
        cells += [f"{max(1, round(cpu * 1000))}m", f"{max(1, round(mem / MI))}Mi"]
        lines.append("\t".join(cells) + "\t")
    return tabwrite("\n".join(lines) + "\n", minwidth=0, padding=3), ""


def node_usage_table(twin: World, *, no_headers: bool, sort_by: str | None) -> str:
    """`kubectl top node`."""
    lines = [] if no_headers else ["NAME\tCPU(cores)\tCPU(%)\tMEMORY(bytes)\tMEMORY(%)\t"]
    rows = []
    for node in twin.store.list("Node"):
        name = node["metadata"]["name"]
        cpu, mem = node_usage(twin, node)
        alloc = node["status"].get("allocatable", {})
        cores = float(str(alloc.get("cpu", "8")).rstrip("m") or 8)
        mem_total = _bytes(str(alloc.get("memory", "16Gi")))
        rows.append((name, cpu, mem, cpu / cores * 100, mem / mem_total * 100))
    if sort_by == "cpu":
        rows.sort(key=lambda r: -r[1])
    for name, cpu, mem, cpu_pct, mem_pct in rows:
        lines.append(
            f"{name}\t{round(cpu * 1000)}m\t{round(cpu_pct)}%\t{round(mem / MI)}Mi\t{round(mem_pct)}%\t"
        )
    return tabwrite("\n".join(lines) + "\n", minwidth=0, padding=3)


def node_usage(twin: World, node: Obj) -> tuple[float, float]:
    """(cpu cores, memory bytes) a node uses: the system's share plus its running containers."""
    name = node["metadata"]["name"]
    cpu = 0.06 if name.endswith("control-plane") else 0.03
    mem = float((620 if name.endswith("control-plane") else 240) * MI)
    for pod in twin.store.list("Pod"):
        if pod["spec"].get("nodeName") != name:
            continue
        for c in pod["spec"]["containers"]:
            use = container_usage(twin, pod, c["name"])
            if use:
                cpu += use[0]
                mem += use[1]
    return cpu, mem


def _bytes(text: str) -> float:
    units = {
        "Ki": 1024,
        "Mi": MI,
        "Gi": 1024 * MI,
        "Ti": 1024**4,
        "k": 1000,
        "M": 10**6,
        "G": 10**9,
    }
    for suffix, mult in units.items():
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * mult
    return float(text)


def _age(twin: World, pod: Obj) -> str:
    from aoi.twin.cluster.clock import age

    return age(pod["metadata"]["creationTimestamp"], twin.clock.now())
