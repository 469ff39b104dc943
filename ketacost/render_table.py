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
# Warnings shown in the headline box as well: the figure above them rests on them.
HEADLINE_WARNINGS = ("oon_terms_missing", "plan_terms_missing")


def bar(value: Decimal, largest: Decimal, width: int = BAR_WIDTH) -> str:
    """A bar of up to ``width`` blocks, in proportion to ``largest``."""
    if largest <= 0 or value <= 0:
        return ""
    return "█" * max(1, int(width * value / largest))


def _range(low: Decimal, high: Decimal) -> str:
    """A low–high range in whole dollars (the band is an estimate; cents would be noise)."""
    if low == high:
        return money(low)
    return f"${low:,.0f}–${high:,.0f}"


def estimate_renderables(est: Estimate, *, schedule: bool = False) -> list[object]:
    s = est.scenario
    t = est.totals
    parts: list[object] = []
    title = f"{s.route.upper()} · {s.provider} · {s.location} · {s.sessions} session(s)" + (
        f" + {s.boosters} booster(s)" if s.boosters else ""
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
        if t.tax_savings.typical > 0:
            head.append(f"  (saves {money(t.tax_savings.typical)})")
        else:
            head.append(f"  (the accounts add {money(-t.tax_savings.typical)} of tax)")
    for w in est.warnings:  # what the "You pay" figure leaves out belongs next to it
        if w.code in HEADLINE_WARNINGS:
            head.append(f"\n{w.message}", style="yellow")
    parts.append(Panel(head, title=title, title_align="left", expand=False))

    items = Table(title="Line items", title_justify="left", show_lines=False)
    items.add_column("Item (billing codes)", ratio=1)
    items.add_column("Qty", justify="right")
    items.add_column("Unit", justify="right", no_wrap=True)
    items.add_column("Amount", justify="right", no_wrap=True)
    items.add_column("Low–high", justify="right", style="dim", no_wrap=True)
    for item in est.line_items:
        label = Text(item.label)
        label.append(f" ({', '.join(item.codes)})", style="dim")
        items.add_row(
            label,
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
    for name, title in TOTAL_LABELS.items():
        band = getattr(t, name)
        if name in ("program_pays", "account_paid", "tax_savings") and not any(band.edges()):
            continue
        totals.add_row(title, *(money(v) for v in band.edges()))
    if est.financing is not None:
        totals.add_row("Loan payments (with interest)",
                       *(money(v) for v in est.financing.total_paid.edges()))  # fmt: skip
    parts.append(totals)
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
        visits = Table(title="Visits (typical prices)", title_justify="left")
        for name, justify in (
            ("#", "right"),
            ("Date", "left"),
            ("Visit", "left"),
            ("Billed", "right"),
            ("Plan", "right"),
            ("Program", "right"),
            ("You", "right"),
            ("Ded. left", "right"),
            ("OOP left", "right"),
        ):
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
    financed = est.financing is not None
    if financed:
        flow.add_column("Loan", justify="right")
    flow.add_column("")
    largest = max((m.patient_pays.typical for m in est.cashflow), default=ZERO)
    for m in est.cashflow:
        loan = [money(m.loan_payment.typical)] if financed else []
        flow.add_row(
            m.month,
            money(m.patient_pays.typical),
            money(m.account_paid.typical),
            money(m.cash.typical),
            *loan,
            Text(bar(m.patient_pays.typical, largest), style="cyan"),
        )
    parts.append(flow)

    for w in est.warnings:
        if w.code not in HEADLINE_WARNINGS:
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


def _option(row: object, basis: str) -> str:
    route, provider, location = row.route, row.provider, row.location  # type: ignore[attr-defined]
    if basis.startswith("locations"):
        return f"{route} · {location}"
    return f"{route} · {provider}" + ("" if location == "US" else f" · {location}")


def comparison_renderables(result: object) -> list[object]:
    from .compare import Comparison

    assert isinstance(result, Comparison)
    table = Table(title=f"Compared by {result.basis} (sorted by typical net cost)",
                  title_justify="left")  # fmt: skip
    table.add_column("Option", ratio=1)
    table.add_column("Sessions", justify="right")
    table.add_column("Net cost", justify="right", style="bold", no_wrap=True)
    table.add_column("Low–high", justify="right", style="dim", no_wrap=True)
    table.add_column("Insurance", justify="right", no_wrap=True)
    table.add_column("You pay", justify="right", no_wrap=True)
    for row in result.rows:
        t = row.totals
        table.add_row(
            _option(row, result.basis),
            str(row.sessions),
            money(t.net_cost.typical),
            _range(t.net_cost.low, t.net_cost.high),
            money(t.plan_pays.typical + t.program_pays.typical),
            money(t.patient_pays.typical),
        )
    chart = Table(title="Net cost bands (─ low to high, ● typical)", title_justify="left",
                  show_header=False, box=None)  # fmt: skip
    chart.add_column("Option")
    chart.add_column("Band")
    largest = max((r.totals.net_cost.high for r in result.rows), default=ZERO)
    for row in result.rows:
        n = row.totals.net_cost
        chart.add_row(_option(row, result.basis), band_bar(n.low, n.typical, n.high, largest))
    notes = []
    for row in result.rows:
        for w in row.warnings:
            if w.code in ("off_label", "prior_authorization", "program_ineligible"):
                notes.append(Text(f"! {row.route}: {w.message}", style="yellow"))
                break
    from .compare import describe

    crossings = [Text(f"Break-even: {describe(e)}", style="bold") for e in result.break_even]
    return [table, *crossings, chart, *notes, Text(DISCLAIMER, style="italic")]


def pricing_renderables(pricing: object, source: str) -> list[object]:
    from .model import PricingModel

    assert isinstance(pricing, PricingModel)
    parts: list[object] = [Text(f"Pricing model: {source}, as of {pricing.as_of}", style="bold")]
    routes = Table(title="Routes (national self-pay price per session)", title_justify="left")
    for name in ("Route", "Low", "Typical", "High", "Induction", "Boosters every"):
        routes.add_column(name, justify="left" if name == "Route" else "right")
    for route_key, route in pricing.routes.items():
        band = route.session.price
        p = route.protocol
        routes.add_row(f"{route_key}: {route.label}", money(band.low), money(band.typical),
                       money(band.high), f"{p.induction_sessions} ({p.sessions_per_week}/week)",
                       f"{p.booster_every_weeks} week(s)")  # fmt: skip
    parts.append(routes)
    items = Table(title="Other line items", title_justify="left")
    for name in ("Item", "Codes", "Low", "Typical", "High", "Coverage"):
        items.add_column(name)
    for item in pricing.line_items.values():
        band = item.price
        items.add_row(item.label, " ".join(item.codes), money(band.low), money(band.typical),
                      money(band.high), item.coverage)  # fmt: skip
    parts.append(items)
    providers = Table(title="Providers", title_justify="left")
    for name in ("Provider", "Factor", "Routes", "Location pricing"):
        providers.add_column(name)
    for key, provider in pricing.providers.items():
        providers.add_row(
            f"{key}: {provider.label}",
            str(provider.factor.value),
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
            f"as little as {money(program.per_treatment.value)} per treatment of drug "
            f"cost-sharing; the program pays up to {money(program.annual_max.value)} per "
            f"calendar year; drug share of a session {program.drug_share.value}."
        ))  # fmt: skip
    return parts


def sources_renderable(pricing: object) -> Table:
    from .model import PricingModel

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
