"""Benchmark reports: a Markdown page with the figures beside the paper's, and PNG plots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aoi.bench.runner import BenchResult

# The paper's headline numbers (AIOpsLab, 86 tasks), for side-by-side comparison.
PAPER_OVERALL = [
    ("AOI runtime, Qwen3-14B, no training", 66.3, 38.6),
    ("STRATUS (previous best)", 41.9, 22.1),
    ("Claude Sonnet 4.5 with AIOpsLab's reference agent", 57.0, None),
]
PAPER_BY_TYPE = {
    "detection": (100.0, None),
    "analysis": (30.8, 7.7),
    "mitigation": (46.2, 15.4),
    "localization": (None, None),
}


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} %"


def markdown(result: BenchResult) -> str:
    fig = result.figures
    k = fig.k
    lines = [
        f"# AOI benchmark: run {result.run_id}",
        "",
        f"Agent `{result.config.agent.describe()}`, {fig.tasks} tasks x {k} attempts "
        f"({fig.attempts} attempts), backend {result.config.backend} with {result.config.workers} worker(s), "
        f"wall time {result.wall_seconds:.2f} s.",
        "",
        "## Overall, beside the paper",
        "",
        f"| system | best@{k} | avg@{k} | gap |",
        "| --- | --- | --- | --- |",
        f"| **this run** | {_pct(fig.best_at_k)} | {_pct(fig.avg_at_k)} | {fig.gap:.1f} pts |",
    ]
    for name, best, avg in PAPER_OVERALL:
        gap = "-" if avg is None else f"{best - avg:.1f} pts"
        lines.append(f"| {name} (paper, best@5/avg@5) | {_pct(best)} | {_pct(avg)} | {gap} |")
    lines += [
        "",
        "The paper's figures are on the real AIOpsLab with k = 5; ours are on the embedded twin.",
        "",
        "## Per task type",
        "",
        f"| type | tasks | best@{k} | avg@{k} | gap | paper AOI best@5 | paper STRATUS best@5 |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, row in fig.by_type.items():
        paper, stratus = PAPER_BY_TYPE.get(name, (None, None))
        lines.append(
            f"| {name} | {row['tasks']:.0f} | {_pct(row['best_at_k'])} | {_pct(row['avg_at_k'])} | "
            f"{row['gap']:.1f} | {_pct(paper)} | {_pct(stratus)} |"
        )
    lines += [
        "",
        "## Per fault",
        "",
        f"| fault | tasks | best@{k} | avg@{k} |",
        "| --- | --- | --- | --- |",
    ]
    for name, row in fig.by_fault.items():
        lines.append(
            f"| {name} | {row['tasks']:.0f} | {_pct(row['best_at_k'])} | {_pct(row['avg_at_k'])} |"
        )
    sec = fig.secondary
    lines += [
        "",
        "## Secondary figures",
        "",
        f"- median steps per attempt: {sec.get('median_steps')}",
        f"- median tokens per attempt: {sec.get('median_tokens')}",
        f"- median seconds per attempt: {sec.get('median_seconds')}",
        f"- median simulated seconds to submit: {sec.get('median_seconds_to_submit')}",
        f"- attempts that failed with an error: {int(sec.get('errors') or 0)}",
        "",
        "## Unsolved tasks",
        "",
    ]
    unsolved = [task for task, info in fig.per_task.items() if not info["solved"]]
    lines += [f"- {task}" for task in unsolved] or ["(none)"]
    return "\n".join(lines) + "\n"


def write_report(result: BenchResult, folder: str | Path) -> list[Path]:
    """Write report.md and the plots into `folder`; returns the files written."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "report.md"]
    (out / "report.md").write_text(markdown(result))
    try:
        written += _plots(result, out)
    except ImportError:
        (out / "report.md").write_text(
            markdown(result) + "\n_Plots need matplotlib: pip install 'aoi[report]'._\n"
        )
    return written


def _plots(result: BenchResult, out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = result.figures
    paths = []

    def bars(groups: dict[str, dict[str, Any]], title: str, name: str) -> None:
        labels = list(groups)
        best = [groups[g]["best_at_k"] for g in labels]
        avg = [groups[g]["avg_at_k"] for g in labels]
        width = 0.4
        figure, axis = plt.subplots(figsize=(max(6, 0.45 * len(labels) + 2), 4.5))
        xs = range(len(labels))
        axis.bar([x - width / 2 for x in xs], best, width, label=f"best@{fig.k}")
        axis.bar([x + width / 2 for x in xs], avg, width, label=f"avg@{fig.k}")
        axis.set_xticks(
            list(xs),
            labels,
            rotation=60 if len(labels) > 5 else 0,
            ha="right" if len(labels) > 5 else "center",
            fontsize=8,
        )
        axis.set_ylim(0, 105)
        axis.set_ylabel("success (%)")
        axis.set_title(title)
        axis.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
        figure.tight_layout()
        path = out / name
        figure.savefig(path, dpi=110)
        plt.close(figure)
        paths.append(path)

    bars(fig.by_type, "Success per task type", "success_by_type.png")
    bars(fig.by_fault, "Success per fault", "success_by_fault.png")
    for key, label, name in (
        ("steps", "steps per attempt", "steps.png"),
        ("tokens", "tokens per attempt", "tokens.png"),
    ):
        values = [getattr(r, key) for r in result.results]
        figure, axis = plt.subplots(figsize=(6, 4))
        axis.hist(values, bins=min(20, max(1, len(set(values)))))
        axis.set_xlabel(label)
        axis.set_ylabel("attempts")
        axis.set_title(f"Distribution of {label}")
        figure.tight_layout()
        path = out / name
        figure.savefig(path, dpi=110)
        plt.close(figure)
        paths.append(path)
    return paths
