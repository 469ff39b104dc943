"""A household's tax for one year: federal income tax and credits, payroll tax, state income tax.

:func:`liability` is the tax law applied to wages and account money; :mod:`.tax_saving` asks it
twice, without and with the account dollars, for the saving.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING, NamedTuple

from ..core.money import HUNDRED, ZERO

if TYPE_CHECKING:  # the law is read on first use: most estimates have no income to tax
    from ..rules.taxlaw import Bracket, FederalYear, Recapture, StateTax

_THOUSAND = Decimal(1000)


class Household(NamedTuple):
    """Who files and what they earn (wages before any FSA/HSA payroll money)."""

    filing: str  # single | joint | head | separate
    holder_wages: Decimal  # the account holder's
    spouse_wages: Decimal  # the other earner on a joint return (0 otherwise)
    children: int  # qualifying children under 17


class AccountMoney(NamedTuple):
    """Account dollars in one tax year, by how they escape tax."""

    payroll_fsa: Decimal = ZERO  # FSA salary reduction
    payroll_hsa: Decimal = ZERO  # HSA through the employer's cafeteria plan
    direct_hsa: Decimal = ZERO  # HSA contributed directly: deducted above the line


class Federal(NamedTuple):
    """Federal income tax of a return, with the credits that made it."""

    agi: Decimal
    taxable: Decimal
    before_credits: Decimal
    ctc: Decimal  # the non-refundable child tax credit used
    actc: Decimal  # the refundable part (additional child tax credit)
    eitc: Decimal
    tax: Decimal  # after credits; negative when refundable credits exceed the tax


class Liability(NamedTuple):
    """A household's tax for one year: federal income tax, employee payroll tax, state tax."""

    federal: Federal
    payroll: Decimal
    state: Decimal

    @property
    def total(self) -> Decimal:
        return self.federal.tax + self.payroll + self.state


def bracket_tax(taxable: Decimal, brackets: tuple[Bracket, ...]) -> Decimal:
    """The sum over brackets of rate × the part of ``taxable`` inside each (exact, unrounded)."""
    tax = ZERO
    lower = ZERO
    for bracket in brackets:
        if taxable <= lower:
            break
        top = taxable if bracket.upper is None else min(taxable, bracket.upper)
        tax += (top - lower) * bracket.rate
        if bracket.upper is None:
            break
        lower = bracket.upper
    return tax / HUNDRED


def payroll_tax(household: Household, money: AccountMoney, law: FederalYear) -> Decimal:
    """The employee's Social Security (per worker, to the wage base), Medicare and the
    Additional Medicare Tax on the household's wages (26 USC 3101(a), (b)(2))."""
    holder = max(ZERO, household.holder_wages - money.payroll_fsa - money.payroll_hsa)
    spouse = household.spouse_wages if household.filing == "joint" else ZERO
    base = law.social_security_wage_base
    wages = holder + spouse
    tax = (min(holder, base) + min(spouse, base)) * law.social_security_rate
    tax += wages * law.medicare_rate
    over = wages - law.additional_medicare_threshold[household.filing]
    if over > 0:
        tax += over * law.additional_medicare_rate
    return tax / HUNDRED


def federal_tax(household: Household, money: AccountMoney, law: FederalYear) -> Federal:
    """Federal income tax after the child tax credit, its refundable part and the EITC."""
    filing = household.filing
    earned = max(ZERO, household.holder_wages - money.payroll_fsa - money.payroll_hsa)
    earned += household.spouse_wages if filing == "joint" else ZERO
    agi = max(ZERO, earned - money.direct_hsa)
    taxable = max(ZERO, agi - law.standard_deduction[filing])
    before = bracket_tax(taxable, law.brackets[filing])
    children = household.children
    eitc = earned_income_credit(earned, agi, children, filing, law)
    # 26 USC 24(b): $50 for each $1,000 (or fraction thereof) of MAGI above the threshold
    credit = children * law.ctc_per_child
    excess = agi - law.ctc_phaseout_start[filing]
    if credit and excess > 0:
        steps = (excess / law.ctc_phaseout_step).to_integral_value(rounding=ROUND_CEILING)
        credit = max(ZERO, credit - steps * law.ctc_phaseout_step * law.ctc_phaseout_rate / HUNDRED)
    ctc = min(credit, before)
    actc = ZERO
    unused = credit - ctc
    if unused > 0:
        by_earnings = max(ZERO, earned - law.actc_earned_floor) * law.actc_rate / HUNDRED
        if children >= 3:  # 26 USC 24(d)(1)(B)(ii): social security taxes less the EITC
            social_security = payroll_without_additional(household, money, law)
            by_earnings = max(by_earnings, social_security - eitc)
        actc = min(unused, children * law.ctc_refundable_max, by_earnings)
    tax = before - ctc - actc - eitc
    return Federal(agi, taxable, before, ctc, actc, eitc, tax)


