"""The Good Faith Estimate's form: its title, the item table's header and rows, the fonts. Every
format (Markdown, HTML, PDF) lays out the same words from here."""

from __future__ import annotations

from pathlib import Path

from ..core.money import format_money
from ..documents.gfe import GoodFaithEstimate, Provider

TITLE = "Good Faith Estimate for Health Care Items and Services"
FONTS = Path(__file__).resolve().parent / "fonts"


def codes_text(codes: tuple[str, ...]) -> str:
    return ", ".join(codes) or "—"


def summary_rows(gfe: GoodFaithEstimate) -> list[tuple[str, str]]:
    return [(p.name, format_money(p.total)) for p in gfe.providers]


def item_rows(provider: Provider) -> list[list[str]]:
    """Service/item, address, diagnosis codes, service codes, quantity, unit charge, expected."""
    return [
        [item.service, provider.address, ", ".join(item.diagnosis_codes), codes_text(item.codes),
         str(item.quantity), format_money(item.unit_charge), format_money(item.expected_charge)]
        for item in provider.items
    ]  # fmt: skip


ITEM_HEADER = ["Service/item", "Address where provided", "Diagnosis code", "Service code",
               "Quantity", "Unit charge", "Expected cost"]  # fmt: skip
