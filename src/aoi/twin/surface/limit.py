"""The time limit of the command line running now, on the simulated clock.

AIOpsLab runs every `exec_shell` line through `subprocess.run(..., timeout=30)`:
a command that has not ended by then is killed, whatever it printed. On the
twin, programs that block (a watch, `logs -f`, `kubectl wait`, `port-forward`,
`sleep`, an endless loop) let simulated time pass up to the deadline the world
holds while a line runs, and end the line with `Expired` when they reach it.
How the caller words the kill is the caller's (AIOpsLab's text is `aoi.agent_api`'s).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NoReturn

from aoi.shell.run import TIMEOUT_EXIT, Expired

if TYPE_CHECKING:
    from aoi.twin.world import World

TIMEOUT_S = 30.0
"""AIOpsLab's `Shell.exec` default, which `exec_shell` never overrides."""


def deadline(world: World) -> datetime:
    """When the running line is killed (a command run outside a line gets the default limit)."""
    if world.deadline is None:
        world.deadline = world.clock.now() + timedelta(seconds=TIMEOUT_S)
    return world.deadline


def remaining(world: World) -> float:
    """Seconds left before the running line is killed."""
    return max(0.0, (deadline(world) - world.clock.now()).total_seconds())


def expire(world: World, stdout: str = "") -> NoReturn:
    """Let time run to the deadline and kill the line (`stdout`: what the killed program printed)."""
    left = remaining(world)
    if left > 0:
        world.tick(left)
    raise Expired("", TIMEOUT_EXIT, stdout)


def sleep(world: World, seconds: float, stdout: str = "") -> None:
    """Let `seconds` pass, or run to the deadline and kill the line if it comes first."""
    if seconds >= remaining(world):
        expire(world, stdout)
    world.tick(seconds)
