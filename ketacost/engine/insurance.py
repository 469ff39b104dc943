"""Claim adjudication: each visit, in date order, against the plan's accumulators.

The rules (DESIGN.md "Insurance"; research/rules.md §10):

1. Not covered: the patient pays the billed amount; accumulators do not move.
2. In-network (allowed = billed):
   - a copay on a plan that is not an HDHP: the patient pays the copay (at most the allowed
     amount); copays do not count toward the deductible, they count toward the OOP maximum;
   - otherwise the deductible first (up to what remains), then coinsurance on the rest; on an
     HDHP a copay, if set, replaces coinsurance once the deductible is met;
   - the patient's share is capped by what remains of the OOP maximum; the plan pays the rest.
3. Out-of-network (superbill): allowed = ``oon_allowed``% of billed; the OON deductible and
   coinsurance apply to the allowed amount (capped by the OON OOP maximum); the patient also owes
   the balance (billed − allowed); the plan reimburses allowed − the patient's cost share.
4. Accumulators reset at each plan-year start; "met so far" applies to the first visit's plan year.
5. A manufacturer savings program pays the patient's drug cost-sharing above its per-treatment
   amount, up to its maximum per calendar year (commercial plans only). Under a copay
   accumulator (``--accumulator``, the default and cautious case) only the patient's own dollars
   count toward the deductible and OOP maximum; with ``--no-accumulator`` the program's too.

Pure functions over frozen values; one call adjudicates one band edge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache
from typing import Literal, NamedTuple

from ..core.memo import Memo
from ..core.money import ZERO, cents, format_money, percent
from ..inputs.scenario import ResolvedScenario
from ..rules.model import PlanLimits, SavingsProgram

Network = Literal["self-pay", "in-network", "out-of-network"]


class Plan(NamedTuple):
    """The plan's terms. ``None`` for a maximum means no cap.

    ``deductible_by_year`` / ``oop_max_by_year`` give a default figure per plan year (the
    year's ACA or HDHP limit, the year's Medicare Part B deductible); they apply when the user
    gave no figure. ``oon_reimbursed`` is False when out-of-network terms are missing: a
    superbill's reimbursement is then not counted.
    """

    deductible: Decimal = ZERO
    deductible_met: Decimal = ZERO
    coinsurance: Decimal = ZERO  # percent
    copay: Decimal | None = None
    oop_max: Decimal | None = None
    oop_met: Decimal = ZERO
    hdhp: bool = False
    plan_year_start: tuple[int, int] = (1, 1)  # (month, day)
    oon_deductible: Decimal = ZERO
    oon_deductible_met: Decimal = ZERO
    oon_coinsurance: Decimal = ZERO  # percent
    oon_allowed: Decimal = Decimal(100)  # percent of billed
    oon_oop_max: Decimal | None = None
    oon_oop_met: Decimal = ZERO
    deductible_by_year: dict[int, Decimal] | None = None
    oop_max_by_year: dict[int, Decimal] | None = None
    oon_reimbursed: bool = True
    accumulator: bool = True  # the savings program's dollars do not count (--no-accumulator)

    def deductible_for(self, year: int) -> Decimal:
        by_year = self.deductible_by_year
        return self.deductible if by_year is None else by_year[year]

    def oop_max_for(self, year: int) -> Decimal | None:
        by_year = self.oop_max_by_year
        return self.oop_max if by_year is None else by_year[year]


class Program(NamedTuple):
    """A savings program's terms (amounts in dollars; ``drug_share`` a fraction)."""

    per_treatment: Decimal
    annual_max: Decimal
    drug_share: Decimal


class Claim(NamedTuple):
    """One visit to adjudicate."""

    date: dt.date
    billed: Decimal
    network: Network
    program: bool = False  # the savings program may pay this visit's drug cost-sharing


class ClaimResult(NamedTuple):
    """What each party pays for one visit, and the accumulators after it."""

    plan_pays: Decimal
    program_pays: Decimal
    patient_pays: Decimal
    deductible_left: Decimal | None
    oop_left: Decimal | None
    plan_year: int  # 0 for a self-pay visit (no plan year applies)
    oop_reached: bool = False
    program_capped: bool = False


def plan_year_of(day: dt.date, start: tuple[int, int]) -> int:
    """The calendar year in which the plan year containing ``day`` began."""
    return day.year if (day.month, day.day) >= start else day.year - 1


