"""Go's text/tabwriter as kubectl configures it, for tables and `describe`.

kubectl pads cells to the widest cell of their column block plus 3, at least 6
wide (`get`), or plus 2 with no minimum (`describe`); the last cell of a line
is never padded.
"""

from __future__ import annotations


def tabwrite(text: str, *, minwidth: int, padding: int) -> str:
    """Go's text/tabwriter (padchar ' ', no flags) applied to tab-separated text.

    Consecutive lines that have a cell in the same column form a block whose cells are padded
    to the block's widest cell plus `padding` (at least `minwidth`); the last cell of a line is
    not part of any column.
    """
    lines = [line.split("\t") for line in text.split("\n")]
    out: list[str] = []
    _format(lines, [], 0, len(lines), out, minwidth, padding)
    return "".join(out)


def _format(
    lines: list[list[str]],
    widths: list[int],
    line0: int,
    line1: int,
    out: list[str],
    minwidth: int,
    padding: int,
) -> None:
    column = len(widths)
    this = line0
    while this < line1:
        if column >= len(lines[this]) - 1:
            this += 1
            continue
        _write_lines(lines, widths, line0, this, out)
        line0 = this
        width = minwidth
        while this < line1 and column < len(lines[this]) - 1:
            width = max(width, len(lines[this][column]) + padding)
            this += 1
        widths.append(width)
        _format(lines, widths, line0, this, out, minwidth, padding)
        widths.pop()
        line0 = this
    _write_lines(lines, widths, line0, line1, out)


def _write_lines(
    lines: list[list[str]], widths: list[int], line0: int, line1: int, out: list[str]
) -> None:
    for i in range(line0, line1):
        for j, cell in enumerate(lines[i]):
            out.append(cell)
            if j < len(widths):
                out.append(" " * (widths[j] - len(cell)))
        if i + 1 < len(lines):
            out.append("\n")
