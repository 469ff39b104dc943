"""Charts as inline SVG, written by hand: rects, lines, paths and text.

No JavaScript and no charting library: a chart is a string, the same for the same figures
(deterministic, so tests compare it), with every label escaped (a label can come from a pricing
file). Colours are CSS classes (``plan``, ``program``, ``you``, ``account``, ``loan``, ``cash``)
styled by the page's stylesheet, so a chart follows the one palette of ``base.html``.

Positions are floats (pixels are not money); the figures they draw stay Decimal until then.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from decimal import Decimal
from html import escape
from typing import NamedTuple

from ..core.money import format_money

FONT_PX = 12
CHAR_PX = 6.6  # average advance of a 12 px sans-serif character, for fitting labels
BOLD_PX = 7.4  # the same, bold (end labels)


def num(value: float) -> str:
    """A coordinate: at most one decimal, no trailing zeros (``12``, ``12.5``)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else ("0" if text == "-0.0" else text)


def dollars(amount: Decimal) -> str:
    """A label in dollars: whole dollars from $100, cents below (``$1,250``, ``$42.50``)."""
    return format_money(amount, cents="if any" if abs(amount) < 100 else False)


def text_width(text: str, bold: bool = False) -> float:
    """About how wide ``text`` is at the chart font (to keep labels inside the picture)."""
    return len(text) * (BOLD_PX if bold else CHAR_PX)


class Canvas:
    """An SVG picture built element by element."""

    def __init__(self, width: float, height: float, title: str, description: str = "") -> None:
        self.width, self.height = width, height
        self.title, self.description = title, description
        self.parts: list[str] = []

    def rect(self, x: float, y: float, w: float, h: float, cls: str, tip: str = "") -> None:
        if w <= 0 or h <= 0:
            return
        inner = f"<title>{escape(tip)}</title>" if tip else ""
        attrs = f'x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}" class="{cls}"'
        self.parts.append(f"<rect {attrs}>{inner}</rect>" if inner else f"<rect {attrs}/>")

    def line(self, x1: float, y1: float, x2: float, y2: float, cls: str) -> None:
        self.parts.append(
            f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}" class="{cls}"/>'
        )

    def path(self, points: Sequence[tuple[float, float]], cls: str) -> None:
        if not points:
            return
        d = "M" + " L".join(f"{num(x)} {num(y)}" for x, y in points)
        self.parts.append(f'<path d="{d}" class="{cls}"/>')

    def circle(self, x: float, y: float, r: float, cls: str) -> None:
        self.parts.append(f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(r)}" class="{cls}"/>')

    def text(self, x: float, y: float, content: str, anchor: str = "start", cls: str = "") -> None:
        klass = f' class="{cls}"' if cls else ""
        self.parts.append(
            f'<text x="{num(x)}" y="{num(y)}" text-anchor="{anchor}"{klass}>'
            f"{escape(content)}</text>"
        )

    def render(self) -> str:
        desc = f"<desc>{escape(self.description)}</desc>" if self.description else ""
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            f'viewBox="0 0 {num(self.width)} {num(self.height)}" '
            f'aria-label="{escape(self.title)}"><title>{escape(self.title)}</title>{desc}'
            + "".join(self.parts)
            + "</svg>"
        )


# --- scales and ticks -----------------------------------------------------------------------


def nice_step(span: Decimal, target: int = 5) -> Decimal:
    """A tick step of 1, 2, 2.5 or 5 × 10^k giving about ``target`` intervals over ``span``."""
    if span <= 0:
        return Decimal(1)
    raw = span / target
    power = Decimal(10) ** math.floor(math.log10(raw))
    for factor in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
        if raw <= factor * power:
            return factor * power
    return 10 * power  # pragma: no cover


def ticks(low: Decimal, high: Decimal, target: int = 5) -> list[Decimal]:
    """Round values from at or below ``low`` to at or above ``high`` (0 to 1 when both are 0)."""
    if high <= low:
        high = low + (abs(low) or Decimal(1))
    step = nice_step(high - low, target)
    start = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
    values = [start]
    while values[-1] < high:
        values.append(values[-1] + step)
    return values


