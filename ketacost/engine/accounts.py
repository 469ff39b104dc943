"""FSA/HSA payments.

- The patient's share is paid in visit-date order from FSA funds first (use-it-or-lose-it), then
  HSA funds, then cash.
- What the account dollars save in tax is priced by :mod:`ketacost.engine.tax_saving`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import NamedTuple

from ..core.money import ZERO


class AccountPayment(NamedTuple):
    """One visit's draw on the accounts. ``total`` is ``fsa + hsa``, added once here: an
    estimate reads it several times a visit."""

    fsa: Decimal
    hsa: Decimal
    total: Decimal


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
        payments.append(AccountPayment(from_fsa, from_hsa, from_fsa + from_hsa))
    return payments
