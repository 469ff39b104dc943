"""FSA/HSA payments, the marginal rate account dollars escape.

- The patient's share is paid in visit-date order from FSA funds first (use-it-or-lose-it), then
  HSA funds, then cash.
- Tax saving = FSA dollars × the FSA rate + HSA dollars × the HSA rate. A given ``--tax-rate`` is
  both rates. From ``--income``: the federal bracket of (income − standard deduction) + the state
  rate + FICA for payroll dollars (7.65% up to the Social Security wage base, 1.45% above; FSA
  always, HSA unless contributed directly). States that tax HSA contributions (CA, NJ) give no
  state saving on HSA dollars (research/rules.md §§4–6).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import NamedTuple

from .model import TaxRules, TaxYear
from .money import HUNDRED, ZERO, cents


class AccountPayment(NamedTuple):
    fsa: Decimal
    hsa: Decimal

    @property
    def total(self) -> Decimal:
        return self.fsa + self.hsa


def apply_accounts(
    shares: list[Decimal],
    dates: list[dt.date],
    fsa: Decimal,
    hsa: Decimal,
    carryover: Callable[[int], Decimal],
) -> list[AccountPayment]:
    """Pay each share (in date order) from the FSA, then the HSA; the rest is cash.

    The FSA is use-it-or-lose-it: at each calendar year's end inside the course only
    ``carryover(year)`` of what is left carries into the next year (a calendar-year plan).
    """
    if fsa <= 0 and hsa <= 0:
        return [AccountPayment(ZERO, ZERO)] * len(shares)
    payments: list[AccountPayment] = []
    year = dates[0].year if dates else 0
    for share, day in zip(shares, dates, strict=True):
        while day.year > year:
            fsa = min(fsa, carryover(year))
            year += 1
        from_fsa = min(share, fsa)
        fsa -= from_fsa
        from_hsa = min(share - from_fsa, hsa)
        hsa -= from_hsa
        payments.append(AccountPayment(from_fsa, from_hsa))
    return payments


def federal_rate(income: Decimal, filing: str, year: TaxYear) -> Decimal:
    """The federal marginal rate (percent) of taxable income = income − standard deduction."""
    taxable = income - year.standard_deduction[filing]
    if taxable <= 0:
        return ZERO
    for bracket in year.brackets[filing]:
        if bracket.upper is None or taxable <= bracket.upper:
            return bracket.rate
    raise AssertionError("the last bracket has no upper bound")  # pragma: no cover


def fica_rate(income: Decimal, year: TaxYear) -> Decimal:
    """Employee FICA (percent) on a payroll dollar at this wage level."""
    if income <= year.social_security_wage_base:
        return year.social_security_rate + year.medicare_rate
    return year.medicare_rate


class Rates(NamedTuple):
    """Marginal rates (percent) that FSA and HSA dollars escape, and how they were found."""

    fsa: Decimal
    hsa: Decimal
    explanation: str


def marginal_rates(
    *,
    tax_rate: Decimal | None,
    income: Decimal | None,
    filing: str,
    state_tax_rate: Decimal | None,
    hsa_direct: bool,
    state: str | None,
    rules: TaxRules,
    year: int,
) -> Rates:
    if tax_rate is not None:
        return Rates(tax_rate, tax_rate, f"the given combined marginal rate of {tax_rate}%")
    if income is None:
        return Rates(ZERO, ZERO, "no tax rate or income given: tax savings not counted")
    figures = rules.year(year)
    federal = federal_rate(income, filing, figures)
    state_rate = state_tax_rate or ZERO
    fica = fica_rate(income, figures)
    hsa_state = ZERO if state in rules.hsa_taxed_states else state_rate
    hsa_fica = ZERO if hsa_direct else fica
    parts = [f"federal {federal}% ({filing}, income {income:,})", f"state {state_rate}%"]
    parts.append(f"FICA {fica}% on payroll dollars")
    if state in rules.hsa_taxed_states:
        parts.append(f"{state} taxes HSA contributions: no state saving on HSA dollars")
    if hsa_direct:
        parts.append("HSA contributed directly: no FICA saving on HSA dollars")
    return Rates(federal + state_rate + fica, federal + hsa_state + hsa_fica, "; ".join(parts))


def tax_savings(fsa_total: Decimal, hsa_total: Decimal, rates: Rates) -> Decimal:
    """Dollars of tax escaped, rounded once to the cent."""
    return cents((fsa_total * rates.fsa + hsa_total * rates.hsa) / HUNDRED)