class Scale(NamedTuple):
    """A linear map from [lo, hi] (dollars) to [start, end] (pixels)."""

    lo: Decimal
    hi: Decimal
    start: float
    end: float

    def __call__(self, value: Decimal) -> float:
        if self.hi == self.lo:
            return self.start
        return self.start + float((value - self.lo) / (self.hi - self.lo)) * (self.end - self.start)


def _value_grid(canvas: Canvas, scale: Scale, marks: list[Decimal], x0: float, x1: float) -> None:
    """Horizontal grid lines with dollar labels at the left (a vertical value axis)."""
    for value in marks:
        y = scale(value)
        canvas.line(x0, y, x1, y, "grid" if value else "axis")
        canvas.text(x0 - 6, y + 4, dollars(value), "end", "tick")


# --- charts ---------------------------------------------------------------------------------


class Part(NamedTuple):
    """One coloured part of a stacked bar: CSS class, legend label, amount."""

    cls: str
    label: str
    amount: Decimal


def split_bar(parts: Sequence[Part], title: str, width: float = 720) -> str:
    """One horizontal bar, the whole split into its parts, each labelled with its amount."""
    total = sum((p.amount for p in parts), Decimal(0))
    height = 78.0
    canvas = Canvas(width, height, title, "; ".join(f"{p.label} {dollars(p.amount)}"
                                                    for p in parts))  # fmt: skip
    left, right, top, bar = 4.0, width - 4, 8.0, 30.0
    if total <= 0:
        canvas.rect(left, top, right - left, bar, "empty")
        canvas.text(left + 8, top + 20, "Nothing to pay", cls="inbar")
        return canvas.render()
    scale = Scale(Decimal(0), total, left, right)
    x = left
    label_row = top + bar + 18
    last_label_end = -1e9
    for part in parts:
        if part.amount <= 0:
            continue
        w = scale(part.amount) - left
        share = part.amount / total * 100
        tip = f"{part.label}: {dollars(part.amount)} ({share:.0f}%)"
        canvas.rect(x, top, w, bar, part.cls, tip)
        text = f"{dollars(part.amount)} · {share:.0f}%"
        if text_width(text) + 12 <= w:
            canvas.text(x + 6, top + 20, text, cls="inbar")
        name = part.label
        # The part's name under the bar, moved right when the previous name would overlap.
        start = max(x, last_label_end + 10)
        if start + text_width(name) > right:
            start = right - text_width(name)
        canvas.text(start, label_row, name, cls="key")
        if text_width(text) + 12 > w:  # the amount did not fit in the bar: put it under
            canvas.text(start, label_row + 16, text, cls="tick")
        last_label_end = start + max(text_width(name), text_width(text))
        x += w
    return canvas.render()


class Stack(NamedTuple):
    """One bar of a stacked bar chart: its label under the axis and its parts, bottom first."""

    label: str
    sub: str
    parts: tuple[Part, ...]


