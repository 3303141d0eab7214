"""The teacher Evolver: no model, an upper bound and a source of training data.

It solves the task with the full rule-based expert on a fresh twin, purifies the
path (`aoi.loop.purify`: the shortest command list its oracle still accepts) and
presents it in the Evolver's JSON. The purified path is usually shorter than
the format's 15 commands, so plain reads of the namespace are added around it
(surface reads before, describes and logs of the components the path touched,
pod checks after the repair); every added read is kept only if it runs cleanly
on the twin. It is labelled "teacher" wherever it appears: it is not a model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from aoi.catalog import TaskType, get_task
from aoi.envs.twin import APP_KEYS
from aoi.errors import AOIError
from aoi.loop.credentials import known_passwords, unmask
from aoi.loop.evolve.schema import (
    MAX_COMMANDS,
    MIN_COMMANDS,
    Plan,
    PlanCommand,
    PlanPhase,
    StateSummary,
)
from aoi.loop.path import command_path, prefilter
from aoi.loop.purify import Purified, purify
from aoi.loop.replay import ReplayCommand, replay
from aoi.loop.solve import expert_trajectory
from aoi.trajectories import Trajectory

AUTHOR = "teacher"
_SURFACE = re.compile(r"^kubectl get (pods|deployments|services|events)\b")
_NAMED = re.compile(r"(?:deploy(?:ment)?[/ ]|service[/ ]|pod[/ ])([a-z0-9][a-z0-9-]*)")


class TeacherError(AOIError, RuntimeError):
    """The expert did not solve the task, so the teacher has nothing to teach."""


def teacher_plan(task_id: str, seed: int, *, source: Trajectory | None = None) -> Plan:
    """The teacher's plan for a task and seed: the expert's purified solve, as the Evolver's JSON.

    `source` is an expert success to start from (else the expert solves it now).
    The rendered plan is checked by execution (`aoi.loop.rewards.execute`); when
    the reads added around the purified path change its outcome (a repair that
    needs the time the purified path leaves it), the prefiltered path is used.
    Raises TeacherError when the expert fails the task or no rendering passes,
    UnknownTaskError on a bad id.
    """
    from aoi.loop.rewards import effectiveness, execute, plan_commands

    trajectory = source or expert_trajectory(task_id, seed)
    if not trajectory.success or trajectory.seed is None:
        raise TeacherError(f"the expert did not solve {task_id} (seed {seed}): no teacher plan")
    purified = purify(trajectory)
    path = command_path(trajectory)
    kept, _dropped = prefilter(path)
    paths: list[list[tuple[str, str]]] = [[(c.role, c.command) for c in purified.commands]]
    paths.append([("executor" if path[i].is_write else "probe", path[i].command) for i in kept])
    task = get_task(task_id)
    for core in paths:
        plan = render_plan(trajectory, purified, core)
        if effectiveness(execute(task_id, trajectory.seed, plan_commands(plan)), task) == 1.0:
            return plan
    raise TeacherError(f"no rendering of the expert's solve of {task_id} passes when replayed")


def render_plan(
    trajectory: Trajectory, purified: Purified, core: list[tuple[str, str]] | None = None
) -> Plan:
    """A command path (the purified one by default) as a well-formed Plan, padded with clean reads."""
    task = get_task(trajectory.task_id)
    ns = task.namespace
    seed = purified.seed
    passwords = known_passwords(APP_KEYS[task.app.value], seed)
    if core is None:
        core = [(c.role, c.command) for c in purified.commands]
    core = [(role, unmask(command, passwords)) for role, command in core]
    writes = [i for i, (role, _) in enumerate(core) if role == "executor"]
    first_write = writes[0] if writes else len(core)
    last_write = writes[-1] if writes else len(core) - 1
    phased: list[PlanCommand] = []
    for i, (role, command) in enumerate(core):
        if role == "executor":
            phase, purpose = PlanPhase.RESOLUTION, "repair the root cause (from the expert's solve)"
        elif writes and i > last_write:
            phase, purpose = (
                PlanPhase.VERIFICATION,
                "check the repair took (from the expert's solve)",
            )
        elif i < first_write and _SURFACE.match(command):
            phase, purpose = PlanPhase.DISCOVERY, "surface scan (from the expert's solve)"
        else:
            phase, purpose = (
                PlanPhase.DIAGNOSIS,
                "evidence for the root cause (from the expert's solve)",
            )
        phased.append(PlanCommand(phase=phase, command=command, purpose=purpose))
    reads = [c for c in phased if c.phase is PlanPhase.DISCOVERY]
    if reads and not any(c.phase is PlanPhase.DIAGNOSIS for c in phased):
        # the surface scan held the evidence: its last read is where the diagnosis came from
        reads[-1].phase = PlanPhase.DIAGNOSIS
        reads[-1].purpose = "the read that shows the root cause (from the expert's solve)"
    affected = _affected(purified, core)
    padded = _pad(trajectory.task_id, seed, phased, ns, affected, task.type is TaskType.MITIGATION)
    decision = _last_analysis(trajectory)
    return Plan(
        task_id=trajectory.task_id,
        description=(
            f"[teacher] the rule-based expert's solve of {trajectory.task_id}, purified "
            f"({purified.before} -> {purified.after} commands) and padded with clean reads"
        ),
        state_summary=StateSummary(
            root_cause_and_symptoms=decision.get("root_cause_analysis", "")
            or "the expert's diagnosis",
            affected_resources=affected,
            errors_and_logs=decision.get("previous_summary", ""),
            cluster_status=f"namespace {ns}; {purified.oracle} oracle verified: {purified.verified}",
        ),
        commands=padded,
        submission=purified.submission,
    )


def _affected(purified: Purified, core: list[tuple[str, str]]) -> list[str]:
    names: list[str] = []
    submission = purified.submission or ""
    names += re.findall(r'"([a-z0-9][a-z0-9-]*)"', submission) if "[" in submission else []
    for role, command in core:
        if role == "executor":
            names += _NAMED.findall(command)
    return list(dict.fromkeys(names))


def _last_analysis(trajectory: Trajectory) -> dict[str, str]:
    for step in reversed(trajectory.steps):
        decision = step.decision or {}
        if decision.get("root_cause_analysis"):
            return {k: str(v) for k, v in decision.items() if isinstance(v, str)}
    return {}


def _reads(ns: str, affected: Iterable[str]) -> dict[PlanPhase, list[str]]:
    discovery = [
        f"kubectl get pods -n {ns} -o wide",
        f"kubectl get deployments -n {ns}",
        f"kubectl get services -n {ns}",
        f"kubectl get events -n {ns} --sort-by=.lastTimestamp",
        "kubectl get nodes",
        f"kubectl get endpoints -n {ns}",
        f"kubectl get statefulsets -n {ns}",
        f"kubectl get pvc -n {ns}",
        f"kubectl get configmaps -n {ns}",
        f"kubectl get replicasets -n {ns}",
    ]
    diagnosis: list[str] = []
    for name in affected:
        diagnosis += [
            f"kubectl describe deployment {name} -n {ns}",
            f"kubectl logs deploy/{name} -n {ns} --tail=50",
            f"kubectl get service {name} -n {ns} -o yaml",
        ]
    diagnosis += [f"kubectl describe deployments -n {ns}", f"kubectl describe pods -n {ns}"]
    verification = [
        f"kubectl get deployments -n {ns}",
        f"kubectl get events -n {ns} --field-selector type=Warning",
        f"kubectl get pods -n {ns}",
    ]
    return {
        PlanPhase.DISCOVERY: discovery,
        PlanPhase.DIAGNOSIS: diagnosis,
        PlanPhase.VERIFICATION: verification,
    }


def _pad(
    task_id: str,
    seed: int,
    core: list[PlanCommand],
    ns: str,
    affected: list[str],
    mitigation: bool,
) -> list[PlanCommand]:
    """`core` with clean reads added until the plan has MIN_COMMANDS commands.

    Pod checks close the verification; discovery and diagnosis reads are then
    taken in turn, discovery ones before the core's, diagnosis ones after.
    """
    have = {c.command for c in core}
    extra = {p: [c for c in cmds if c not in have] for p, cmds in _reads(ns, affected).items()}
    clean = _clean_reads(task_id, seed, extra, core)
    added = {p: [c for c in cmds if c in clean] for p, cmds in extra.items()}
    verification = added[PlanPhase.VERIFICATION]
    needed = max(0, MIN_COMMANDS - len(core) - len(verification))
    taken: dict[PlanPhase, list[str]] = {PlanPhase.DISCOVERY: [], PlanPhase.DIAGNOSIS: []}
    pools = {p: list(added[p]) for p in taken}
    while needed and any(pools.values()):
        for phase in taken:
            if needed and pools[phase]:
                taken[phase].append(pools[phase].pop(0))
                needed -= 1

    def read(phase: PlanPhase, command: str) -> PlanCommand:
        return PlanCommand(
            phase=phase, command=command, purpose="added by the teacher: a plain read"
        )

    by_phase = {p: [c for c in core if c.phase is p] for p in PlanPhase}
    by_phase[PlanPhase.DISCOVERY][:0] = [
        read(PlanPhase.DISCOVERY, c) for c in taken[PlanPhase.DISCOVERY]
    ]
    by_phase[PlanPhase.DIAGNOSIS] += [
        read(PlanPhase.DIAGNOSIS, c) for c in taken[PlanPhase.DIAGNOSIS]
    ]
    by_phase[PlanPhase.VERIFICATION] += [read(PlanPhase.VERIFICATION, c) for c in verification]
    out = [c for p in PlanPhase for c in by_phase[p]]
    if not mitigation:
        out = [c for c in out if c.phase is not PlanPhase.RESOLUTION]
    return out[:MAX_COMMANDS]


def _clean_reads(
    task_id: str, seed: int, extra: dict[PlanPhase, list[str]], core: list[PlanCommand]
) -> set[str]:
    """The added reads that the gate allows and that exit 0, run where the plan would run them."""
    before = [*extra[PlanPhase.DISCOVERY], *extra[PlanPhase.DIAGNOSIS]]
    after = extra[PlanPhase.VERIFICATION]
    commands = [
        *(ReplayCommand("probe", c) for c in before),
        *(ReplayCommand("executor" if c.role == "executor" else "probe", c.command) for c in core),
        *(ReplayCommand("probe", c) for c in after),
    ]
    result = replay(task_id, seed, commands)
    extras = {*before, *after}
    return {
        item.command
        for item, run in zip(commands, result.runs, strict=False)
        if item.command in extras and run.allowed and run.exit_code == 0
    }
