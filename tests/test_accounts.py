"""apply_accounts draws digit for digit what the plain FSA-then-HSA loop draws.

apply_accounts skips the arithmetic once both accounts are empty (issue 16); this checks the
shortcut against the loop it replaces, on amounts whose digits matter: zeros with different
exponents (``0``, ``0.00``, ``0E-3``), a negative zero, shares of zero and carryovers that
change the FSA balance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ketacost.accounts import apply_accounts

AMOUNTS = ["0", "0.00", "-0", "0E-3", "0.01", "1", "5.00", "10.50", "250.25", "999.99", "1000"]


def plain_draws(
    shares: list[Decimal],
    dates: list[dt.date],
    fsa: Decimal,
    hsa: Decimal,
    carryover: Callable[[int], Decimal],
) -> list[tuple[str, str, str]]:
    """The draw loop without shortcuts, as text: (fsa, hsa, total) per share."""
    if fsa <= 0 and hsa <= 0:
        zero = Decimal("0.00")
        return [(str(zero), str(zero), str(zero + zero))] * len(shares)
    out = []
    year = dates[0].year if dates else 0
    for share, day in zip(shares, dates, strict=True):
        while day.year > year:
            fsa = min(fsa, carryover(year))
            year += 1
        from_fsa = min(share, fsa)
        fsa -= from_fsa
        from_hsa = min(share - from_fsa, hsa)
        hsa -= from_hsa
        out.append((str(from_fsa), str(from_hsa), str(from_fsa + from_hsa)))
    return out


amounts = st.sampled_from(AMOUNTS).map(Decimal)


@settings(max_examples=300, deadline=None)
@given(
    shares=st.lists(st.one_of(amounts, st.sampled_from(["-1.00", "-0.00"]).map(Decimal)),
                    max_size=12),
    offsets=st.lists(st.integers(0, 500), min_size=12, max_size=12),
    fsa=amounts,
    hsa=amounts,
    carried=st.sampled_from(["0", "0.00", "5.00", "640", "-1"]).map(Decimal),
)  # fmt: skip
def test_draws_match_the_plain_loop(
    shares: list[Decimal], offsets: list[int], fsa: Decimal, hsa: Decimal, carried: Decimal
) -> None:
    dates = sorted(dt.date(2026, 3, 1) + dt.timedelta(days=d) for d in offsets[: len(shares)])
    drawn = apply_accounts(shares, dates, fsa, hsa, lambda year: carried)
    texts = [(str(p.fsa), str(p.hsa), str(p.total)) for p in drawn]
    assert texts == plain_draws(shares, dates, fsa, hsa, lambda year: carried)