def stacked_bars(stacks: Sequence[Stack], title: str, width: float = 720) -> str:
    """Vertical stacked bars on a dollar axis (a bar per visit: you, program, plan)."""
    height = 250.0
    left, right, top, bottom = 64.0, width - 8, 12.0, height - 40
    highest = max((sum((p.amount for p in s.parts), Decimal(0)) for s in stacks),
                  default=Decimal(0))  # fmt: skip
    marks = ticks(Decimal(0), highest)
    scale = Scale(Decimal(0), marks[-1], bottom, top)
    canvas = Canvas(width, height, title, f"{len(stacks)} bars; the tallest {dollars(highest)}")
    _value_grid(canvas, scale, marks, left, right)
    n = max(1, len(stacks))
    slot = (right - left) / n
    bar = max(1.0, min(44.0, slot * 0.72))
    room = max((text_width(t) for st in stacks for t in (st.label, st.sub)), default=0.0) + 10
    every = max(1, math.ceil(n / max(1, int((right - left) // room))))  # labels never touch
    for i, stack in enumerate(stacks):
        x = left + slot * i + (slot - bar) / 2
        base = Decimal(0)
        for part in stack.parts:
            if part.amount > 0:
                y_top, y_bottom = scale(base + part.amount), scale(base)
                tip = f"{stack.label} ({stack.sub}): {part.label} {dollars(part.amount)}"
                canvas.rect(x, y_top, bar, y_bottom - y_top, part.cls, tip)
            base += part.amount
        if i % every == 0:
            canvas.text(x + bar / 2, bottom + 15, stack.label, "middle", "tick")
            canvas.text(x + bar / 2, bottom + 29, stack.sub, "middle", "tick muted")
    canvas.line(left, bottom, right, bottom, "axis")
    return canvas.render()


class Series(NamedTuple):
    """A cumulative line: its CSS class, its label and its (date, running total) steps."""

    cls: str
    label: str
    points: tuple[tuple[dt.date, Decimal], ...]


def _month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    months = []
    day = dt.date(first.year, first.month, 1)
    while day <= last:
        months.append(day)
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return months


def cumulative_lines(series: Sequence[Series], title: str, width: float = 720) -> str:
    """Running totals over time as step lines, on a dollar axis, each ending in its label."""
    height = 260.0
    visible = [s for s in series if s.points]
    label_room = max((text_width(f"{s.label} {dollars(s.points[-1][1])}", bold=True)
                      for s in visible), default=0.0)  # fmt: skip
    left, right, top, bottom = 64.0, width - 14 - min(label_room, 260.0), 14.0, height - 36
    days = [d for s in visible for d, _ in s.points]
    if not days:
        canvas = Canvas(width, 60, title, "nothing to pay")
        canvas.text(8, 30, "Nothing to pay: no payment leaves your pocket", cls="key")
        return canvas.render()
    first, last = min(days), max(days)
    if last == first:
        last = first + dt.timedelta(days=1)
    highest = max(total for s in visible for _, total in s.points)
    marks = ticks(Decimal(0), highest)
    y_of = Scale(Decimal(0), marks[-1], bottom, top)
    span = (last - first).days

    def x_of(day: dt.date) -> float:
        return left + (day - first).days / span * (right - left)

    canvas = Canvas(width, height, title,
                    "; ".join(f"{s.label}: {dollars(s.points[-1][1])} by {s.points[-1][0]}"
                              for s in visible))  # fmt: skip
    _value_grid(canvas, y_of, marks, left, right)
    months = _month_starts(first, last)
    every = max(1, math.ceil(len(months) / max(1, int((right - left) // 70))))
    free_from = -1e9  # where the next month's label may start without touching the last one
    for k, month in enumerate(months):
        x = x_of(max(month, first))
        canvas.line(x, bottom, x, bottom + 4, "axis")
        label = month.strftime("%b %Y")
        start = x if k == 0 else x - text_width(label) / 2
        if k % every == 0 and start >= free_from:
            canvas.text(x, bottom + 17, label, "start" if k == 0 else "middle", "tick")
            free_from = start + text_width(label) + 8
    ends: list[tuple[float, Series]] = []
    for s in visible:
        points: list[tuple[float, float]] = [(x_of(first), y_of(Decimal(0)))]
        for day, total in s.points:
            x = x_of(day)
            points.append((x, points[-1][1]))  # flat until the payment, then a step up
            points.append((x, y_of(total)))
        points.append((right, points[-1][1]))
        canvas.path(points, f"series {s.cls}")
        ends.append((points[-1][1], s))
    # End labels, from the top down, at least a line apart.
    placed = -1e9
    for y, s in sorted(ends, key=lambda item: item[0]):
        y_label = max(y + 4, placed + FONT_PX + 3)
        canvas.text(right + 6, y_label, f"{s.label} {dollars(s.points[-1][1])}", cls=f"end {s.cls}")
        placed = y_label
    canvas.line(left, bottom, right, bottom, "axis")
    return canvas.render()


class Whisker(NamedTuple):
    """One option of a comparison: its label, and its low, typical and high figure."""

    label: str
    low: Decimal
    typical: Decimal
    high: Decimal


def band_whiskers(rows: Sequence[Whisker], title: str, width: float = 720) -> str:
    """Horizontal bars to the typical figure with a low–high whisker, one row per option."""
    row_h = 34.0
    label_w = min(260.0, max((text_width(r.label) for r in rows), default=40.0) + 12)
    left, right, top = label_w, width - 70, 8.0
    height = top + row_h * max(1, len(rows)) + 28
    bottom = height - 24
    highest = max((r.high for r in rows), default=Decimal(0))
    marks = ticks(Decimal(0), highest)
    x_of = Scale(Decimal(0), marks[-1], left, right)
    canvas = Canvas(width, height, title,
                    "; ".join(f"{r.label}: {dollars(r.typical)} ({dollars(r.low)}–"
                              f"{dollars(r.high)})" for r in rows))  # fmt: skip
    for value in marks:
        x = x_of(value)
        canvas.line(x, top, x, bottom, "grid" if value else "axis")
        canvas.text(x, bottom + 16, dollars(value), "middle", "tick")
    for i, r in enumerate(rows):
        y = top + row_h * i + 6
        mid = y + 11
        canvas.text(left - 10, mid + 4, r.label, "end", "key")
        canvas.rect(left, y, x_of(r.typical) - left, 22, "bar",
                    f"{r.label}: typical {dollars(r.typical)}")  # fmt: skip
        x_low, x_high = x_of(r.low), x_of(r.high)
        canvas.line(x_low, mid, x_high, mid, "whisker")
        canvas.line(x_low, mid - 6, x_low, mid + 6, "whisker")
        canvas.line(x_high, mid - 6, x_high, mid + 6, "whisker")
        canvas.circle(x_of(r.typical), mid, 4, "dot")
        canvas.text(x_high + 6, mid + 4, dollars(r.typical), cls="value")
    return canvas.render()


class Swing(NamedTuple):
    """One tornado row: its label, the input's values and the net cost at each."""

    label: str
    low_text: str
    high_text: str
    at_low: Decimal
    at_high: Decimal


def tornado(rows: Sequence[Swing], baseline: Decimal, title: str, width: float = 720) -> str:
    """Bars left (cheaper) and right (dearer) of the baseline: the input at its low value in
    one colour, at its high value in another, each end labelled with the input's value."""
    row_h = 30.0
    label_w = min(260.0, max((text_width(r.label) for r in rows), default=40.0) + 12)
    left, right, top = label_w + 56, width - 64, 22.0
    height = top + row_h * max(1, len(rows)) + 30
    bottom = height - 26
    values = [baseline] + [v for r in rows for v in (r.at_low, r.at_high)]
    marks = ticks(min(values), max(values))
    x_of = Scale(marks[0], marks[-1], left, right)
    description = "; ".join(
        f"{r.label}: {r.low_text} gives {dollars(r.at_low)}, {r.high_text} gives "
        f"{dollars(r.at_high)}"
        for r in rows
    )
    canvas = Canvas(width, height, title, description)
    for value in marks:
        x = x_of(value)
        canvas.line(x, top, x, bottom, "grid")
        canvas.text(x, bottom + 16, dollars(value), "middle", "tick")
    x_base = x_of(baseline)
    canvas.text(x_base, top - 8, f"baseline {dollars(baseline)}", "middle", "key")
    for i, r in enumerate(rows):
        y = top + row_h * i + 5
        canvas.text(label_w, y + 14, r.label, "end", "key")
        # Draw the longer bar first so that the shorter one stays visible on the same side.
        bars = sorted(((r.at_low, "low", r.low_text), (r.at_high, "high", r.high_text)),
                      key=lambda b: -abs(b[0] - baseline))  # fmt: skip
        for value, cls, text in bars:
            x = x_of(value)
            if value == baseline:
                continue
            canvas.rect(min(x, x_base), y, abs(x - x_base), 20, cls,
                        f"{r.label} at {text}: {dollars(value)}")  # fmt: skip
        for value, _, text in bars:
            x = x_of(value)
            if value < baseline:
                canvas.text(x - 4, y + 14, text, "end", "tick")
            elif value > baseline:
                canvas.text(x + 4, y + 14, text, cls="tick")
        if r.at_low == r.at_high == baseline:
            canvas.text(x_base + 6, y + 14, "no effect", cls="tick muted")
    canvas.line(x_base, top - 2, x_base, bottom, "axis")
    return canvas.render()
