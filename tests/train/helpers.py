"""Driving a model directory through the runtime for a whole task, as `aoi run` does."""

from __future__ import annotations

from pathlib import Path

from aoi.agents import Runtime, RuntimeConfig
from aoi.agents.observer import LLMObserver
from aoi.catalog import get_task
from aoi.envs.twin import TwinEnvironment
from aoi.llm import extract_json
from aoi.llm.local import LocalTransformers


def drive(model_dir: Path, task_id: str = "k8s_target_port-misconfig-detection-1"):
    """Run one task with the model in every role; short generations keep it fast on a CPU."""
    model = LocalTransformers(model_dir, max_new_tokens=12)
    runtime = Runtime(
        LLMObserver(model, extract_json, max_tokens=None),
        probe_model=model,
        executor_model=model,
        compressor_model=model,
        parse=extract_json,
        config=RuntimeConfig(max_iterations=2, probe_rounds=1, probe_retries=1),
    )
    task = get_task(task_id)
    env = TwinEnvironment()
    try:
        record = runtime.run(
            env, env.reset(task_id, 0), task_type=task.type.value, namespace=task.namespace
        )
        outcome = env.evaluate()
    finally:
        env.close()
    return record, outcome
