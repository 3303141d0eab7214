"""Run tasks x attempts in parallel (a process pool, or Ray), record every step, resume.

Every attempt writes its steps to the trajectory store as they happen, so a run
killed at any moment can be finished with `--resume RUN_ID`: finished attempts
are not repeated, an attempt caught mid-way is run again from its start.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from typing import Any

from aoi.agents.run import AgentSpec, run_task
from aoi.agents.runtime import RuntimeConfig
from aoi.bench.closed_loop import Chain, LoopSettings, guidance_text, run_chain
from aoi.bench.metrics import AttemptResult, Figures, compute
from aoi.catalog import SPLITS, UnknownTaskError, get_task, list_parametric, list_tasks
from aoi.errors import AOIError, ConfigError
from aoi.gate import redact_command
from aoi.loop.guidance import guidance_label
from aoi.trajectories import Step, TrajectoryStore
from aoi.trajectories.store import DEFAULT_URL, default_store_url

DEFAULT_STORE = DEFAULT_URL
_STEP_FIELDS = frozenset(Step.model_fields)


class TaskSelectionError(ConfigError):
    pass


class BenchInterrupted(AOIError):
    """Ctrl-C stopped the run: `done` of `total` attempts are in the store; resume the rest."""

    def __init__(self, run_id: str, store_url: str, done: int, total: int) -> None:
        super().__init__(f"run {run_id} interrupted after {done} of {total} attempts")
        self.run_id = run_id
        self.store_url = store_url
        self.done = done
        self.total = total


def select_tasks(spec: str) -> list[str]:
    """`all`, a split, a glob over ids, or a comma list of ids (parametric ids included)."""
    spec = spec.strip()
    if spec in SPLITS:
        return [t.id for t in list_tasks(spec)]
    if spec == "parametric":
        return [t.id for t in list_parametric()]
    if any(ch in spec for ch in "*?["):
        pool = [t.id for t in list_tasks("all")]
        if "/" in spec:
            pool += [t.id for t in list_parametric()]
        found = fnmatch.filter(pool, spec)
        if not found:
            raise TaskSelectionError(f"no task id matches {spec!r}")
        return found
    ids = [part.strip() for part in spec.split(",") if part.strip()]
    for task_id in ids:
        try:
            get_task(task_id)
        except UnknownTaskError as exc:
            raise TaskSelectionError(str(exc)) from None
    return ids


@dataclass(frozen=True)
class Job:
    store_url: str
    run_id: str
    task_id: str
    attempt: int
    seed: int
    agent: AgentSpec
    config: RuntimeConfig
    #: the rendered guidance this attempt is given (None: none)
    guidance: str | None = None


@dataclass
class BenchConfig:
    tasks: list[str]
    attempts: int = 1
    workers: int = 1
    backend: str = "local"
    agent: AgentSpec = field(default_factory=AgentSpec)
    seed: int = 0
    store_url: str = field(default_factory=default_store_url)
    max_iterations: int = 15
    #: a guidance library (JSON lines) read per task, and written by --evolve
    guidance: str | None = None
    #: which entries a task may use: any, same-task (leakage) or other-targets
    guidance_from: str = "any"
    #: attempt k fails -> the Evolver -> attempt k+1 sees its plan as guidance
    evolve: bool = False
    #: "teacher" (model-free) or a model spec for aoi.llm.make_model
    evolver: str = "teacher"
    candidates: int = 4

    def loop_settings(self) -> LoopSettings:
        return LoopSettings(
            library=self.guidance,
            source=self.guidance_from,  # type: ignore[arg-type]
            evolve=self.evolve,
            evolver=self.evolver,
            candidates=self.candidates,
        )

    def to_json(self) -> dict[str, Any]:
        """What the store keeps of the run; a password in the base URL is masked."""
        data = asdict(self)
        data["agent"] = asdict(self.agent)
        if self.agent.base_url:
            data["agent"]["base_url"] = redact_command(self.agent.base_url)
        return data


_STORES: dict[str, TrajectoryStore] = {}


def _store(url: str) -> TrajectoryStore:
    """One store per process and URL (connections do not cross process boundaries)."""
    key = f"{os.getpid()}:{url}"
    store = _STORES.get(key)
    if store is None:
        store = TrajectoryStore(url)
        _STORES[key] = store
    return store


def run_attempt(job: Job) -> AttemptResult:
    """One attempt of one task; its steps and outcome go to the store. Never raises."""
    store = _store(job.store_url)
    task = get_task(job.task_id)
    config = dataclasses.replace(job.config, guidance=job.guidance)
    attempt_id = store.start_attempt(
        job.run_id,
        job.task_id,
        job.attempt,
        agent=job.agent.describe(guided=bool(job.guidance)),
        seed=job.seed,
        model=job.agent.model or job.agent.model_spec,
        guidance=job.guidance,
    )

    def on_step(step: dict[str, Any]) -> None:
        store.append_step(
            attempt_id, Step.model_validate({k: v for k, v in step.items() if k in _STEP_FIELDS})
        )

    started = time.perf_counter()
    try:
        # anything that is not an AOIError is a bug: the attempt stays `running` (a resume
        # redoes it) and the error ends the run with its traceback
        result = run_task(
            job.task_id, agent=job.agent, seed=job.seed, config=config, on_step=on_step
        )
    except (
        AOIError
    ) as exc:  # an expected failure (no cluster, a bad model spec): recorded, the run goes on
        store.finish_attempt(
            attempt_id,
            None,
            status="failed",
            error=redact_command(f"{type(exc).__name__}: {exc}")[:2000],
        )
        return AttemptResult(
            task_id=job.task_id,
            attempt=job.attempt,
            success=False,
            task_type=task.type.value,
            fault=task.fault,
            seconds=time.perf_counter() - started,
            error=f"{type(exc).__name__}: {exc}",
            guidance=guidance_label(job.guidance),
        )
    outcome = result.outcome.model_dump(mode="json")
    outcome["ended_by"] = result.record.ended_by
    error = redact_command(result.record.error) if result.record.error else None
    if error:
        # An attempt the loop ended on an error (a dead endpoint) failed, whatever was scored.
        outcome["success"] = False
    store.finish_attempt(attempt_id, outcome, status="failed" if error else "finished", error=error)
    return AttemptResult(
        task_id=job.task_id,
        attempt=job.attempt,
        success=result.outcome.success and not error,
        error=error,
        task_type=task.type.value,
        fault=task.fault,
        steps=len(result.record.steps),
        tokens=result.outcome.in_tokens + result.outcome.out_tokens,
        seconds=result.seconds,
        seconds_to_submit=result.outcome.seconds_to_submit,
        guidance=guidance_label(job.guidance),
    )


@dataclass
class BenchResult:
    run_id: str
    figures: Figures
    results: list[AttemptResult]
    wall_seconds: float
    config: BenchConfig
    resumed: int = 0

    def as_json(self) -> dict[str, Any]:
        fig = self.figures.as_dict()
        return {
            "run_id": self.run_id,
            "agent": self.config.agent.describe(),
            "k": fig["k"],
            "tasks": [{"id": task, **info} for task, info in fig["per_task"].items()],
            "attempts": [
                asdict(r) for r in sorted(self.results, key=lambda r: (r.task_id, r.attempt))
            ],
            "best_at_k": fig["best_at_k"],
            "avg_at_k": fig["avg_at_k"],
            "gap": fig["gap"],
            "by_type": fig["by_type"],
            "by_fault": fig["by_fault"],
            "secondary": fig["secondary"],
            "wall_seconds": round(self.wall_seconds, 3),
            "resumed_attempts": self.resumed,
            "guidance": guidance_summary(self.config, self.results),
        }


Progress = Callable[[AttemptResult, int, int], None]
"""(the attempt just finished, attempts done so far, attempts in the run)."""
Start = Callable[[str, int, int, int], None]
"""(run id, attempts in the run, attempts already done, of which solved): before any runs."""


def run_bench(
    config: BenchConfig,
    *,
    resume: str | None = None,
    progress: Progress | None = None,
    on_start: Start | None = None,
) -> BenchResult:
    """Run (or finish) a benchmark and compute its figures from the store.

    Ctrl-C (KeyboardInterrupt) stops the workers, leaves the attempts that had not
    finished for a resume, marks the run `killed` and raises BenchInterrupted.
    Any other failure of the run itself marks it `failed` and propagates.
    """
    store = _store(config.store_url)
    if resume:
        run = store.get_run(resume)
        config = _config_from(run.config, config.store_url, config)
        run_id = resume
        store.finish_run(run_id, "running")
    else:
        run_id = store.create_run(config.to_json())
    done = store.finished_attempts(run_id)
    runtime_config = RuntimeConfig(max_iterations=config.max_iterations)
    settings = config.loop_settings()
    every = {
        task: [
            Job(
                config.store_url,
                run_id,
                task,
                attempt,
                config.seed + attempt,
                config.agent,
                runtime_config,
                None if config.evolve else guidance_text(settings, task),
            )
            for attempt in range(config.attempts)
        ]
        for task in config.tasks
    }
    jobs = [
        job for task in every.values() for job in task if (job.task_id, job.attempt) not in done
    ]
    units: list[Job | Chain] = list(jobs)
    if config.evolve:
        # a task's attempts run in order, each failure evolving the next one's guidance
        units = [
            Chain(attempts, settings, {j.attempt for j in attempts if (task, j.attempt) in done})
            for task, attempts in every.items()
            if any((task, j.attempt) not in done for j in attempts)
        ]
    total = len(config.tasks) * config.attempts
    finished = total - len(jobs)
    if on_start is not None:
        solved = sum(1 for r in results_from_store(store, run_id) if r.success)
        on_start(run_id, total, finished, solved)
    started = time.perf_counter()
    try:
        for result in _execute(units, config):
            finished += 1
            if progress is not None:
                progress(result, finished, total)
    except KeyboardInterrupt:
        store.finish_run(run_id, "killed")
        raise BenchInterrupted(
            run_id, config.store_url, len(store.finished_attempts(run_id)), total
        ) from None
    except BaseException:
        store.finish_run(run_id, "failed")
        raise
    wall = time.perf_counter() - started
    store.finish_run(run_id)
    results = results_from_store(store, run_id)
    return BenchResult(run_id, compute(results), results, wall, config, resumed=total - len(jobs))


def result_from_store(store: TrajectoryStore, run_id: str) -> BenchResult:
    """A stored run's figures as a BenchResult (for reports of past runs); raises UnknownRunError."""
    run = store.get_run(run_id)
    config = _config_from(run.config, store.url, BenchConfig(tasks=[]))
    results = results_from_store(store, run_id)
    end = run.finished_at or max(
        (r.finished_at for r in store.query_outcomes(run_id=run_id) if r.finished_at),
        default=run.created_at,
    )
    wall = max(0.0, (end - run.created_at).total_seconds())
    return BenchResult(run_id, compute(results), results, wall, config)


