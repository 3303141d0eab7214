"""The store's errors; each says what to do next."""

from __future__ import annotations

from aoi.errors import AOIError


class StoreError(AOIError):
    """Base of the store's errors."""


class UnknownRunError(StoreError, LookupError):
    """No run has this id."""

    def __init__(self, run_id: str) -> None:
        super().__init__(f"no run {run_id!r} in this store; list runs with TrajectoryStore.runs()")
        self.run_id = run_id


class UnknownAttemptError(StoreError, LookupError):
    """No attempt has this id."""

    def __init__(self, attempt_id: str) -> None:
        super().__init__(f"no attempt {attempt_id!r} in this store; start it with start_attempt()")
        self.attempt_id = attempt_id


class AttemptFinishedError(StoreError):
    """The attempt (run, task, index) already finished; a resume must skip it."""

    def __init__(self, run_id: str, task_id: str, attempt_index: int, attempt_id: str) -> None:
        super().__init__(
            f"attempt {attempt_index} of {task_id!r} in run {run_id!r} already finished "
            f"(attempt_id {attempt_id}); skip the pairs finished_attempts() returns"
        )
        self.attempt_id = attempt_id
