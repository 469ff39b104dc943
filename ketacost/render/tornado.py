"""The terminal tornado of ``ketacost sensitivity`` (Rich; imported only for table output).

One row per input, largest swing first: the net cost with the input at its low value (▒) and at
its high value (█), drawn left (cheaper) or right (dearer) of the baseline (│). Readable without
colour (the two shades differ) and at 80 columns (the chart takes what the text leaves).
"""

from __future__ import annotations

from decimal import Decimal

from rich.table import Table
from rich.text import Text

from ..core.money import format_money
from ..core.words import plural
from ..documents.sensitivity import Row, Sensitivity, largest, span_text
from .inputs_block import inputs_line
from .plain import DISCLAIMER

LOW_MARK, HIGH_MARK, AXIS = "▒", "█", "│"
LOW_STYLE, HIGH_STYLE = "cyan", "dark_orange"
MIN_CHART, MAX_CHART = 11, 41


def tornado_cells(row: Row, baseline: Decimal, reach: Decimal, half: int) -> Text:
    """One bar: ``half`` cells each side of the axis; ``reach`` dollars fill a side."""

    def cells(amount: Decimal) -> int:
        if reach <= 0 or amount == 0:
            return 0
        return max(1, min(half, round(half * abs(amount) / reach)))

    sides: dict[str, list[tuple[int, str, str]]] = {"left": [], "right": []}
    for net, mark, style in ((row.net_cost_low, LOW_MARK, LOW_STYLE),
                             (row.net_cost_high, HIGH_MARK, HIGH_STYLE)):  # fmt: skip
        delta = net - baseline
        if delta:
            sides["left" if delta < 0 else "right"].append((cells(delta), mark, style))
    line: list[tuple[str, str]] = [(" ", "")] * half
    for length, mark, style in sorted(sides["left"], reverse=True):  # longer first, then over it
        for k in range(length):
            line[half - 1 - k] = (mark, style)
    right: list[tuple[str, str]] = [(" ", "")] * half
    for length, mark, style in sorted(sides["right"], reverse=True):
        for k in range(length):
            right[k] = (mark, style)
    text = Text()
    for char, style in [*line, (AXIS, "bold"), *right]:
        text.append(char, style=style or None)
    return text


HEADS = (Text.assemble((LOW_MARK, LOW_STYLE), " at low"), Text.assemble((HIGH_MARK, HIGH_STYLE),
          " at high"), Text("Swing"))  # fmt: skip
WRAP_MIN = 10  # columns an input's name keeps beside its bar (else it goes above the bar)
NARROW_CHART = 5


def _figures(row: Row) -> tuple[str, str, str]:
    """A row's low and high net cost and its swing, as shown."""
    swing = format_money(row.swing, cents=False) if row.swing else "none"
    return (format_money(row.net_cost_low, cents=False),
            format_money(row.net_cost_high, cents=False), swing)  # fmt: skip


def _words(row: Row) -> list[str]:
    return f"{row.label} {span_text(row)}".split()


