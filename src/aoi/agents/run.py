"""Run one task with one agent on one environment: the unit the CLI and the benchmark share."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aoi.agents.observer import LLMObserver, Observer
from aoi.agents.runtime import RunRecord, Runtime, RuntimeConfig, StepCallback
from aoi.envs.base import Environment, Outcome
from aoi.errors import ConfigError

AGENTS = ("expert", "aoi")


class AgentConfigError(ConfigError):
    """An agent asked for without what it needs (a model, an endpoint)."""


@dataclass
class AgentSpec:
    """Which agent, and for `aoi` which model: `model` and `base_url`, or a `model_spec` for make_model."""

    name: str = "expert"
    model: str | None = None
    base_url: str | None = None
    model_spec: str | None = None
    temperature: float = 0.7
    #: rule families or rules the expert runs without (an ablation; see aoi.agents.expert.rules)
    without: tuple[str, ...] = ()
    # Per request to an HTTP endpoint: seconds to wait, and retries of a refused
    # connection or a 5xx (a hung request is never retried).
    llm_timeout: float = 60.0
    llm_retries: int = 2

    def describe(self, *, guided: bool = False) -> str:
        """The agent's label; `guided`: the expert runs as the guidance follower."""
        if self.name == "expert":
            label = "expert" + (f" without {','.join(self.without)}" if self.without else "")
            return label + (" + guidance follower" if guided else "")
        return f"aoi:{self.model or self.model_spec}"


def build_runtime(spec: AgentSpec, config: RuntimeConfig | None = None) -> Runtime:
    """The runtime for an agent spec; `aoi` needs a model, the expert needs nothing."""
    config = config or RuntimeConfig()
    if spec.name == "expert":
        from aoi.agents.expert import ExpertObserver

        expert = ExpertObserver(spec.without)
        if config.guidance:
            # no model reads the guidance prompt: the follower carries out its plan
            from aoi.agents.guided import GuidedObserver

            return Runtime(GuidedObserver(expert, config.guidance), config=config)
        return Runtime(expert, config=config)
    if spec.name != "aoi":
        raise AgentConfigError(f"unknown agent {spec.name!r}; choose one of: {', '.join(AGENTS)}")
    model = _model(spec)
    from aoi.llm import extract_json

    observer: Observer = LLMObserver(model, extract_json, temperature=spec.temperature)
    return Runtime(
        observer,
        probe_model=model,
        executor_model=model,
        compressor_model=model,
        parse=extract_json,
        config=config,
    )


def _model(spec: AgentSpec) -> Any:
    if spec.model and not spec.base_url and not spec.model_spec and Path(spec.model).is_dir():
        # a model directory (e.g. one `aoi train` wrote): the local transformers backend
        from aoi.llm import make_model

        return make_model(f"local:{spec.model}")
    if not spec.model_spec and (not spec.model or not spec.base_url):
        raise AgentConfigError(
            "--agent aoi needs a chat model: pass --model NAME and --base-url URL "
            "(an OpenAI-compatible endpoint such as vLLM, SGLang or Ollama)"
        )
    from aoi.llm import make_model

    spec_text = spec.model_spec or f"openai:{spec.model}@{spec.base_url}"
    options: dict[str, Any] = {}
    if spec_text.startswith("openai:") or "://" in spec_text:
        options = {"timeout": spec.llm_timeout, "max_retries": spec.llm_retries}
    return make_model(spec_text, **options)


@dataclass
class TaskRun:
    task: str
    seed: int
    agent: str
    record: RunRecord
    outcome: Outcome
    seconds: float


def run_task(
    task_id: str,
    *,
    agent: AgentSpec | None = None,
    seed: int = 0,
    env: Environment | None = None,
    config: RuntimeConfig | None = None,
    on_step: StepCallback | None = None,
) -> TaskRun:
    """Reset the environment on the task, run the agent, evaluate.

    The environment (the twin unless `env` is given) resolves the task id: a catalog
    id, or its own (`live/<type>/<namespace>` on a live cluster); the task's type
    and namespace come from the problem it returns. Raises on an id it does not know.
    """
    spec = agent or AgentSpec()
    runtime = build_runtime(spec, config)
    own_env = env is None
    if env is None:
        from aoi.envs.twin import TwinEnvironment

        env = TwinEnvironment()
    started = time.perf_counter()
    try:
        problem = env.reset(task_id, seed)
        record = runtime.run(
            env,
            problem,
            task_type=problem.task_type.value,
            namespace=problem.namespace,
            on_step=on_step,
        )
        outcome = env.evaluate()
    finally:
        if own_env:
            env.close()
    label = spec.describe(guided=bool(config and config.guidance))
    return TaskRun(task_id, seed, label, record, outcome, time.perf_counter() - started)
