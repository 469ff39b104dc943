"""Property-based tests (hypothesis) of DESIGN.md's invariants, over the library API.

Scenarios are drawn as the raw values a scenario file would hold (amounts as text), so every
draw also goes through ``parse_scenario``'s validation; the draws respect its cross-field rules
(met ≤ total, deductible ≤ OOP maximum, APR only with financing).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from conftest import rules_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketacost.engine.estimate import estimate
from ketacost.inputs.scenario import parse_scenario
from ketacost.rules.model import PricingModel

TODAY = dt.date(2026, 11, 27)
EDGES = ("low", "typical", "high")
TOTALS = ("gross", "plan_pays", "program_pays", "patient_pays", "account_paid", "tax_savings",
          "net_cost", "cash_out_of_pocket", "paid_at_visits", "reimbursed", "financing_interest",
          "total_cost")  # fmt: skip
CENT = Decimal("0.01")
ZERO = Decimal("0")

# Modest and fast in CI: the whole file runs in a few seconds. For a release check run
# `HYPOTHESIS_PROFILE=release python -m pytest tests/engine/test_properties.py` (5,000 examples
# each).
# The autouse environment fixture of conftest.py is function-scoped but only sets environment
# variables: safe to share.
EXAMPLES = {"ci": 150, "release": 5000}[os.environ.get("HYPOTHESIS_PROFILE", "ci")]
FAST = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


# --- strategies --------------------------------------------------------------------------------


def text(cents: int) -> str:
    """Whole cents as the text of an amount: 123456 → "1234.56" (never via a float)."""
    return str(Decimal(cents) / 100)


def money(low: int = 0, high: int = 500_000) -> st.SearchStrategy[str]:
    """An amount from ``low`` to ``high`` cents, as text ("1234.56")."""
    return st.integers(low, high).map(text)


def percent(high: int = 100) -> st.SearchStrategy[str]:
    """A percentage from 0 to ``high`` with at most one decimal, as text ("12.5"); never
    strictly between 0 and 1, which is refused as a fraction typed for a percentage."""
    tenths = st.integers(0, high * 10).filter(lambda t: t == 0 or t >= 10)
    return tenths.map(lambda t: str(Decimal(t) / 10))


def cents(typical: list[int], high: int) -> st.SearchStrategy[int]:
    """Cents: a typical figure half the time (hypothesis favours tiny numbers), else any."""
    return st.sampled_from(typical) | st.integers(0, high)


dates = st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31))
prices = st.sampled_from(["450.00", "600.00", "950.00", "1050.00", "2000.00"]) | money(100, 300_000)
coinsurances = st.sampled_from(["10", "20", "30", "50"]) | percent()
plan_year_starts = st.sampled_from(["01-01", "07-01", "10-01", "12-15"])


@st.composite
def plans(draw: st.DrawFn, *, in_network: bool = False) -> dict[str, Any]:
    """Plan figures that pass validation (met ≤ total, deductible ≤ OOP maximum)."""
    values: dict[str, Any] = {}
    oop_max = draw(st.none() | cents([250_000, 400_000, 900_000, 1_060_000], 1_200_000))
    deductible = draw(st.none() | cents([50_000, 150_000, 170_000, 300_000], 600_000))
    if oop_max is not None and deductible is not None:
        deductible = min(deductible, oop_max)
    if deductible is not None:
        values["deductible"] = text(deductible)
        if draw(st.booleans()):
            values["deductible_met"] = text(draw(st.integers(0, deductible)))
    if oop_max is not None:
        values["oop_max"] = text(oop_max)
        if draw(st.booleans()):  # at least the deductible met: that counts toward it
            paid = Decimal(values.get("deductible_met", "0"))
            values["oop_met"] = text(draw(st.integers(int(paid * 100), oop_max)))
    if draw(st.integers(0, 3)):
        values["coinsurance"] = draw(coinsurances)
    if not draw(st.integers(0, 3)):
        values["copay"] = draw(st.sampled_from(["25.00", "40.00"]) | money(0, 15_000))
    values["hdhp"] = draw(st.booleans())
    values["plan_year_start"] = draw(plan_year_starts)
    if not in_network and draw(st.booleans()):
        oon_oop = draw(st.none() | cents([500_000, 2_000_000], 3_000_000))
        oon_ded = draw(cents([100_000, 300_000], 800_000))
        if oon_oop is not None:
            oon_ded = min(oon_ded, oon_oop)
            values["oon_oop_max"] = text(oon_oop)
        values["oon_deductible"] = text(oon_ded)
        values["oon_coinsurance"] = draw(coinsurances)
        values["oon_allowed"] = draw(st.sampled_from(["60", "80"]) | percent())
    return values


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """Any scenario: route, course, price, coverage, plan, accounts, taxes, financing."""
    route = draw(st.sampled_from(["iv", "im", "spravato", "spravato", "oral"]))
    values: dict[str, Any] = {
        "route": route,
        "location": draw(st.sampled_from(["US", "CA", "NJ", "NY", "TX", "94110"])),
        "sessions": str(draw(st.integers(1, 12))),
        "boosters": str(draw(st.integers(0, 8))),
        "integration": str(draw(st.integers(0, 4))),
        "consult": draw(st.booleans()),
        "start": draw(dates).isoformat(),
        "coverage": draw(st.sampled_from(["auto", "none", "in-network", "out-of-network"])),
        "plan_type": draw(st.sampled_from(["commercial", "commercial", "medicare", "medicaid"])),
        "copay_program": draw(st.sampled_from([True, True, False])),
    }
    if draw(st.booleans()):
        values["session_price"] = draw(prices)
    if draw(st.booleans()):
        values.update(draw(plans()))
    if draw(st.booleans()):
        values["fsa"] = text(draw(cents([100_000, 340_000], 500_000)))
    if draw(st.booleans()):
        values["hsa"] = text(draw(cents([200_000, 440_000], 800_000)))
    tax = draw(st.sampled_from(["none", "rate", "income"]))
    if tax == "rate":
        values["tax_rate"] = draw(percent())
    elif tax == "income":
        values["income"] = text(draw(cents([6_650_000, 18_450_000], 50_000_000)))
        values["filing"] = draw(st.sampled_from(["single", "joint", "head"]))
        values["hsa_direct"] = draw(st.booleans())
        if draw(st.booleans()):
            values["state_tax_rate"] = draw(percent(13))
    if draw(st.booleans()):
        values["finance_months"] = str(draw(st.integers(1, 72)))
        values["apr"] = draw(st.sampled_from(["0", "17.99"]) | percent(36))
    if draw(st.booleans()):
        values["reimbursement_days"] = str(
            draw(st.sampled_from([0, 30, 45, 365]) | st.integers(0, 365))
        )
    values["accumulator"] = draw(st.sampled_from([True, True, False]))
    return values


@st.composite
def insured(draw: st.DrawFn) -> dict[str, Any]:
    """A course through an in-network plan with an OOP maximum: Spravato or forced coverage."""
    values = draw(plans(in_network=True))
    oop_max = Decimal(values.get("oop_max") or text(draw(cents([400_000], 1_200_000))))
    values["oop_max"] = str(oop_max)
    if Decimal(values.get("deductible", "0")) > oop_max:
        values["deductible"] = str(oop_max)
        values.pop("deductible_met", None)
    values.update(
        route=draw(st.sampled_from(["spravato", "spravato", "iv"])),
        coverage=draw(st.sampled_from(["auto", "in-network"])),
        plan_type=draw(st.sampled_from(["commercial", "commercial", "medicare"])),
        copay_program=draw(st.sampled_from([True, True, False])),
        sessions=str(draw(st.integers(1, 12))),
        boosters=str(draw(st.integers(0, 10))),
        integration=str(draw(st.integers(0, 4))),
        consult=draw(st.booleans()),
        start=draw(dates).isoformat(),
        session_price=draw(prices),
    )
    return values


@st.composite
def spravato_courses(draw: st.DrawFn) -> dict[str, Any]:
    """Long, dear Spravato courses on commercial plans: the savings program and its cap."""
    values = draw(insured())
    room = st.sampled_from([2_000_000, 5_000_000]) | st.integers(800_000, 6_000_000)
    deductible = min(Decimal(values.get("deductible", "0")), Decimal("50000"))
    values.pop("deductible_met", None)
    values.pop("oop_met", None)
    values.update(
        route="spravato",
        plan_type="commercial",
        copay_program=True,
        deductible=str(deductible),
        oop_max=str(deductible + Decimal(text(draw(room)))),
        coinsurance=draw(st.sampled_from(["50", "100"]) | percent()),
        session_price=draw(money(80_000, 300_000)),
        sessions=str(draw(st.integers(8, 16))),
        boosters=str(draw(st.integers(0, 30))),
    )
    return values


def run(values: dict[str, Any], pricing: PricingModel) -> Any:
    return estimate(parse_scenario(values, pricing, TODAY), rules_of(pricing))


def capped(doc: Any, annual_max: Decimal) -> bool:
    """Did the savings program pay its whole yearly maximum in some calendar year (any edge)?"""
    years = {v.date[:4] for v in doc.visits}
    return any(
        sum((at(v, "program_pays", e) for v in doc.visits if v.date[:4] == year), ZERO)
        >= annual_max
        for e in EDGES
        for year in years
    )


def patient_never_falls(
    values: dict[str, Any], change: dict[str, str], pricing: PricingModel
) -> None:
    """What the patient pays with ``change`` applied is at least what they paid without it, at
    every band edge, with the savings program off, and on unless its yearly maximum runs out or
    visits the program does not pay (the evaluation, integration) share the deductible with the
    sessions: then a change that moves deductible dollars onto a Spravato session lets the program
    pay the drug part of them, and the patient really pays less (see
    test_program_pays_more_when_the_deductible_moves_onto_a_session)."""
    annual_max = pricing.savings_programs[0].annual_max.value
    for program in (True, False):
        values["copay_program"] = program
        before_doc = run(values, pricing)
        after_doc = run({**values, **change}, pricing)
        if program and any(capped(d, annual_max) for d in (before_doc, after_doc)):
            continue
        if program and any(
            v.kind in ("consult", "integration") and v.coverage != "self-pay"
            for v in before_doc.visits
        ):
            continue
        pairs = zip(cost(before_doc, "patient_pays"), cost(after_doc, "patient_pays"), strict=True)
        for before, after in pairs:
            assert after >= before, (program, before, after)


def at(obj: Any, name: str, edge: str) -> Decimal:
    """One edge of the band ``obj.name``."""
    return getattr(getattr(obj, name), edge)  # type: ignore[no-any-return]


def summed(rows: Any, name: str, edge: str) -> Decimal:
    return sum((at(row, name, edge) for row in rows), ZERO)


def edges(band: Any) -> list[Decimal]:
    return [getattr(band, edge) for edge in EDGES]


def cost(doc: Any, *names: str) -> list[Decimal]:
    """The sum of the named totals, at each edge."""
    return [sum((at(doc.totals, n, e) for n in names), ZERO) for e in EDGES]


def plan_year(day: dt.date, start: str) -> int:
    month, dom = (int(part) for part in start.split("-"))
    return day.year if (day.month, day.day) >= (month, dom) else day.year - 1


# --- the document's invariants ---------------------------------------------------------------


@FAST
@given(values=scenarios())
def test_document_invariants(values: dict[str, Any], pricing: PricingModel) -> None:
    doc = run(values, pricing)
    t = doc.totals
    funds = Decimal(values.get("fsa", "0")) + Decimal(values.get("hsa", "0"))
    for e in EDGES:
        for name in TOTALS:
            assert at(t, name, e) == at(t, name, e).quantize(CENT), (name, e)
        parts = at(t, "plan_pays", e) + at(t, "program_pays", e) + at(t, "patient_pays", e)
        assert at(t, "gross", e) == parts
        assert at(t, "net_cost", e) == at(t, "patient_pays", e) - at(t, "tax_savings", e)
        assert at(t, "cash_out_of_pocket", e) == at(t, "patient_pays", e) - at(t, "account_paid", e)
        if doc.scenario.income is None:  # from an income the saving can be negative (issue 10)
            assert at(t, "tax_savings", e) >= 0
        # each total is the sum of the visits, and the sum of the months
        for rows in (doc.visits, doc.cashflow):
            for name in ("plan_pays", "program_pays", "patient_pays", "account_paid"):
                assert at(t, name, e) == summed(rows, name, e), (name, e)
            assert at(t, "gross", e) == summed(rows, "billed", e)
            assert at(t, "cash_out_of_pocket", e) == summed(rows, "cash", e)
        # the accounts pay what they can; FSA money past a year's carryover is lost (the exact
        # visit-by-visit walk is checked in test_tax_savings_use_fsa_dollars_first_rounded_once)
        assert ZERO <= at(t, "account_paid", e) <= min(at(t, "patient_pays", e), funds)
        for v in doc.visits:
            assert at(v, "plan_pays", e) >= 0 and at(v, "program_pays", e) >= 0, (v.number, e)
            assert at(v, "patient_pays", e) >= 0 and at(v, "cash", e) >= 0, (v.number, e)
            parts = at(v, "plan_pays", e) + at(v, "program_pays", e) + at(v, "patient_pays", e)
            assert at(v, "billed", e) == parts, (v.number, e)
            assert 0 <= at(v, "account_paid", e) <= at(v, "patient_pays", e), (v.number, e)
    assert t.gross.low <= t.gross.typical <= t.gross.high
    # visits in date order; months consecutive from the first visit's to the last visit's (or
    # the loan's last payment's), one entry each
    days = [v.date for v in doc.visits]
    assert days == sorted(days)
    months = [m.month for m in doc.cashflow]
    assert months[0] == days[0][:7] and months[-1] >= days[-1][:7]
    for before, after in itertools.pairwise(months):
        year, month = int(before[:4]), int(before[5:])
        assert after == (f"{year + 1}-01" if month == 12 else f"{year}-{month + 1:02d}")
    if doc.financing is None:  # the months run to the last visit or the last reimbursement
        back = [v.reimbursed_on[:7] for v in doc.visits if v.reimbursed_on is not None]
        assert months[-1] == max([days[-1][:7], *back])


@FAST
@given(values=scenarios())
def test_the_money_path_adds_up_to_the_cash_out_of_pocket(
    values: dict[str, Any], pricing: PricingModel
) -> None:
    """What leaves your pocket month by month adds up, to the cent and at every band edge, to the
    cash out of pocket (plus the loan's interest when financed): what is paid at the visits
    comes back as reimbursements, what the loan pays is repaid in its payments (issue 23)."""
    doc = run(values, pricing)
    t = doc.totals
    for e in EDGES:
        interest = ZERO if doc.financing is None else at(doc.financing, "total_interest", e)
        assert summed(doc.cashflow, "from_pocket", e) == at(t, "cash_out_of_pocket", e) + interest
        assert at(t, "financing_interest", e) == interest
        assert at(t, "total_cost", e) == at(t, "net_cost", e) + interest
        assert at(t, "paid_at_visits", e) == summed(doc.visits, "paid_at_visit", e)
        assert at(t, "paid_at_visits", e) == summed(doc.cashflow, "paid_at_visits", e)
        assert at(t, "reimbursed", e) == summed(doc.visits, "reimbursement", e)
        assert at(t, "reimbursed", e) == summed(doc.cashflow, "reimbursed", e)
        assert at(t, "paid_at_visits", e) == at(t, "patient_pays", e) + at(t, "reimbursed", e)
        for m in doc.cashflow:
            expected = (
                at(m, "paid_at_visits", e)
                - at(m, "account_paid", e)
                - at(m, "reimbursed", e)
                - at(m, "borrowed", e)
                + at(m, "loan_payment", e)
            )
            assert at(m, "from_pocket", e) == expected, (m.month, e)
        for v in doc.visits:
            if v.coverage != "out-of-network":  # only a superbill is paid whole and paid back
                assert at(v, "reimbursement", e) == 0 and v.reimbursed_on is None
            elif v.reimbursed_on is not None:
                gap = dt.date.fromisoformat(v.reimbursed_on) - dt.date.fromisoformat(v.date)
                assert gap.days == doc.scenario.reimbursement_days
                assert at(v, "paid_at_visit", e) == at(v, "billed", e) - at(v, "program_pays", e)


@FAST
@given(values=scenarios())
def test_accounts_pay_in_date_order(values: dict[str, Any], pricing: PricingModel) -> None:
    """Once a visit is paid partly in cash the accounts are empty: later visits are all cash."""
    doc = run(values, pricing)
    for e in EDGES:
        short = False
        for v in doc.visits:
            if short:
                assert at(v, "account_paid", e) == 0, (v.number, e)
            short = short or at(v, "cash", e) > 0


@FAST
@given(values=scenarios(), rate=percent())
def test_a_given_tax_rate_applies_to_every_account_dollar(
    values: dict[str, Any], rate: str, pricing: PricingModel
) -> None:
    values = {k: v for k, v in values.items() if k not in ("income", "state_tax_rate")}
    values["tax_rate"] = rate
    doc = run(values, pricing)
    within_limit = Decimal(values.get("hsa") or 0) <= 4400  # the 2026/2027 self-only limits
    for e in EDGES:
        paid = at(doc.totals, "account_paid", e)
        # HSA contributions above a tax year's limit save nothing (issue 23)
        saving = summed(doc.tax.values(), "account_dollars", e)
        assert saving <= paid
        if within_limit:
            assert saving == paid
        expected = (saving * Decimal(rate) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        assert at(doc.totals, "tax_savings", e) == expected


@FAST
@given(values=scenarios())
def test_financing_repays_the_cash_out_of_pocket(
    values: dict[str, Any], pricing: PricingModel
) -> None:
    """The loan payments of the cash flow add up to the cash financed plus the interest; every
    payment but the last is the regular one (or less, once the balance is settled)."""
    doc = run(values, pricing)
    if doc.financing is None:
        assert all(not any(m.loan_payment.edges()) for m in doc.cashflow)
        return
    f = doc.financing
    for e in EDGES:
        principal = at(doc.totals, "cash_out_of_pocket", e)
        payment = at(f, "monthly_payment", e)
        interest = at(f, "total_interest", e)
        paid = [at(m, "loan_payment", e) for m in doc.cashflow]
        assert interest >= 0
        assert summed(doc.cashflow, "loan_payment", e) == principal + interest
        assert at(f, "total_paid", e) == principal + interest
        if principal == 0:
            assert payment == 0 and interest == 0
            continue
        assert paid[0] == 0  # the loan opens at the first visit; the first payment is next month
        due = [p for p in paid[1:] if p]
        assert due[-1] == at(f, "final_payment", e)
        assert all(0 < p <= payment for p in due[:-1])
        assert len(paid) - 1 >= f.months  # the months run to the loan's end
        if f.apr == 0:
            assert payment == (principal / f.months).quantize(CENT, rounding=ROUND_HALF_UP)
            assert interest == 0


# --- insurance --------------------------------------------------------------------------------


@FAST
@given(values=insured())
def test_in_network_cost_share_never_exceeds_the_oop_remaining(
    values: dict[str, Any], pricing: PricingModel
) -> None:
    """Per plan year, what the patient pays in-network stays within what remains of the OOP
    maximum, and ``oop_left`` after each visit is that remainder less the patient's own dollars
    so far (the savings program's dollars do not count: a copay-accumulator rule)."""
    doc = run(values, pricing)
    oop_max = Decimal(values["oop_max"])
    # the OOP already paid: as given, else the deductible already met, which counts toward it
    met = Decimal(values.get("oop_met", values.get("deductible_met", "0")))
    start = values["plan_year_start"]
    first = plan_year(dt.date.fromisoformat(doc.visits[0].date), start)
    for e in EDGES:
        used: dict[int, Decimal] = {}
        for v in doc.visits:
            if v.coverage != "in-network":
                continue
            year = plan_year(dt.date.fromisoformat(v.date), start)
            room = oop_max - (met if year == first else ZERO)
            used[year] = used.get(year, ZERO) + at(v, "patient_pays", e)
            assert used[year] <= room, (v.number, e)
            assert at(v, "oop_left", e) == room - used[year], (v.number, e)
            assert at(v, "deductible_left", e) >= 0


@FAST
@given(values=st.one_of(scenarios(), spravato_courses()),
       rise=money(1, 100_000))  # fmt: skip
def test_a_higher_session_price_never_costs_the_patient_less(
    values: dict[str, Any], rise: str, pricing: PricingModel
) -> None:
    """Same plan, dearer sessions: what the patient pays never falls, with or without the
    savings program (its dollars do not fill the patient's deductible or OOP maximum; the same
    exception as for the deductible below applies when its yearly maximum runs out)."""
    low_price = Decimal(values.setdefault("session_price", "500.00"))
    patient_never_falls(values, {"session_price": str(low_price + Decimal(rise))}, pricing)


@FAST
@given(values=scenarios(), more=st.integers(1, 6))
def test_more_sessions_never_cost_less(
    values: dict[str, Any], more: int, pricing: PricingModel
) -> None:
    """Extra induction sessions (no boosters; therapy visits only after dosing days) or extra
    boosters add visits at the end of the course: no total goes down."""
    sessions = int(values["sessions"])
    values["integration"] = str(min(int(values["integration"]), sessions))
    base = {**values, "boosters": "0"}
    longer = {**base, "sessions": str(sessions + more)}
    boosted = {**values, "boosters": str(int(values["boosters"]) + more)}
    for shorter, extended in ((base, longer), (values, boosted)):
        a, b = run(shorter, pricing), run(extended, pricing)
        for before, after in zip(cost(a, "patient_pays"), cost(b, "patient_pays"), strict=True):
            assert after >= before
        for before, after in zip(cost(a, "gross"), cost(b, "gross"), strict=True):
            assert after > before


@FAST
@given(values=st.one_of(insured(), spravato_courses()),
       extra=money(1, 300_000))  # fmt: skip
def test_a_higher_deductible_never_lowers_the_patients_share(
    values: dict[str, Any], extra: str, pricing: PricingModel
) -> None:
    """Same plan, higher deductible: what the patient pays never falls (only the patient's own
    dollars fill the deductible and OOP maximum). One exception is real and left out: when the
    savings program's calendar-year maximum runs out inside a plan year that also caps the
    patient, a higher deductible can leave more of next calendar year's program money for later
    visits, so the patient pays a few cents less."""
    values["deductible"] = values.get("deductible", "0.00")
    higher = min(Decimal(values["deductible"]) + Decimal(extra), Decimal(values["oop_max"]))
    patient_never_falls(values, {"deductible": str(higher)}, pricing)


@FAST
@given(values=scenarios())
def test_no_coverage_means_the_patient_pays_the_bill(
    values: dict[str, Any], pricing: PricingModel
) -> None:
    doc = run({**values, "coverage": "none"}, pricing)
    assert doc.totals.patient_pays == doc.totals.gross
    assert edges(doc.totals.plan_pays) == [ZERO] * 3
    assert edges(doc.totals.program_pays) == [ZERO] * 3


@FAST
@given(values=scenarios())
def test_tax_savings_use_fsa_dollars_first_rounded_once(
    values: dict[str, Any], pricing: PricingModel
) -> None:
    """FSA dollars are spent before HSA dollars, visit by visit; at a calendar year's end only
    the carryover of the FSA is left; each tax year counts the dollars spent in it (HSA
    contributions up to the year's self-only limit), its parts add up to its saving, and the
    years add up to the total saving."""
    doc = run(values, pricing)
    for e in EDGES:
        fsa = Decimal(values.get("fsa", "0"))
        hsa = Decimal(values.get("hsa", "0"))
        year = dt.date.fromisoformat(doc.visits[0].date).year
        from_fsa = ZERO
        from_hsa: dict[int, Decimal] = {}
        for v in doc.visits:
            day = dt.date.fromisoformat(v.date)
            while day.year > year:  # use it or lose it: 2026's carryover is $680
                fsa = min(fsa, pricing.plan_limits.figure("fsa_carryover", year)[0])
                year += 1
            share = at(v, "patient_pays", e)
            paid_fsa = min(share, fsa)
            paid_hsa = min(share - paid_fsa, hsa)
            fsa, hsa = fsa - paid_fsa, hsa - paid_hsa
            from_fsa += paid_fsa
            from_hsa[day.year] = from_hsa.get(day.year, ZERO) + paid_hsa
            assert at(v, "account_paid", e) == paid_fsa + paid_hsa
        years = list(doc.tax.values())
        limited = sum(
            (min(spent, pricing.plan_limits.figure("hsa_limit_self", y)[0])
             for y, spent in from_hsa.items()), ZERO,
        )  # fmt: skip
        assert sum((at(y, "account_dollars", e) for y in years), ZERO) == from_fsa + limited
        assert sum((at(y, "total", e) for y in years), ZERO) == at(doc.totals, "tax_savings", e)
        for y in years:
            if y.method == "liability":
                parts = at(y, "federal", e) + at(y, "payroll", e) + at(y, "state", e)
                assert parts == at(y, "total", e)


@FAST
@given(values=spravato_courses())
def test_savings_program_pays_within_its_terms(
    values: dict[str, Any], pricing: PricingModel
) -> None:
    """Each covered session: min(drug part − per-treatment amount, what is left of the calendar
    year's maximum), the drug part being the running cents(drug share × cost shares so far) less
    the same before this visit; nothing on other visits; a warning when it runs out."""
    (program,) = [p for p in pricing.savings_programs if p.route == "spravato"]
    per_treatment, annual_max = program.per_treatment.value, program.annual_max.value
    doc = run(values, pricing)
    for e in EDGES:
        left: dict[str, Decimal] = {}
        running = ZERO
        for v in doc.visits:
            paid = at(v, "program_pays", e)
            if v.kind not in ("induction", "booster"):
                assert paid == 0
                continue
            share = at(v, "patient_pays", e) + paid
            before = running.quantize(CENT, rounding=ROUND_HALF_UP)
            running += share * program.drug_share.value
            drug = running.quantize(CENT, rounding=ROUND_HALF_UP) - before
            year = left.setdefault(v.date[:4], annual_max)
            assert paid == min(max(ZERO, drug - per_treatment), year), (v.number, e)
            left[v.date[:4]] = year - paid
        if e == "typical":  # the warning speaks of typical prices
            capped = any(year == 0 for year in left.values())
            assert capped == ("program_cap_reached" in {w.code for w in doc.warnings})


def test_program_pays_more_when_the_deductible_moves_onto_a_session(
    pricing: PricingModel,
) -> None:
    """A real exception to "dearer sessions never cost the patient less", found by hypothesis.

    HDHP, $1,500 deductible, then a $25 copay; Spravato at $800.00 vs $800.01 a session with three
    integration visits between the first sessions. The dearer sessions take one more cent of the
    deductible, so the third integration visit takes one cent less: the patient's own cost share is
    the same ($2,637.79 both times), but the savings program pays 52.38% of the drug part of
    session cost-sharing, and now one more cent of it sits on a session: the program's total rises
    by a cent (1,003.26 → 1,003.27; cents of 52.38% of the cumulative drug share) and the patient
    pays a cent less (1,634.53 → 1,634.52).
    """
    values = {
        "route": "spravato", "hdhp": True, "deductible": "1500", "copay": "25", "oop_max": "21500",
        "coinsurance": "50", "sessions": "8", "integration": "3", "consult": False,
        "start": "2026-01-01",
    }  # fmt: skip
    cheaper = run({**values, "session_price": "800.00"}, pricing).totals
    dearer = run({**values, "session_price": "800.01"}, pricing).totals
    assert (cheaper.program_pays.typical, dearer.program_pays.typical) == (
        Decimal("1003.26"), Decimal("1003.27"),
    )  # fmt: skip
    assert (cheaper.patient_pays.typical, dearer.patient_pays.typical) == (
        Decimal("1634.53"), Decimal("1634.52"),
    )  # fmt: skip
    own = [t.patient_pays.typical + t.program_pays.typical for t in (cheaper, dearer)]
    assert own == [Decimal("2637.79"), Decimal("2637.79")]
