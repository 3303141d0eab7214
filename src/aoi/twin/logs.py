"""Container logs of the twin (placeholder until the log writer lands)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from aoi.twin.network import EdgeResult
from aoi.twin.spec import Component, Dependency

if TYPE_CHECKING:
    from aoi.twin.core import Twin


class LogWriter:
    def __init__(self, twin: Twin) -> None:
        self.twin = twin

    def crash_lines(
        self, program: Component, dep: Dependency, edge: EdgeResult, at: datetime
    ) -> list[str]:
        return [f"failed to reach {dep.service}:{dep.port}: {edge.kind} {edge.detail}"]
