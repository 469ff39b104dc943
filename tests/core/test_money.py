"""Money as text: one formatter, one sign style (STYLE.md rule 8)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from conftest import REPO

from ketacost.core.money import format_money


@pytest.mark.parametrize(
    ("amount", "options", "text"),
    [
        ("0", {}, "$0.00"),
        ("0", {"cents": False}, "$0"),
        ("-0.00", {}, "$0.00"),  # a negative zero has no sign
        ("-50.33", {}, "−$50.33"),  # U+2212 before the dollar sign, never $-50.33
        ("1234.5", {}, "$1,234.50"),
        ("1234567.89", {}, "$1,234,567.89"),
        ("7551.49", {"cents": False}, "$7,551"),
        ("16034", {"cents": False}, "$16,034"),
        ("-300", {"cents": False}, "−$300"),
        ("-0.40", {"cents": False}, "$0"),  # the sign follows the figure shown
        ("2.50", {"cents": False}, "$2"),  # display rounding is half even, as format() does it
        ("3.50", {"cents": False}, "$4"),
        ("400", {"cents": "if any"}, "$400"),
        ("12.5", {"cents": "if any"}, "$12.50"),
        ("-12.5", {"cents": "if any"}, "−$12.50"),
    ],
)
def test_format_money(amount: str, options: dict[str, bool | str], text: str) -> None:
    assert format_money(Decimal(amount), **options) == text  # type: ignore[arg-type]


def test_a_figure_not_given_is_empty() -> None:
    assert format_money(None) == ""
    assert format_money(None, cents=False) == ""


def test_money_is_made_text_in_one_place() -> None:
    """No module but core/money.py puts a dollar sign before a formatted number."""
    hand_made = re.compile(r"\$\{|:,\.[0-9]f\}")
    found = [
        f"{path.relative_to(REPO)}:{n}: {line.strip()}"
        for path in sorted((REPO / "ketacost").rglob("*.py"))
        if path.name != "money.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if hand_made.search(line)
    ]
    assert found == []
