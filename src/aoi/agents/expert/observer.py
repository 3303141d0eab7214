"""ExpertObserver: a deterministic, rule-based SRE in the Observer's seat.

Each iteration it reads the previous iteration's compressed output into its notes
(its long-term memory), runs the diagnosis rules, and decides: probe further
(suggested read commands), repair (Executor commands plus verification reads),
or submit. It drives the same scripted Probe, Executor, gate and Compressor as a
model-backed Observer and spends no tokens.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from aoi.agents.expert import queries as q
from aoi.agents.expert.evidence import Block, absorb
from aoi.agents.expert.fix import Repair, forget, heal, plan_repair
from aoi.agents.expert.notes import Notes
from aoi.agents.expert.plan import Step, next_step
from aoi.agents.expert.rules import DECISIVE, DETECT, Finding, diagnose, resolve_without
from aoi.agents.expert.submit import justification, submit_call
from aoi.agents.observer import ObserverState
from aoi.agents.schema import (
    Decision,
    ExecutorContext,
    NextAction,
    NextAgent,
    Phase,
    PlannedSubtask,
    ProbeContext,
    RootCause,
    Submission,
)
from aoi.agents.subtasks import SubtaskQueue

MAX_REPAIRS = 3
MAX_WAITS = 2
_NAMESPACE = re.compile(r"namespace[^`'\"\n]*[`'\"]([a-z0-9][a-z0-9-]*)[`'\"]", re.IGNORECASE)


@dataclass
class _Run:
    """What one run remembers besides the notes: commands issued, the repair in progress."""

    task_type: str = "detection"
    notes: Notes = field(default_factory=Notes)
    issued: dict[str, tuple[str, str]] = field(default_factory=dict)
    stage: str = "investigate"  # investigate | verify | done
    repaired: Finding | None = None
    repairs: int = 0
    waits: int = 0
    healed: bool = False


class ExpertObserver:
    """The rule-based Observer: same decisions, no model."""

    def __init__(self, without: Iterable[str] = ()) -> None:
        """`without` names rule families or rules to disable (an ablated expert, see rules.FAMILIES)."""
        self.tokens_in = 0
        self.tokens_out = 0
        self.without = resolve_without(without)
        self._run = _Run()

    @property
    def notes(self) -> Notes:
        return self._run.notes

    # --- Observer protocol ----------------------------------------------------------------
    def plan(self, problem: str, task_type: str, iterations: int) -> SubtaskQueue:
        self._run = _Run(task_type=task_type)
        mitigation = task_type == "mitigation"
        goals = [
            (NextAgent.PROBE, "surface scan: pods, deployments, services and warning events"),
            (
                NextAgent.PROBE,
                "follow the leads: logs of failing pods, scheduling, volumes, flags, databases",
            ),
            (NextAgent.PROBE, "read the application services' logs for errors about their peers"),
            (NextAgent.PROBE, "confirm the root cause against its symptoms"),
        ]
        if mitigation:
            goals += [
                (NextAgent.EXECUTOR, "apply the repair of the root cause"),
                (NextAgent.PROBE, "verify the repair took effect"),
            ]
        body = max(1, iterations - 1)
        while len(goals) < body:
            goals.append((NextAgent.PROBE, "verify and confirm"))
        plan = [PlannedSubtask(agent=agent, goal=goal) for agent, goal in goals[:body]]
        return SubtaskQueue.from_plan(plan, iterations, mitigation)

    def decide(self, state: ObserverState) -> Decision:
        run = self._run
        if state.task_type and state.task_type != run.task_type:
            run.task_type = state.task_type
        ns = state.namespace or _namespace(state.problem)
        notes = run.notes
        notes.namespace = ns
        blocks = absorb(notes, state.previous, run.issued) if state.previous else []
        if all(query.command in notes.ran for query in (q.pods(ns), q.deployments(ns))):
            notes.scanned = True
        findings = diagnose(notes, self.without)
        best = findings[0] if findings else None
        summary = _summarize(blocks, run.issued, notes)
        if state.must_submit:
            return self._submit(best, summary, "the iteration cap forces a submission")
        if run.stage == "verify":
            return self._after_repair(findings, summary, ns)
        decisive = best is not None and best.confidence >= DECISIVE
        step = next_step(notes, ns, decisive=decisive)
        if step is not None:
            return self._probe(step, best, summary)
        if run.task_type == "mitigation" and best is not None and best.confidence >= DETECT:
            repair = plan_repair(best, notes, ns)
            if repair is not None:
                return self._repair(best, repair, summary, ns)
        return self._submit(best, summary, "the investigation is complete")

    # --- decisions ----------------------------------------------------------------------
    def _probe(self, step: Step, best: Finding | None, summary: str) -> Decision:
        for query in step.queries:
            self._run.issued[query.command] = (query.kind, query.subject)
        return Decision(
            previous_summary=summary,
            phase=step.phase,
            phase_change_reason=step.goal,
            root_cause_analysis=best.summary if best else "no fault identified yet",
            confidence=_confidence(best),
            suggested_commands=[query.command for query in step.queries],
            next_action=NextAction(
                agent=NextAgent.PROBE,
                instruction=step.goal,
                probe_context=ProbeContext(
                    targets=step.targets,
                    investigation_type=step.phase.value,
                    specific_checks=[
                        query.kind + (f" {query.subject}" if query.subject else "")
                        for query in step.queries
                    ],
                    suspected_cause=best.summary if best else "",
                    symptoms=best.symptoms if best else [],
                ),
            ),
        )

    def _repair(self, finding: Finding, repair: Repair, summary: str, ns: str) -> Decision:
        run = self._run
        run.stage, run.repaired, run.repairs = "verify", finding, run.repairs + 1
        run.waits = 0
        forget(run.notes, finding)
        for query in repair.verification:
            run.issued[query.command] = (query.kind, query.subject)
        return Decision(
            previous_summary=summary,
            phase=Phase.READY_TO_FIX,
            phase_change_reason=f"root cause found ({finding.rule}): repair it",
            root_cause_analysis=finding.summary,
            confidence=finding.confidence,
            suggested_commands=repair.commands,
            next_action=NextAction(
                agent=NextAgent.EXECUTOR,
                instruction=repair.strategy,
                executor_context=ExecutorContext(
                    root_cause=RootCause(
                        component=", ".join(finding.services) or ns,
                        issue=finding.summary,
                        evidence="; ".join(finding.evidence[:4]),
                    ),
                    symptoms=finding.symptoms,
                    namespace=ns,
                    fix_strategy=repair.strategy,
                    commands=repair.commands,
                    verification=[query.command for query in repair.verification],
                    fallback=repair.fallback,
                ),
            ),
        )

    def _after_repair(self, findings: list[Finding], summary: str, ns: str) -> Decision:
        run = self._run
        notes = run.notes
        fixed = run.repaired
        still = next(
            (
                f
                for f in findings
                if fixed
                and f.rule == fixed.rule
                and f.services == fixed.services
                and f.confidence >= DETECT
            ),
            None,
        )
        crashing = [p for p in notes.pods.values() if p.crash_looping]
        starting = [p for p in notes.pods.values() if not p.healthy and not p.crash_looping]
        if still is not None and run.repairs < MAX_REPAIRS:
            repair = plan_repair(still, notes, ns)
            if repair is not None:
                return self._repair(still, repair, summary, ns)
        if still is None and crashing and not run.healed:
            commands = heal(notes, ns)
            if commands:
                run.healed = True
                run.waits = 0
                return self._heal(commands, summary, ns)
        if (crashing or starting) and run.waits < MAX_WAITS:
            run.waits += 1
            step = Step(
                Phase.VERIFICATION,
                "check that the pods come back ready after the repair",
                [q.pods(ns)],
                [ns],
            )
            return self._probe(step, fixed, summary)
        run.stage = "done"
        return self._submit(fixed, summary, "the repair is applied and verified")

    def _heal(self, commands: list[str], summary: str, ns: str) -> Decision:
        check = q.pods(ns)
        self._run.issued[check.command] = (check.kind, check.subject)
        fixed = self._run.repaired
        return Decision(
            previous_summary=summary,
            phase=Phase.READY_TO_FIX,
            phase_change_reason="the cause is repaired but pods are still in back-off from before",
            root_cause_analysis=fixed.summary if fixed else "",
            confidence=_confidence(fixed),
            suggested_commands=commands,
            next_action=NextAction(
                agent=NextAgent.EXECUTOR,
                instruction="restart the workloads still in crash-loop back-off so they start at once",
                executor_context=ExecutorContext(
                    root_cause=RootCause(
                        component=", ".join(fixed.services) if fixed else ns,
                        issue="back-off after repair",
                    ),
                    namespace=ns,
                    fix_strategy="rollout restart of the workloads still crash-looping",
                    commands=commands,
                    verification=[check.command],
                ),
            ),
        )

    def _submit(self, best: Finding | None, summary: str, reason: str) -> Decision:
        call = submit_call(self._run.task_type, best)
        return Decision(
            previous_summary=summary,
            phase=Phase.READY_TO_SUBMIT,
            phase_change_reason=reason,
            root_cause_analysis=best.summary if best else "no fault found",
            confidence=_confidence(best, final=True),
            next_action=NextAction(agent=NextAgent.SUBMIT, instruction="submit the answer"),
            submission=Submission(ready=True, call=call, justification=justification(best)),
        )


def _confidence(best: Finding | None, *, final: bool = False) -> int:
    if best is None:
        return 80 if final else 10
    return best.confidence


def _namespace(problem: str) -> str:
    match = _NAMESPACE.search(problem)
    return match.group(1) if match else "default"


def _summarize(blocks: list[Block], issued: dict[str, tuple[str, str]], notes: Notes) -> str:
    """One line of what the previous iteration showed."""
    if not blocks:
        return ""
    parts = []
    for block in blocks:
        kind, subject = issued.get(block.command, ("command", ""))
        label = f"{kind} {subject}".strip()
        if not block.ok:
            parts.append(f"{label}: failed (exit {block.exit_code})")
            continue
        if kind == "pods":
            bad = [p.name for p in notes.pods.values() if not p.healthy]
            parts.append(f"{len(notes.pods)} pods, unhealthy: {', '.join(bad[:4]) or 'none'}")
        elif kind == "deployments":
            zero = [d.name for d in notes.deployments.values() if d.replicas == 0]
            parts.append(
                f"{len(notes.deployments)} deployments"
                + (f", scaled to 0: {', '.join(zero)}" if zero else "")
            )
        elif kind == "events":
            reasons = sorted({e.reason for e in notes.events})
            parts.append(f"warning events: {', '.join(reasons) or 'none'}")
        elif kind in ("log_grep", "crash_log"):
            blamed = sorted({c.peer for c in notes.complaints if c.caller == subject})
            parts.append(
                f"{label}: "
                + (f"errors about {', '.join(blamed)}" if blamed else "no errors about peers")
            )
        else:
            parts.append(f"{label}: read")
    return "; ".join(parts)[:600]
