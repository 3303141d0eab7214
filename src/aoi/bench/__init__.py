"""The benchmark: tasks x attempts in parallel, best@k / avg@k, reports."""

from aoi.bench.metrics import AttemptResult, Figures, compute
from aoi.bench.runner import (
    DEFAULT_STORE,
    BenchConfig,
    BenchInterrupted,
    BenchResult,
    TaskSelectionError,
    run_bench,
    select_tasks,
)

__all__ = [
    "DEFAULT_STORE",
    "AttemptResult",
    "BenchConfig",
    "BenchInterrupted",
    "BenchResult",
    "Figures",
    "TaskSelectionError",
    "compute",
    "run_bench",
    "select_tasks",
]
