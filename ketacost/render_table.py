"""Rich terminal output of an estimate (imported only for ``--format table``)."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .estimate import Estimate
from .money import ZERO
from .render import DISCLAIMER, TOTAL_LABELS, band_text, money

BAR_WIDTH = 20


def bar(value: Decimal, largest: Decimal, width: int = BAR_WIDTH) -> str:
    """A bar of up to ``width`` blocks, in proportion to ``largest``."""
    if largest <= 0 or value <= 0:
        return ""
    return "█" * max(1, int(width * value / largest))


def _range(low: Decimal, high: Decimal) -> str:
    return money(low) if low == high else f"{money(low)}–{money(high)}"


def estimate_renderables(est: Estimate, *, schedule: bool = False) -> list[object]:
    s = est.scenario
    t = est.totals
    parts: list[object] = []
    title = (
        f"{s.route.upper()} · {s.provider} · {s.location} · "
        f"{s.sessions} session(s)" + (f" + {s.boosters} booster(s)" if s.boosters else "")
    )
    head = Text()
    head.append("Clinic bill  ", style="bold")
    head.append(money(t.gross.typical), style="bold cyan")
    head.append(f"  (range {_range(t.gross.low, t.gross.high)})\n")
    head.append("You pay      ", style="bold")
    head.append(money(t.patient_pays.typical), style="bold green")
    head.append(f"  (range {_range(t.patient_pays.low, t.patient_pays.high)})")
    if t.tax_savings.typical:
        head.append("\nNet of tax   ", style="bold")
        head.append(money(t.net_cost.typical), style="bold green")
        head.append(f"  (saves {money(t.tax_savings.typical)})")
    parts.append(Panel(head, title=title, title_align="left", expand=False))

    items = Table(title="Line items", title_justify="left", show_lines=False)
    items.add_column("Item")
    items.add_column("Codes", style="dim")
    items.add_column("Qty", justify="right")
    items.add_column("Unit (typical)", justify="right")
    items.add_column("Amount (typical)", justify="right")
    items.add_column("Range", justify="right", style="dim")
    for item in est.line_items:
        items.add_row(
            item.label,
            " ".join(item.codes),
            str(item.quantity),
            money(item.unit_price.typical),
            money(item.amount.typical),
            _range(item.amount.low, item.amount.high),
        )
    parts.append(items)

    totals = Table(title="Totals", title_justify="left")
    totals.add_column("")
    for edge in ("Low", "Typical", "High"):
        totals.add_column(edge, justify="right", style="bold" if edge == "Typical" else None)
    for name, label in TOTAL_LABELS.items():
        band = getattr(t, name)
        if name in ("program_pays", "account_paid", "tax_savings") and not any(band.edges()):
            continue
        totals.add_row(label, *(money(v) for v in band.edges()))
    parts.append(totals)
    if t.tax_savings.typical and t.patient_pays.typical:
        rate = t.tax_savings.typical / t.patient_pays.typical * 100
        parts.append(Text(f"Effective savings rate: {rate:.1f}% of what you pay (typical)."))
    if est.financing is not None:
        f = est.financing
        parts.append(
            Text(
                f"Financing: {band_text(f.monthly_payment)} a month for {f.months} months at "
                f"{f.apr}% APR; interest {band_text(f.total_interest)}."
            )
        )

    if schedule:
        visits = Table(title="Visits (typical prices)", title_justify="left")
        for name, justify in (("#", "right"), ("Date", "left"), ("Visit", "left"),
                              ("Billed", "right"), ("Plan", "right"), ("Program", "right"),
                              ("You", "right"), ("Ded. left", "right"), ("OOP left", "right")):
            visits.add_column(name, justify=justify)  # type: ignore[arg-type]
        for v in est.visits:
            visits.add_row(
                str(v.number), v.date, v.kind, money(v.billed.typical),
                money(v.plan_pays.typical), money(v.program_pays.typical),
                money(v.patient_pays.typical),
                money(v.deductible_left.typical) if v.deductible_left else "—",
                money(v.oop_left.typical) if v.oop_left else "—",
            )  # fmt: skip
        parts.append(visits)

    flow = Table(title="Month by month (typical)", title_justify="left")
    flow.add_column("Month")
    flow.add_column("You pay", justify="right")
    flow.add_column("FSA/HSA", justify="right")
    flow.add_column("Cash", justify="right")
    flow.add_column("")
    largest = max((m.patient_pays.typical for m in est.cashflow), default=ZERO)
    for m in est.cashflow:
        flow.add_row(
            m.month,
            money(m.patient_pays.typical),
            money(m.account_paid.typical),
            money(m.cash.typical),
            Text(bar(m.patient_pays.typical, largest), style="cyan"),
        )
    parts.append(flow)

    for w in est.warnings:
        parts.append(Text(f"! {w.message}", style="yellow"))
    notes = Text("Assumptions\n", style="bold")
    for a in est.assumptions:
        notes.append(f"• {a}\n", style="dim")
    parts.append(notes)
    cited = Text(f"Sources (pricing model as of {est.pricing.as_of})\n", style="bold")
    for src in est.sources:
        cited.append(f"• {src.title} ({src.date}) ", style="dim")
        cited.append(f"{src.url}\n", style="dim blue")
    parts.append(cited)
    parts.append(Text(DISCLAIMER, style="italic"))
    return parts


def print_estimate(est: Estimate, console: Console, *, schedule: bool = False) -> None:
    console.print(Group(*estimate_renderables(est, schedule=schedule)))  # type: ignore[arg-type]
