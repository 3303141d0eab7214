"""The world of the twin: one simulated cluster, its applications, clock, controllers and state.

`World` owns the state and wires the collaborators that derive from it (the
controllers, the network oracle, the log writer, the flag effects); it knows
nothing of the command surface. `aoi.twin.core.Twin` adds running command lines.
"""

from __future__ import annotations

import gc
import hashlib
import pickle
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Self

from aoi.twin.apps import app_key, load_app, load_cluster
from aoi.twin.apps.build import build_app, build_cluster
from aoi.twin.apps.podtemplate import pod_template
from aoi.twin.apps.spec import App, BadImage, Cluster, Component, image_repository
from aoi.twin.behaviour.effects import Effects
from aoi.twin.behaviour.logs import LogWriter
from aoi.twin.behaviour.mongo_state import MongoState
from aoi.twin.behaviour.network import Chaos, Oracle
from aoi.twin.cluster.clock import EPOCH, SimClock, rfc3339
from aoi.twin.cluster.controller import Controller
from aoi.twin.cluster.store import KINDS, Obj, Store

_DERIVED = frozenset(
    {"apps", "cluster", "_infra", "_repos", "oracle", "controller", "logs", "effects", "_pristine"}
)
_PROTOTYPES: dict[tuple[type, tuple[str, ...], int], bytes] = {}
_PROTOTYPE_CACHE = 64

# How long before "now" the kind cluster and the application came up.
CLUSTER_AGE = timedelta(hours=2, minutes=13)
APP_AGE_RANGE = (420, 720)  # seconds


