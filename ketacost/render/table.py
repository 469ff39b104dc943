"""Rich terminal output of an estimate (imported only for ``--format table``)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.measure import Measurement
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..core.errors import printable
from ..core.money import ZERO, Band, format_money
from ..core.words import plural
from ..engine.estimate import Estimate
from .inputs_block import (
    comparison_inputs_line,
    inputs_line,
    location_text,
    money_path_text,
    total_cost_text,
)
from .plain import DISCLAIMER, TOTAL_LABELS, band_text, option_label, path_total_shown

BAR_WIDTH = 20
# Warnings shown in the headline box as well: the figure above them rests on them.
HEADLINE_WARNINGS = ("oon_terms_missing", "plan_terms_missing", "hospital_price_low_confidence")
MIN_WIDTH = 40  # narrower terminals (COLUMNS=0 or 1) get the 40-column layout, never less
EMPTY = ("", "—", format_money(ZERO))  # what an empty cell shows
WRAP_MIN = 18


class Col(NamedTuple):
    """A column of a :class:`FitTable`."""

    header: str
    short: str | None = None  # a shorter header, used when space is short
    justify: str = "right"
    wrap: bool = False  # text that may wrap between words (a label); figures never wrap
    style: str | None = None
    drop_empty: bool = False  # left out when every cell is EMPTY
    optional: bool = False  # left out before the table turns into the stacked layout


Cell = str | Text


def _plain(cell: Cell) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def _longest_word(text: str) -> int:
    return max((cell_len(word) for word in text.split()), default=0)


class FitTable:
    """A table that never cuts a figure or a date.

    At render time it tries, in order: the full table; a compact table without borders; with
    shorter headers; without its optional columns; and finally a stacked layout (each row as a
    heading and ``name value`` pairs), whose lines are never cropped. Columns that are empty in
    every row are left out from the start.
    """

    def __init__(self, title: str, columns: list[Col], rows: Sequence[Sequence[Cell]], *,
                 key: int = 1) -> None:  # fmt: skip
        keep = [
            i for i, col in enumerate(columns)
            if not (col.drop_empty and all(_plain(r[i]).strip() in EMPTY for r in rows))
        ]  # fmt: skip
        self.title = title
        self.columns = [columns[i] for i in keep]
        self.rows = [[row[i] for i in keep] for row in rows]
        self.key = key  # the leading columns that name a row (its heading when stacked)

    def _table(self, short: bool, compact: bool, optional: bool) -> Table:
        table = Table(title=self.title, title_justify="left",
                      box=box.SIMPLE_HEAD if compact else box.HEAVY_HEAD,
                      show_edge=not compact, pad_edge=not compact)  # fmt: skip
        index = [i for i, c in enumerate(self.columns) if optional or not c.optional]
        for i in index:
            col = self.columns[i]
            header = (col.short or col.header) if short else col.header
            cells = [_plain(row[i]) for row in self.rows]
            justify: Any = col.justify
            if col.wrap:
                # a label keeps at least WRAP_MIN columns (or its whole length): squeezed
                # narrower it reads badly, and the stacked layout reads better
                least = max([_longest_word(c) for c in cells]
                            + [min(WRAP_MIN, max(map(cell_len, cells), default=0)), 4])  # fmt: skip
                table.add_column(header, justify=justify, style=col.style, min_width=least)
            else:
                # as wide as its widest figure (which has no space, so never wraps); the
                # header may wrap between its words
                width = max([cell_len(c) for c in cells] + [_longest_word(header)])
                table.add_column(header, justify=justify, style=col.style, width=width)
        for row in self.rows:
            table.add_row(*(row[i] for i in index))
        return table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width, MIN_WIDTH)
        wide = options.update(width=10_000)
        for short, compact, optional in ((False, False, True), (False, True, True),
                                         (True, True, True), (True, True, False)):  # fmt: skip
            table = self._table(short, compact, optional)
            if Measurement.get(console, wide, table).minimum <= width:
                yield table
                return
        yield from self._stacked(width)

    def _stacked(self, width: int) -> Iterator[Text]:
        """Each row: its key cells as a heading, then ``header value`` pairs packed in lines."""
        yield Text(self.title, style="italic", overflow="ignore")
        for row in self.rows:
            heading = " ".join(_plain(c) for c in row[: self.key] if _plain(c))
            # wrapped here, at spaces: the console may print with soft wrap (no wrapping at all)
            for part in textwrap.wrap(heading, width, break_long_words=False) or [""]:
                yield Text(part, style="bold", no_wrap=True, overflow="ignore")
            pairs = []
            for col, cell in zip(self.columns[self.key :], row[self.key :], strict=True):
                value = _plain(cell)
                if value.strip():
                    pairs.append(f"{col.header or col.short or ''} {value}".strip())
            line = ""
            for pair in pairs:
                if line and cell_len(line) + 3 + cell_len(pair) > width:
                    yield Text(line, no_wrap=True, overflow="ignore")
                    line = ""
                line = f"{line} · {pair}" if line else f"  {pair}"
            if line:
                yield Text(line, no_wrap=True, overflow="ignore")


def bar(value: Decimal, largest: Decimal, width: int = BAR_WIDTH) -> str:
    """A bar of up to ``width`` blocks, in proportion to ``largest``."""
    if largest <= 0 or value <= 0:
        return ""
    return "█" * max(1, int(width * value / largest))


def _range(low: Decimal, high: Decimal) -> str:
    """A low–high range in whole dollars (the band is an estimate; cents would be noise);
    empty for a flat figure, in cents where whole dollars would show two equal ends."""
    if low == high:
        return ""
    ends = format_money(low, cents=False), format_money(high, cents=False)
    if ends[0] == ends[1]:
        ends = format_money(low), format_money(high)
    return "–".join(ends)


def _headline_range(band: Band) -> str:
    span = _range(band.low, band.high)
    return f"  (range {span})" if span else ""


FOOTNOTE = (
    "Low, typical and high: the whole course priced at the lowest, typical and highest prices "
    "in the sources; a range is low to high."
)
NET_NOTE = " Net of tax: what you pay less the income tax your FSA/HSA dollars escape."


def _sources(est: Estimate) -> Group:
    """Each source: its title and date, then its URL on a line of its own, never broken (a
    Group keeps each line's own wrapping; the console would merge bare Texts)."""
    lines = [Text(f"Sources (pricing model as of {est.pricing.as_of})", style="bold")]
    for src in est.sources:
        lines.append(Text(f"• {src.title} ({src.date})", style="dim"))
        lines.append(Text(f"  {src.url}", style="dim blue", no_wrap=True, overflow="ignore"))
    return Group(*lines)


def estimate_renderables(est: Estimate, *, schedule: bool = False) -> list[object]:
    s = est.scenario
    t = est.totals
    parts: list[object] = []
    where = location_text(s)
    title = f"{s.route.upper()} · {s.provider} · {where} · {plural(s.sessions, 'session')}"
    if s.boosters:
        title += f" + {plural(s.boosters, 'booster')}"
    head = Text()
    head.append(title + "\n", style="bold")
    head.append("Clinic bill  ", style="bold")
    head.append(format_money(t.gross.typical), style="bold cyan")
    head.append(_headline_range(t.gross) + "\n")
    head.append("You pay      ", style="bold")
    head.append(format_money(t.patient_pays.typical), style="bold green")
    head.append(_headline_range(t.patient_pays))
    if t.tax_savings.typical:
        head.append("\nNet of tax   ", style="bold")
        head.append(format_money(t.net_cost.typical), style="bold green")
        if t.tax_savings.typical > 0:
            head.append(f"  (saves {format_money(t.tax_savings.typical)})")
        else:
            head.append(f"  (the accounts add {format_money(-t.tax_savings.typical)} of tax)")
    for more in (money_path_text(est), total_cost_text(est)):  # the money's path (issue 23)
        if more is not None:
            head.append(f"\n{more}")
    for w in est.warnings:  # what the "You pay" figure leaves out belongs next to it
        if w.code in HEADLINE_WARNINGS:
            head.append(f"\n{printable(w.message)}", style="yellow")
    parts.append(Panel(head, expand=False))
    parts.append(Text(inputs_line(s), style="dim"))

    items: list[list[Cell]] = []
    for item in est.line_items:
        label = Text(item.label)
        label.append(f" ({', '.join(item.codes)})", style="dim")
        span = _range(item.amount.low, item.amount.high)
        items.append([label, str(item.quantity), format_money(item.unit_price.typical),
                      format_money(item.amount.typical), span])  # fmt: skip
    parts.append(FitTable("Line items", [
        Col("Item (billing codes)", "Item", justify="left", wrap=True),
        Col("Qty"), Col("Unit"), Col("Amount"),
        Col("Low–high", "Range", style="dim", drop_empty=True),
    ], items))  # fmt: skip

    rows: list[list[Cell]] = []
    for name, title_text in TOTAL_LABELS.items():
        band = getattr(t, name)
        if name in ("program_pays", "account_paid", "tax_savings") and not any(band.edges()):
            continue
        if not path_total_shown(est, name):
            continue
        rows.append([title_text, *(format_money(v) for v in band.edges())])
    if est.financing is not None:
        rows.append(["Loan payments (with interest)",
                     *(format_money(v) for v in est.financing.total_paid.edges())])  # fmt: skip
    parts.append(FitTable("Totals", [
        Col("", justify="left", wrap=True), Col("Low"), Col("Typical", style="bold"), Col("High"),
    ], rows))  # fmt: skip
    parts.append(Text(FOOTNOTE + (NET_NOTE if t.tax_savings.typical else ""), style="dim"))
    if t.tax_savings.typical and t.patient_pays.typical:
        rate = t.tax_savings.typical / t.patient_pays.typical * 100
        parts.append(Text(f"Effective savings rate: {rate:.1f}% of what you pay (typical)."))
    if est.financing is not None:
        f = est.financing
        parts.append(
            Text(
                f"Financing: {band_text(f.monthly_payment)} a month for {f.months} months at "
                f"{f.apr}% APR (last payment {band_text(f.final_payment)}); interest "
                f"{band_text(f.total_interest)}; {band_text(f.total_paid)} paid in all."
            )
        )

    if schedule:
        visits: list[list[Cell]] = []
        for v in est.visits:
            visits.append([
                str(v.number), v.date, v.kind, format_money(v.billed.typical),
                format_money(v.plan_pays.typical), format_money(v.program_pays.typical),
                format_money(v.patient_pays.typical),
                format_money(v.deductible_left.typical) if v.deductible_left else "—",
                format_money(v.oop_left.typical) if v.oop_left else "—",
                (v.reimbursed_on if v.reimbursement.typical else None) or "—",
            ])  # fmt: skip
        parts.append(FitTable("Visits (typical prices)", [
            Col("#"), Col("Date", justify="left"), Col("Visit", justify="left"),
            Col("Billed"), Col("Plan", drop_empty=True), Col("Program", drop_empty=True),
            Col("You"), Col("Ded. left", "Ded.", drop_empty=True),
            Col("OOP left", "OOP", drop_empty=True),
            Col("Paid back on", "Back on", drop_empty=True),
        ], visits, key=3))  # fmt: skip

    parts.append(_months_table(est))

    for w in est.warnings:
        if w.code not in HEADLINE_WARNINGS:
            parts.append(Text(f"! {printable(w.message)}", style="yellow"))
    notes = Text("Assumptions\n", style="bold")
    for a in est.assumptions:
        notes.append(f"• {printable(a)}\n", style="dim")  # a clinic file's name, as typed
    parts.append(notes)
    parts.append(_sources(est))
    parts.append(Text(DISCLAIMER, style="italic"))
    return parts


def _months_table(est: Estimate) -> FitTable:
    """Month by month: what you pay, and (when a superbill is paid back or a loan pays) what
    you hand over at the visits, get back, borrow and what leaves your pocket."""
    largest = max((m.patient_pays.typical for m in est.cashflow), default=ZERO)
    financed = est.financing is not None
    path = financed or any(est.totals.reimbursed.edges())

    def money(band: Band, shown: bool = True) -> str:
        return format_money(band.typical) if shown else ""

    months: list[list[Cell]] = [
        [m.month, money(m.patient_pays), money(m.account_paid), money(m.cash),
         money(m.paid_at_visits, path), money(m.reimbursed, path), money(m.borrowed, financed),
         money(m.loan_payment, financed), money(m.from_pocket, path),
         Text(bar(m.patient_pays.typical, largest), style="cyan")]
        for m in est.cashflow
    ]  # fmt: skip
    return FitTable("Month by month (typical)", [
        Col("Month", justify="left"), Col("You pay", optional=path),
        Col("FSA/HSA", drop_empty=True), Col("Cash", optional=path),
        Col("At visits", drop_empty=True),
        Col("Paid back", "Back", drop_empty=True), Col("Borrowed", "Loan in", drop_empty=True),
        Col("Loan", drop_empty=True), Col("From pocket", "Pocket", drop_empty=True),
        Col("", justify="left", optional=True, drop_empty=True),
    ], months)  # fmt: skip


def print_estimate(est: Estimate, console: Console, *, schedule: bool = False) -> None:
    console.print(Group(*estimate_renderables(est, schedule=schedule)))  # type: ignore[arg-type]


def band_bar(
    low: Decimal, typical: Decimal, high: Decimal, largest: Decimal, width: int = 30
) -> Text:
    """A horizontal band: a line from low to high with a dot at typical, scaled to ``largest``."""
    if largest <= 0:
        return Text("")

    def pos(value: Decimal) -> int:
        return min(width - 1, int((width - 1) * value / largest))

    a, t, b = pos(low), pos(typical), pos(high)
    text = Text(" " * a)
    text.append("─" * (t - a), style="cyan")
    text.append("●", style="bold cyan")
    text.append("─" * (b - t), style="cyan")
    return text


def nice_scale(largest: Decimal) -> Decimal:
    """The smallest 1, 2, 2.5 or 5 × 10ⁿ dollars at or above ``largest`` (the chart's end)."""
    if largest <= 0:
        return Decimal(1)
    step = Decimal(1)
    while step * 10 <= largest:
        step *= 10
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        if step * factor >= largest:
            return step * factor
    raise AssertionError("unreachable")  # pragma: no cover


def dollar_axis(scale: Decimal, width: int) -> Text:
    """``$0 … $2,500 … $5,000`` under a band of ``width`` columns."""
    left, mid, right = (format_money(a, cents=False) for a in (ZERO, scale / 2, scale))
    line = [" "] * width
    for text, start in ((left, 0), (mid, (width - 1) // 2 - len(mid) // 2),
                        (right, width - len(right))):  # fmt: skip
        for k, ch in enumerate(text):
            if 0 <= start + k < width:
                line[start + k] = ch
    ticks = ["─"] * width
    for at in (0, (width - 1) // 2, width - 1):
        ticks[at] = "┴" if 0 < at < width - 1 else ("└" if at == 0 else "┘")
    return Text("".join(ticks) + "\n" + "".join(line), style="dim")


class BandChart:
    """The net-cost band of each option on one dollar scale, as wide as the terminal allows."""

    def __init__(self, title: str, rows: list[tuple[str, Band]]) -> None:
        self.title, self.rows = title, rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width, MIN_WIDTH)
        label = max((cell_len(name) for name, _ in self.rows), default=0)
        scale = nice_scale(max((band.high for _, band in self.rows), default=ZERO))
        side = label + 1 <= width // 2  # labels beside the bars, or above each one
        bar_width = max(10, min(50, width - (label + 1 if side else 0) - 1))
        pad = " " * (label + 1) if side else ""
        yield Text(self.title, style="italic", overflow="ignore")
        for name, band in self.rows:
            line = band_bar(band.low, band.typical, band.high, scale, bar_width)
            if side:
                yield Text(name.ljust(label) + " ", overflow="ignore").append_text(line)
            else:
                yield Text(name, overflow="ignore")
                yield line
        axis = dollar_axis(scale, bar_width)
        for part in axis.split("\n"):
            yield Text(pad) + part


def comparison_renderables(result: object) -> list[object]:
    from ..documents.compare import Comparison

    assert isinstance(result, Comparison)
    rows: list[list[Cell]] = []
    for row in result.rows:
        t = row.totals
        rows.append([
            option_label(row, result.basis), str(row.sessions), format_money(t.gross.typical),
            format_money(t.plan_pays.typical), format_money(t.program_pays.typical),
            format_money(t.patient_pays.typical), format_money(t.net_cost.typical),
            _range(t.net_cost.low, t.net_cost.high),
        ])  # fmt: skip
    table = FitTable(f"Compared by {result.basis} (sorted by typical net cost)", [
        Col("Option", justify="left", wrap=True), Col("Sessions", "#"),
        Col("Clinic bill", "Bill"), Col("Insurance", "Plan", drop_empty=True),
        Col("Program", drop_empty=True), Col("You pay", "You"),
        Col("Net cost", "Net", style="bold"),
        Col("Low–high", "Range", style="dim", optional=True, drop_empty=True),
    ], rows)  # fmt: skip
    chart = BandChart(
        "Net cost bands (─ low to high, ● typical)",
        [(option_label(row, result.basis), row.totals.net_cost) for row in result.rows],
    )
    notes: list[object] = []
    said: set[tuple[str, str]] = set()  # once per route: locations share a route's warnings
    for row in result.rows:
        for w in row.warnings:
            if w.code in ("off_label", "prior_authorization", "program_ineligible"):
                if (row.route, w.message) not in said:
                    said.add((row.route, w.message))
                    notes.append(Text(f"! {row.route}: {w.message}", style="yellow"))
                break
        for w in row.warnings:  # a hospital row's prices rest on a low-confidence factor
            if w.code == "hospital_price_low_confidence" and ("hospital", w.message) not in said:
                said.add(("hospital", w.message))
                notes.append(Text(f"! hospital: {w.message}", style="yellow"))
    from ..documents.compare import describe

    crossings = [Text(f"Break-even: {describe(e)}", style="bold") for e in result.break_even]
    footnote = Text(FOOTNOTE + " Net cost: what you pay less tax savings.", style="dim")
    notes = [Text(f"! {w.message}", style="yellow") for w in result.warnings] + notes
    shared = comparison_inputs_line(result)
    head = [] if shared is None else [Text(shared, style="dim")]
    return [*head, table, footnote, *crossings, chart, *notes, Text(DISCLAIMER, style="italic")]


def pricing_renderables(pricing: object, source: str) -> list[object]:
    from ..rules.model import PricingModel

    assert isinstance(pricing, PricingModel)
    parts: list[object] = [
        Text(f"Pricing model: {printable(source)}, as of {pricing.as_of}", style="bold")
    ]
    routes = Table(title="Routes (national self-pay price per session)", title_justify="left")
    for name in ("Route", "Low", "Typical", "High", "Induction", "Boosters every"):
        routes.add_column(name, justify="left" if name == "Route" else "right")
    for route_key, route in pricing.routes.items():
        band = route.session.price
        p = route.protocol
        prices = (format_money(band.low), format_money(band.typical), format_money(band.high))
        routes.add_row(f"{route_key}: {route.label}", *prices,
                       f"{p.induction_sessions} ({p.sessions_per_week}/week)",
                       plural(p.booster_every_weeks, "week"))  # fmt: skip
    parts.append(routes)
    items = Table(title="Other line items", title_justify="left")
    for name in ("Item", "Codes", "Low", "Typical", "High", "Coverage"):
        items.add_column(name)
    for item in pricing.line_items.values():
        band = item.price
        prices = (format_money(band.low), format_money(band.typical), format_money(band.high))
        items.add_row(item.label, " ".join(item.codes), *prices, item.coverage)
    parts.append(items)
    providers = Table(title="Providers", title_justify="left")
    for name in ("Provider", "Factor", "Routes", "Location pricing"):
        providers.add_column(name)
    for key, provider in pricing.providers.items():
        edges = provider.factor.edges()  # a band shows low / typical / high
        providers.add_row(
            f"{key}: {provider.label}",
            " / ".join(map(str, edges)) if provider.factor.banded else str(edges[1]),
            ", ".join(provider.routes),
            "yes" if provider.location_pricing else "no",
        )
    parts.append(providers)
    states = sorted(pricing.locations.states.items(), key=lambda kv: kv[1].factor)
    if states:
        low, high = states[0], states[-1]
        parts.append(Text(
            f"Locations: {len(states)} states with price factors from {low[1].factor} "
            f"({low[0]}) to {high[1].factor} ({high[0]}); {pricing.locations.method}"
        ))  # fmt: skip
    for program in pricing.savings_programs:
        parts.append(Text(
            f"{program.name} ({program.route}; {', '.join(program.plan_types)} plans): you pay "
            f"as little as {format_money(program.per_treatment.value)} per treatment of drug "
            f"cost-sharing; the program pays up to {format_money(program.annual_max.value)} per "
            f"calendar year; drug share of a session {program.drug_share.value}."
        ))  # fmt: skip
    return parts


def sources_renderable(pricing: object) -> Table:
    from ..rules.model import PricingModel

    assert isinstance(pricing, PricingModel)
    table = Table(title=f"Sources of the pricing model (as of {pricing.as_of})",
                  title_justify="left", show_lines=True)  # fmt: skip
    table.add_column("Source", overflow="fold")
    table.add_column("Date", no_wrap=True)
    table.add_column("Supports")
    for key, src in pricing.sources.items():
        title = Text(f"{src.title}\n", style="bold")
        title.append(src.url, style="blue")
        title.append(f"\n[{key}]", style="dim")
        table.add_row(title, src.date, src.supports)
    return table
