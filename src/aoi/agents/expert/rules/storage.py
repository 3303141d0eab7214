"""Rules about storage: claims that cannot bind to their volumes."""

from __future__ import annotations

from aoi.agents.expert.notes import Notes
from aoi.agents.expert.rules import Finding, rule


@rule("unbound_claims")
def unbound_claims(notes: Notes) -> list[Finding]:
    pending = [name for name, (phase, _) in notes.pvcs.items() if phase == "Pending"]
    claimed = {
        claim: pv for pv, (phase, claim) in notes.pvs.items() if phase == "Released" and claim
    }
    stuck = [
        (name, claimed[f"{notes.namespace}/{name}"])
        for name in pending
        if f"{notes.namespace}/{name}" in claimed
    ]
    event_hint = any(
        e.reason in ("FailedBinding",) or "unbound immediate PersistentVolumeClaims" in e.message
        for e in notes.events
    )
    if not stuck and not (pending and event_hint):
        return []
    confidence = 95 if stuck else 75
    return [
        Finding(
            "unbound_claims",
            [],
            "Virtualization",
            "Operation Error",
            confidence,
            f"{len(pending)} PersistentVolumeClaims stay Pending: their volumes are Released and still "
            "reference the claims of a deleted namespace, so the pods that mount them cannot start",
            [
                f"pvc {name}: Pending; pv {pv}: Released (claimRef {notes.namespace}/{name})"
                for name, pv in stuck[:4]
            ],
            [f"pod {p.name} Pending" for p in notes.pods.values() if p.phase == "Pending"][:4],
            {"volumes": " ".join(pv for _, pv in stuck)},
        )
    ]
