"""Money and percentages: one constructor, never from a float, rounded at one boundary.

Following beancount: numbers are made by :func:`D` from text or integers only, arithmetic keeps
full precision, and :func:`cents` rounds to the cent with the rounding mode named
(``ROUND_HALF_UP``) at the boundary of a finished line or visit. :func:`format_money` is the one
way money becomes text a person reads (JSON and CSV numbers are not text: they stay numbers).
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal, NamedTuple

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
HUNDRED = Decimal("100")
DOLLAR = Decimal("1")


def D(value: str | int | Decimal) -> Decimal:
    """Make a Decimal from text, an int or a Decimal. Floats are refused: they are not exact."""
    if isinstance(value, (bool, float)):
        raise TypeError(f"money is never made from {type(value).__name__}: {value!r}")
    if isinstance(value, Decimal):
        return value
    try:
        result = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None
    return result


def cents(amount: Decimal) -> Decimal:
    """Round to the cent, half up (the one rounding rule of ketacost)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal | None, *, cents: bool | Literal["if any"] = True) -> str:
    """Money as a person reads it: ``$1,234.50``, ``−$50.33`` (U+2212 before the dollar sign).

    ``cents=False`` shows whole dollars (``$7,551``: the ends of a range are estimates, cents would
    be noise); ``cents="if any"`` shows cents only when the amount has some (``$400``,
    ``$12.50``). ``None`` (a figure not given) is the empty string. Rounding here is for display
    only, half even as ``format`` does it: the figures were already rounded half up to the cent.
    The sign follows the figure shown, so ``−$0.40`` in whole dollars is ``$0``, never ``−$0``.
    """
    if amount is None:
        return ""
    whole = cents is False or (cents == "if any" and amount == amount.to_integral_value())
    shown = amount.quantize(DOLLAR if whole else CENT, rounding=ROUND_HALF_EVEN)
    return f"{'−' if shown < 0 else ''}${abs(shown):,}"


def percent(rate: Decimal) -> Decimal:
    """A percentage (20 for 20%) as a fraction (0.20)."""
    return rate / HUNDRED


class Band(NamedTuple):
    """A money figure with its uncertainty: low, typical and high edges."""

    low: Decimal
    typical: Decimal
    high: Decimal

    @classmethod
    def flat(cls, amount: Decimal) -> Band:
        return cls(amount, amount, amount)

    @classmethod
    def zero(cls) -> Band:
        return cls(ZERO, ZERO, ZERO)

    def edges(self) -> tuple[Decimal, Decimal, Decimal]:
        return (self.low, self.typical, self.high)

    def __add__(self, other: Band) -> Band:  # type: ignore[override]
        return Band(self.low + other.low, self.typical + other.typical, self.high + other.high)

    def __sub__(self, other: Band) -> Band:
        return Band(self.low - other.low, self.typical - other.typical, self.high - other.high)

    def scale(self, factor: Decimal) -> Band:
        """Multiply every edge by ``factor`` and round each to the cent."""
        return Band(
            cents(self.low * factor), cents(self.typical * factor), cents(self.high * factor)
        )

    def times(self, quantity: int) -> Band:
        """Multiply every (already rounded) edge by a whole quantity: exact, no rounding."""
        return Band(self.low * quantity, self.typical * quantity, self.high * quantity)


ZERO_BAND = Band(ZERO, ZERO, ZERO)


def band_sum(bands: list[Band] | tuple[Band, ...]) -> Band:
    """Edge by edge sum (an empty list sums to zero)."""
    if not bands:
        return Band.zero()
    lows, typicals, highs = zip(*bands, strict=True)
    return Band(sum(lows, ZERO), sum(typicals, ZERO), sum(highs, ZERO))


EDGES = ("low", "typical", "high")
