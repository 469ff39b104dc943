"""HTML reports (``--format html``) of an estimate, a comparison and a sensitivity analysis.

Each is one self-contained page on the shared HTML layer (:mod:`ketacost.render.html`,
extending ``base.html``): inline CSS, inline SVG charts from :mod:`.svg`, nothing fetched from the
network. This module picks the figures for each chart and table; the templates lay them out.
Imported only when HTML is asked for (it brings in Jinja2).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from .._version import __version__
from ..core.money import ZERO, Band
from ..core.words import plural
from ..documents.compare import Comparison
from ..documents.sensitivity import Sensitivity, span_text, value_text
from ..engine.estimate import Estimate
from ..engine.notes import Caution
from ..rules.model import PricingModel
from . import svg
from .html import markup, render
from .inputs_block import (
    comparison_inputs_line,
    given_inputs,
    inputs_line,
    money_path_text,
    total_cost_text,
)
from .plain import DISCLAIMER, TOTAL_LABELS, path_total_shown

KIND_LABELS = {"consult": "evaluation", "induction": "session", "booster": "booster",
               "integration": "integration"}  # fmt: skip
OPTIONAL_TOTALS = ("program_pays", "account_paid", "tax_savings")


def _course(est: Estimate, route_label: str) -> str:
    s = est.scenario
    text = f"{route_label} · {s.provider} · {s.location} · {plural(s.sessions, 'session')}"
    return text + (f" + {plural(s.boosters, 'booster')}" if s.boosters else "")


def _totals_rows(est: Estimate) -> list[dict[str, Any]]:
    rows = []
    for name, label in TOTAL_LABELS.items():
        band: Band = getattr(est.totals, name)
        if name in OPTIONAL_TOTALS and not any(band.edges()):
            continue
        if not path_total_shown(est, name):
            continue
        rows.append({"name": name, "label": label, "band": band,
                     "strong": name in ("patient_pays", "net_cost", "total_cost")})  # fmt: skip
    return rows


def _split_chart(est: Estimate) -> str:
    t = est.totals
    parts = [
        svg.Part("plan", "Insurance pays", t.plan_pays.typical),
        svg.Part("program", "Savings program pays", t.program_pays.typical),
        svg.Part("you", "You pay", t.patient_pays.typical),
    ]
    return svg.split_bar(
        [p for p in parts if p.amount > 0 or p.cls == "you"],
        f"Who pays the clinic bill of {svg.dollars(t.gross.typical)} (typical prices)",
    )


def _visit_chart(est: Estimate) -> str:
    years = {v.date[:4] for v in est.visits}
    day = "%b %-d" if len(years) == 1 else "%b %-d ’%y"  # a course across years names them
    stacks = [
        svg.Stack(
            f"#{v.number}",
            dt.date.fromisoformat(v.date).strftime(day),
            (
                svg.Part("you", "you pay", v.patient_pays.typical),
                svg.Part("program", "savings program", v.program_pays.typical),
                svg.Part("plan", "insurance", v.plan_pays.typical),
            ),
        )
        for v in est.visits
    ]
    return svg.stacked_bars(stacks, "Each visit's bill: what you, the program and the plan pay")


def loan_payment(month: Any) -> Band | None:
    """A cash-flow month's loan payment band (zero, or absent, without financing)."""
    value = getattr(month, "loan_payment", None)
    return value if isinstance(value, Band) and any(value.edges()) else None


