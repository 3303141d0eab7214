"""`aoi train online`: multi-turn GRPO with the twin as the environment.

The model plays the Observer for whole episodes on twin tasks, through the real
runtime (planner, subtask queue, memory, the scripted Probe and Executor
following its suggested commands, the Compressor, the gate). A twin episode costs
milliseconds, so rollouts are bounded by generation alone.

Built on TRL's `rollout_func`, not `environment_factory`. Why: TRL's environment
mode runs one growing chat in which the model calls the environment's methods as
tools, which needs a tool-calling chat template and gives the model a context the
AOI runtime never shows it. The runtime rebuilds the Observer's prompt at every
iteration from its memory (summaries, the previous compressed context, the queue),
and a policy trained on anything else would meet different prompts at inference.
`rollout_func` lets the runtime itself produce the turns, with their real prompts.

TRL takes one (prompt, completion) per sampled row, and each row of a group is one
episode of the same task and seed. From each episode one Observer turn, drawn
uniformly, is returned with its own prompt tokens, completion tokens and sampling
log-probabilities, so the loss is computed exactly under the context the turn was
sampled in. Its reward is the episode's task score (AIOpsLab's success) plus
`shaping` times the turn's reference-free step score; drawing the turn uniformly
makes the gradient an unbiased estimate of the turn-averaged episode gradient.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aoi.agents import Runtime, RuntimeConfig
from aoi.agents.observer import LLMObserver
from aoi.agents.subtasks import SubtaskQueue
from aoi.catalog import get_task
from aoi.llm import Completion, Message, Usage, extract_json
from aoi.llm.errors import ContextTooLong
from aoi.train.config import OnlineGRPOConfig
from aoi.train.rewards import ObserverReward
from aoi.train.training import (
    METRICS,
    check_model_dir,
    grpo_args,
    metrics_callback,
    peft_config,
    tokenizer_for,
    train_and_save,
)

_EPISODE = re.compile(r"^episode (?P<task>\S+) seed (?P<seed>-?\d+)$")


@dataclass
class Turn:
    """One model call of an episode, as the model saw and wrote it."""

    prompt_ids: list[int]
    completion_ids: list[int]
    logprobs: list[float]
    text: str
    decision: bool


@dataclass
class Episode:
    task_id: str
    seed: int
    turns: list[Turn]
    score: float
    ended_by: str
    seconds: float


@dataclass
class RolloutStats:
    episodes: int = 0
    seconds: float = 0.0
    scores: list[float] = field(default_factory=list)


def episode_prompt(task_id: str, seed: int) -> list[dict[str, str]]:
    """The dataset row's prompt: it names the episode; the runtime builds the real prompts."""
    return [{"role": "user", "content": f"episode {task_id} seed {seed}"}]


def _episode_of(prompt: Any) -> tuple[str, int]:
    text = prompt[-1]["content"] if isinstance(prompt, list) else str(prompt)
    match = _EPISODE.match(text.strip())
    if match is None:
        raise ValueError(f"not an episode prompt: {text[:80]!r}")
    return match["task"], int(match["seed"])


