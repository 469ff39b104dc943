"""Plain renderers (no Rich): JSON, CSV and Markdown of an estimate or a comparison."""

from __future__ import annotations

import csv
import io
from typing import Any

from ..core.codec import dumps
from ..core.money import Band, format_money
from ..core.words import csv_cell
from ..engine.estimate import Estimate
from .inputs_block import (
    comparison_inputs_line,
    inputs_line,
    location_text,
    money_path_text,
    total_cost_text,
)
from .markdown import escape_markdown, escape_url

DISCLAIMER = (
    "An estimate from public price ranges, not a quote, medical advice or financial advice; "
    "ask your clinic for a Good Faith Estimate and your insurer for your benefits."
)
TOTAL_LABELS = {
    "gross": "Clinic bill (gross)",
    "plan_pays": "Insurance pays",
    "program_pays": "Savings program pays",
    "patient_pays": "You pay",
    "account_paid": "Paid from FSA/HSA",
    "tax_savings": "Tax savings",
    "net_cost": "Net cost after tax savings",
    "cash_out_of_pocket": "Cash out of pocket",
    "paid_at_visits": "Paid at the visits",
    "reimbursed": "Paid back by the plan later",
    "financing_interest": "Loan interest",
    "total_cost": "Total cost (net cost + loan interest)",
}
# The totals of the money's path a page leaves out when they say nothing new: no superbill
# paid back (paid at the visits = you pay), no loan (total cost = net cost).
PATH_TOTALS = ("paid_at_visits", "reimbursed", "financing_interest", "total_cost")


def path_total_shown(est: Estimate, name: str) -> bool:
    """Whether a page shows the money-path total ``name`` (see :data:`PATH_TOTALS`)."""
    if name in ("paid_at_visits", "reimbursed"):
        return any(est.totals.reimbursed.edges())
    if name in ("financing_interest", "total_cost"):
        return est.financing is not None
    return True


def band_text(band: Band) -> str:
    """``$3,850.00 ($2,550.00–$5,150.00)``, or one figure when the band is flat."""
    if band.low == band.typical == band.high:
        return format_money(band.typical)
    return f"{format_money(band.typical)} ({format_money(band.low)}–{format_money(band.high)})"


def to_json(document: Any) -> str:
    return dumps(document) + "\n"


class SafeCsvWriter:
    """``csv.writer`` whose text cells are passed through :func:`csv_cell`."""

    def __init__(self, out: Any) -> None:
        self._writer = csv.writer(out, lineterminator="\n")

    def writerow(self, row: list[Any]) -> None:
        self._writer.writerow([csv_cell(cell) for cell in row])


# The kind of visit each line item bills (the item ids are the model's, the kinds the course's).
_ITEM_KIND = {"evaluation": "consult", "induction": "induction", "booster": "booster",
              "integration": "integration"}  # fmt: skip
VISIT_FIGURES = ("billed", "plan_pays", "program_pays", "patient_pays", "account_paid", "cash",
                 "paid_at_visit", "reimbursement")  # fmt: skip


def to_csv(est: Estimate) -> str:
    """One row per figure (long format): each line item, each visit, each month of the cash
    flow, then the totals. ``kind`` is the kind of visit (consult, induction, booster,
    integration); ``codes`` its billing codes."""
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(
        ["section", "ref", "date", "label", "kind", "codes", "quantity", "coverage", "figure",
         "low", "typical", "high"]
    )  # fmt: skip

    def rows(prefix: list[Any], figures: dict[str, Band]) -> None:
        for name, band in figures.items():
            writer.writerow([*prefix, name, *(format(v, "f") for v in band.edges())])

    codes: dict[str, str] = {}
    for item in est.line_items:
        kind = _ITEM_KIND.get(item.id, "")
        codes.setdefault(kind, " ".join(item.codes))
        prefix = ["line_item", item.id, "", item.label, kind, " ".join(item.codes),
                  item.quantity, item.coverage]  # fmt: skip
        rows(prefix, {"unit_price": item.unit_price, "amount": item.amount})
    for visit in est.visits:
        prefix = ["visit", visit.number, visit.date, visit.label, visit.kind,
                  codes.get(visit.kind, ""), 1, visit.coverage]  # fmt: skip
        rows(prefix, {name: getattr(visit, name) for name in VISIT_FIGURES})
    for month in est.cashflow:
        prefix = ["month", month.month, "", "", "", "", "", ""]
        rows(prefix, {name: getattr(month, name) for name in month._fields[1:]})
    for name in TOTAL_LABELS:
        rows(["total", name, "", TOTAL_LABELS[name], "", "", "", ""],
             {name: getattr(est.totals, name)})  # fmt: skip
    return out.getvalue()