def results_from_store(store: TrajectoryStore, run_id: str) -> list[AttemptResult]:
    """The figures are always computed from what the store holds (so resumes agree)."""
    out = []
    for row in store.query_outcomes(run_id=run_id):
        outcome = row.outcome or {}
        out.append(
            AttemptResult(
                task_id=row.task_id,
                attempt=row.attempt_index,
                success=bool(row.success),
                task_type=row.task_type or "",
                fault=row.fault or "",
                steps=int(outcome.get("steps", 0) or 0),
                tokens=int(outcome.get("in_tokens", 0) or 0)
                + int(outcome.get("out_tokens", 0) or 0),
                seconds=float(outcome.get("wall_seconds", 0.0) or 0.0),
                seconds_to_submit=outcome.get("seconds_to_submit"),
                error=row.error,
                guidance=guidance_label(row.guidance),
            )
        )
    return out


def run_unit(unit: Job | Chain) -> list[AttemptResult]:
    """One attempt, or a task's chain of attempts (--evolve)."""
    if isinstance(unit, Chain):
        return run_chain(unit, run_attempt, _store)
    return [run_attempt(unit)]


def _execute(units: list[Job | Chain], config: BenchConfig) -> Iterator[AttemptResult]:
    if not units:
        return
    if config.backend == "ray":
        yield from _execute_ray(units, config.workers)
        return
    if config.workers <= 1:
        for unit in units:
            yield from run_unit(unit)
        return
    pool = ProcessPoolExecutor(max_workers=config.workers, initializer=_ignore_sigint)
    try:
        pending: set[Future[list[AttemptResult]]] = {pool.submit(run_unit, u) for u in units}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield from future.result()
    except BaseException:
        # Ctrl-C (or any failure): drop the queue and stop the workers now; the
        # attempts they were running stay `running` in the store, for a resume.
        pool.shutdown(wait=False, cancel_futures=True)
        for child in multiprocessing.active_children():
            child.terminate()
        for child in multiprocessing.active_children():
            child.join(5)
        raise
    pool.shutdown(wait=True)


