"""What the programs' behaviour reads of the world they run in.

The behaviour modules (network, logs, telemetry, effects) are built by
`aoi.twin.world.World` and read its state back through this view, so that they
depend on what they use and not on the module that assembles them.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from aoi.twin.apps.spec import App, BadImage, Component
from aoi.twin.cluster.clock import SimClock
from aoi.twin.cluster.controller import Controller
from aoi.twin.cluster.store import Obj, Store

if TYPE_CHECKING:
    from aoi.twin.behaviour.effects import Effects
    from aoi.twin.behaviour.logs import LogWriter
    from aoi.twin.behaviour.mongo_state import MongoState
    from aoi.twin.behaviour.network import Chaos, Oracle


class WorldView(Protocol):
    """The state of one simulated cluster and the collaborators derived from it."""

    @property
    def seed(self) -> int: ...
    @property
    def store(self) -> Store: ...
    @property
    def clock(self) -> SimClock: ...
    @property
    def apps(self) -> dict[str, App]: ...
    @property
    def mongo(self) -> dict[tuple[str, str], MongoState]: ...
    @property
    def bad_images(self) -> dict[str, BadImage]: ...
    @property
    def chaos(self) -> list[Chaos]: ...
    @property
    def controller(self) -> Controller: ...
    @property
    def oracle(self) -> Oracle: ...
    @property
    def logs(self) -> LogWriter: ...
    @property
    def effects(self) -> Effects: ...
    @property
    def first_change(self) -> float | None:
        """When the world first changed after coming up (unix time), if it has."""
        ...

    def app_for(self, namespace: str) -> App | None:
        """The application deployed in a namespace, if any."""
        ...

    def pristine(self) -> WorldView:
        """This world as it came up, before anything changed it."""
        ...

    def infra_component(
        self, namespace: str, owner: str | None, container: str
    ) -> Component | None:
        """The cluster's own component (kube-system, ...) a pod's owner runs, if any."""
        ...

    def known_repo(self, repo: str) -> bool:
        """Whether the registry knows this image repository."""
        ...

    def image_exists(self, image: str) -> bool:
        """Whether the registry has this image."""
        ...

    def image_size(self, image: str) -> int | None:
        """The image's size in bytes in its registry; None where the registry lacks it."""
        ...

    def pod_by_uid(self, uid: str) -> Obj | None:
        """The pod with this uid, if it still exists."""
        ...

    def effects_for(self, namespace: str, service: str, at: datetime) -> dict[str, Any]:
        """The feature-flag effects active on a service at a moment."""
        ...