class PolicyModel:
    """A ChatModel over the policy being trained that keeps every call's tokens and log-probs."""

    def __init__(self, trainer: Any, tokenizer: Any, max_new_tokens: int) -> None:
        self.trainer = trainer
        self.tokenizer = tokenizer
        self.max_new_tokens = max_new_tokens
        self.turns: list[Turn] = []
        self.deciding = False
        config = trainer.model.config
        self.context = int(getattr(config, "max_position_embeddings", 0) or 0)

    def complete(
        self,
        messages: Sequence[Message],
        *,
        n: int = 1,
        temperature: float = 0.7,
        max_tokens: int | None = None,
        stop: Sequence[str] | None = None,
        response_format: Any = None,
    ) -> list[Completion]:
        text = self.tokenizer.apply_chat_template(
            [m.to_dict() for m in messages], tokenize=False, add_generation_prompt=True
        )
        prompt_ids = list(self.tokenizer(text, add_special_tokens=False)["input_ids"])
        budget = min(max_tokens or self.max_new_tokens, self.max_new_tokens)
        if self.context and len(prompt_ids) + budget > self.context:
            raise ContextTooLong(f"the prompt is {len(prompt_ids)} tokens; context {self.context}")
        ids, logprobs = self._generate(prompt_ids, budget, temperature)
        answer = self.tokenizer.decode(ids, skip_special_tokens=True)
        self.turns.append(Turn(prompt_ids, ids, logprobs, answer, self.deciding))
        ended = bool(ids) and ids[-1] in self._eos()
        return [Completion(answer, "stop" if ended else "length", Usage(len(prompt_ids), len(ids)))]

    async def acomplete(self, messages: Sequence[Message], **kw: Any) -> list[Completion]:
        return self.complete(messages, **kw)

    def _eos(self) -> set[int]:
        eos = self.tokenizer.eos_token_id
        return {eos} if eos is not None else set()

    def _generate(
        self, prompt_ids: list[int], budget: int, temperature: float
    ) -> tuple[list[int], list[float]]:
        trainer = self.trainer
        if getattr(trainer, "use_vllm", False):
            _, completions, logprobs, _ = trainer.vllm_generation.generate(
                prompts=[prompt_ids], images=None, num_generations=1
            )
            return list(completions[0]), [float(lp[0]) for lp in logprobs[0]]
        import torch

        model = trainer.accelerator.unwrap_model(trainer.model)
        device = next(model.parameters()).device
        input_ids = torch.tensor([prompt_ids], device=device)
        was_training = model.training
        model.eval()
        try:
            with torch.no_grad():
                out = model.generate(
                    input_ids,
                    attention_mask=torch.ones_like(input_ids),
                    max_new_tokens=budget,
                    do_sample=True,
                    temperature=max(temperature, 1e-4),
                    top_k=0,
                    top_p=1.0,
                    output_scores=True,
                    return_dict_in_generate=True,
                    pad_token_id=self.tokenizer.pad_token_id,
                    eos_token_id=self.tokenizer.eos_token_id,
                )
        finally:
            model.train(was_training)
        ids = out.sequences[0, len(prompt_ids) :].tolist()
        logprobs = [
            float(torch.log_softmax(score[0].float(), dim=-1)[token])
            for score, token in zip(out.scores, ids, strict=False)
        ]
        pad = self.tokenizer.pad_token_id
        while ids and pad is not None and ids[-1] == pad and pad not in self._eos():
            ids.pop()
        eos = self._eos()
        if any(t in eos for t in ids):
            cut = next(i for i, t in enumerate(ids) if t in eos) + 1
            ids = ids[:cut]
        return ids, logprobs[: len(ids)]


class _OnlineObserver(LLMObserver):
    """The LLM Observer, marking which calls are decisions (the turns GRPO trains)."""

    def plan(self, problem: str, task_type: str, iterations: int) -> SubtaskQueue:
        self.model.deciding = False
        return super().plan(problem, task_type, iterations)

    def decide(self, state: Any) -> Any:
        self.model.deciding = True
        try:
            return super().decide(state)
        finally:
            self.model.deciding = False


def run_episode(policy: PolicyModel, task_id: str, seed: int, config: OnlineGRPOConfig) -> Episode:
    """One whole episode on the twin with the policy as the Observer."""
    from aoi.envs.twin import TwinEnvironment

    policy.turns = []
    observer = _OnlineObserver(
        policy, extract_json, temperature=config.temperature, max_tokens=None
    )
    runtime = Runtime(
        observer, parse=extract_json, config=RuntimeConfig(max_iterations=config.max_iterations)
    )
    started = time.perf_counter()
    env = TwinEnvironment()
    try:
        problem = env.reset(task_id, seed)
        record = runtime.run(
            env, problem, task_type=problem.task_type.value, namespace=problem.namespace
        )
        outcome = env.evaluate()
    finally:
        env.close()
    return Episode(
        task_id,
        seed,
        list(policy.turns),
        1.0 if outcome.success else 0.0,
        record.ended_by,
        time.perf_counter() - started,
    )