def plan_years(days: Iterable[dt.date], start: tuple[int, int]) -> list[int]:
    """The plan years ``days`` fall in, in order."""
    if start == (1, 1):  # calendar-year plans, the common case: no comparison per day
        return sorted({day.year for day in days})
    return sorted({plan_year_of(day, start) for day in days})


class _Accumulators:
    """What remains of the deductible and the OOP maximum in one plan year (mutable)."""

    __slots__ = ("deductible_left", "oop_left")

    def __init__(self, deductible_left: Decimal, oop_left: Decimal | None) -> None:
        self.deductible_left = deductible_left
        self.oop_left = oop_left


def _fresh(
    deductible: Decimal, met: Decimal, oop_max: Decimal | None, oop_met: Decimal
) -> _Accumulators:
    return _Accumulators(
        max(ZERO, deductible - met), None if oop_max is None else max(ZERO, oop_max - oop_met)
    )


def _cap(share: Decimal, acc: _Accumulators) -> Decimal:
    return share if acc.oop_left is None else min(share, acc.oop_left)


def _in_network(
    allowed: Decimal, plan: Plan, acc: _Accumulators, coinsurance: Decimal
) -> tuple[Decimal, Decimal]:
    """The patient's cost share of an in-network claim, and the deductible it uses
    (``coinsurance`` as a fraction)."""
    copay = plan.copay
    if copay is not None and not plan.hdhp:
        return _cap(min(copay, allowed), acc), ZERO
    deductible_part = min(acc.deductible_left, allowed)
    rest = allowed - deductible_part
    if rest <= 0:
        after = ZERO
    elif copay is not None:  # an HDHP: the copay replaces coinsurance after the deductible
        after = min(copay, rest)
    else:
        after = cents(rest * coinsurance)
    share = _cap(deductible_part + after, acc)
    return share, min(deductible_part, share)


def _out_of_network(
    allowed: Decimal, acc: _Accumulators, coinsurance: Decimal
) -> tuple[Decimal, Decimal]:
    deductible_part = min(acc.deductible_left, allowed)
    share = _cap(deductible_part + cents((allowed - deductible_part) * coinsurance), acc)
    return share, min(deductible_part, share)


def adjudicate(
    claims: list[Claim] | tuple[Claim, ...], plan: Plan, program: Program | None = None
) -> list[ClaimResult]:
    """Adjudicate ``claims`` (in date order) for one band edge."""
    results: list[ClaimResult] = []
    start = plan.plan_year_start
    calendar_plan = start == (1, 1)  # plan years are calendar years: the common case
    first_year = plan_year_of(claims[0].date, start) if claims else 0
    inn: dict[int, _Accumulators] = {}
    oon: dict[int, _Accumulators] = {}
    program_left: dict[int, Decimal] = {}
    drug_total = ZERO
    unclaimed: ClaimResult | None = None
    # the plan's percentages as fractions, once per call
    coinsurance, oon_coinsurance = percent(plan.coinsurance), percent(plan.oon_coinsurance)
    oon_allowed = percent(plan.oon_allowed)
    for claim in claims:
        network, billed = claim.network, claim.billed
        if network == "self-pay" or (network == "out-of-network" and not plan.oon_reimbursed):
            # nothing to adjudicate (or nothing counted); accumulators do not move. Visits in a
            # row with the same bill share one result (immutable, as estimate's self-pay ones)
            if unclaimed is None or unclaimed.patient_pays is not billed:
                unclaimed = ClaimResult(ZERO, ZERO, billed, None, None, 0)
            results.append(unclaimed)
            continue
        year = claim.date.year if calendar_plan else plan_year_of(claim.date, start)
        if year not in inn:
            first = year == first_year
            inn[year] = _fresh(
                plan.deductible_for(year),
                plan.deductible_met if first else ZERO,
                plan.oop_max_for(year),
                plan.oop_met if first else ZERO,
            )
            oon[year] = _fresh(
                plan.oon_deductible,
                plan.oon_deductible_met if first else ZERO,
                plan.oon_oop_max,
                plan.oon_oop_met if first else ZERO,
            )
        if network == "in-network":
            acc, allowed = inn[year], billed
            share, deductible_used = _in_network(allowed, plan, acc, coinsurance)
        else:
            acc = oon[year]
            allowed = cents(billed * oon_allowed)
            share, deductible_used = _out_of_network(allowed, acc, oon_coinsurance)
        oop_left = acc.oop_left
        had_room = oop_left is None or oop_left > 0
        program_pays = ZERO
        capped = False
        if claim.program and program is not None:
            calendar = claim.date.year
            left = program_left.setdefault(calendar, program.annual_max)
            # The drug part of this claim's cost share, rounded on the running total so that
            # the parts add up to cents(drug share × all cost shares): moving a dollar of cost
            # share from one visit to another never moves the program's total by a cent.
            drug_before = cents(drug_total)
            drug_total += share * program.drug_share
            relief = max(ZERO, cents(drug_total) - drug_before - program.per_treatment)
            program_pays = min(relief, left)
            program_left[calendar] = left - program_pays
            capped = left > 0 and program_left[calendar] == 0
        # Under a copay accumulator (the default) only the patient's own dollars count toward
        # the deductible and the OOP maximum; without one (--no-accumulator, as the "all
        # copays count" state laws require of the plans they regulate) the program's do too.
        own = share - program_pays
        counted = own if plan.accumulator else share
        acc.deductible_left -= min(deductible_used, counted)
        if oop_left is not None:
            oop_left = acc.oop_left = oop_left - counted
        results.append(
            ClaimResult(  # positional, in field order: keywords cost twice as much in this loop
                allowed - share,  # plan_pays
                program_pays,
                own + (billed - allowed),  # patient_pays: own share + the balance billed
                acc.deductible_left,
                oop_left,
                year,  # plan_year
                had_room and oop_left is not None and oop_left == 0,  # oop_reached
                capped,  # program_capped
            )
        )
    return results


