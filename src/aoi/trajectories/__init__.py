"""The record of a run: Trajectory and Step models, their store, and exports.

A Trajectory is one attempt at one task; each Step holds the Observer's decision,
the agent that acted, the commands with their verdicts and raw and compressed
output, tokens and time. The store commits each step as it happens (SQLite in
WAL mode by default, PostgreSQL given a URL), so a killed worker loses at most
the step in flight and a run can be resumed.

>>> store = TrajectoryStore("sqlite://")
>>> run = store.create_run({"agent": "expert"})
>>> attempt = store.start_attempt(run, "revoke_auth_mongodb-localization-2", agent="expert")
>>> store.append_step(attempt, Step(index=0, agent="expert", api_call="get_logs(...)"))
>>> store.finish_attempt(attempt, {"success": True})
>>> store.finished_attempts(run)
{('revoke_auth_mongodb-localization-2', 0)}
>>> store.load(attempt).fault
'revoke_auth_mongodb'
"""

from aoi.trajectories.errors import (
    AttemptFinishedError,
    StoreError,
    UnknownAttemptError,
    UnknownRunError,
)
from aoi.trajectories.export import (
    MissingExtraError,
    export_jsonl,
    export_parquet,
    export_steps_parquet,
    iter_jsonl,
    read_jsonl,
    read_parquet,
    to_arrow,
    to_dataset,
)
from aoi.trajectories.models import (
    TERMINAL_STATUSES,
    VERDICTS,
    AgentName,
    CommandRecord,
    CompletionRecord,
    ModelCall,
    Status,
    Step,
    Trajectory,
)
from aoi.trajectories.records import OutcomeRow, RunRecord
from aoi.trajectories.store import DEFAULT_URL, TrajectoryStore

__all__ = [
    "DEFAULT_URL",
    "TERMINAL_STATUSES",
    "VERDICTS",
    "AgentName",
    "AttemptFinishedError",
    "CommandRecord",
    "CompletionRecord",
    "MissingExtraError",
    "ModelCall",
    "OutcomeRow",
    "RunRecord",
    "Status",
    "Step",
    "StoreError",
    "Trajectory",
    "TrajectoryStore",
    "UnknownAttemptError",
    "UnknownRunError",
    "export_jsonl",
    "export_parquet",
    "export_steps_parquet",
    "iter_jsonl",
    "read_jsonl",
    "read_parquet",
    "to_arrow",
    "to_dataset",
]