def _month_end(month: str) -> dt.date:
    year, number = int(month[:4]), int(month[5:7])
    following = dt.date(year + (number == 12), number % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _running(steps: list[tuple[dt.date, Decimal]]) -> tuple[tuple[dt.date, Decimal], ...]:
    """Running totals of dated amounts, one point per day with a payment."""
    total, points = ZERO, {}
    for day, amount in steps:
        if amount:
            total += amount
            points[day] = total
    return tuple(points.items())


def cashflow_series(est: Estimate) -> list[svg.Series]:
    """The lines of the cash-flow chart: what you pay, from the accounts, in cash or to a lender."""
    visits = [(dt.date.fromisoformat(v.date), v) for v in est.visits]

    def line(cls: str, label: str, figure: str) -> svg.Series:
        steps = [(day, getattr(visit, figure).typical) for day, visit in visits]
        return svg.Series(cls, label, _running(steps))

    series = [line("you", "You pay", "patient_pays")]
    if est.totals.account_paid.typical:
        series.append(line("account", "From FSA/HSA", "account_paid"))
    loans = [(_month_end(m.month), loan_payment(m)) for m in est.cashflow]
    if est.financing is not None and any(band for _, band in loans):
        payments = [(day, band.typical) for day, band in loans if band is not None]
        series.append(svg.Series("loan", "Loan payments", _running(payments)))
    elif est.totals.account_paid.typical:
        series.append(line("cash", "Cash", "cash"))
    if est.totals.reimbursed.typical:  # the line dips when the plan's payment comes back
        series = [s for s in series if s.cls != "cash"]
        series.append(svg.Series("cash", "From your pocket", _running(_pocket_steps(est))))
    return series


def _pocket_steps(est: Estimate) -> list[tuple[dt.date, Decimal]]:
    """What leaves your pocket, dated: each visit's payment less the accounts' share (and the
    loan's), each reimbursement back on its day, each loan payment at its month's end."""
    financed = est.financing is not None
    steps = []
    for v in est.visits:
        out = v.paid_at_visit.typical - v.account_paid.typical
        steps.append((dt.date.fromisoformat(v.date), out - (v.cash.typical if financed else 0)))
        if v.reimbursed_on is not None:
            steps.append((dt.date.fromisoformat(v.reimbursed_on), -v.reimbursement.typical))
    for m in est.cashflow:
        steps.append((_month_end(m.month), m.loan_payment.typical))
    return sorted(steps, key=lambda step: step[0])


def _cashflow_chart(est: Estimate) -> str:
    return svg.cumulative_lines(cashflow_series(est), "Running totals: when the money leaves")


def _months(est: Estimate) -> tuple[list[dict[str, Any]], bool]:
    has_loan = est.financing is not None and any(loan_payment(m) for m in est.cashflow)
    rows = [
        {"month": dt.date.fromisoformat(m.month + "-01").strftime("%b %Y"), "m": m,
         "loan": loan_payment(m)}
        for m in est.cashflow
    ]  # fmt: skip
    return rows, has_loan


def _notes(warnings: Any, assumptions: Any, sources: Any) -> dict[str, Any]:
    return {"warnings": list(warnings), "assumptions": list(assumptions),
            "sources": list(sources)}  # fmt: skip


def estimate_html(est: Estimate, pricing: PricingModel) -> str:
    """The estimate as one HTML page: headline, who pays, totals with bands, charts, notes."""
    t = est.totals
    route_label = pricing.routes[est.scenario.route].label  # type: ignore[index]
    months, has_loan = _months(est)
    return render(
        "report_estimate.html",
        version=__version__,
        est=est,
        s=est.scenario,
        t=t,
        course=_course(est, route_label),
        totals=_totals_rows(est),
        split_chart=markup(_split_chart(est)),
        visit_chart=markup(_visit_chart(est)),
        cashflow_chart=markup(_cashflow_chart(est)),
        series=cashflow_series(est),
        months=months,
        has_loan=has_loan,
        path=has_loan or any(t.reimbursed.edges()),
        inputs=given_inputs(est.scenario),
        path_lines=[x for x in (money_path_text(est), total_cost_text(est)) if x is not None],
        kinds=KIND_LABELS,
        disclaimer=DISCLAIMER,
        **_notes(est.warnings, est.assumptions, est.sources),
    )


def sensitivity_html(result: Sensitivity, base: Estimate | None = None) -> str:
    """The sensitivity analysis as one HTML page: the tornado chart and its table, then the
    baseline estimate's warnings, assumptions and sources (``base``), as the estimate page has."""
    rows = [
        svg.Swing(r.label, value_text(r.low, r.unit), value_text(r.high, r.unit),
                  r.net_cost_low, r.net_cost_high)
        for r in result.rows
    ]  # fmt: skip
    chart = svg.tornado(rows, result.baseline,
                        "Typical net cost with each input at its low and high value")  # fmt: skip
    top = result.rows[0] if result.rows and result.rows[0].swing > 0 else None
    return render(
        "report_sensitivity.html",
        version=__version__,
        result=result,
        s=result.scenario,
        top=top,
        span=span_text,
        value=value_text,
        chart=markup(chart),
        base=base,
        shared=inputs_line(result.scenario),
        disclaimer=DISCLAIMER,
    )


def _option(row: Any, basis: str) -> str:
    """An option's name: ``spravato · clinic``, ``iv · CA``."""
    if basis.startswith("locations"):
        return f"{row.route} · {row.location}"
    return f"{row.route} · {row.provider}" + ("" if row.location == "US" else f" · {row.location}")


def comparison_html(result: Comparison, pricing: PricingModel) -> str:
    """A comparison as one HTML page: the table, break-even lines and the band chart."""
    from ..documents.compare import describe

    whiskers = [
        svg.Whisker(_option(r, result.basis), r.totals.net_cost.low, r.totals.net_cost.typical,
                    r.totals.net_cost.high)
        for r in result.rows
    ]  # fmt: skip
    warnings: dict[str, Caution] = {w.message: w for w in result.warnings}
    for row in result.rows:
        for w in row.warnings:
            warnings.setdefault(w.message, Caution(w.code, f"{_option(row, result.basis)}: "
                                                           f"{w.message}"))  # fmt: skip
    routes = [pricing.routes[r.route] for r in result.rows]  # type: ignore[index]
    cited = [ref for route in routes for ref in route.session.price.reference]
    sources = [pricing.sources[ref] for ref in dict.fromkeys(cited)]
    return render(
        "report_compare.html",
        version=__version__,
        result=result,
        as_of=pricing.as_of,
        option=lambda row: _option(row, result.basis),
        break_even=[describe(e) for e in result.break_even],
        shared=comparison_inputs_line(result),
        chart=markup(svg.band_whiskers(whiskers, "Typical net cost of each option, low to high")),
        disclaimer=DISCLAIMER,
        **_notes(warnings.values(), [], sources),
    )
