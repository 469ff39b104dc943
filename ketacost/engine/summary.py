"""The figures of an estimate without its document: totals, financing interest, the tax years
and the warning codes, for the rows of a sweep and of ``batch --format csv``.

:func:`summarize` runs the very steps of :func:`~ketacost.engine.estimate.estimate` (the same
functions, in the same order), so its totals equal the estimate's to the cent; it leaves out
what only the document shows (line items, the cash flow by month, assumptions, sources). Scenarios
that differ only in plan or household figures share their course and its prices: both are
remembered here (by the inputs they are made from), and the tax for the same household and
amount is remembered by ``tax_saving``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from ..core.memo import Memo
from ..core.money import EDGES, ZERO, Band
from ..inputs.fields import PLAN_FIGURES
from ..inputs.scenario import ResolvedScenario
from ..rules.model import PricingModel
from .accounts import AccountPayment
from .course import Visit, build_course
from .estimate import Claims, Totals, _draw_accounts, _financing, _hsa_limit, claim_course
from .notes import warnings
from .prices import PriceList, price_list
from .tax_saving import TaxResult, TaxYearLine, _by_year, price_tax

if TYPE_CHECKING:
    from ..rules import Rules


class Summary(NamedTuple):
    """What a row of a table shows of one estimate."""

    totals: Totals
    financing_interest: Band | None  # None without financing
    tax: dict[str, TaxYearLine]  # by tax year, as the estimate's ``tax``
    warnings: tuple[str, ...]  # the warning codes, in the estimate's order


_COURSES: Memo[tuple[Visit, ...]] = Memo(1024)
_PRICES: Memo[PriceList] = Memo(1024)
_TAXES: Memo[TaxResult] = Memo(4096)
# What the tax saving does not depend on (its account dollars by year are in its key): every
# other input is, so that an input added later is never overlooked.
_NOT_TAX = frozenset({*PLAN_FIGURES, "coverage", "copay_program"})
_TAX_FIELDS = tuple(i for i, name in enumerate(ResolvedScenario._fields) if name not in _NOT_TAX)


def _household(scenario: ResolvedScenario) -> tuple[object, ...]:
    return tuple(scenario[i] for i in _TAX_FIELDS)


def summarize(scenario: ResolvedScenario, rules: Rules) -> Summary:
    """The totals, financing interest, tax years and warning codes of ``estimate(scenario,
    rules)`` (modelled prices, no clinic profile), computed the same way."""
    if not _SUMMED_HERE:  # the totals have grown since: take them from the estimate itself
        return _from_estimate(scenario, rules)
    pricing = rules.pricing
    course_key = (scenario.route, scenario.start, scenario.consult, scenario.sessions,
                  scenario.boosters, scenario.booster_every, scenario.integration)  # fmt: skip
    visits = _COURSES.recall(course_key, (pricing,), _course, scenario, pricing)
    # price_list reads the route, provider, place and quoted price (the course only with a
    # clinic profile, which a summary has not)
    price_key = (scenario.route, scenario.provider, scenario.location, scenario.session_price)
    prices = _PRICES.recall(price_key, (pricing,), price_list, scenario, pricing, visits)
    claims = claim_course(scenario, pricing, visits, prices)
    dates = [visit.date for visit in visits]
    payments = _draw_accounts(scenario, pricing, claims.results, dates)
    # The tax saving depends on the household and the account dollars of each tax year: the
    # same household spending the same dollars in the same years saves the same tax. Equal in
    # value (1500 and 1500.00 are one key): a row shows cents, never the digits as written.
    years = _by_year(dates, payments, scenario.hsa_direct)
    spent = tuple((year, tuple(by_edge[edge] for edge in EDGES)) for year, by_edge in years.items())
    tax_key = (*_household(scenario), spent)
    taxed = _TAXES.recall(tax_key, (rules.tax_law,), price_tax, scenario, rules.tax_law, dates,
                          payments, _hsa_limit(scenario, pricing))  # fmt: skip
    totals = _course_totals(visits, prices, claims, payments, taxed.savings)
    financing, _ = _financing(scenario, totals)
    if financing is not None:
        interest_band = financing.total_interest
        totals = totals._replace(financing_interest=interest_band,
                                 total_cost=totals.net_cost + interest_band)  # fmt: skip
    cautions = warnings(scenario, pricing, visits, claims.networks, claims.results, payments,
                        claims.plan, scaled=True)  # fmt: skip
    codes = tuple(c.code for c in cautions) + tuple(code for code, _ in taxed.cautions)
    interest = None if financing is None else financing.total_interest
    return Summary(totals, interest, taxed.years, codes)


# The totals summarize sums. Should the estimate's totals grow, summaries come from the whole
# estimate until this module sums the new ones too: slower, never wrong.
_SUMMED_HERE = Totals._fields == (
    "gross", "plan_pays", "program_pays", "patient_pays", "account_paid", "tax_savings",
    "net_cost", "cash_out_of_pocket", "paid_at_visits", "reimbursed", "financing_interest",
    "total_cost",
)  # fmt: skip


def _from_estimate(scenario: ResolvedScenario, rules: Rules) -> Summary:
    from .estimate import estimate

    full = estimate(scenario, rules)
    interest = None if full.financing is None else full.financing.total_interest
    return Summary(full.totals, interest, full.tax, tuple(c.code for c in full.warnings))


def _course_totals(
    visits: tuple[Visit, ...],
    prices: PriceList,
    claims: Claims,
    payments: dict[str, list[AccountPayment]],
    savings: Band,
) -> Totals:
    """The estimate's totals, summed straight from the claims and the account draws rather
    than through its visit lines and months: the same cents added in another order, so the
    same sums (a test compares them with the estimate's over many scenarios)."""
    # gross, plan, program, patient, account, reimbursed (a superbill visit's plan payment)
    columns: list[list[Decimal]] = [[], [], [], [], [], []]
    superbill = [claims.networks[visit.kind] == "out-of-network" for visit in visits]
    for i, edge in enumerate(EDGES):
        gross = plan = program = patient = back = ZERO
        for visit, result, out in zip(visits, claims.results[edge], superbill, strict=True):
            gross += prices.billed[visit.kind][i]
            plan += result.plan_pays
            program += result.program_pays
            patient += result.patient_pays
            if out:
                back += result.plan_pays
        account = ZERO
        for payment in payments[edge]:
            account += payment.total
        values = (gross, plan, program, patient, account, back)
        for column, value in zip(columns, values, strict=True):
            column.append(value)
    gross_band, plan_band, program_band, patient_band, account_band, back_band = (
        Band(*column) for column in columns
    )
    return Totals(
        gross=gross_band,
        plan_pays=plan_band,
        program_pays=program_band,
        patient_pays=patient_band,
        account_paid=account_band,
        tax_savings=savings,
        net_cost=patient_band - savings,
        cash_out_of_pocket=patient_band - account_band,
        paid_at_visits=patient_band + back_band,  # a superbill visit is paid whole, then repaid
        reimbursed=back_band,
        total_cost=patient_band - savings,  # plus the loan's interest, added by summarize
    )


def _course(scenario: ResolvedScenario, pricing: PricingModel) -> tuple[Visit, ...]:
    return build_course(
        pricing.routes[scenario.route],  # type: ignore[index]
        start=scenario.start,
        consult=scenario.consult,
        sessions=scenario.sessions,
        boosters=scenario.boosters,
        booster_every=scenario.booster_every,
        integration=scenario.integration,
    )


# The money figures of a row, in order: each total's band, then the financing interest's.
# (once the totals carry the financing interest themselves, it is not added a second time)
_INTEREST = () if "financing_interest" in Totals._fields else ("financing_interest",)
FIGURES: tuple[str, ...] = (*Totals._fields, *_INTEREST)
FIGURE_COLUMNS: tuple[str, ...] = tuple(f"{name}_{edge}" for name in FIGURES for edge in EDGES)


def figure_values(summary: Summary) -> list[Decimal | None]:
    """The row's money figures in :data:`FIGURE_COLUMNS` order (None: no financing)."""
    out: list[Decimal | None] = []
    for band in summary.totals:
        out += band
    if not _INTEREST:
        return out
    if summary.financing_interest is None:
        out += (None, None, None)
    else:
        out += summary.financing_interest
    return out


__all__ = ["FIGURES", "FIGURE_COLUMNS", "Summary", "figure_values", "summarize"]