class World:
    """A reproducible simulated cluster running one or more AIOpsLab applications."""

    def __init__(
        self,
        apps: str | list[str] = "hotel-reservation",
        seed: int = 0,
        *,
        cluster: Cluster | None = None,
        start: datetime = EPOCH,
        step_seconds: tuple[float, float] = (1.0, 3.0),
    ) -> None:
        names = [apps] if isinstance(apps, str) else list(apps)
        self.seed = seed
        self.clock = SimClock(start)
        self.store = Store(self.clock, seed)
        self.cluster = cluster or load_cluster()
        self.apps: dict[str, App] = {}
        for name in names:
            app = load_app(app_key(name))
            self.apps[app.namespace] = app
        self.mongo: dict[tuple[str, str], MongoState] = {}
        self.bad_images: dict[str, BadImage] = {
            image: bad for app in self.apps.values() for image, bad in app.bad_images.items()
        }
        # (due time, function, args): delayed world changes, such as a chaos experiment ending
        self.timers: list[tuple[datetime, Callable[..., None], tuple[Any, ...]]] = []
        self.chaos: list[Chaos] = []
        self.step_seconds = step_seconds
        self._infra: dict[tuple[str, str], Component] = {
            (ns, comp.name): comp for ns, comp in self.cluster.components()
        }
        self._repos = self._known_repos()
        self._uid_index: dict[str, Obj] = {}
        # When the world first changed after coming up (the fault's injection, in a task):
        # until then every program saw the healthy system AIOpsLab waits for.
        self.first_change: float | None = None
        self._attach()
        # Exceptions caught at the command boundary: always empty unless the twin has a bug.
        self.internal_errors: list[str] = []
        # When the command line running now is killed (AIOpsLab's exec_shell time-out); see
        # `aoi.twin.surface.limit`. None between commands.
        self.deadline: datetime | None = None
        self._bring_up(start)

    # --- fast copies ---------------------------------------------------------------
    @classmethod
    def fresh(cls, apps: str | list[str] = "hotel-reservation", seed: int = 0) -> Self:
        """A new world, as `cls(apps, seed)` would build it, cloned from a cached prototype.

        Building runs every controller from the cluster's creation to now; cloning the
        result is several times faster, and the clone shares nothing mutable with it.
        """
        names = (apps,) if isinstance(apps, str) else tuple(apps)
        keys = tuple(app_key(n) for n in names)
        key = (cls, keys, seed)
        blob = _PROTOTYPES.get(key)
        if blob is None:
            blob = pickle.dumps(cls(list(keys), seed), protocol=pickle.HIGHEST_PROTOCOL)
            if len(_PROTOTYPES) >= _PROTOTYPE_CACHE:
                _PROTOTYPES.pop(next(iter(_PROTOTYPES)))
            _PROTOTYPES[key] = blob
        # Unpickling allocates many small objects: the cyclic collector would only slow it.
        enabled = gc.isenabled()
        gc.disable()
        try:
            world: Self = pickle.loads(blob)
        finally:
            if enabled:
                gc.enable()
        return world

    def __getstate__(self) -> dict[str, Any]:
        # Application specs are immutable and cached by the loader: pickle their keys only.
        state = {k: v for k, v in self.__dict__.items() if k not in _DERIVED}
        state["apps"] = [app.key for app in self.apps.values()]
        state["controller"] = self.controller.__getstate__()
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        controller_state = state.pop("controller")
        keys = state.pop("apps")
        self.__dict__.update(state)
        self.apps = {}
        for key in keys:
            app = load_app(key)
            self.apps[app.namespace] = app
        self.cluster = load_cluster()
        self._infra = {(ns, comp.name): comp for ns, comp in self.cluster.components()}
        self._repos = self._known_repos()
        self._attach(controller_state)

    def _attach(self, controller_state: dict[str, Any] | None = None) -> None:
        self.oracle = Oracle(self)
        self.controller = Controller(self.store, self.clock, self.oracle)
        if controller_state is not None:
            self.controller.__setstate__(controller_state)
        self.logs = LogWriter(self)
        self.effects = Effects(self)

    # --- construction --------------------------------------------------------------
    def _bring_up(self, now: datetime) -> None:
        # the kind node image's preloaded images, and those the cluster and the applications
        # ran when they came up (pulled then): only later images are pulled in the twin's time
        held = {*self.cluster.preloaded_images, *self._bring_up_images()}
        for node in self.cluster.nodes:
            self.controller.pods.images.hold(node.name, held)
        rng = self.store.rng
        cluster_created = now - CLUSTER_AGE - timedelta(seconds=rng.randrange(600))
        self.clock._now = cluster_created
        build_cluster(self.store, self.cluster, created=rfc3339(cluster_created))
        for ns, comp in self.cluster.components():
            if comp.workload == "StaticPod" and comp.node:
                self.controller.create_static_pod(
                    comp.node, f"{comp.name}-{comp.node}", pod_template(comp), ns, cluster_created
                )
        self.controller.reconcile(cluster_created)
        app_created = now - timedelta(seconds=rng.randrange(*APP_AGE_RANGE))
        self.clock._now = app_created
        for app in self.apps.values():
            build_app(self.store, app, created=rfc3339(app_created))
            for comp in app.components:
                if comp.database is not None:
                    self.mongo[(app.namespace, comp.name)] = MongoState.from_spec(comp.database)
        self.controller.reconcile(app_created)
        self.clock._now = now
        self.controller.refresh(now)

    def _bring_up_images(self) -> set[str]:
        comps = [c for _, c in self.cluster.components()]
        for app in self.apps.values():
            comps.extend(app.components)
        return {
            image
            for comp in comps
            for image in (
                comp.image,
                *(s.image for s in comp.sidecars),
                *(s.image for s in comp.init_containers),
            )
        }

    def _known_repos(self) -> dict[str, set[str]]:
        repos: dict[str, set[str]] = {}
        comps = [c for _, c in self.cluster.components()]
        for app in self.apps.values():
            comps.extend(app.components)
            for image in app.bad_images:
                repos.setdefault(image_repository(image), set()).add(_tag(image))
        for comp in comps:
            images = [
                comp.image,
                *(s.image for s in comp.sidecars),
                *(s.image for s in comp.init_containers),
            ]
            for image in images:
                repos.setdefault(image_repository(image), set()).add(_tag(image))
        return repos

    # --- lookups the controller and the oracle use ------------------------------------
    def app_for(self, namespace: str) -> App | None:
        return self.apps.get(namespace)

    def infra_component(
        self, namespace: str, owner: str | None, container: str
    ) -> Component | None:
        if owner is None:
            return None
        return self._infra.get((namespace, owner))

    def known_repo(self, repo: str) -> bool:
        return repo in self._repos

    def image_exists(self, image: str) -> bool:
        """Whether the registry has this image: known repositories with a known tag (or latest)."""
        repo = image_repository(image)
        if repo not in self._repos:
            # Images the twin has never heard of are assumed to exist (a user's own image).
            return True
        tag = _tag(image)
        return tag in self._repos[repo] or tag == "latest"

    def image_size(self, image: str) -> int | None:
        """The image's size in its registry: the cluster's table, else a size fixed by its name."""
        if not self.image_exists(image):
            return None
        known = self.cluster.image_sizes.get(image)
        if known is not None:
            return known
        digest = hashlib.blake2b(image.encode(), digest_size=4).hexdigest()
        return 40_000_000 + int(digest, 16) % 360_000_000

    def pod_by_uid(self, uid: str) -> Obj | None:
        for pod in self.store.list("Pod"):
            if pod["metadata"]["uid"] == uid:
                return pod
        return None

    def effects_for(self, namespace: str, service: str, at: datetime) -> dict[str, Any]:
        return self.effects.for_service(namespace, service, at)

    # --- time ----------------------------------------------------------------------
    def tick(self, seconds: float | None = None) -> None:
        """Let time pass (by default the few seconds a person takes between commands)."""
        if seconds is None:
            low, high = self.step_seconds
            seconds = low + self.store.rng.random() * (high - low)
        target = self.clock.now() + timedelta(seconds=seconds)
        while self.timers:
            self.timers.sort(key=lambda t: t[0])
            due, fn, args = self.timers[0]
            if due > target:
                break
            self.timers.pop(0)
            if due > self.clock.now():
                self.clock._now = due
                self.controller.refresh()
            fn(self, *args)
            self.changed()
        self.clock._now = target
        self.controller.refresh()

    def schedule(
        self, start: datetime, delay_s: float, fn: Callable[..., None], *args: Any
    ) -> None:
        """Run `fn(twin, *args)` when the clock reaches start + delay_s."""
        self.timers.append((start + timedelta(seconds=delay_s), fn, args))

    def register_bad_image(self, image: str, *, like: str, service: str) -> None:
        """Make `image` a broken build that behaves like the known broken build `like`."""
        model = self.bad_images.get(like)
        if model is None or image in self.bad_images:
            return
        if model.program:
            # the same defect built into `service`: the dependency it dials first at start
            # (the model's dialed one) is dialed at the model's wrong port
            self.bad_images[image] = BadImage(
                program=self._defect_program(model, service),
                dials=self._defect_dials(model, service),
                exit_code=model.exit_code,
                reason=model.reason,
            )
        else:
            log = [line.replace("geo", service) for line in model.log]
            self.bad_images[image] = BadImage(
                exit_code=model.exit_code, reason=model.reason, log=log
            )
        self._repos.setdefault(image_repository(image), set()).add(_tag(image))

    def _component_named(self, name: str) -> Component | None:
        for app in self.apps.values():
            found = next((c for c in app.components if c.name == name), None)
            if found is not None:
                return found
        return None

    def _defect_program(self, model: BadImage, service: str) -> str:
        target = self._component_named(service)
        return target.program if target is not None else model.program

    def _defect_dials(self, model: BadImage, service: str) -> dict[str, int]:
        target = self._component_named(service)
        if target is None or not model.dials:
            return {}
        port = next(iter(model.dials.values()))
        first = next((d for d in target.calls if d.required_at_start), None)
        return {first.service: port} if first is not None else {}

    def delete_namespace(self, namespace: str) -> None:
        """Delete a namespace and everything in it (cluster-scoped objects such as PVs stay)."""
        now = self.clock.now()
        for pod in self.store.list("Pod", namespace):
            self.controller.delete_pod(pod, now)
        for kind, info in KINDS.items():
            if info.namespaced:
                self.store.delete_many(self.store.list(kind, namespace))
        self.store.delete("Namespace", None, namespace)
        self.chaos = [c for c in self.chaos if c.namespace != namespace]
        self.changed()

    def pristine(self) -> World:
        """This world as it came up, before anything changed it (cloned once, then kept).

        The same seed brings up the same objects (names, uids, addresses), so what a
        program saw before the first change is what it sees in this copy.
        """
        if self.first_change is None:
            return self
        cached: World | None = self.__dict__.get("_pristine")
        if cached is None:
            cached = type(self).fresh([app.key for app in self.apps.values()], self.seed)
            self.__dict__["_pristine"] = cached
        return cached

    def changed(self) -> None:
        """Call after writing declared objects: controllers react at once."""
        if self.first_change is None:
            self.first_change = self.clock.now().timestamp()
        self.oracle.invalidate()
        self.controller.reconcile()


def _tag(image: str) -> str:
    ref = image.split("@", 1)[0]
    slash, colon = ref.rfind("/"), ref.rfind(":")
    return ref[colon + 1 :] if colon > slash else "latest"
