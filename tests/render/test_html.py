"""The shared HTML layer: escaping on, money formatting, the base page."""

from __future__ import annotations

from decimal import Decimal

from ketacost import __version__
from ketacost.render.html import environment, markup


def test_user_text_is_escaped_and_own_markup_is_not() -> None:
    page = (
        environment()
        .from_string(
            '{% extends "base.html" %}{% block body %}<h1>{{ name }}</h1>{{ svg }}{% endblock %}'
        )
        .render(name="<script>alert(1)</script>", svg=markup("<svg></svg>"), version=__version__)
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>" not in page
    assert "<svg></svg>" in page
    assert f"ketacost {__version__}" in page


def test_money_filter() -> None:
    money = environment().filters["money"]
    assert money(Decimal("1234.5")) == "$1,234.50"
    assert money(Decimal("-50.25")) == "−$50.25"
    assert money(None) == ""
