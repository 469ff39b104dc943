"""The Good Faith Estimate's form: its title, the item table's header and rows, the fonts. Every
format (Markdown, HTML, PDF) lays out the same words from here."""

from __future__ import annotations

from pathlib import Path

from ..core.money import format_money
from ..documents.gfe import GoodFaithEstimate, Provider

TITLE = "Good Faith Estimate for Health Care Items and Services"
ROLES = {"convening": "convening provider", "co-provider": "co-provider"}
FONTS = Path(__file__).resolve().parent / "fonts"


def patient_rows(gfe: GoodFaithEstimate) -> list[tuple[str, str]]:
    """The CMS form's patient fields that are known: name, date of birth, ID, address, phone,
    email."""
    p = gfe.patient
    rows = [("Patient name", p.name), ("Date of birth", p.date_of_birth.isoformat())]
    optional = [("Patient identification number", p.id), ("Patient address", p.address),
                ("Patient phone", p.phone), ("Patient email", p.email)]  # fmt: skip
    return rows + [(label, value) for label, value in optional if value]


def contact_text(provider: Provider) -> str | None:
    """Whom to ask: the contact person (with phone and email), else the provider's phone."""
    return provider.contact or provider.phone


def replaces_text(gfe: GoodFaithEstimate) -> str | None:
    if gfe.replaces is None:
        return None
    return f"This Good Faith Estimate replaces the one numbered {gfe.replaces}."


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