def _ignore_sigint() -> None:
    # The terminal sends Ctrl-C to every process of the group: only the parent acts on it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _execute_ray(units: list[Job | Chain], workers: int) -> Iterator[AttemptResult]:
    try:
        import ray
    except ImportError:
        raise RuntimeError(
            "the Ray backend needs the 'ray' extra: pip install 'aoi[ray]'"
        ) from None
    started_here = not ray.is_initialized()
    if started_here:
        ray.init(
            num_cpus=max(1, workers),
            include_dashboard=False,
            log_to_driver=False,
            ignore_reinit_error=True,
        )
    try:
        remote = ray.remote(run_unit)
        pending = [remote.remote(unit) for unit in units]
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            for ref in done:
                yield from ray.get(ref)
    finally:
        if started_here:
            ray.shutdown()


def guidance_summary(config: BenchConfig, results: list[AttemptResult]) -> dict[str, Any]:
    """Which guidance the run used: the library, its source, --evolve, and per attempt."""
    guided = [r for r in results if r.guidance]
    return {
        "library": config.guidance,
        "from": config.guidance_from,
        "evolve": config.evolve,
        "evolver": config.evolver if config.evolve else None,
        "guided_attempts": len(guided),
        "guided_solved": sum(1 for r in guided if r.success),
        "same_task_attempts": sum(1 for r in guided if "same-task" in (r.guidance or "")),
        "used": {
            f"{r.task_id}#{r.attempt}": r.guidance
            for r in sorted(guided, key=lambda r: (r.task_id, r.attempt))
        },
    }


def _config_from(data: dict[str, Any], store_url: str, given: BenchConfig) -> BenchConfig:
    """The stored run's config; how it is executed (workers, backend) may change on resume."""
    agent_fields = AgentSpec.__dataclass_fields__
    agent = AgentSpec(**{k: v for k, v in data.get("agent", {}).items() if k in agent_fields})
    if agent.base_url and "****" in agent.base_url and given.agent.base_url:
        agent.base_url = given.agent.base_url  # the password was not stored
    fields = {
        k: v for k, v in data.items() if k in BenchConfig.__dataclass_fields__ and k != "agent"
    }
    fields["store_url"] = store_url
    fields["workers"] = given.workers
    fields["backend"] = given.backend
    return BenchConfig(agent=agent, **fields)
