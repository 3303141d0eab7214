"""TwinEnvironment: the Environment contract over the embedded cluster twin."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from aoi.catalog import Problem, Task, TaskType, get_task, render_problem, score
from aoi.envs.base import (
    EnvironmentStateError,
    EpisodeEnvironment,
    Observation,
    Outcome,
    observed,
)
from aoi.gate import Judged, secrets_in_objects
from aoi.twin import api
from aoi.twin.core import Twin
from aoi.twin.faults import inject

APP_KEYS = {
    "HotelReservation": "hotel-reservation",
    "SocialNetwork": "social-network",
    "AstronomyShop": "astronomy-shop",
}
# Simulated seconds the cluster gets after a mitigation submit before it is graded,
# as AIOpsLab's evaluation waits for pods to settle.
MITIGATION_SETTLE_SECONDS = 60.0


class TwinView:
    """The catalog's ClusterView over a twin's store."""

    def __init__(self, twin: Twin) -> None:
        self.twin = twin

    def objects(self, kind: str, namespace: str) -> list[dict[str, Any]]:
        return self.twin.store.list(kind, namespace)


class TwinEnvironment(EpisodeEnvironment):
    """Tasks on the twin: a fresh cluster per reset, the fault injected, AIOpsLab's scoring.

    `seed` makes a reset reproducible: the same task and seed give the same cluster.
    `step_seconds` is the simulated time an agent's turn takes (its model thinking),
    beyond the command itself; `strict` grades mitigations by the strict check.
    """

    run_dir_prefix = "aoi-run-"
    replayable = True

    def __init__(
        self,
        *,
        run_dir: str | Path | None = None,
        strict: bool = False,
        step_seconds: float = 10.0,
    ) -> None:
        super().__init__(run_dir)
        self.strict = strict
        self.step_seconds = step_seconds
        self.twin: Twin | None = None
        self.task: Task | None = None
        self._baseline: dict[str, int] = {}

    # --- what the twin supplies ---------------------------------------------------------
    def _begin(self, task_id: str, seed: int) -> Problem:
        task = get_task(task_id)
        twin = Twin.fresh(APP_KEYS[task.app.value], seed)
        self._baseline = {
            d["metadata"]["name"]: int(d["spec"].get("replicas", 1))
            for d in twin.store.list("Deployment", task.namespace)
        }
        inject(twin, task)
        self.twin, self.task = twin, task
        return render_problem(task)

    def _clock(self) -> float:
        # simulated seconds: time to submit is the cluster's, not this machine's
        return self.twin.clock.now().timestamp() if self.twin is not None else 0.0

    def _before_call(self) -> None:
        if self.step_seconds:
            self._twin().tick(self.step_seconds)

    def _exec_shell(self, command: str | Judged, timeout: Any = None) -> Observation:
        twin = self._twin()
        if isinstance(command, Judged):
            return observed(*api.exec_tree_status(twin, command.tree, command.check, command.text))
        return observed(*api.exec_shell_status(twin, command))

    def _get_logs(self, namespace: Any, service: Any) -> Observation:
        return Observation(text=api.get_logs(self._twin(), namespace, service))

    def _get_metrics(self, namespace: Any, duration: Any = 5) -> Observation:
        return Observation(
            text=api.get_metrics(self._twin(), namespace, duration, run_dir=self.run_dir)
        )

    def _get_traces(self, namespace: Any, duration: Any = 5) -> Observation:
        return Observation(
            text=api.get_traces(self._twin(), namespace, duration, run_dir=self.run_dir)
        )

    def _grade(self, outcome: Outcome) -> None:
        twin, task = self._twin(), self._task()
        if task.type is TaskType.MITIGATION:
            twin.tick(MITIGATION_SETTLE_SECONDS)
        view = TwinView(twin)
        grade = score(task, self._submission, view)
        outcome.success = grade.success
        outcome.results = dict(grade.results)
        outcome.reason = grade.reason
        outcome.problems = list(grade.problems)
        if task.type is TaskType.MITIGATION:
            strict = score(
                task,
                self._submission,
                view,
                strict=True,
                baseline_replicas=self._baseline,
                traffic_healthy=self.traffic_healthy(),
            )
            outcome.strict_success = strict.success
            if self.strict:
                outcome.success = strict.success
                outcome.problems = list(strict.problems)

    # --- what callers may use -------------------------------------------------------------
    def secret_values(self, namespaces: Iterable[str] = ()) -> set[str]:
        """Every secret value this cluster holds (Secrets, credential keys, env), for masking."""
        return secrets_in_objects(self._twin().store.all())

    def traffic_healthy(self) -> bool:
        """Whether requests through the app's frontend succeed (the strict mitigation check)."""
        twin, task = self._twin(), self._task()
        app = twin.app_for(task.namespace)
        if app is None:
            return False
        # every program that serves requests must be up and answering without errors
        serving = [c.name for c in app.components if c.role in ("service", "frontend")]
        return all(twin.oracle.health(task.namespace, name).ok for name in serving)

    def _twin(self) -> Twin:
        if self.twin is None:
            raise EnvironmentStateError("call reset(task_id) before act() or evaluate()")
        return self.twin

    def _task(self) -> Task:
        if self.task is None:
            raise EnvironmentStateError("call reset(task_id) before act() or evaluate()")
        return self.task
