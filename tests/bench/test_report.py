"""Reports: Markdown and one HTML page with the plots embedded; empty plots skipped and said."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aoi.bench import BenchConfig, run_bench, select_tasks
from aoi.bench.report import write_report

TASKS = "noop_detection_hotel_reservation-1,k8s_target_port-misconfig-detection-1"


def test_html_report_embeds_every_plot_and_skips_empty_ones(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    result = run_bench(
        BenchConfig(tasks=select_tasks(TASKS), store_url=f"sqlite:///{tmp_path}/r.db")
    )
    written = write_report(result, tmp_path / "rep")
    names = {p.name for p in written}
    assert {"report.md", "report.html", "success_by_type.png", "success_by_fault.png"} <= names
    assert "tokens.png" not in names  # the expert uses no tokens: no empty plot
    md = (tmp_path / "rep" / "report.md").read_text()
    assert "No plot of tokens per attempt: every attempt has 0." in md
    page = (tmp_path / "rep" / "report.html").read_text()
    pngs = [n for n in names if n.endswith(".png")]
    assert len(re.findall(r'src="data:image/png;base64,[A-Za-z0-9+/]{100,}', page)) == len(pngs)
    assert "<table>" in page and "best@1" in page
    assert "../" not in page and "http" not in page.split("<style>")[0]
