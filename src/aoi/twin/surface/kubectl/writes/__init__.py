"""The writing verbs of kubectl on the twin: patch, apply, create, delete, scale, set, rollout,
label, annotate, and the node verbs.

Every write changes the declared objects in the store as the API server would (defaults,
validation, generation, resourceVersion) and then lets the controllers react at once
(`World.changed`), after binding claims (`bind_claims`), so what `kubectl get` shows next is
what a real cluster would show.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from aoi.kube.flags import Parsed
from aoi.shelltools import CommandResult
from aoi.twin.surface.kubectl.writes.apply import apply, replace
from aoi.twin.surface.kubectl.writes.claims import bind_claims
from aoi.twin.surface.kubectl.writes.create import create, run
from aoi.twin.surface.kubectl.writes.delete import delete
from aoi.twin.surface.kubectl.writes.meta import annotate, label
from aoi.twin.surface.kubectl.writes.nodes import cordon, drain, taint, uncordon
from aoi.twin.surface.kubectl.writes.patch import patch
from aoi.twin.surface.kubectl.writes.rollout import rollout
from aoi.twin.surface.kubectl.writes.scale import scale
from aoi.twin.surface.kubectl.writes.set import set_

if TYPE_CHECKING:
    from aoi.twin.world import World

__all__ = ["bind_claims", "run_write"]

Handler = Callable[["World", Parsed, str], CommandResult]

HANDLERS: dict[str, Handler] = {
    "annotate": annotate,
    "apply": apply,
    "cordon": cordon,
    "create": create,
    "delete": delete,
    "drain": drain,
    "label": label,
    "patch": patch,
    "replace": replace,
    "rollout": rollout,
    "run": run,
    "scale": scale,
    "set": set_,
    "taint": taint,
    "uncordon": uncordon,
}


def run_write(twin: World, verb: str, parsed: Parsed, stdin: str) -> CommandResult:
    """Run one writing kubectl verb; KubectlError propagates to the dispatcher, which prints it."""
    handler = HANDLERS.get(verb)
    if handler is None:  # every verb in the dispatcher's WRITE_VERBS has a handler
        raise KeyError(verb)
    return handler(twin, parsed, stdin)
