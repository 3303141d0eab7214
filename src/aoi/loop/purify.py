"""The Purifier: from a successful trajectory, the shortest command path that still gets there.

Two steps. The prefilter (aoi.loop.path) drops what no path needs: refused and
failed commands, retries' failed tries, reads repeated with no write since.
Then delta debugging (Zeller's ddmin) minimises the rest against an oracle that
executes every candidate on a fresh twin of the same task and seed:

- mitigation: the kept commands replayed, then `submit()` and the evaluation
  must succeed (strictly too when the source passed strictly); and where the
  evidence reader could read the source's diagnosis from its reads before the
  first write, the kept reads must still show that diagnosis (a fix without
  the evidence for it teaches nothing);
- detection, localization, analysis (scored from the submission alone):
  evidence sufficiency, the evidence reader fed only the replayed outputs of
  the kept commands must reach the same submission.

The result is 1-minimal for the oracle: removing any one more command fails it.
For mitigation the last read after the final write is kept as the verification
(the oracle does not need it, a trajectory without it would show pattern D).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import Literal

from pydantic import BaseModel, Field

from aoi.catalog import TaskType, get_task
from aoi.errors import AOIError
from aoi.loop.evidence import Output, Reading, read_task
from aoi.loop.path import PathCommand, command_path, prefilter, same_submission, submission_call
from aoi.loop.replay import ReplayResult, replay
from aoi.trajectories import Trajectory

Oracle = Literal["mitigation", "evidence"]


class NotPurifiableError(AOIError, ValueError):
    """A trajectory the Purifier cannot start from (no success, no seed, no submission)."""


class PurifiedCommand(BaseModel):
    role: Literal["probe", "executor"]
    command: str
    output: str = ""


class DroppedCommand(BaseModel):
    index: int
    command: str
    reason: str


class Purified(BaseModel):
    """A purified path, linked to its source attempt, with the reduction it achieved.

    `verified` says the oracle accepted `commands` on a fresh twin; when it is
    False `commands` is the prefiltered path and `reason` says why.
    """

    source_attempt_id: str
    run_id: str
    task_id: str
    task_type: str
    seed: int
    oracle: Oracle
    strict: bool = False
    verified: bool
    commands: list[PurifiedCommand]
    submission: str | None = None
    before: int
    prefiltered: int
    after: int
    tokens_before: int
    tokens_after: int
    dropped: list[DroppedCommand] = Field(default_factory=list)
    oracle_calls: int = 0
    seconds: float = 0.0
    reason: str = ""

    @property
    def reduction(self) -> float:
        """Share of the source's commands the purified path does without."""
        return 0.0 if self.before == 0 else 1.0 - self.after / self.before