def option_label(row: Any, basis: str) -> str:
    """A comparison row as a person names it: ``iv · clinic``, ``iv · 10001 (NY)``."""
    place = row.location_input
    where = place if place.upper() == row.location else f"{place} ({row.location})"
    if basis.startswith("locations"):
        return f"{row.route} · {where}"
    return f"{row.route} · {row.provider}" + ("" if row.location == "US" else f" · {where}")


COMPARE_FIGURES = ("gross", "plan_pays", "program_pays", "patient_pays", "account_paid",
                   "tax_savings", "net_cost", "cash_out_of_pocket", "paid_at_visits",
                   "reimbursed", "financing_interest", "total_cost")  # fmt: skip


def comparison_csv(result: Any) -> str:
    """One row per option, sorted as the table: the option, then every total at each edge."""
    out = io.StringIO()
    writer = SafeCsvWriter(out)  # a typed location is echoed: never a formula
    edges = ("low", "typical", "high")
    figures = [f"{name}_{edge}" for name in COMPARE_FIGURES for edge in edges]
    writer.writerow(["route", "provider", "location", "location_input", "sessions", "visits",
                     *figures])  # fmt: skip
    for row in result.rows:
        figures = [format(getattr(getattr(row.totals, name), edge), "f")
                   for name in COMPARE_FIGURES for edge in edges]  # fmt: skip
        writer.writerow([row.route, row.provider, row.location, row.location_input,
                         row.sessions, row.visits, *figures])  # fmt: skip
    return out.getvalue()


def comparison_markdown(result: Any) -> str:
    """The comparison as a Markdown table, sorted by typical net cost, with its warnings."""
    lines = [f"# Compared by {result.basis}", "", "Sorted by typical net cost.", ""]
    shared = comparison_inputs_line(result)
    lines += [] if shared is None else [escape_markdown(shared) + ".", ""]
    lines += _md_table(
        ["Option", "Sessions", "Clinic bill", "Insurance pays", "Savings program pays",
         "You pay", "Net cost (low–high)"],
        [[option_label(r, result.basis), str(r.sessions), format_money(r.totals.gross.typical),
          format_money(r.totals.plan_pays.typical), format_money(r.totals.program_pays.typical),
          format_money(r.totals.patient_pays.typical), band_text(r.totals.net_cost)]
         for r in result.rows],
        "lrrrrrr",
    )  # fmt: skip
    notes = ["- " + escape_markdown(w.message) for w in result.warnings]
    notes += ["- " + escape_markdown(f"{option_label(r, result.basis)}: {w.message}")
              for r in result.rows for w in r.warnings]  # fmt: skip
    if notes:
        lines += ["## Warnings", "", *notes, ""]
    lines += [f"_{DISCLAIMER}_", ""]
    return "\n".join(lines)


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _md_table(header: list[str], rows: list[list[str]], align: str) -> list[str]:
    """A Markdown table of our ``header`` over ``rows`` of text from the estimate (labels from
    the pricing model, a location as typed), each cell escaped."""
    marks = ["---:" if a == "r" else "---" for a in align]
    body = [_md_row([escape_markdown(cell) for cell in row]) for row in rows]
    return [_md_row(header), _md_row(marks), *body, ""]


