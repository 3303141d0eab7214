"""Tasks: ids, types, truths, texts, splits, and AIOpsLab's parsing and scoring rules.

Pure data and pure functions; depends on nothing else in aoi.

>>> task = get_task("revoke_auth_mongodb-localization-2")
>>> task.target, task.truth.aliases
('mongodb-rate', ('rate',))
>>> score(task, parse_action('```\\nsubmit(["mongodb-rate"])\\n```').solution).success
True
"""

from aoi.catalog.mitigation import ClusterView, mitigation_problems, pod_problems
from aoi.catalog.models import (
    AnalysisTruth,
    ApiDoc,
    App,
    MitigationCheck,
    Problem,
    Task,
    TaskType,
    Truth,
)
from aoi.catalog.parsing import ParsedAction, extract_code_block, parse_action
from aoi.catalog.registry import (
    SPLITS,
    AppInfo,
    FaultFamily,
    UnknownSplitError,
    UnknownTaskError,
    app_info,
    get_family,
    get_task,
    list_families,
    list_parametric,
    list_tasks,
    split_reasons,
)
from aoi.catalog.scoring import (
    CORRECT,
    INCORRECT,
    INVALID_FORMAT,
    Grade,
    score,
    score_analysis,
    score_detection,
    score_localization,
    score_mitigation,
)
from aoi.catalog.texts import api_docs, render_problem

__all__ = [
    "CORRECT",
    "INCORRECT",
    "INVALID_FORMAT",
    "SPLITS",
    "AnalysisTruth",
    "ApiDoc",
    "App",
    "AppInfo",
    "ClusterView",
    "FaultFamily",
    "Grade",
    "MitigationCheck",
    "ParsedAction",
    "Problem",
    "Task",
    "TaskType",
    "Truth",
    "UnknownSplitError",
    "UnknownTaskError",
    "api_docs",
    "app_info",
    "extract_code_block",
    "get_family",
    "get_task",
    "list_families",
    "list_parametric",
    "list_tasks",
    "mitigation_problems",
    "parse_action",
    "pod_problems",
    "render_problem",
    "score",
    "score_analysis",
    "score_detection",
    "score_localization",
    "score_mitigation",
    "split_reasons",
]