def ddmin(items: Sequence[int], test: Callable[[list[int]], bool]) -> list[int]:
    """Zeller's ddmin: a 1-minimal subsequence of `items` (which must pass `test`) that passes."""
    current = list(items)
    n = 2
    while len(current) >= 2:
        size = len(current)
        chunks = [current[size * i // n : size * (i + 1) // n] for i in range(n)]
        chunks = [c for c in chunks if c]
        reduced = False
        for chunk in chunks:
            if test(chunk):
                current, n, reduced = chunk, 2, True
                break
        if not reduced:
            for chunk in chunks:
                rest = [i for i in current if i not in chunk]
                if test(rest):
                    current, n, reduced = rest, max(n - 1, 2), True
                    break
        if not reduced:
            if n >= len(current):
                break
            n = min(len(current), 2 * n)
    if len(current) == 1 and test([]):
        return []
    return current


class _Checker:
    """The oracle over index subsets of a path, each answer computed once."""

    def __init__(
        self,
        trajectory: Trajectory,
        path: list[PathCommand],
        oracle: Oracle,
        strict: bool,
        target: str | None,
        without: tuple[str, ...],
    ) -> None:
        assert trajectory.seed is not None
        self.task_id = trajectory.task_id
        self.seed = trajectory.seed
        self.path = path
        self.oracle = oracle
        self.strict = strict
        self.target = target
        self.without = without
        self.calls = 0
        self.results: dict[tuple[int, ...], tuple[bool, ReplayResult]] = {}
        self.diagnosis: tuple[str, tuple[str, ...]] | None = None

    def run(self, indices: Sequence[int]) -> tuple[bool, ReplayResult]:
        key = tuple(indices)
        if key not in self.results:
            self.calls += 1
            self.results[key] = self._judge(key)
        return self.results[key]

    def __call__(self, indices: list[int]) -> bool:
        return self.run(indices)[0]

    def reading(self, result: ReplayResult, *, before_writes: bool) -> Reading:
        outputs: list[Output] = []
        for run in result.runs:
            if before_writes and run.role == "executor":
                break
            outputs.append(Output(run.command, run.output, run.exit_code, run.verdict, run.role))
        return read_task(self.task_id, outputs, without=self.without)

    def _judge(self, key: tuple[int, ...]) -> tuple[bool, ReplayResult]:
        commands = [self.path[i].replayable() for i in key]
        if self.oracle == "mitigation":
            result = replay(self.task_id, self.seed, commands, strict=self.strict)
            ok = bool(result.outcome.success)
            if ok and self.strict:
                ok = bool(result.outcome.strict_success)
            if ok and self.diagnosis is not None:
                best = self.reading(result, before_writes=True).best
                ok = best is not None and (best.rule, tuple(best.services)) == self.diagnosis
            return ok, result
        result = replay(self.task_id, self.seed, commands, submit=None)
        submission = self.reading(result, before_writes=False).submission
        return same_submission(submission, self.target), result


def purify(
    trajectory: Trajectory,
    *,
    strict: bool | None = None,
    without: Iterable[str] = (),
    keep_verification: bool = True,
) -> Purified:
    """The shortest command path of a successful trajectory that its oracle still accepts.

    `strict` (mitigation): also require the strict grade; None means "where the
    source passed strictly". `without` ablates the evidence reader's rules as the
    source's expert was ablated. Raises NotPurifiableError for a trajectory
    without success, seed or (diagnosis tasks) submission.
    """
    started = time.perf_counter()
    if not trajectory.success:
        raise NotPurifiableError(f"attempt {trajectory.attempt_id} did not succeed")
    if trajectory.seed is None:
        raise NotPurifiableError(f"attempt {trajectory.attempt_id} has no seed to replay")
    task = get_task(trajectory.task_id)
    mitigation = task.type is TaskType.MITIGATION
    oracle: Oracle = "mitigation" if mitigation else "evidence"
    outcome = trajectory.outcome or {}
    if strict is None:
        strict = mitigation and bool(outcome.get("strict_success"))
    strict = bool(strict and mitigation)
    target = None if mitigation else submission_call(trajectory)
    if not mitigation and target is None:
        raise NotPurifiableError(f"attempt {trajectory.attempt_id} has no accepted submission")
    path = command_path(trajectory)
    kept, dropped = prefilter(path)
    checker = _Checker(trajectory, path, oracle, strict, target, tuple(without))
    everything = list(range(len(path)))
    if mitigation:
        # the diagnosis the source's reads before its first write show, if the reader can tell
        _ok, full = checker.run(everything)
        best = checker.reading(full, before_writes=True).best
        checker.results.clear()
        checker.diagnosis = None if best is None else (best.rule, tuple(best.services))
    start: list[int] | None = None
    reason = ""
    for candidate in (kept, everything):
        if checker(candidate):
            start = candidate
            break
    if start is None:
        reason = (
            "the source path does not pass its oracle when replayed"
            if mitigation
            else "the evidence reader does not reach the source's submission from its outputs"
        )
        final = kept
        verified = False
    else:
        if start is everything and kept != everything:
            reason = "the prefiltered path failed its oracle; minimised the whole path"
        final = ddmin(start, checker)
        if mitigation and keep_verification:
            final = _with_verification(final, path, checker)
        verified = True
    _ok, result = checker.run(final)
    commands = [
        PurifiedCommand(
            role="executor" if path[i].is_write else "probe", command=path[i].command, output=out
        )
        for i, out in zip(final, _outputs(result, len(final)), strict=True)
    ]
    return Purified(
        source_attempt_id=trajectory.attempt_id,
        run_id=trajectory.run_id,
        task_id=trajectory.task_id,
        task_type=task.type.value,
        seed=trajectory.seed,
        oracle=oracle,
        strict=strict,
        verified=verified,
        commands=commands,
        submission="submit()" if mitigation else target,
        before=len(path),
        prefiltered=len(kept),
        after=len(final),
        tokens_before=sum(c.tokens for c in path),
        tokens_after=sum(PathCommand(c.role, c.command, c.output).tokens for c in commands),
        dropped=[
            DroppedCommand(index=d.index, command=d.command, reason=d.reason) for d in dropped
        ],
        oracle_calls=checker.calls,
        seconds=round(time.perf_counter() - started, 4),
        reason=reason,
    )


def _outputs(result: ReplayResult, count: int) -> list[str]:
    outputs = [run.output for run in result.runs]
    return (outputs + [""] * count)[:count]


def _with_verification(final: list[int], path: list[PathCommand], checker: _Checker) -> list[int]:
    """`final` plus the source's last read after its last write, when it had one."""
    writes = [i for i in final if path[i].is_write]
    if not writes or any(i > writes[-1] and not path[i].is_write for i in final):
        return final
    last_write = max(i for i, c in enumerate(path) if c.is_write)
    reads_after = [i for i, c in enumerate(path) if i > last_write and c.ok and not c.is_write]
    if not reads_after:
        return final
    candidate = sorted({*final, reads_after[-1]})
    return candidate if checker(candidate) else final
