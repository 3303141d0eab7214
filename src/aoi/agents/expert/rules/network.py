"""Rules about reaching services: Service ports that miss the pods, peers that do not answer."""

from __future__ import annotations

from collections import defaultdict

from aoi.agents.expert.notes import Complaint, Notes
from aoi.agents.expert.rules import Finding, rule

TROUBLE_KINDS = ("timeout", "refused", "slow", "unavailable", "error", "db-connection")
NETWORK_KINDS = ("timeout", "slow", "unavailable")


@rule("service_target_port")
def target_port(notes: Notes) -> list[Finding]:
    out = []
    for svc in notes.services.values():
        dep = notes.deployments.get(svc.name)
        if dep is None or not dep.ports:
            continue
        for index, target in enumerate(svc.target_ports):
            if not target.isdigit() or int(target) in dep.ports:
                continue
            port = svc.ports[index] if index < len(svc.ports) else 0
            right = port if port in dep.ports else dep.ports[0]
            complaints = [c for c in notes.complaints_about(svc.name) if c.kind in TROUBLE_KINDS]
            out.append(
                Finding(
                    "service_target_port",
                    [svc.name],
                    "Virtualization",
                    "Misconfiguration",
                    93 if complaints else 30,
                    f"service {svc.name} forwards port {port} to targetPort {target}, "
                    f"but its pods listen on {', '.join(map(str, dep.ports))}",
                    [
                        f"service {svc.name}: port {port} -> targetPort {target}",
                        f"deployment {dep.name}: containerPort {dep.ports}",
                    ],
                    [f"{c.caller}: {c.line[:160]}" for c in complaints[:3]],
                    {"index": str(index), "port": str(right)},
                )
            )
    return out


def _isolated_callers(blamed: dict[str, list[Complaint]]) -> dict[str, list[Complaint]]:
    """Callers that lose every dependency at once, which nobody else finds broken: their own network is.

    A caller whose timeouts name two or more peers, each blamed by that caller alone,
    is the common factor: the peers are fine for everyone else.
    """
    by_caller: dict[str, set[str]] = defaultdict(set)
    for peer, complaints in blamed.items():
        for c in complaints:
            if c.kind in NETWORK_KINDS:
                by_caller[c.caller].add(peer)
    isolated = {}
    for caller, peers in by_caller.items():
        alone = [p for p in peers if {c.caller for c in blamed[p]} == {caller}]
        if len(alone) >= 2 and len(alone) == len(peers):
            isolated[caller] = [c for p in alone for c in blamed[p]]
    return isolated


def _chain_roots(notes: Notes) -> dict[str, list[Complaint]]:
    """Peers blamed by callers, minus those that only fail because they blame someone else."""
    blamed: dict[str, list[Complaint]] = defaultdict(list)
    known = set(notes.deployments) | set(notes.services)
    for c in notes.complaints:
        if c.kind in TROUBLE_KINDS and c.peer in known:
            blamed[c.peer].append(c)
    isolated = _isolated_callers(blamed)
    cleared = {c.peer for complaints in isolated.values() for c in complaints}
    roots: dict[str, list[Complaint]] = dict(isolated)
    for peer, complaints in blamed.items():
        if peer in cleared or peer in roots:
            continue
        downstream = [
            c for c in notes.complaints if c.caller == peer and c.peer in blamed and c.peer != peer
        ]
        if downstream:
            continue
        roots[peer] = complaints
    return roots


@rule("peer_unreachable")
def peer_unreachable(notes: Notes) -> list[Finding]:
    roots = _chain_roots(notes)
    out = []
    for peer, complaints in sorted(roots.items(), key=lambda kv: -len(kv[1])):
        if all(c.caller == peer for c in complaints):
            peers = sorted({c.peer for c in complaints})
            out.append(
                Finding(
                    "peer_unreachable",
                    [peer],
                    "Virtualization",
                    "Network/Storage Issue",
                    80 if len(roots) == 1 else 70,
                    f"{peer} times out on every dependency ({', '.join(peers)}) while no other "
                    "caller has trouble with them: the network of {peer} itself is faulty".replace(
                        "{peer}", peer
                    ),
                    [c.line[:200] for c in complaints[:3]],
                    [f"{peer} cannot reach {p}" for p in peers],
                )
            )
            continue
        kinds = sorted({c.kind for c in complaints})
        callers = sorted({c.caller for c in complaints})
        pods = notes.pods_of(peer)
        healthy = bool(pods) and all(p.healthy for p in pods)
        confidence = 80 if len(roots) == 1 else 70
        out.append(
            Finding(
                "peer_unreachable",
                [peer],
                "Virtualization",
                "Network/Storage Issue",
                confidence,
                f"{', '.join(callers)} cannot use {peer} ({', '.join(kinds)})"
                + (" although its pods look healthy" if healthy else ""),
                [c.line[:200] for c in complaints[:3]],
                [f"{c} reports errors about {peer}" for c in callers],
            )
        )
    return out
