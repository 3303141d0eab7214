"""The Twin: the simulated world of `aoi.twin.world` plus the command lines an agent types."""

from __future__ import annotations

from aoi.shelltools import CommandResult
from aoi.twin.surface.shell import run_command_line
from aoi.twin.world import World


class Twin(World):
    """A reproducible cluster twin running one or more AIOpsLab applications."""

    def run(self, command: str) -> CommandResult:
        """Run one command line (kubectl, helm, and filters after pipes); never raises."""
        self.tick()
        try:
            return run_command_line(self, command)
        except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback
            self.internal_errors.append(f"{command!r}: {type(exc).__name__}: {exc}")
            return CommandResult(
                "", f"error: the twin failed to run this command ({type(exc).__name__})\n", 1
            )
