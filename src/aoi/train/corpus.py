"""Text for training a tokenizer: the runtime's prompts and what the twin prints.

Everything comes from the package itself (prompt templates, task texts, runs of the
rule-based expert on the twin), so a tokenizer can be built on a machine without
network access and still splits kubectl tables, log lines and JSON decisions well.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from aoi.agents.observer import SUBMIT_FORMATS
from aoi.agents.prompts import render
from aoi.catalog import get_task, list_tasks


def prompt_texts() -> Iterator[str]:
    """Every role's prompt template rendered for each of the 86 tasks' problems."""
    for task in list_tasks("all"):
        from aoi.envs.twin import TwinEnvironment

        env = TwinEnvironment()
        try:
            problem = env.reset(task.id, 0).text()
        finally:
            env.close()
        fmt, example = SUBMIT_FORMATS[task.type.value]
        yield render(
            "observer.j2",
            problem=problem,
            guidance=None,
            queue="[>] 1. probe: surface scan\n[ ] 2. submit: submit the answer",
            summaries=[],
            previous="",
            iteration=1,
            max_iterations=15,
            must_submit=False,
            submit_format=fmt,
            submit_example=example,
        )
        yield render(
            "planner.j2",
            problem=problem,
            iterations=15,
            mitigation=task.type.value == "mitigation",
        )


def twin_texts(every: int = 3) -> Iterator[str]:
    """Decisions, commands, raw outputs and compressed contexts of expert runs on the twin."""
    from aoi.agents import run_task

    tasks = list_tasks("all")[::every]
    for task in tasks:
        record = run_task(get_task(task.id).id).record
        for step in record.steps:
            if step.get("decision"):
                yield json.dumps(step["decision"], indent=2)
            for command in step.get("commands", []):
                yield f"$ {command['command']}\n{command['output_raw']}"
            if step.get("observation"):
                yield str(step["observation"])
            if step.get("api_call"):
                yield str(step["api_call"])


def corpus(every: int = 3) -> Iterator[str]:
    """The whole tokenizer corpus: prompts first, then twin outputs."""
    yield from prompt_texts()
    yield from twin_texts(every)
