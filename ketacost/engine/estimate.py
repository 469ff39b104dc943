"""The estimate: prices → course → insurance → accounts → the document of DESIGN.md.

``estimate(scenario, pricing)`` is pure (no files, no clock, no environment) and picklable, so
batch jobs can run it anywhere. Every price-dependent figure is a :class:`Band`: the whole
adjudication runs once per band edge. Money is rounded to the cent once, at the unit price of a
line (and at each claim's coinsurance); every total is a sum of rounded parts.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from .._version import __version__
from ..core.memo import Memo
from ..core.money import EDGES, ZERO, ZERO_BAND, Band
from ..inputs.scenario import ResolvedScenario
from ..rules.model import PricingModel
from .accounts import AccountPayment, apply_accounts, hsa_limit
from .course import Visit, build_course
from .financing import Loan, amortize
from .insurance import (
    Claim,
    ClaimResult,
    Network,
    Plan,
    adjudicate,
    network_for,
    plan_for,
    program_for,
)
from .notes import Caution, assumptions, warnings
from .path_notes import money_path_notes
from .prices import PriceList, price_list
from .tax_saving import TaxYearLine, price_tax

if TYPE_CHECKING:  # a clinic profile is imported on use
    from ..inputs.clinic import ClinicProfile
    from ..rules import Rules

SCHEMA_VERSION = 1


class PricingInfo(NamedTuple):
    source: str
    as_of: str


class LineItem(NamedTuple):
    id: str
    label: str
    codes: tuple[str, ...]
    quantity: int
    unit_price: Band
    amount: Band
    coverage: Network
    default_coverage: str
    sources: tuple[str, ...]


class VisitLine(NamedTuple):
    number: int
    date: str
    kind: str
    label: str
    coverage: Network
    billed: Band
    plan_pays: Band
    program_pays: Band
    patient_pays: Band
    account_paid: Band
    cash: Band
    deductible_left: Band | None
    oop_left: Band | None
    # the money's path (issue 23): a superbill visit is paid whole at the visit, and the plan's
    # payment comes back --reimbursement-days later; other visits: your share, nothing back
    paid_at_visit: Band = ZERO_BAND
    reimbursement: Band = ZERO_BAND
    reimbursed_on: str | None = None


class Totals(NamedTuple):
    gross: Band
    plan_pays: Band
    program_pays: Band
    patient_pays: Band
    account_paid: Band
    tax_savings: Band
    net_cost: Band
    cash_out_of_pocket: Band
    paid_at_visits: Band = ZERO_BAND  # patient_pays + what the plan pays you back later
    reimbursed: Band = ZERO_BAND  # the plan's payments to you for superbill visits
    financing_interest: Band = ZERO_BAND
    total_cost: Band = ZERO_BAND  # net_cost + financing_interest


class Month(NamedTuple):
    month: str
    billed: Band
    plan_pays: Band
    program_pays: Band
    patient_pays: Band
    account_paid: Band
    cash: Band
    loan_payment: Band  # what falls due on the loan this month (zero without financing)
    paid_at_visits: Band = ZERO_BAND  # handed over at this month's visits
    reimbursed: Band = ZERO_BAND  # the plan's payments for superbill visits arriving this month
    borrowed: Band = ZERO_BAND  # loan money that paid this month's visits
    # paid_at_visits − account_paid − reimbursed − borrowed + loan_payment
    from_pocket: Band = ZERO_BAND


class Repayment(NamedTuple):
    """The cash out of pocket financed at the first visit; payments from the next month on."""

    months: int
    apr: Decimal
    monthly_payment: Band
    total_interest: Band
    final_payment: Band  # the last payment, so the payments add up to principal + interest
    total_paid: Band  # principal + interest: the sum of every payment


class SourceRef(NamedTuple):
    id: str
    title: str
    url: str
    date: str


class Estimate(NamedTuple):
    """The estimate document (``ketacost estimate --json``)."""

    schema_version: int
    ketacost_version: str
    pricing: PricingInfo
    scenario: ResolvedScenario
    line_items: tuple[LineItem, ...]
    visits: tuple[VisitLine, ...]
    totals: Totals
    cashflow: tuple[Month, ...]
    financing: Repayment | None
    tax: dict[str, TaxYearLine]  # by tax year ("2026"): what the account dollars saved
    assumptions: tuple[str, ...]
    warnings: tuple[Caution, ...]
    sources: tuple[SourceRef, ...] = ()


# --- the estimate ----------------------------------------------------------------------------


def estimate(
    scenario: ResolvedScenario,
    rules: Rules,
    *,
    clinic: ClinicProfile | None = None,
    pricing_source: str | None = None,
) -> Estimate:
    """Estimate the whole course of ``scenario`` under ``rules``.

    With a ``clinic`` profile its exact self-pay prices (and extra items) replace the modelled
    bands; ``--session-price`` still wins over the clinic's session price. ``pricing_source``
    names where the prices came from in the document (default: the rules' source).
    """
    pricing = rules.pricing
    visits = build_course(
        pricing.routes[scenario.route],  # type: ignore[index]
        start=scenario.start,
        consult=scenario.consult,
        sessions=scenario.sessions,
        boosters=scenario.boosters,
        booster_every=scenario.booster_every,
        integration=scenario.integration,
    )
    prices = price_list(scenario, pricing, visits, clinic)
    claims = claim_course(scenario, pricing, visits, prices)
    dates = [visit.date for visit in visits]
    payments = _draw_accounts(scenario, pricing, claims.results, dates)
    taxed = price_tax(scenario, rules.tax_law, dates, payments, _hsa_limit(scenario, pricing))
    visit_lines = _visit_lines(visits, prices, claims, payments, scenario.reimbursement_days)
    line_items = _line_items(visits, prices, claims.networks, scenario, clinic is not None)
    monthly = _monthly(visit_lines)
    totals = _totals(monthly, taxed.savings)
    financing, loans = _financing(scenario, totals)
    cashflow = _money_path(_cashflow(monthly, loans), visit_lines, loans is not None)
    totals = _path_totals(totals, cashflow, financing)
    notes = assumptions(
        scenario, pricing, prices.provider_factor, prices.location_factor, claims.networks,
        taxed.notes, claims.plan_notes, claims.program_on, visits=visits,
        prices=None if clinic is None else _prices_note(clinic), tax_law=rules.tax_law,
    )  # fmt: skip
    model_notes = len(pricing.assumptions) if clinic is None else 0  # the model's notes last
    notes[len(notes) - model_notes : len(notes) - model_notes] = money_path_notes(
        scenario, pricing, claims.networks, claims.program_on,
        any(line.reimbursed_on is not None for line in visit_lines),
    )  # fmt: skip
    cautions = warnings(scenario, pricing, visits, claims.networks, claims.results, payments,
                        claims.plan, scaled=clinic is None)  # fmt: skip
    cautions += [Caution(code, message) for code, message in taxed.cautions]
    cited = [ref for item in line_items for ref in item.sources]
    if scenario.state is not None and clinic is None:  # a clinic's prices are not scaled
        cited += list(pricing.locations.reference)
    law = pricing.accumulator_law(scenario.state)
    if (
        law is not None
        and claims.program_on
        and any(n != "self-pay" for n in claims.networks.values())
    ):
        cited += list(law.reference)  # the state's accumulator law, named in the notes
    return Estimate(
        schema_version=SCHEMA_VERSION,
        ketacost_version=__version__,
        pricing=PricingInfo(pricing_source or rules.source, pricing.as_of),
        scenario=scenario,
        line_items=line_items,
        visits=tuple(visit_lines),
        totals=totals,
        cashflow=cashflow,
        financing=financing,
        tax=taxed.years,
        assumptions=tuple(notes),
        warnings=tuple(cautions),
        sources=_source_refs(pricing, tuple(dict.fromkeys(cited))),
    )


# --- the steps -------------------------------------------------------------------------------


class Claims(NamedTuple):
    """How the course's visits are claimed, and what each band edge's adjudication gave."""

    networks: dict[str, Network]  # by visit kind
    plan: Plan
    plan_notes: list[str]
    program_on: bool
    results: dict[str, list[ClaimResult]]  # by band edge: one result per visit


def claim_course(
    scenario: ResolvedScenario, pricing: PricingModel, visits: tuple[Visit, ...], prices: PriceList
) -> Claims:
    """Adjudicate every visit in date order, once per band edge (self-pay visits as billed)."""
    plan, plan_notes = plan_for(scenario, pricing.plan_limits, [v.date for v in visits])
    program_terms = program_for(scenario, pricing.savings_programs)
    program_on = program_terms is not None
    networks = {kind: network_for(spec.coverage, scenario)
                for kind, (spec, _, _) in prices.items.items()}  # fmt: skip
    programmed = {  # the visits whose drug cost-sharing the savings program may pay
        kind for kind in ("induction", "booster") if program_on and networks[kind] != "self-pay"
    }
    if all(network == "self-pay" for network in networks.values()):
        results = _self_pay(visits, prices.billed)  # no plan: every visit is paid as billed
    else:
        claimed = [  # (date, bill band, network, program) of each visit; then one edge at a time
            (visit.date, prices.billed[visit.kind], networks[visit.kind], visit.kind in programmed)
            for visit in visits
        ]
        results = {
            edge: adjudicate(
                [Claim(day, band[i], network, program) for day, band, network, program in claimed],
                plan,
                program_terms,
            )
            for i, edge in enumerate(EDGES)
        }
    return Claims(networks, plan, plan_notes, program_on, results)


def _draw_accounts(
    scenario: ResolvedScenario,
    pricing: PricingModel,
    results: dict[str, list[ClaimResult]],
    dates: list[dt.date],
) -> dict[str, list[AccountPayment]]:
    """Each band edge's shares paid from the FSA, then the HSA contributions, then the HSA
    balance, in date order."""

    def carryover(year: int) -> Decimal:
        return pricing.plan_limits.figure("fsa_carryover", year)[0]

    return {
        edge: apply_accounts(
            [r.patient_pays for r in results[edge]], dates, scenario.fsa or ZERO,
            scenario.hsa or ZERO, carryover, scenario.hsa_balance or ZERO,
        )
        for edge in EDGES
    }  # fmt: skip


def _hsa_limit(scenario: ResolvedScenario, pricing: PricingModel) -> Any:
    """The HSA limit of each tax year for the scenario's coverage tier and age."""

    def limit(year: int) -> Decimal:
        return hsa_limit(
            pricing.plan_limits, year, scenario.hsa_coverage, scenario.hsa_catch_up
        ).amount

    return limit


def _visit_lines(
    visits: tuple[Visit, ...],
    prices: PriceList,
    claims: Claims,
    payments: dict[str, list[AccountPayment]],
    reimbursement_days: int = 45,
) -> list[VisitLine]:
    """One line per visit: its bill and who pays it, each a band. A superbill (out-of-network)
    visit is paid whole at the visit; the plan's payment reaches the patient
    ``reimbursement_days`` later."""
    lines = []
    rows = zip(
        visits, claims.results["low"], claims.results["typical"], claims.results["high"],
        payments["low"], payments["typical"], payments["high"], strict=True,
    )  # fmt: skip
    for visit, lo, ty, hi, pay_lo, pay_ty, pay_hi in rows:
        spec, price = prices.items[visit.kind][0], prices.billed[visit.kind]
        network = claims.networks[visit.kind]
        if network == "self-pay":  # the common case, without new bands
            plan_band = program_band = ZERO_BAND
            patient = price
            deductible_left = oop_left = None
        else:
            plan_band = Band(lo.plan_pays, ty.plan_pays, hi.plan_pays)
            program_band = Band(lo.program_pays, ty.program_pays, hi.program_pays)
            patient = Band(lo.patient_pays, ty.patient_pays, hi.patient_pays)
            deductible_left = (
                None
                if ty.deductible_left is None  # an out-of-network claim not counted
                else Band(lo.deductible_left, ty.deductible_left, hi.deductible_left)
            )
            oop_left = None if ty.oop_left is None else Band(lo.oop_left, ty.oop_left, hi.oop_left)
        if pay_lo.total or pay_ty.total or pay_hi.total:
            paid = Band(pay_lo.total, pay_ty.total, pay_hi.total)
            cash = patient - paid
        else:
            paid, cash = ZERO_BAND, patient
        back, on = ZERO_BAND, None
        if network == "out-of-network" and any(plan_band.edges()):
            back = plan_band
            on = (visit.date + dt.timedelta(days=reimbursement_days)).isoformat()
        lines.append(
            VisitLine(visit.number, visit.date.isoformat(), visit.kind, spec.label, network, price,
                      plan_band, program_band, patient, paid, cash, deductible_left, oop_left,
                      patient + back, back, on)
        )  # fmt: skip
    return lines


def _prices_note(clinic: ClinicProfile) -> str:
    from ..inputs.clinic import prices_note

    return prices_note(clinic)


_SOURCE_REFS: Memo[tuple[SourceRef, ...]] = Memo(256)


def _source_refs(pricing: PricingModel, cited: tuple[str, ...]) -> tuple[SourceRef, ...]:
    """The cited sources, made once per pricing model and list (batch estimates repeat them)."""
    return _SOURCE_REFS.recall((cited,), (pricing,), _make_source_refs, pricing, cited)


def _make_source_refs(pricing: PricingModel, cited: tuple[str, ...]) -> tuple[SourceRef, ...]:
    sources = pricing.sources
    return tuple(
        SourceRef(ref, sources[ref].title, sources[ref].url, sources[ref].date) for ref in cited
    )


def _line_items(
    visits: tuple[Visit, ...],
    prices: PriceList,
    networks: dict[str, Network],
    scenario: ResolvedScenario,
    clinic_priced: bool,
) -> tuple[LineItem, ...]:
    items, extras = prices.items, prices.extras
    counts = {kind: 0 for kind in items}
    for visit in visits:
        counts[visit.kind] += 1
    lines = []
    extra_lines: dict[str, LineItem] = {}
    for kind, (spec, price, item_id) in items.items():
        if not counts[kind]:
            continue
        quoted = kind in ("induction", "booster") and scenario.session_price is not None
        label = spec.label + (" (maintenance)" if kind == "booster" else "")
        lines.append(
            LineItem(
                id=item_id,
                label=label + (" — your quote" if quoted else ""),
                codes=spec.codes,
                quantity=counts[kind],
                unit_price=price,
                amount=price.times(counts[kind]),
                coverage=networks[kind],
                default_coverage=spec.coverage,
                sources=() if quoted or clinic_priced else spec.price.reference + spec.reference,
            )
        )
        for extra_id, extra_label, codes, extra_price in extras.get(kind, []):
            # an extra billed with several kinds of visit (per: visit) is one line
            before = extra_lines.get(extra_id)
            quantity = counts[kind] + (before.quantity if before else 0)
            extra_lines[extra_id] = LineItem(
                id=extra_id, label=extra_label, codes=codes, quantity=quantity,
                unit_price=extra_price, amount=extra_price.times(quantity),
                coverage=networks[kind], default_coverage=spec.coverage, sources=(),
            )  # fmt: skip
    return tuple(lines) + tuple(extra_lines.values())


def _self_pay(visits: tuple[Visit, ...], billed: dict[str, Band]) -> dict[str, list[ClaimResult]]:
    """What adjudication gives when no visit is claimed: the patient pays each bill (one result
    per kind of visit and edge, shared by its visits)."""
    by_kind = {
        kind: [ClaimResult(ZERO, ZERO, amount, None, None, 0) for amount in band]
        for kind, band in billed.items()
    }
    return {edge: [by_kind[v.kind][i] for v in visits] for i, edge in enumerate(EDGES)}


# The money columns of a visit line, summed by month and in total; a month and the totals take
# them in this order (tests/cli/test_estimate_cli.py checks the three field lists agree).
COLUMN_NAMES = ("billed", "plan_pays", "program_pays", "patient_pays", "account_paid", "cash")
_COLUMNS = slice(VisitLine._fields.index("billed"), VisitLine._fields.index("cash") + 1)
Sums = list[list[Decimal]]  # per column: [low, typical, high]


def _monthly(visits: list[VisitLine]) -> dict[str, Sums]:
    """Each calendar month's column sums, from the first visit's month to the last's (empty
    months too), in one pass: a zero band adds nothing and is skipped."""
    months: dict[str, Sums] = {}
    if not visits:
        return months
    key, last = visits[0].date[:7], visits[-1].date[:7]
    while key <= last:
        months[key] = [[ZERO, ZERO, ZERO] for _ in range(6)]
        key = _next_month(key)
    for visit in visits:
        sums = months[visit.date[:7]]
        bands: tuple[Band, ...] = visit[_COLUMNS]  # type: ignore[assignment]
        for column, band in zip(sums, bands, strict=True):
            if band is not ZERO_BAND:
                low, typical, high = band
                column[0] += low
                column[1] += typical
                column[2] += high
    return months


def _totals(monthly: dict[str, Sums], savings: Band) -> Totals:
    total = [[ZERO, ZERO, ZERO] for _ in range(6)]
    for sums in monthly.values():
        for column, part in zip(total, sums, strict=True):
            column[0] += part[0]
            column[1] += part[1]
            column[2] += part[2]
    gross, plan, program, patient, account, _cash = (Band(*column) for column in total)
    return Totals(
        gross=gross,
        plan_pays=plan,
        program_pays=program,
        patient_pays=patient,
        account_paid=account,
        tax_savings=savings,
        net_cost=patient - savings,
        cash_out_of_pocket=patient - account,
    )


def _financing(
    scenario: ResolvedScenario, totals: Totals
) -> tuple[Repayment | None, dict[str, Loan] | None]:
    """Each band edge's cash out of pocket, amortized over ``--finance-months``."""
    if scenario.finance_months is None:
        return None, None
    apr = scenario.apr if scenario.apr is not None else ZERO
    months = scenario.finance_months
    loans = {e: amortize(getattr(totals.cash_out_of_pocket, e), months, apr) for e in EDGES}

    def band(value: Any) -> Band:
        return Band(*(value(loans[e]) for e in EDGES))

    financing = Repayment(
        months=months,
        apr=apr,
        monthly_payment=band(lambda loan: loan.payment),
        total_interest=band(lambda loan: loan.interest),
        final_payment=band(lambda loan: loan.final_payment),
        total_paid=band(lambda loan: loan.total_paid),
    )
    return financing, loans


@lru_cache(maxsize=4096)  # a month key is asked for its successor in every estimate, often
def _next_month(key: str) -> str:
    year, month = int(key[:4]), int(key[5:7])
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return f"{year:04d}-{month:02d}"


def _cashflow(monthly: dict[str, Sums], loans: dict[str, Loan] | None) -> tuple[Month, ...]:
    """One entry per calendar month from the first visit's to the last visit's or the last loan
    payment's, empty months too. The loan opens at the first visit: its first payment falls in
    the next calendar month."""
    due: dict[str, Band] = {}
    months = dict(monthly)
    if months and loans is not None:
        key = next(iter(months))
        for payment in zip(*(loans[e].payments for e in EDGES), strict=True):
            key = _next_month(key)
            due[key] = Band(*payment)
        month = _next_month(max(months))
        while month <= key:  # the loan runs on after the last visit: months with no visit
            months[month] = []
            month = _next_month(month)
    flows = []
    for month, sums in months.items():
        b = [Band(*column) for column in sums] if sums else [ZERO_BAND] * 6
        flows.append(Month(month, b[0], b[1], b[2], b[3], b[4], b[5], due.get(month, ZERO_BAND)))
    return tuple(flows)


def _money_path(
    flows: tuple[Month, ...], visits: list[VisitLine], financed: bool
) -> tuple[Month, ...]:
    """Each month's money path: paid at its visits, reimbursed, borrowed and from your pocket.

    The months run on until the last reimbursement arrives. With a loan, the loan pays each
    month's cash share at the visits (``borrowed``) and you repay it in ``loan_payment``s."""
    paid: dict[str, Band] = {}
    back: dict[str, Band] = {}
    for visit in visits:
        key = visit.date[:7]
        paid[key] = paid.get(key, ZERO_BAND) + visit.paid_at_visit
        if visit.reimbursed_on is not None:
            due = visit.reimbursed_on[:7]
            back[due] = back.get(due, ZERO_BAND) + visit.reimbursement
    months = list(flows)
    last = max(back, default="")
    while months and months[-1].month < last:  # no visit and no loan payment: still money back
        months.append(Month(_next_month(months[-1].month), *[ZERO_BAND] * 7))
    out = []
    for m in months:
        at_visits = paid.get(m.month, ZERO_BAND)
        reimbursed = back.get(m.month, ZERO_BAND)
        borrowed = m.cash if financed else ZERO_BAND
        pocket = at_visits - m.account_paid - reimbursed - borrowed + m.loan_payment
        out.append(m._replace(paid_at_visits=at_visits, reimbursed=reimbursed, borrowed=borrowed,
                              from_pocket=pocket))  # fmt: skip
    return tuple(out)


def _path_totals(totals: Totals, months: tuple[Month, ...], financing: Repayment | None) -> Totals:
    """The totals of the money's path; total cost = net cost + the loan's interest."""
    interest = ZERO_BAND if financing is None else financing.total_interest
    paid = reimbursed = ZERO_BAND
    for m in months:
        paid += m.paid_at_visits
        reimbursed += m.reimbursed
    return totals._replace(paid_at_visits=paid, reimbursed=reimbursed, financing_interest=interest,
                           total_cost=totals.net_cost + interest)  # fmt: skip
