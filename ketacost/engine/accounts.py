"""FSA/HSA payments.

- The patient's share is paid in visit-date order from FSA funds first (use-it-or-lose-it), then
  new HSA contributions, then HSA money saved in earlier years (``--hsa-balance``), then cash.
  Only the contributions can save tax (IRC 223(a): the deduction is for the year money goes in;
  spending an old balance is tax-free but saves nothing new), so they are spent before the
  balance.
- What the account dollars save in tax is priced by :mod:`ketacost.engine.tax_saving`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import NamedTuple

from ..core.money import EDGES, ZERO
from ..rules.model import PlanLimits


class AccountPayment(NamedTuple):
    """One visit's draw on the accounts. ``total`` is ``fsa + hsa + balance``, added once here:
    an estimate reads it several times a visit. ``hsa``: new contributions; ``balance``: HSA
    money from earlier years."""

    fsa: Decimal
    hsa: Decimal
    total: Decimal
    balance: Decimal = ZERO


def apply_accounts(
    shares: list[Decimal],
    dates: list[dt.date],
    fsa: Decimal,
    hsa: Decimal,
    carryover: Callable[[int], Decimal],
    balance: Decimal = ZERO,
) -> list[AccountPayment]:
    """Pay each share (in date order) from the FSA, then the HSA contributions, then the HSA
    ``balance`` from earlier years; the rest is cash.

    The FSA is use-it-or-lose-it: at each calendar year's end inside the course only
    ``carryover(year)`` of what is left carries into the next year (a calendar-year plan).
    """
    if fsa <= 0 and hsa <= 0 and balance <= 0:
        return [AccountPayment(ZERO, ZERO, ZERO)] * len(shares)
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
        from_balance = min(share - from_fsa - from_hsa, balance)
        balance -= from_balance
        payments.append(
            AccountPayment(from_fsa, from_hsa, from_fsa + from_hsa + from_balance, from_balance)
        )
    return payments


class HsaLimit(NamedTuple):
    """One tax year's HSA contribution limit (26 USC 223(b)): the coverage tier's figure, plus
    the catch-up at 55 or older; ``year_used`` is the year the figures were read from."""

    amount: Decimal
    year_used: int
    coverage: str
    catch_up: Decimal  # the catch-up added (zero without --hsa-catch-up)


def hsa_limit(limits: PlanLimits, year: int, coverage: str, catch_up: bool) -> HsaLimit:
    """The HSA limit of tax ``year`` for ``coverage`` (``self`` or ``family``)."""
    amount, used = limits.figure(f"hsa_limit_{coverage}", year)
    extra = limits.figure("hsa_catch_up", year)[0] if catch_up else ZERO
    return HsaLimit(amount + extra, used, coverage, extra)


def hsa_by_year(
    dates: list[dt.date], payments: dict[str, list[AccountPayment]]
) -> dict[int, dict[str, Decimal]]:
    """New HSA contributions spent per calendar (tax) year and band edge."""
    years: dict[int, dict[str, Decimal]] = {}
    for edge in EDGES:
        for day, payment in zip(dates, payments[edge], strict=True):
            if payment.hsa:
                by_edge = years.setdefault(day.year, {e: ZERO for e in EDGES})
                by_edge[edge] += payment.hsa
    return years
