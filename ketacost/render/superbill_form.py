"""The superbill's form: its title, sections, rows, attestation and "how to file" words. Every
printable format (Markdown, HTML, PDF) lays out the same words from here, in the CMS-1500's order
(item numbers in brackets, so a billing service can key it in)."""

from __future__ import annotations

from ..core.money import format_money
from ..documents.superbill import Line, Superbill, full_name, place_name

TITLE = "Superbill: itemized statement for an out-of-network claim"
RELATIONSHIP = {"self": "Self", "spouse": "Spouse", "child": "Child", "other": "Other"}
LINE_HEADER = ["Date (24A)", "Place (24B)", "Code (24D)", "Modifiers (24D)", "Pointers (24E)",
               "Units (24G)", "Drug NDC (24A)", "Charge (24F)", "Paid"]  # fmt: skip
ATTESTATION = (
    "I certify that the services listed above were medically indicated and necessary to the "
    "health of this patient and were personally furnished by me or under my supervision, that "
    "the charges are the provider's usual charges, and that the amounts shown as paid were "
    "received."
)
HOW_TO_FILE = (
    "Send this superbill with your plan's member claim form (out-of-network or "
    '"member-submitted" claim), or upload both through the plan\'s member portal or app.',
    "Attach proof of payment if the plan asks for it; this statement shows what was paid.",
    "Keep a copy of everything you send, and the date you sent it.",
    "Filing deadlines vary by plan: check your plan's documents and file soon after the visit.",
)


def ndc_text(line: Line) -> str:
    """The drug's NDC as the claim's shaded line writes it: N4, 11 digits, unit, quantity."""
    if line.ndc is None:
        return ""
    quantity = format(line.ndc_quantity.normalize(), "f") if line.ndc_quantity else ""
    return f"N4{line.ndc} {line.ndc_unit or ''}{quantity}".strip()


def patient_rows(bill: Superbill) -> list[tuple[str, str]]:
    p = bill.patient
    insured = p.insured
    address = f"{p.address.line}, {p.address.city}, {p.address.state} {p.address.zip}"
    if insured is None:
        who = "Same as patient (relationship: self)"
    else:
        born = f", born {insured.dob.isoformat()}" if insured.dob else ""
        who = f"{insured.name}{born} (relationship: {RELATIONSHIP[insured.relationship].lower()})"
    plan = ", ".join(x for x in (p.plan_name, f"group {p.group_number}" if p.group_number else "")
                     if x)  # fmt: skip
    rows = [
        ("Patient's name [2]", full_name(p.name)),
        ("Date of birth, sex [3]", f"{p.dob.isoformat()}, {p.sex}"),
        ("Patient's address [5]", address),
        ("Insured's ID number [1a]", p.member_id),
        ("Insured [4, 6, 11a]", who),
    ]
    if plan:
        rows.append(("Plan, group [11c, 11]", plan))
    return rows


def line_rows(bill: Superbill) -> list[list[str]]:
    return [
        [line.date.isoformat(), line.place_of_service, line.code, " ".join(line.modifiers),
         line.pointers, str(line.units), ndc_text(line), format_money(line.charge),
         format_money(line.paid)]
        for line in bill.lines
    ]  # fmt: skip


def total_rows(bill: Superbill) -> list[tuple[str, str]]:
    return [
        ("Total charge [28]", format_money(bill.total_charge)),
        ("Amount paid [29]", format_money(bill.amount_paid)),
        ("Balance due", format_money(bill.balance_due)),
    ]


def provider_rows(bill: Superbill) -> list[tuple[str, str]]:
    b, r = bill.billing_provider, bill.rendering_provider
    rows = [
        ("Billing provider [33]", b.name + (f", {b.phone}" if b.phone else "")),
        ("Address [32, 33]", b.address),
        ("Billing NPI [33a], taxonomy [33b]", b.npi + (f"; ZZ {b.taxonomy}" if b.taxonomy else "")),
        ("Federal tax ID, EIN [25]", b.tin),
    ]
    if r is not None:
        who = r.name + (f", {r.credentials}" if r.credentials else "")
        rows.append(
            (
                "Rendering provider [24J, 31]",
                f"{who}; NPI {r.npi}" + (f"; taxonomy {r.taxonomy}" if r.taxonomy else ""),
            )
        )
    return rows


def places_used(bill: Superbill) -> str:
    codes = sorted({line.place_of_service for line in bill.lines})
    return "; ".join(f"{code} {place_name(code)}" for code in codes)


def signer(bill: Superbill) -> str:
    r = bill.rendering_provider
    if r is None:
        return f"for {bill.billing_provider.name}"
    return r.name + (f", {r.credentials}" if r.credentials else "")
