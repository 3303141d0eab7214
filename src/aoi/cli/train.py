"""`aoi train ...`: a tiny model to start from, SFT warm start, GRPO for the Observer and the Evolver."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from aoi.cli.common import StoreOption

if TYPE_CHECKING:
    from aoi.train.config import TrainConfig

C = TypeVar("C", bound="TrainConfig")

app = typer.Typer(
    help="Train the Observer and the Evolver with TRL (needs the 'train' extra).",
    no_args_is_help=True,
)


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


@app.command("init-model")
def init_model(
    directory: Annotated[Path, typer.Argument(help="Where to write the model and its tokenizer.")],
    size: Annotated[str, typer.Option("--size", help="tiny or small.")] = "tiny",
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random initialisation.")] = 0,
) -> None:
    """Build a small Qwen-architecture model and a BPE tokenizer locally (nothing is downloaded)."""
    from aoi.train.factory import SIZES

    if size not in SIZES:
        raise _fail(f"unknown size {size!r}; choose one of: {', '.join(SIZES)}")
    if directory.exists() and not directory.is_dir():
        raise _fail(f"{directory} exists and is not a directory")
    try:
        from aoi.train.factory import init_model as build
    except ImportError as exc:
        raise _fail(f"{exc}; install the 'train' extra: pip install 'aoi[train]'") from None
    path = build(directory, size, seed=seed)
    typer.echo(
        f"wrote a {size} model to {path}; run it with: aoi run TASK --agent aoi --model {path}"
    )


ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="YAML file overriding the trainer's defaults.")
]
ModelOption = Annotated[
    str | None,
    typer.Option("--model", help="Base model directory (or a checkpoint to go on from)."),
]
OutOption = Annotated[
    str | None, typer.Option("--out", help="Output folder: checkpoints, final/, metrics.")
]
RunOption = Annotated[
    str | None, typer.Option("--run", help="Learn from this stored run's successful attempts.")
]
TeacherOption = Annotated[
    str | None,
    typer.Option(
        "--teacher",
        help="Learn from the rule-based expert's runs on a split (observer-train, observer-test, "
        "seen-target, unseen-target) or on comma-separated task ids.",
    ),
]
SeedsOption = Annotated[int, typer.Option("--seeds", help="Teacher runs per task (seeds 0..N-1).")]
MaxStepsOption = Annotated[
    int | None, typer.Option("--max-steps", help="Stop after this many optimizer steps.")
]
ResumeOption = Annotated[
    bool, typer.Option("--resume", help="Go on from the newest checkpoint in --out.")
]
VllmOption = Annotated[
    bool, typer.Option("--use-vllm", help="Generate with vLLM (a GPU machine with vllm installed).")
]
LimitOption = Annotated[
    int | None, typer.Option("--limit", help="Use at most this many samples (after balancing).")
]


def _config(cls: type[C], path: Path | None, **overrides: object) -> C:
    from aoi.train.config import ConfigError, load_config

    try:
        return load_config(cls, path, **overrides)
    except ConfigError as exc:
        raise _fail(str(exc)) from None


def _observer_rows(
    store: str | None, run: str | None, teacher: str | None, seeds: int, limit: int | None
) -> list[dict[str, object]]:
    from aoi.catalog import UnknownTaskError
    from aoi.cli.common import store_url
    from aoi.train.data.observer import observer_rows
    from aoi.train.data.sources import observer_trajectories
    from aoi.train.data.splits import UnknownTrainSplitError
    from aoi.trajectories import StoreError

    try:
        found, settings = observer_trajectories(
            store_url=store_url(store) if run else None,
            run_id=run,
            teacher_split=teacher,
            seeds=seeds,
        )
    except (ValueError, UnknownTrainSplitError, UnknownTaskError, StoreError) as exc:
        raise _fail(str(exc)) from None
    rows = observer_rows(
        found, max_iterations=settings.max_iterations, summaries=settings.summaries
    )
    if not rows:
        raise _fail("no successful trajectory with a recorded decision to learn from")
    return rows[:limit] if limit else rows


def _check_model(model: str) -> None:
    """Refuse a missing base model before any data is built."""
    from aoi.train.training import TrainError, check_model_dir

    try:
        check_model_dir(model)
    except TrainError as exc:
        raise _fail(str(exc)) from None


def _train(run: Callable[[], Path]) -> None:
    from aoi.train.training import TrainError

    try:
        final = run()
    except TrainError as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"wrote {final}; run it with: aoi run TASK --agent aoi --model {final}")


@app.command("sft")
def sft(
    model: ModelOption = None,
    out: OutOption = None,
    config: ConfigOption = None,
    run: RunOption = None,
    store: StoreOption = None,
    teacher: TeacherOption = None,
    seeds: SeedsOption = 1,
    max_steps: MaxStepsOption = None,
    resume: ResumeOption = False,
    limit: LimitOption = None,
) -> None:
    """Warm start: supervised fine-tuning on the decisions of successful runs (TRL's SFTTrainer)."""
    from aoi.train.config import SFTTrainConfig
    from aoi.train.sft import train_sft

    cfg = _config(
        SFTTrainConfig,
        config,
        model=model,
        output_dir=out,
        max_steps=max_steps,
        resume=resume or None,
    )
    _check_model(cfg.model)
    rows = _observer_rows(store, run, teacher, seeds, limit)
    _train(lambda: train_sft(cfg, rows))


@app.command("observer")
def observer(
    model: ModelOption = None,
    out: OutOption = None,
    config: ConfigOption = None,
    run: RunOption = None,
    store: StoreOption = None,
    teacher: TeacherOption = None,
    seeds: SeedsOption = 1,
    max_steps: MaxStepsOption = None,
    resume: ResumeOption = False,
    use_vllm: VllmOption = False,
    limit: LimitOption = None,
) -> None:
    """Step-level GRPO of the Observer, offline, on samples of successful trajectories."""
    from aoi.train.config import ObserverGRPOConfig
    from aoi.train.observer import train_observer

    cfg = _config(
        ObserverGRPOConfig,
        config,
        model=model,
        output_dir=out,
        max_steps=max_steps,
        resume=resume or None,
        use_vllm=use_vllm or None,
    )
    _check_model(cfg.model)
    rows = _observer_rows(store, run, teacher, seeds, limit)
    _train(lambda: train_observer(cfg, rows))


@app.command("plot")
def plot(
    folder: Annotated[Path, typer.Argument(help="A training output folder (holds metrics.jsonl).")],
) -> None:
    """Plot a run's metrics (rewards per dimension, KL, length, loss) to metrics.png."""
    from aoi.train.training import METRICS, PLOT, plot_metrics

    path = plot_metrics(folder / METRICS, folder / PLOT)
    if path is None:
        raise _fail(f"no metrics in {folder / METRICS}")
    typer.echo(f"wrote {path}")


@app.command("online")
def online(
    model: ModelOption = None,
    out: OutOption = None,
    config: ConfigOption = None,
    tasks: Annotated[
        str,
        typer.Option(
            "--tasks",
            help="A split (observer-train, observer-test, seen-target, unseen-target) or "
            "comma-separated task ids.",
        ),
    ] = "observer-train",
    seeds: SeedsOption = 1,
    max_steps: MaxStepsOption = None,
    resume: ResumeOption = False,
    use_vllm: VllmOption = False,
) -> None:
    """Multi-turn GRPO: the model is the Observer for whole episodes on the twin."""
    from aoi.catalog import UnknownTaskError, get_task
    from aoi.train.config import OnlineGRPOConfig
    from aoi.train.data.splits import SPLITS, split_task_ids
    from aoi.train.online import train_online

    cfg = _config(
        OnlineGRPOConfig,
        config,
        model=model,
        output_dir=out,
        max_steps=max_steps,
        resume=resume or None,
        use_vllm=use_vllm or None,
    )
    _check_model(cfg.model)
    ids = split_task_ids(tasks) if tasks in SPLITS else [t for t in tasks.split(",") if t]
    try:
        for task_id in ids:
            get_task(task_id)
    except UnknownTaskError as exc:
        raise _fail(str(exc)) from None
    if not ids:
        raise _fail("no tasks to train on")
    _train(lambda: train_online(cfg, ids, range(seeds)))


@app.command("evolver")
def evolver(
    data: Annotated[
        Path,
        typer.Option(
            "--data",
            help="Evolver pairs: the folder `aoi export evolver-pairs` wrote, or a Parquet / "
            "JSON-lines file.",
        ),
    ],
    model: ModelOption = None,
    out: OutOption = None,
    config: ConfigOption = None,
    max_steps: MaxStepsOption = None,
    resume: ResumeOption = False,
    use_vllm: VllmOption = False,
    limit: LimitOption = None,
) -> None:
    """Trajectory-level GRPO of the Evolver, each plan executed on the twin for its reward."""
    from aoi.train.config import EvolverGRPOConfig
    from aoi.train.evolver import evolver_rows, train_evolver

    cfg = _config(
        EvolverGRPOConfig,
        config,
        model=model,
        output_dir=out,
        max_steps=max_steps,
        resume=resume or None,
        use_vllm=use_vllm or None,
    )
    _check_model(cfg.model)
    if not data.exists():
        raise _fail(f"{data} does not exist; write Evolver pairs with `aoi export evolver-pairs`")
    try:
        rows = evolver_rows(data)
    except (ValueError, OSError) as exc:
        raise _fail(str(exc)) from None
    if not rows:
        raise _fail(f"{data} holds no Evolver pairs")
    try:
        from aoi.train.rewards.evolver import _loop_reward

        _loop_reward()
    except ImportError as exc:
        raise _fail(str(exc)) from None
    _train(lambda: train_evolver(cfg, rows[:limit] if limit else rows))


@app.command("verl-data")
def verl_data(
    out: Annotated[Path, typer.Option("--out", help="Folder for train.parquet and test.parquet.")],
    run: RunOption = None,
    store: StoreOption = None,
    teacher: TeacherOption = None,
    test: Annotated[
        str,
        typer.Option(
            "--test", help="The split (or task ids) whose expert runs become test.parquet."
        ),
    ] = "observer-test",
    seeds: SeedsOption = 1,
    limit: LimitOption = None,
) -> None:
    """Observer step samples in verl's dataset layout, for the verl recipe (see the README)."""
    from aoi.train.verl_reward import verl_rows

    train_rows = verl_rows(_observer_rows(store, run, teacher, seeds, limit))
    test_rows = verl_rows(_observer_rows(None, None, test, 1, limit))
    try:
        from datasets import Dataset
    except ImportError:
        raise _fail("verl-data needs the 'train' extra: pip install 'aoi[train]'") from None
    out.mkdir(parents=True, exist_ok=True)
    Dataset.from_list(train_rows).to_parquet(str(out / "train.parquet"))
    Dataset.from_list(test_rows).to_parquet(str(out / "test.parquet"))
    typer.echo(f"wrote {len(train_rows)} training and {len(test_rows)} test rows to {out}")
