"""The answer in the task's format, from the diagnosis (never from the task)."""

from __future__ import annotations

import json

from aoi.agents.expert.rules import DETECT, Finding

# When nothing was diagnosed an analysis answer must still be given: the most common class.
DEFAULT_ANALYSIS = ("Application", "Misconfiguration")


def submit_call(task_type: str, finding: Finding | None) -> str:
    """The submit(...) call AIOpsLab parses, for one task type."""
    faulty = finding is not None and finding.confidence >= DETECT
    if task_type == "detection":
        return 'submit("Yes")' if faulty else 'submit("No")'
    if task_type == "localization":
        services = finding.services if faulty and finding is not None else []
        return f"submit({json.dumps(services)})"
    if task_type == "analysis":
        level, kind = (
            (finding.system_level, finding.fault_type) if finding is not None else DEFAULT_ANALYSIS
        )
        return "submit(" + json.dumps({"system_level": level, "fault_type": kind}) + ")"
    return "submit()"


def justification(finding: Finding | None) -> str:
    if finding is None or finding.confidence < DETECT:
        return "no component shows a fault beyond the usual background noise"
    why = finding.summary
    if finding.symptoms:
        why += "; " + "; ".join(finding.symptoms[:3]) + " (symptoms, not the cause)"
    return why
