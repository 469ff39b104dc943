"""The superbill on paper and as data: Markdown, HTML, PDF, JSON and CMS-1500 item JSON.

Every printable format follows the CMS-1500's order from :mod:`.superbill_form`. Jinja2 (HTML)
and fpdf2 (PDF) are imported inside the functions that use them.
"""

from __future__ import annotations

from typing import Any

from ..documents.superbill import Superbill, full_name
from .markdown import escape_markdown
from .superbill_form import (
    ATTESTATION,
    HOW_TO_FILE,
    LINE_HEADER,
    TITLE,
    line_rows,
    patient_rows,
    places_used,
    provider_rows,
    signer,
    total_rows,
)

FORMATS = ("pdf", "html", "markdown", "json", "cms1500")


def _table(rows: list[tuple[str, str]]) -> list[str]:
    """Our own labels (item numbers in brackets, never a link) and escaped values."""
    return ["| | |", "|---|---|",
            *(f"| {k} | {escape_markdown(v)} |" for k, v in rows)]  # fmt: skip


def to_markdown(bill: Superbill) -> str:
    lines = [
        f"# {TITLE}",
        "",
        f"**{escape_markdown(bill.billing_provider.name)}** · Superbill {bill.id} · "
        f"statement date {bill.issued.isoformat()}",
        "",
        "## Patient and insured",
        "",
        *_table(patient_rows(bill)),
        "",
        "## Diagnoses (ICD-10-CM) [21]",
        "",
        "| Pointer | Code | Description |",
        "|---|---|---|",
        *(f"| {d.pointer} | {d.code} | {escape_markdown(d.description)} |"
          for d in bill.diagnoses),
        "",
        "## Services [24]",
        "",
        "| " + " | ".join(LINE_HEADER) + " |",
        "|---|---|---|---|---|---:|---|---:|---:|",
        *("| " + " | ".join(escape_markdown(c) for c in row) + " |" for row in line_rows(bill)),
        "",
        f"Places of service: {escape_markdown(places_used(bill))}.",
        "",
        "## Totals",
        "",
        *_table(total_rows(bill)),
        "",
        "## Provider",
        "",
        *_table(provider_rows(bill)),
        "",
        "## Signature [31]",
        "",
        escape_markdown(ATTESTATION),
        "",
        f"Signed: ______________________________ {escape_markdown(signer(bill))} · "
        f"Date: {bill.issued.isoformat()}",
        "",
        "## How to file",
        "",
        *(f"- {escape_markdown(step)}" for step in HOW_TO_FILE),
        "",
        f"*Made by ketacost {bill.ketacost_version}.*",
    ]  # fmt: skip
    return "\n".join(lines) + "\n"


def to_html(bill: Superbill) -> str:
    from .html import render as render_html

    return render_html("superbill.html", bill=bill, title=TITLE, patient_rows=patient_rows(bill),
                       line_header=LINE_HEADER, line_rows=line_rows(bill),
                       total_rows=total_rows(bill), provider_rows=provider_rows(bill),
                       places=places_used(bill), attestation=ATTESTATION, signer=signer(bill),
                       how_to_file=HOW_TO_FILE, patient_name=full_name(bill.patient.name),
                       version=bill.ketacost_version)  # fmt: skip


def to_pdf(bill: Superbill) -> bytes:
    from .superbill_pdf import render_pdf

    return render_pdf(bill)


def to_cms1500(bill: Superbill) -> str:
    from ..core.codec import dumps
    from .superbill_cms1500 import cms1500

    return dumps(cms1500(bill)) + "\n"


def render(bill: Superbill, kind: str) -> str | bytes:
    """The superbill as ``kind``: json, markdown, html, cms1500 (text) or pdf (bytes)."""
    if kind == "json":
        from ..core.codec import dumps

        return dumps(bill) + "\n"
    renderers: dict[str, Any] = {"markdown": to_markdown, "html": to_html, "pdf": to_pdf,
                                 "cms1500": to_cms1500}  # fmt: skip
    result: str | bytes = renderers[kind](bill)
    return result
