"""TwinEnvironment: the Environment contract over the embedded cluster twin."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from aoi.catalog import ParsedAction, Problem, Task, TaskType, get_task, render_problem, score
from aoi.envs.base import (
    Action,
    Environment,
    EnvironmentStateError,
    Observation,
    Outcome,
    add_aiopslab_fields,
    to_action,
)
from aoi.envs.telemetry import read_exported_csv
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


class TwinEnvironment(Environment):
    """Tasks on the twin: a fresh cluster per reset, the fault injected, AIOpsLab's scoring."""

    def __init__(
        self,
        *,
        run_dir: str | Path | None = None,
        strict: bool = False,
        step_seconds: float = 10.0,
    ) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if run_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="aoi-run-")
            run_dir = self._tmp.name
        self.run_dir = Path(run_dir)
        self.strict = strict
        # Simulated seconds an agent's turn takes (its model thinking), beyond the command itself.
        self.step_seconds = step_seconds
        self.twin: Twin | None = None
        self.task: Task | None = None
        self.problem: Problem | None = None
        self._steps = 0
        self._submission: Any = None
        self._submitted = False
        self._submit_at: float | None = None
        self._start_sim = 0.0
        self._start_wall = 0.0
        self._baseline: dict[str, int] = {}
        self._tokens = [0, 0]

    # --- contract -------------------------------------------------------------------
    def reset(self, task_id: str, seed: int = 0) -> Problem:
        task = get_task(task_id)
        twin = Twin.fresh(APP_KEYS[task.app.value], seed)
        self._baseline = {
            d["metadata"]["name"]: int(d["spec"].get("replicas", 1))
            for d in twin.store.list("Deployment", task.namespace)
        }
        inject(twin, task)
        self.twin, self.task = twin, task
        self.problem = render_problem(task)
        self._steps = 0
        self._submission, self._submitted, self._submit_at = None, False, None
        self._start_sim = twin.clock.now().timestamp()
        self._start_wall = time.perf_counter()
        self._tokens = [0, 0]
        return self.problem

    def run_command(self, command: Judged | str) -> tuple[str, int]:
        """Run the tree the gate judged (never its text) as one exec_shell step.

        A plain string is a direct, trusted call, as act(exec_shell(command)).
        """
        if isinstance(command, str):
            obs = self.act(Action.exec_shell(command))
            return obs.text, obs.exit_code
        obs = self._act(Action.exec_shell(command.text), command)
        return obs.text, obs.exit_code

    def act(self, call: str | Action | ParsedAction) -> Observation:
        return self._act(call, None)

    def _act(self, call: str | Action | ParsedAction, judged: Judged | None) -> Observation:
        twin, task = self._require()
        if self._submitted:
            return Observation(
                text="The task has already been submitted.", verdict="invalid", done=True
            )
        self._steps += 1
        action, error = to_action(call)
        if action is None:
            return Observation(text=error, verdict="invalid")
        if self.step_seconds:
            twin.tick(self.step_seconds)
        if action.api == "submit":
            return self._submit(action)
        try:
            if judged is not None:
                text, exit_code = api.exec_tree_status(twin, judged.tree, judged.check, judged.text)
            else:
                text, exit_code = self._dispatch(twin, task, action)
        except TypeError as exc:
            return Observation(
                text=f"Error: {action.api}(): {exc}", api=action.api, verdict="invalid"
            )
        text, truncated = self._truncate(text)
        verdict: Literal["ok", "error"] = "ok" if exit_code == 0 else "error"
        return Observation(
            text=text, api=action.api, exit_code=exit_code, truncated=truncated, verdict=verdict
        )

    def evaluate(self) -> Outcome:
        twin, task = self._require()
        wall = time.perf_counter() - self._start_wall
        base = Outcome(
            task=task.id,
            task_type=task.type.value,
            success=False,
            submitted=self._submitted,
            submission=self._submission,
            steps=self._steps,
            in_tokens=self._tokens[0],
            out_tokens=self._tokens[1],
            seconds_to_submit=self._submit_at,
            wall_seconds=round(wall, 4),
        )
        if not self._submitted and task.type is not TaskType.MITIGATION:
            base.reason = "no submission"
            return base
        if task.type is TaskType.MITIGATION:
            twin.tick(MITIGATION_SETTLE_SECONDS)
        view = TwinView(twin)
        grade = score(task, self._submission, view)
        base.success = grade.success
        base.results = dict(grade.results)
        base.reason = grade.reason
        base.problems = list(grade.problems)
        if task.type is TaskType.MITIGATION:
            strict = score(
                task,
                self._submission,
                view,
                strict=True,
                baseline_replicas=self._baseline,
                traffic_healthy=self.traffic_healthy(),
            )
            base.strict_success = strict.success
            if self.strict:
                base.success = strict.success
                base.problems = list(strict.problems)
        add_aiopslab_fields(
            base.results, task.type.value, self._submit_at, self._steps, self._tokens
        )
        return base

    def record_tokens(self, in_tokens: int, out_tokens: int) -> None:
        self._tokens[0] += in_tokens
        self._tokens[1] += out_tokens

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def secret_values(self) -> set[str]:
        """Every secret value this cluster holds (Secrets, credential keys, env), for masking."""
        twin, _task = self._require()
        return secrets_in_objects(twin.store.all())

    # --- helpers ----------------------------------------------------------------------
    def traffic_healthy(self) -> bool:
        """Whether requests through the app's frontend succeed (the strict mitigation check)."""
        twin, task = self._require()
        app = twin.app_for(task.namespace)
        if app is None:
            return False
        # every program that serves requests must be up and answering without errors
        serving = [c.name for c in app.components if c.role in ("service", "frontend")]
        return all(twin.oracle.health(task.namespace, name).ok for name in serving)

    def _submit(self, action: Action) -> Observation:
        twin, _task = self._require()
        self._submitted = True
        self._submission = action.args[0] if len(action.args) == 1 else list(action.args)
        self._submit_at = round(twin.clock.now().timestamp() - self._start_sim, 3)
        return Observation(text="Submission received.", api="submit", done=True)

    def _dispatch(self, twin: Twin, task: Task, action: Action) -> tuple[str, int]:
        args = action.args
        if action.api == "exec_shell":
            command = str(args[0]) if args else ""
            return api.exec_shell_status(twin, command)
        if action.api == "get_logs":
            return api.get_logs(twin, *args), 0
        if action.api == "get_metrics":
            return api.get_metrics(twin, *args, run_dir=self.run_dir), 0
        if action.api == "read_metrics":
            return self._read_csv(args, api.read_metrics, "Metrics")
        if action.api == "get_traces":
            return api.get_traces(twin, *args, run_dir=self.run_dir), 0
        if action.api == "read_traces":
            return self._read_csv(args, api.read_traces, "Traces")
        return (
            f"Error: Unknown API {action.api!r}. Available: exec_shell, get_logs, get_metrics, read_metrics, get_traces, read_traces, submit.",
            1,
        )

    def _read_csv(
        self, args: tuple[Any, ...], read: Callable[[str], str], title: str
    ) -> tuple[str, int]:
        """Only files this run exported: a path elsewhere could be any file on this machine."""
        if len(args) != 1:
            raise TypeError(f"takes 1 positional argument (file_path) but {len(args)} were given")
        return read_exported_csv(self.run_dir, args[0], read, title)

    def _require(self) -> tuple[Twin, Task]:
        if self.twin is None or self.task is None:
            raise EnvironmentStateError("call reset(task_id) before act() or evaluate()")
        return self.twin, self.task