def payroll_without_additional(
    household: Household, money: AccountMoney, law: FederalYear
) -> Decimal:
    """Social Security and Medicare withheld (Schedule 8812 line 22, as Tax-Calculator reads it)."""
    holder = max(ZERO, household.holder_wages - money.payroll_fsa - money.payroll_hsa)
    spouse = household.spouse_wages if household.filing == "joint" else ZERO
    base = law.social_security_wage_base
    tax = (min(holder, base) + min(spouse, base)) * law.social_security_rate
    return (tax + (holder + spouse) * law.medicare_rate) / HUNDRED


def earned_income_credit(
    earned: Decimal, agi: Decimal, children: int, filing: str, law: FederalYear
) -> Decimal:
    """26 USC 32: min(rate × earnings, maximum), less the phase-out rate × (the greater of AGI
    and earnings − the phase-out start). No credit on a separate return (spouses living
    together, 32(d))."""
    if filing == "separate" and not law.eitc_separate_filers:
        return ZERO
    schedule = law.eitc[min(children, 3)]
    credit = min(earned * schedule.rate / HUNDRED, schedule.max_credit)
    start = schedule.phaseout_start_joint if filing == "joint" else schedule.phaseout_start
    over = max(earned, agi) - start
    if over > 0:
        credit = min(
            credit, max(ZERO, schedule.max_credit - over * schedule.phaseout_rate / HUNDRED)
        )
    return credit


def state_income(
    federal: Federal, money: AccountMoney, state: StateTax, filing: str = "single"
) -> Decimal:
    """The state's starting income: federal AGI (or taxable income), with back the account
    dollars it does not exclude (a state that taxes HSA money allows no direct HSA deduction)."""
    income = federal.taxable if state.federal_taxable_income else federal.agi
    if not state.fsa_excluded:
        income += money.payroll_fsa
    if not state.hsa_excluded:
        income += money.payroll_hsa + money.direct_hsa
    if state.federal_tax_subtraction is not None:  # ORS 316.800: federal tax, capped by AGI
        caps = state.federal_tax_subtraction[filing]
        cap = [row.cap for row in caps if row.agi <= federal.agi][-1]
        income -= min(max(ZERO, federal.tax), cap)
    return income


def state_tax(income: Decimal, household: Household, state: StateTax) -> Decimal:
    """Brackets of (income − standard deduction − exemptions), less exemption credits."""
    if state.kind == "none" or state.brackets is None:
        return ZERO
    filing = household.filing
    filers = 2 if filing == "joint" else 1
    children = household.children
    deduction = state.standard_deduction[filing] if state.standard_deduction else ZERO
    if state.standard_deduction_phaseout is not None:  # Wisconsin's sliding scale
        shrink = bracket_tax(income, state.standard_deduction_phaseout[filing])
        deduction = max(ZERO, deduction - shrink)
    if state.exemption_by_filing is not None:
        deduction += state.exemption_by_filing[filing]
    else:
        deduction += state.exemption * filers
    deduction += state.dependent_exemption * children
    taxable = max(ZERO, income - deduction)
    tax = bracket_tax(taxable, state.brackets[filing])
    recapture = state.recapture
    if recapture is not None:
        measure = taxable if recapture.of_taxable_income else income
        if measure > recapture.min_agi:
            tax = recaptured(tax, measure, taxable, state.brackets[filing], recapture, filing)
    if state.exemption_credit_by_filing is not None:
        credits = state.exemption_credit_by_filing[filing]
    else:
        credits = state.exemption_credit * filers
    credits += state.dependent_credit * children
    phased = state.phased_credit
    if phased is not None:  # Utah Code 59-10-1018: phased out above the start
        full = phased.amount[filing] + phased.per_child * children
        credits += max(ZERO, full - (income - phased.start[filing]) * phased.rate / HUNDRED)
    return max(ZERO, tax - credits)


def recaptured(
    tax: Decimal, agi: Decimal, taxable: Decimal, brackets: tuple[Bracket, ...],
    recapture: Recapture, filing: str,
) -> Decimal:  # fmt: skip
    """The bracket ``tax`` with the lower brackets' benefit taken back (New York Tax Law
    601(d-1) ff., IT-201-I tax computation worksheets; ``agi`` is taxable income for a
    recapture ``of_taxable_income``): all of it above ``flat_above`` of AGI,
    else the row's base + (AGI − max(min AGI, the lower edge of the taxpayer's bracket)) /
    phase-in length × its incremental benefit."""
    if recapture.flat_above is not None and agi > recapture.flat_above:
        return taxable * brackets[-1].rate / HUNDRED
    lower = ZERO
    for bracket in brackets:
        if bracket.upper is None or taxable <= bracket.upper:
            break
        lower = bracket.upper
    row = [r for r in recapture.rows[filing] if r.start <= taxable][-1]
    fraction = min(Decimal(1), (agi - max(recapture.min_agi, lower)) / recapture.phase_in)
    return tax + row.base + max(ZERO, fraction) * row.benefit


def liability(
    household: Household, money: AccountMoney, law: FederalYear, state: StateTax | None
) -> Liability:
    """The household's tax for one year with ``money`` in the accounts."""
    payroll = payroll_tax(household, money, law)
    federal = federal_tax(household, money, law)
    owed = ZERO
    if state is not None:
        income = state_income(federal, money, state, household.filing)
        owed = state_tax(income, household, state)
    return Liability(federal, payroll, owed)
