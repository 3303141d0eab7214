"""Training speed on this machine, and whether a short GRPO run learns.

Measures, on a model built here by `aoi train init-model` (nothing is downloaded):

- SFT: tokens per second (prompt and completion tokens TRL counts, over the
  trainer's own runtime), on Observer step samples of expert runs;
- Observer GRPO (offline): tokens per second (prompts and sampled completions);
- online GRPO: whole twin episodes per second (the model is the Observer of the
  real runtime; generation dominates);
- learning: on a fixed seed, the mean reward of the first and the last tenth of
  the steps of a short GRPO run, which must rise.

The learning run does not use the paper's Observer reward: a randomly
initialised model never writes a parseable decision, so every sample scores the
fixed 0.09, the group's advantages are all zero and nothing can be learnt. It
uses a reward a tiny model can climb, built from the same twin data: the share
of the completion's tokens that occur in the reference decision of that step
(what the expert decided there). It shows the trainer, the data and the
optimisation work end to end; it is not evidence about the Observer's quality.

Run (take the benchmark lock so that figures are not spoiled by other work):
    flock /tmp/aoi-bench.lock .venv/bin/python benchmarks/train.py [--size tiny] [--steps 40]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aoi.train.config import ObserverGRPOConfig, OnlineGRPOConfig, SFTTrainConfig, load_config
from aoi.train.data.observer import step_rows
from aoi.train.data.sources import teacher_trajectories
from aoi.train.rewards.text import completion_text
from aoi.train.training import METRICS, read_metrics

TASKS = (
    "k8s_target_port-misconfig-detection-1",
    "pod_failure_hotel_res-localization-1",
    "revoke_auth_mongodb-localization-1",
    "scale_pod_zero_social_net-mitigation-1",
)
ONLINE_TASK = "k8s_target_port-misconfig-detection-1"


class ReferenceTokens:
    """The share of a completion's tokens that occur in the step's reference decision (0..1).

    Dense enough for a randomly initialised model to climb: about one sampled token
    in ten is in the reference by chance, and every one that is raises the reward."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        self.__name__ = "reference_tokens"
        self._vocab: dict[str, set[int]] = {}

    def _ids(self, text: str) -> list[int]:
        return list(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def __call__(
        self, prompts: Sequence[Any], completions: Sequence[Any], **columns: Any
    ) -> list[float | None]:
        out: list[float | None] = []
        for completion, reference in zip(completions, columns["reference"], strict=True):
            if reference not in self._vocab:
                self._vocab[reference] = set(self._ids(reference))
            ids = self._ids(completion_text(completion))
            hits = sum(1 for i in ids if i in self._vocab[reference])
            out.append(hits / len(ids) if ids else 0.0)
        return out


def rows() -> list[dict[str, Any]]:
    """Observer step samples of the expert's runs of TASKS, the shortest prompts first."""
    found = [t for t in teacher_trajectories(TASKS) if t.success]
    out = [r for t in found for r in step_rows(t)]
    return sorted(out, key=lambda r: len(r["prompt"][0]["content"]))


def short(data: list[dict[str, Any]], max_chars: int) -> list[dict[str, Any]]:
    kept = [r for r in data if len(r["prompt"][0]["content"]) <= max_chars]
    return kept or data[:1]


def common(model: Path, out: Path, steps: int, seed: int) -> dict[str, Any]:
    return {
        "model": str(model),
        "output_dir": str(out),
        "max_steps": steps,
        "save_steps": 10_000,
        "progress_bar": False,
        "gradient_checkpointing": False,
        "merge_lora": False,
        "seed": seed,
    }


def throughput(out: Path) -> tuple[float, float, float]:
    """(tokens, seconds, tokens per second) from a run's metrics."""
    logged = read_metrics(out / METRICS)
    tokens = max((r.get("num_tokens", 0) for r in logged), default=0)
    seconds = next((r["train_runtime"] for r in reversed(logged) if "train_runtime" in r), 0.0)
    return tokens, seconds, tokens / seconds if seconds else 0.0


def bench_sft(model: Path, data: list[dict[str, Any]], work: Path, steps: int) -> dict[str, Any]:
    from aoi.train.sft import train_sft

    out = work / "sft"
    config = load_config(
        SFTTrainConfig,
        **common(model, out, steps, 0),
        batch_size=4,
        learning_rate=1e-4,
        max_length=4096,
    )
    train_sft(config, data)
    tokens, seconds, rate = throughput(out)
    return {"steps": steps, "tokens": tokens, "seconds": seconds, "tokens_per_s": rate}


def bench_grpo(model: Path, data: list[dict[str, Any]], work: Path, steps: int) -> dict[str, Any]:
    from aoi.train.observer import train_observer

    out = work / "grpo"
    config = load_config(
        ObserverGRPOConfig,
        **common(model, out, steps, 0),
        batch_size=8,
        group_size=4,
        max_completion_length=64,
    )
    train_observer(config, data)
    tokens, seconds, rate = throughput(out)
    logged = [r for r in read_metrics(out / METRICS) if "reward" in r]
    return {
        "steps": steps,
        "tokens": tokens,
        "seconds": seconds,
        "tokens_per_s": rate,
        "mean_reward": statistics.fmean(r["reward"] for r in logged) if logged else None,
    }


def bench_online(model: Path, work: Path, steps: int) -> dict[str, Any]:
    from aoi.train.online import RolloutStats, train_online

    out = work / "online"
    config = load_config(
        OnlineGRPOConfig,
        **common(model, out, steps, 0),
        batch_size=4,
        group_size=4,
        max_completion_length=64,
        max_iterations=4,
    )
    stats = RolloutStats()
    started = time.perf_counter()
    train_online(config, [ONLINE_TASK], [0], stats=stats)
    wall = time.perf_counter() - started
    _, seconds, _ = throughput(out)
    return {
        "steps": steps,
        "episodes": stats.episodes,
        "train_seconds": seconds,
        "episodes_per_s": stats.episodes / seconds if seconds else 0.0,
        "episode_seconds_mean": stats.seconds / stats.episodes if stats.episodes else 0.0,
        "wall_seconds": wall,
    }


def bench_learning(
    model: Path, data: list[dict[str, Any]], work: Path, steps: int, seed: int, tail: int = 600
) -> dict[str, Any]:
    from datasets import Dataset
    from trl import GRPOTrainer

    from aoi.train.training import grpo_args, metrics_callback, tokenizer_for

    out = work / "learn"
    config = load_config(
        ObserverGRPOConfig,
        **common(model, out, steps, seed),
        batch_size=16,
        group_size=8,
        max_completion_length=12,
        temperature=1.0,
        learning_rate=5e-3,
        beta=0.0,
        lora={"enabled": False},
    )
    tokenizer = tokenizer_for(config)
    # the step-specific end of each Observer prompt (the previous command and its output, the
    # queue): the whole prompt would make every CPU step a second of attention over ~1,500 tokens
    dataset = Dataset.from_list(
        [
            {
                "prompt": [{"role": "user", "content": r["prompt"][0]["content"][-tail:]}],
                "reference": r["reference"],
            }
            for r in data
        ]
    )
    trainer = GRPOTrainer(
        model=config.model,
        reward_funcs=[ReferenceTokens(tokenizer)],
        args=grpo_args(config, [1.0]),
        train_dataset=dataset,
        processing_class=tokenizer,
        callbacks=[metrics_callback(out / METRICS)],
    )
    trainer.train()
    rewards = [r["reward"] for r in read_metrics(out / METRICS) if "reward" in r]
    tenth = max(1, len(rewards) // 10)
    first, last = statistics.fmean(rewards[:tenth]), statistics.fmean(rewards[-tenth:])
    return {
        "steps": len(rewards),
        "seed": seed,
        "first_tenth": first,
        "last_tenth": last,
        "rises": last > first,
        "rewards": rewards,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="tiny", choices=("tiny", "small"))
    parser.add_argument("--model", help="a model directory (instead of building one)")
    parser.add_argument("--steps", type=int, default=8, help="steps of each speed run")
    parser.add_argument("--learn-steps", type=int, default=100, help="steps of the learning run")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-prompt-chars", type=int, default=6000)
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--only", nargs="*", default=("sft", "grpo", "online", "learn"))
    args = parser.parse_args()

    import torch

    with tempfile.TemporaryDirectory(prefix="aoi-train-bench-") as tmp:
        work = Path(tmp)
        if args.model:
            model = Path(args.model)
        else:
            from aoi.train.factory import init_model

            started = time.perf_counter()
            model = init_model(work / "model", args.size, seed=args.seed)
            print(f"init-model {args.size}: {time.perf_counter() - started:.1f} s", flush=True)
        data = rows()
        speed = short(data, args.max_prompt_chars)
        print(
            f"{len(data)} Observer samples from {len(TASKS)} expert runs "
            f"({len(speed)} of at most {args.max_prompt_chars} characters for the speed runs)",
            flush=True,
        )
        figures: dict[str, Any] = {"size": args.size, "threads": torch.get_num_threads()}
        if "sft" in args.only:
            figures["sft"] = s = bench_sft(model, speed, work, args.steps)
            print(
                f"SFT            {s['tokens_per_s']:10.0f} tokens/s  ({s['tokens']} in {s['seconds']:.1f} s)"
            )
        if "grpo" in args.only:
            figures["grpo"] = g = bench_grpo(model, speed, work, args.steps)
            print(
                f"GRPO offline   {g['tokens_per_s']:10.0f} tokens/s  ({g['tokens']} in {g['seconds']:.1f} s)"
            )
        if "online" in args.only:
            figures["online"] = o = bench_online(model, work, args.steps)
            print(
                f"GRPO online    {o['episodes_per_s']:10.2f} episodes/s ({o['episodes']} episodes in "
                f"{o['train_seconds']:.1f} s; {o['episode_seconds_mean']:.2f} s per episode)"
            )
        if "learn" in args.only:
            figures["learn"] = r = bench_learning(model, data, work, args.learn_steps, args.seed)
            print(
                f"learning       reward {r['first_tenth']:.3f} (first tenth) -> {r['last_tenth']:.3f} "
                f"(last tenth) over {r['steps']} steps, seed {r['seed']}: "
                f"{'rises' if r['rises'] else 'DOES NOT RISE'}"
            )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0 if figures.get("learn", {}).get("rises", True) else 1


if __name__ == "__main__":
    sys.exit(main())