def _table(
    result: Sensitivity, figures: list[tuple[str, str, str]], reach: Decimal, half: int
) -> Table:
    """The tornado as a table, the input's name and range beside its bar."""
    table = Table(box=None, padding=(0, 1), show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("Input (low → high)", ratio=1, overflow="fold")
    table.add_column(HEADS[0], justify="right", no_wrap=True)
    table.add_column("", no_wrap=True, width=2 * half + 1)
    table.add_column(HEADS[1], no_wrap=True)
    table.add_column("Swing", justify="right", no_wrap=True)
    for row, (low, high, swing) in zip(result.rows, figures, strict=True):
        label = Text(row.label)
        label.append(f"\n{span_text(row)}", style="dim")
        table.add_row(
            label,
            Text(low, style=LOW_STYLE),
            tornado_cells(row, result.baseline, reach, half),
            Text(high, style=HIGH_STYLE),
            swing,
        )
    return table


def _stacked(
    result: Sensitivity,
    figures: list[tuple[str, str, str]],
    widths: list[int],
    reach: Decimal,
    half: int,
) -> list[Text]:
    """The tornado for a narrow terminal: each input's name and range on a line of its own,
    then its figures and bar in fixed columns as wide as the widest figure (never cut)."""
    w_low, w_high, w_swing = widths
    head = Text(" " * (w_low - HEADS[0].cell_len), no_wrap=True, overflow="ignore")
    head.append_text(HEADS[0]).append(" " * (2 * half + 3))
    head.append_text(HEADS[1]).append(" " * (w_high - HEADS[1].cell_len + 1))
    head.append(" " * (w_swing - 5) + "Swing")
    head.stylize("bold")
    lines = [head]
    for row, (low, high, swing) in zip(result.rows, figures, strict=True):
        name = Text(row.label, style="bold")
        name.append(f"  {span_text(row)}", style="dim")
        lines.append(name)
        line = Text(low.rjust(w_low), style=LOW_STYLE, no_wrap=True, overflow="ignore")
        line.append(" ").append_text(tornado_cells(row, result.baseline, reach, half))
        line.append(" ").append(high.ljust(w_high), style=HIGH_STYLE)
        line.append(" " + swing.rjust(w_swing))
        lines.append(line)
    return lines


def sensitivity_renderables(result: Sensitivity, width: int = 80) -> list[object]:
    """The headline, the tornado table and a legend, for a console ``width`` columns wide."""
    parts: list[object] = []
    s = result.scenario
    head = Text()
    head.append("What moves the typical net cost most", style="bold")
    head.append(
        f"\n{s.route.upper()} · {s.provider} · {s.location} · {plural(s.sessions, 'session')}"
        + (f" + {plural(s.boosters, 'booster')}" if s.boosters else "")
        + f": typical net cost {format_money(result.baseline, cents=False)} with every input at "
        "its baseline; each row moves one input, all else held."
    )
    parts.append(head)
    parts.append(Text(inputs_line(s), style="dim"))
    top = largest(result)
    if top is None:
        parts.append(Text("No input moves the typical net cost.", style="bold"))
    else:
        parts.append(Text(
            f"Most: {top.label.lower()} ({span_text(top)}) moves it from "
            f"{format_money(top.net_cost_low, cents=False)} to "
            f"{format_money(top.net_cost_high, cents=False)}.",
            style="bold",
        ))  # fmt: skip
    reach = max(
        (abs(n - result.baseline) for r in result.rows for n in (r.net_cost_low, r.net_cost_high)),
        default=Decimal(0),
    )
    figures = [_figures(row) for row in result.rows]
    widths = [max([h.cell_len, *(len(f[k]) for f in figures)]) for k, h in enumerate(HEADS)]
    label = max([WRAP_MIN, *(len(w) for r in result.rows for w in _words(r))])
    chart = max(MIN_CHART, min(MAX_CHART, width - 58))
    if label + sum(widths) + chart + 2 * 4 <= width:  # the table: labels beside the bars
        parts.append(_table(result, figures, reach, (chart - 1) // 2))
    else:  # too narrow for labels beside the bars: each label above its bar; no figure is cut
        chart = max(NARROW_CHART, min(MAX_CHART, width - sum(widths) - 4))
        parts.extend(_stacked(result, figures, widths, reach, (chart - 1) // 2))
    legend = Text()
    legend.append(LOW_MARK * 2, style=LOW_STYLE)
    legend.append(" input at its low value   ")
    legend.append(HIGH_MARK * 2, style=HIGH_STYLE)
    legend.append(" input at its high value   ")
    legend.append(AXIS, style="bold")
    baseline = format_money(result.baseline, cents=False)
    legend.append(f" baseline {baseline}; left is cheaper, right dearer")
    parts.append(legend)
    basis = Text("Ranges\n", style="bold")
    for row in result.rows:
        basis.append(f"• {row.label}: {span_text(row)}, {row.basis}\n", style="dim")
    parts.append(basis)
    parts.append(Text(DISCLAIMER, style="italic"))
    return parts