def headline(est: Estimate) -> str:
    s = est.scenario
    total = est.totals
    text = (
        f"{s.route.upper()} course, {s.provider}, {location_text(s)}: clinic bill "
        f"{band_text(total.gross)}; you pay {band_text(total.patient_pays)}"
    )
    for more in (money_path_text(est), total_cost_text(est)):
        text += "" if more is None else f"; {more[:1].lower()}{more[1:]}"
    return text


def to_markdown(est: Estimate) -> str:
    """A report a patient can bring to a clinic or an insurer."""
    s = est.scenario
    lines = [
        "# Ketamine therapy cost estimate",
        "",
        f"**{headline(est)}.**",
        "",
        f"Pricing model as of {est.pricing.as_of} ({escape_markdown(est.pricing.source)}); "
        f"ketacost {est.ketacost_version}. First visit {s.start.isoformat()}.",
        "",
        escape_markdown(inputs_line(s)) + ".",
        "",
        "## Line items",
        "",
    ]
    lines += _md_table(
        ["Item", "Codes", "Qty", "Unit price (typical, low–high)", "Amount", "Coverage"],
        [
            [i.label, ", ".join(i.codes), str(i.quantity), band_text(i.unit_price),
             band_text(i.amount), i.coverage]
            for i in est.line_items
        ],
        "llrrrl",
    )  # fmt: skip
    lines += ["## Totals", ""]
    lines += _md_table(
        ["", "Low", "Typical", "High"],
        [[label, *(format_money(v) for v in getattr(est.totals, name).edges())]
         for name, label in TOTAL_LABELS.items() if path_total_shown(est, name)],
        "lrrr",
    )  # fmt: skip
    if est.financing is not None:
        f = est.financing
        lines += [
            f"Financed over {f.months} months at {f.apr}% APR: "
            f"{band_text(f.monthly_payment)} a month (last payment "
            f"{band_text(f.final_payment)}), {band_text(f.total_interest)} interest, "
            f"{band_text(f.total_paid)} paid in all; total cost "
            f"{band_text(est.totals.total_cost)}.",
            "",
        ]
    lines += ["## Visits", ""]
    lines += _md_table(
        ["#", "Date", "Visit", "Billed", "Insurance", "Program", "You pay", "Paid at visit",
         "Paid back on"],
        [[str(v.number), v.date, v.label,
          *(format_money(b.typical) for b in (v.billed, v.plan_pays, v.program_pays,
                                                v.patient_pays, v.paid_at_visit)),
          (v.reimbursed_on if v.reimbursement.typical else None) or "—"] for v in est.visits],
        "rllrrrrrl",
    )  # fmt: skip
    lines += ["## Month by month (typical)", ""]
    lines += _md_table(
        ["Month", "Billed", "You pay", "From FSA/HSA", "Cash", "Loan payment", "Paid at visits",
         "Paid back", "Borrowed", "From your pocket"],
        [[m.month, *(format_money(b.typical) for b in (
            m.billed, m.patient_pays, m.account_paid, m.cash, m.loan_payment, m.paid_at_visits,
            m.reimbursed, m.borrowed, m.from_pocket))]
         for m in est.cashflow],
        "lrrrrrrrrr",
    )  # fmt: skip
    if est.warnings:
        lines += ["## Warnings", "", *(f"- {escape_markdown(w.message)}" for w in est.warnings),
                  ""]  # fmt: skip
    lines += ["## Assumptions", "", *(f"- {escape_markdown(a)}" for a in est.assumptions), ""]
    lines += ["## Sources", ""]
    lines += [f"- {escape_markdown(src.title)}, <{escape_url(src.url)}> ({src.date})"
              for src in est.sources]  # fmt: skip
    lines += ["", f"_{DISCLAIMER}_", ""]
    return "\n".join(lines)