# --- from a scenario ------------------------------------------------------------------------


def network_for(default: str, scenario: ResolvedScenario) -> Network:
    """How a line item is claimed: ``--coverage``, or under auto the item's default coverage
    when plan figures are given (self-pay without them)."""
    coverage = scenario.coverage
    if coverage == "none":
        return "self-pay"
    if coverage == "in-network":
        return "in-network"
    if coverage == "out-of-network":
        return "out-of-network"
    if default != "covered" or not scenario.has_plan:  # the cheap test first
        return "self-pay"
    if scenario.has_oon_terms_only:
        return "out-of-network"  # only out-of-network terms given: a superbill claim
    return "in-network"


OON_TERMS = ("oon_allowed", "oon_coinsurance", "oon_deductible")


def missing_oon_terms(scenario: ResolvedScenario) -> list[str]:
    """The out-of-network terms a superbill claim needs that were not given. Without all of
    them the reimbursement is not counted: none of them is guessed (an allowed amount of the
    whole bill, no coinsurance or no deductible would each assume a generous plan)."""
    return [name for name in OON_TERMS if getattr(scenario, name) is None]


def plan_for(
    scenario: ResolvedScenario, limits: PlanLimits, dates: Iterable[dt.date] = ()
) -> tuple[Plan, list[str]]:
    """The plan's terms from the scenario, with notes on the defaults it had to assume.

    ``dates`` are the course's visit dates: each plan year they fall in gets its own figures."""
    month, day = _month_day(scenario.plan_year_start)
    years = plan_years([scenario.start, *dates], (month, day))
    deductible_by_year, oop_by_year, coinsurance, default_notes = _defaults(
        limits, scenario.plan_type, scenario.hdhp, scenario.deductible is None,
        scenario.coinsurance is None, scenario.copay is None, scenario.oop_max is None,
        tuple(years),
    )  # fmt: skip
    notes = list(default_notes)
    # What was paid toward a deductible counts toward the out-of-pocket maximum (45 CFR
    # 156.130: cost sharing includes deductibles): the OOP already paid is at least that.
    oop_met = _at_least_the_deductible(scenario.oop_met, scenario.deductible_met, "", notes)
    oon_oop_met = _at_least_the_deductible(
        scenario.oon_oop_met, scenario.oon_deductible_met, "out-of-network ", notes
    )
    plan = Plan(
        deductible=scenario.deductible or ZERO,
        deductible_met=scenario.deductible_met or ZERO,
        coinsurance=(scenario.coinsurance or ZERO) if coinsurance is None else coinsurance,
        copay=scenario.copay,
        oop_max=scenario.oop_max,
        oop_met=oop_met,
        hdhp=scenario.hdhp,
        plan_year_start=(month, day),
        oon_deductible=scenario.oon_deductible or ZERO,
        oon_deductible_met=scenario.oon_deductible_met or ZERO,
        oon_coinsurance=scenario.oon_coinsurance or ZERO,
        oon_allowed=scenario.oon_allowed if scenario.oon_allowed is not None else ZERO,
        oon_oop_max=scenario.oon_oop_max,
        oon_oop_met=oon_oop_met,
        deductible_by_year=None if deductible_by_year is None else dict(deductible_by_year),
        oop_max_by_year=None if oop_by_year is None else dict(oop_by_year),
        oon_reimbursed=not missing_oon_terms(scenario),
        accumulator=scenario.accumulator,
    )
    return plan, notes


