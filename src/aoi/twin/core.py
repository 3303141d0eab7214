"""The Twin: the simulated world of `aoi.twin.world` plus the command lines an agent types."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aoi.shelltools import CommandResult
from aoi.twin.surface.shell import run_command_line, run_tree
from aoi.twin.world import World

if TYPE_CHECKING:
    from aoi.shell import Sequence
    from aoi.shell.run import Check


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

    def run_tree(self, tree: Sequence, check: Check | None = None) -> CommandResult:
        """Run a parsed command tree (what the gate judged); never raises.

        `check` judges every command whose words get their values at run time,
        before it runs; a refusal stops the tree.
        """
        self.tick()
        try:
            return run_tree(self, tree, check)
        except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback
            self.internal_errors.append(f"tree: {type(exc).__name__}: {exc}")
            return CommandResult(
                "", f"error: the twin failed to run this command ({type(exc).__name__})\n", 1
            )
