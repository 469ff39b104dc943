"""Financing the cash out of pocket: a real amortization schedule.

A fixed monthly payment from the standard annuity formula, rounded half up to the cent; each
month the interest is the remaining balance × APR / 12, rounded half up to the cent; the rest of
the payment repays principal; the last payment settles whatever balance is left. So the payments
add up exactly to the amount financed plus the interest, month by month.

Example (tests/cases/accounts.yaml): $999 over 60 months at 29.99% APR is 59 payments of $32.31
and a last one of $32.96; interest $940.25.

An APR so small that a month's interest on the whole amount rounds to $0.00 is interest-free (the
annuity formula would divide by a number that rounds to zero).
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import NamedTuple

from ..core.money import HUNDRED, ZERO, cents


class Loan(NamedTuple):
    """One band edge's schedule: ``payments[i]`` is due in month ``i + 1`` after the loan opens."""

    payment: Decimal  # the regular monthly payment
    payments: tuple[Decimal, ...]  # every payment, the last one settling the balance
    interest: Decimal  # the sum of each month's rounded interest

    @property
    def final_payment(self) -> Decimal:
        """The last payment that is not zero (zero when nothing is financed)."""
        return next((p for p in reversed(self.payments) if p), ZERO)

    @property
    def total_paid(self) -> Decimal:
        return sum(self.payments, ZERO)


def monthly_rate(apr: Decimal) -> Decimal:
    return apr / HUNDRED / 12


def amortize(principal: Decimal, months: int, apr: Decimal) -> Loan:
    """The amortization schedule of ``principal`` over ``months`` at ``apr`` percent."""
    if principal <= 0:
        return Loan(ZERO, (ZERO,) * months, ZERO)
    rate = monthly_rate(apr)
    if cents(principal * rate) == 0:  # interest-free in practice (0%, or 1e-30%)
        rate = ZERO
    if rate == 0:
        payment = cents(principal / months)
    else:
        with localcontext() as ctx:
            ctx.prec = 50  # (1 + rate) ** -months for a small rate needs the digits
            payment = cents(principal * rate / (1 - (1 + rate) ** -months))
    balance = principal
    payments: list[Decimal] = []
    interest_total = ZERO
    for month in range(1, months + 1):
        interest = cents(balance * rate)
        due = balance + interest
        # A payment rounded up can settle the loan a month or two early on a small balance:
        # never pay more than is owed; the last month pays all that is owed.
        paid = due if month == months else min(payment, due)
        interest_total += interest
        balance = due - paid
        payments.append(paid)
    return Loan(payment, tuple(payments), interest_total)