def _at_least_the_deductible(
    oop_met: Decimal | None, deductible_met: Decimal | None, which: str, notes: list[str]
) -> Decimal:
    if oop_met is not None or not deductible_met:
        return oop_met or ZERO
    notes.append(f"The {which}deductible already met ({format_money(deductible_met)}) counts "
                 f"toward the {which}out-of-pocket maximum: that much is taken as already "
                 "paid toward it.")  # fmt: skip
    return deductible_met


@lru_cache(maxsize=64)
def _month_day(text: str) -> tuple[int, int]:
    """``MM-DD`` as (month, day)."""
    month, day = text.split("-")
    return int(month), int(day)


_Defaults = tuple[
    dict[int, Decimal] | None, dict[int, Decimal] | None, Decimal | None, tuple[str, ...]
]
_DEFAULTS: Memo[_Defaults] = Memo(1024)


def _defaults(limits: PlanLimits, *given: object) -> _Defaults:
    """:func:`_limit_defaults`, remembered: batch records repeat a few plan types, given figures
    and plan years."""
    return _DEFAULTS.recall(given, (limits,), _limit_defaults, limits, *given)


def _limit_defaults(
    limits: PlanLimits,
    plan_type: str,
    hdhp: bool,
    no_deductible: bool,
    no_coinsurance: bool,
    no_copay: bool,
    no_oop_max: bool,
    years: tuple[int, ...],
) -> _Defaults:
    """The figures a plan takes from ``limits`` when the user gave none: (deductible by plan
    year, OOP maximum by plan year, coinsurance, the notes saying so); None where not needed.
    """
    notes: list[str] = []
    deductible_by_year = oop_by_year = coinsurance = None
    if plan_type == "medicare":
        if no_deductible:
            deductible_by_year = _by_year(limits, "medicare_part_b_deductible", years)
            notes.append(
                "No --deductible given: the Medicare Part B deductible is used: "
                + _yearly(limits, "medicare_part_b_deductible", years)
                + "."
            )
        if no_coinsurance and no_copay:
            coinsurance, _ = limits.figure("medicare_part_b_coinsurance", years[0])
            notes.append(
                f"No --coinsurance given: Medicare Part B's {coinsurance}% of the approved amount "
                "after the deductible."
            )
        if no_oop_max:
            notes.append("Original Medicare has no out-of-pocket maximum: none is applied.")
    elif no_oop_max and plan_type == "commercial":
        name = "hdhp_oop_max_self" if hdhp else "aca_oop_max_self"
        oop_by_year = _by_year(limits, name, years)
        what = (
            "the IRS maximum for an HSA-qualified high-deductible plan (self-only)"
            if hdhp
            else "the ACA limit for self-only in-network cover"
        )
        notes.append(
            f"No --oop-max given: {what} is used as the out-of-pocket maximum: "
            + _yearly(limits, name, years)
            + "."
        )
    return deductible_by_year, oop_by_year, coinsurance, tuple(notes)


def _by_year(limits: PlanLimits, name: str, years: tuple[int, ...]) -> dict[int, Decimal]:
    return {year: limits.figure(name, year)[0] for year in years}


def _yearly(limits: PlanLimits, name: str, years: tuple[int, ...]) -> str:
    """``$10,600 for the 2026 plan year, $12,000 for 2027``, saying where a year is not on file."""
    parts = []
    for index, year in enumerate(years):
        value, used = limits.figure(name, year)
        text = (
            format_money(value, cents="if any")
            + (" for the " if index == 0 else " for ")
            + (f"{year} plan year" if index == 0 else str(year))
        )
        if used != year:
            text += f" ({year} not on file: the {used} figure)"
        parts.append(text)
    return ", ".join(parts)


def program_for(scenario: ResolvedScenario, programs: tuple[SavingsProgram, ...]) -> Program | None:
    """The savings program that applies: the route's, if on and the plan type is eligible."""
    for program in programs:
        if (
            program.route == scenario.route
            and scenario.copay_program
            and scenario.plan_type in program.plan_types
        ):
            return Program(
                program.per_treatment.value, program.annual_max.value, program.drug_share.value
            )
    return None
