"""Benchmark reports: a Markdown page with the figures beside the paper's, and PNG plots."""

from __future__ import annotations

import base64
import html
import re
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
    """Write report.md, report.html (plots embedded) and the PNG plots into `folder`.

    A plot with no data is skipped and the report says so; without matplotlib
    the pages say how to get the plots.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    page = markdown(result)
    notes: list[str] = []
    try:
        plots, skipped = _plots(result, out)
    except ImportError:
        plots, skipped = [], []
        notes.append("Plots need matplotlib: pip install 'aoi[report]'.")
    notes += [f"No plot of {what}: {why}." for what, why in skipped]
    if plots:
        page += "\n## Plots\n\n" + "".join(f"![{title}]({path.name})\n\n" for title, path in plots)
    if notes:
        page += "\n" + "".join(f"_{note}_\n\n" for note in notes)
    (out / "report.md").write_text(page)
    (out / "report.html").write_text(_html(result, page, plots))
    return [out / "report.md", out / "report.html", *(path for _, path in plots)]


def _html(result: BenchResult, page: str, plots: list[tuple[str, Path]]) -> str:
    """One self-contained page: the Markdown's tables and lists, the plots inlined."""
    body: list[str] = []
    table: list[list[str]] = []
    images = {path.name: path for _, path in plots}

    def flush() -> None:
        if not table:
            return
        head, *rows = [r for r in table if not all(set(c) <= set("- ") for c in r)]
        body.append(
            "<table><tr>"
            + "".join(f"<th>{_inline(c)}</th>" for c in head)
            + "</tr>"
            + "".join(
                "<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>" for row in rows
            )
            + "</table>"
        )
        table.clear()

    in_list = False
    for line in page.splitlines():
        if line.startswith("|"):
            table.append([c.strip() for c in line.strip().strip("|").split("|")])
            continue
        flush()
        if in_list and not line.startswith("- "):
            body.append("</ul>")
            in_list = False
        if line.startswith("# "):
            body.append(f"<h1>{_inline(line[2:])}</h1>")
        elif line.startswith("## "):
            body.append(f"<h2>{_inline(line[3:])}</h2>")
        elif line.startswith("- "):
            if not in_list:
                body.append("<ul>")
                in_list = True
            body.append(f"<li>{_inline(line[2:])}</li>")
        elif line.startswith("![") and "](" in line:
            name = line[line.index("](") + 2 : line.rindex(")")]
            data = base64.b64encode(images[name].read_bytes()).decode() if name in images else ""
            alt = html.escape(line[2 : line.index("]")])
            body.append(f'<p><img alt="{alt}" src="data:image/png;base64,{data}"></p>')
        elif line.strip():
            body.append(f"<p>{_inline(line)}</p>")
    flush()
    if in_list:
        body.append("</ul>")
    style = (
        "body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.2em .6em}"
        "td{text-align:right}td:first-child{text-align:left}img{max-width:100%}"
    )
    title = html.escape(f"AOI benchmark: run {result.run_id}")
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
        f"<style>{style}</style></head><body>{''.join(body)}</body></html>\n"
    )


def _inline(text: str) -> str:
    out = html.escape(text)
    out = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", out)
    out = re.sub(r"`(.+?)`", r"<code>\1</code>", out)
    return re.sub(r"(?<!\w)_(.+?)_(?!\w)", r"<i>\1</i>", out)


def _plots(result: BenchResult, out: Path) -> tuple[list[tuple[str, Path]], list[tuple[str, str]]]:
    """(title, PNG) of each plot drawn, and (what, why) of each skipped for want of data."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.container import BarContainer

    fig = result.figures
    drawn: list[tuple[str, Path]] = []
    skipped: list[tuple[str, str]] = []

    def save(figure: Any, title: str, name: str) -> None:
        figure.tight_layout()
        path = out / name
        figure.savefig(path, dpi=110)
        plt.close(figure)
        drawn.append((title, path))

    def bars(groups: dict[str, dict[str, Any]], title: str, name: str) -> None:
        if not groups:
            skipped.append((title.lower(), "no attempts"))
            return
        labels = list(groups)
        best = [groups[g]["best_at_k"] for g in labels]
        avg = [groups[g]["avg_at_k"] for g in labels]
        height = 0.4
        # Horizontal bars: long fault names stay readable, one per row.
        figure, axis = plt.subplots(figsize=(8, max(2.5, 0.42 * len(labels) + 1.2)))
        ys = list(range(len(labels)))
        top = axis.barh([y - height / 2 for y in ys], best, height, label=f"best@{fig.k}")
        low = axis.barh([y + height / 2 for y in ys], avg, height, label=f"avg@{fig.k}")
        for container in (top, low):
            axis.bar_label(container, fmt="%.0f%%", padding=2, fontsize=7)
        axis.set_yticks(ys, labels, fontsize=8)
        axis.invert_yaxis()
        axis.set_xlim(0, 112)
        axis.set_xlabel("success (%)")
        axis.set_title(title, pad=22)
        axis.legend(
            loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=8, frameon=False
        )
        save(figure, title, name)

    bars(fig.by_type, "Success per task type", "success_by_type.png")
    bars(fig.by_fault, "Success per fault", "success_by_fault.png")
    for key, label, name in (
        ("steps", "steps per attempt", "steps.png"),
        ("tokens", "tokens per attempt", "tokens.png"),
    ):
        values = [getattr(r, key) for r in result.results]
        if not values or not any(values):
            skipped.append((label, "every attempt has 0" if values else "no attempts"))
            continue
        figure, axis = plt.subplots(figsize=(6, 4))
        counts, _edges, patches = axis.hist(values, bins=min(20, max(1, len(set(values)))))
        if isinstance(patches, BarContainer):
            axis.bar_label(patches, labels=[f"{int(c)}" if c else "" for c in counts], fontsize=7)
        axis.set_xlabel(label)
        axis.set_ylabel("attempts")
        axis.set_title(f"Distribution of {label}")
        save(figure, f"Distribution of {label}", name)
    return drawn, skipped
