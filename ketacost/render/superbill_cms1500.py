"""The superbill as CMS-1500 data: JSON keyed by the form's item numbers ("24A", "33a" …).

For a billing service that keys claims, not for printing: a paper 1500 must be the red-ink
original (research/superbill.md d.1). The form holds six service lines, so each page of six is a
claim of its own with its own total charge (28) and amount paid (29). Values follow the NUCC
instructions for form 02/12: dates MM DD YY (birth dates MM DD YYYY), diagnoses without the dot,
ICD indicator 0 (ICD-10-CM), the tax ID without hyphens, taxonomy with qualifier ZZ.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..core.money import ZERO
from ..documents.superbill import Line, Superbill, full_name

LINES_PER_PAGE = 6


def _date(day: dt.date) -> str:
    return f"{day:%m %d %y}"


def _line(line: Line, bill: Superbill) -> dict[str, Any]:
    rendering = bill.rendering_provider
    out: dict[str, Any] = {
        "24A": {"from": _date(line.date), "to": _date(line.date)},
        "24B": line.place_of_service,
        "24C": "",  # EMG: not an emergency
        "24D": {"code": line.code, "modifiers": list(line.modifiers)},
        "24E": line.pointers,
        "24F": line.charge,
        "24G": line.units,
        "24H": "",
        "24I": "ZZ" if rendering and rendering.taxonomy else "",
        "24J": {"npi": rendering.npi if rendering else bill.billing_provider.npi,
                "taxonomy": rendering.taxonomy if rendering else None},
    }  # fmt: skip
    if line.ndc is not None:
        quantity = format(line.ndc_quantity.normalize(), "f") if line.ndc_quantity else ""
        out["24A"]["shaded"] = f"N4{line.ndc} {line.ndc_unit or ''}{quantity}".strip()
    return out


def cms1500(bill: Superbill) -> dict[str, Any]:
    """The 1500 items of ``bill``, six service lines a page."""
    p, b = bill.patient, bill.billing_provider
    insured = p.insured
    relationship = insured.relationship if insured else "self"
    header: dict[str, Any] = {
        "1": "Group health plan",
        "1a": p.member_id,
        "2": full_name(p.name),
        "3": {"dob": f"{p.dob:%m %d %Y}", "sex": p.sex},
        "4": insured.name if insured else full_name(p.name),
        "5": {"street": p.address.line, "city": p.address.city, "state": p.address.state,
              "zip": p.address.zip},
        "6": relationship,
        "11": p.group_number or "",
        "11a": ({"dob": f"{insured.dob:%m %d %Y}"} if insured and insured.dob
                else {"dob": f"{p.dob:%m %d %Y}", "sex": p.sex} if not insured else {}),
        "11c": p.plan_name or "",
        "12": "Signature on file",
        "13": "Signature on file",
        "21": {"icd_indicator": "0",
               **{d.pointer: d.code.replace(".", "") for d in bill.diagnoses}},
        "25": {"number": b.tin.replace("-", ""), "type": "EIN"},
        "26": bill.id,
        "27": False,  # accept assignment: no, the patient has paid the clinic
        "31": {"signer": (bill.rendering_provider.name if bill.rendering_provider else b.name),
               "credentials": (bill.rendering_provider.credentials
                               if bill.rendering_provider else None),
               "date": _date(bill.issued)},
        "32": {"name": b.name, "address": b.address},
        "32a": b.npi,
        "33": {"name": b.name, "address": b.address, "phone": b.phone},
        "33a": b.npi,
        "33b": f"ZZ{b.taxonomy}" if b.taxonomy else "",
    }  # fmt: skip
    chunks = [bill.lines[n : n + LINES_PER_PAGE] for n in range(0, len(bill.lines), LINES_PER_PAGE)]
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        total = sum((line.charge for line in chunk), ZERO)
        paid = sum((line.paid for line in chunk), ZERO)
        pages.append({
            "page": number,
            "of": len(chunks),
            **header,
            "24": [_line(line, bill) for line in chunk],
            "28": total,
            "29": paid,
        })  # fmt: skip
    return {"schema_version": 1, "kind": "cms1500", "form": "CMS-1500 (02/12)",
            "superbill": bill.id, "pages": pages}  # fmt: skip