class EpisodeRollout:
    """TRL's `rollout_func`: one twin episode per sampled row, one trained turn per episode."""

    def __init__(self, config: OnlineGRPOConfig, tokenizer: Any) -> None:
        self.config = config
        self.tokenizer = tokenizer
        self.rng = random.Random(config.seed)
        self.reward = ObserverReward()
        self.stats = RolloutStats()

    def __call__(self, prompts: list[Any], trainer: Any) -> dict[str, list[Any]]:
        policy = PolicyModel(trainer, self.tokenizer, self.config.max_completion_length)
        out: dict[str, list[Any]] = {
            k: []
            for k in (
                "prompt_ids",
                "completion_ids",
                "logprobs",
                "episode_score",
                "turn_shaping",
                "episode_turns",
            )
        }
        for prompt in prompts:
            task_id, seed = _episode_of(prompt)
            episode = run_episode(policy, task_id, seed, self.config)
            self.stats.episodes += 1
            self.stats.seconds += episode.seconds
            self.stats.scores.append(episode.score)
            decisions = [t for t in episode.turns if t.decision] or episode.turns
            if not decisions:
                raise RuntimeError(f"episode {task_id} seed {seed} made no model call")
            index = self.rng.randrange(len(decisions))
            turn = decisions[index]
            task = get_task(task_id)
            row = {
                "step": index + 1,
                "n_steps": len(decisions),
                "task_id": task_id,
                "task_type": task.type.value,
                "namespace": task.namespace,
                "truth_targets": [*task.truth.localization, *task.truth.aliases],
            }
            out["prompt_ids"].append(turn.prompt_ids)
            out["completion_ids"].append(turn.completion_ids)
            out["logprobs"].append(turn.logprobs)
            out["episode_score"].append(episode.score)
            out["turn_shaping"].append(self.reward.score_online(turn.text, row).reward)
            out["episode_turns"].append(len(decisions))
        return out


def task_score(
    prompts: Sequence[Any], completions: Sequence[Any], **columns: Any
) -> list[float | None]:
    """The episode's AIOpsLab success (1 or 0), the same for every turn of it."""
    return [float(s) for s in columns["episode_score"]]


def step_shaping(
    prompts: Sequence[Any], completions: Sequence[Any], **columns: Any
) -> list[float | None]:
    """The trained turn's reference-free step score (0.09 .. 1)."""
    return [float(s) for s in columns["turn_shaping"]]


def online_rows(task_ids: Sequence[str], seeds: Sequence[int]) -> list[dict[str, Any]]:
    """One dataset row per (task, seed); each is sampled `group_size` times per step."""
    return [{"prompt": episode_prompt(t, s)} for t in task_ids for s in seeds]


def train_online(
    config: OnlineGRPOConfig,
    task_ids: Sequence[str],
    seeds: Sequence[int],
    *,
    stats: RolloutStats | None = None,
) -> Path:
    """Multi-turn GRPO with twin episodes as rollouts; `stats`, if given, counts the episodes run."""
    check_model_dir(config.model)
    config.model = str(Path(config.model).resolve())
    if config.max_steps <= 0:
        config.max_steps = max(1, len(task_ids) * len(seeds) * int(config.epochs))
    from datasets import Dataset
    from trl import GRPOTrainer

    for task_id in task_ids:
        get_task(task_id)  # an unknown id fails here, before any model is loaded
    tokenizer = tokenizer_for(config)
    rollout = EpisodeRollout(config, tokenizer)
    if stats is not None:
        rollout.stats = stats
    trainer = GRPOTrainer(
        model=config.model,
        reward_funcs=[task_score, step_shaping],
        args=grpo_args(config, [1.0, config.shaping]),
        train_dataset=Dataset.from_list(online_rows(task_ids, seeds)),
        processing_class=tokenizer,
        peft_config=peft_config(config),
        callbacks=[metrics_callback(Path(config.output_dir) / METRICS)],
        rollout_func=rollout,
    )
    return train_and_save(trainer, config, tokenizer)
