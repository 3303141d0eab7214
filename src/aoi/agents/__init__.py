"""The AOI runtime: Observer, Probe, Executor and Compressor with permissioned memory."""

from aoi.agents.memory import AgentRole, Memory, MemoryPermissionError, MemoryView
from aoi.agents.observer import DecisionError, LLMObserver, Observer, ObserverState
from aoi.agents.run import AGENTS, AgentConfigError, AgentSpec, TaskRun, build_runtime, run_task
from aoi.agents.runtime import RunRecord, Runtime, RuntimeConfig
from aoi.agents.schema import Decision, NextAgent, Phase

__all__ = [
    "AGENTS",
    "AgentConfigError",
    "AgentRole",
    "AgentSpec",
    "Decision",
    "DecisionError",
    "LLMObserver",
    "Memory",
    "MemoryPermissionError",
    "MemoryView",
    "NextAgent",
    "Observer",
    "ObserverState",
    "Phase",
    "RunRecord",
    "Runtime",
    "RuntimeConfig",
    "TaskRun",
    "build_runtime",
    "run_task",
]
