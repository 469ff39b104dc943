"""The Good Faith Estimate on paper: Markdown, HTML and PDF, in the CMS standard form's order.

The CMS form (CMS-10791, appendix 2) runs: the patient and the primary service; a summary of
expected charges, one line per provider; the estimate details of each provider (its identity and a
table of items); the items scheduled separately; and a page of disclaimers. Every renderer here
follows that order and prints every field of :class:`~ketacost.documents.gfe.GoodFaithEstimate`.

Jinja2 (HTML) and fpdf2 (PDF) are imported inside the functions that use them, so only
``ketacost gfe`` pays for them.
"""

from __future__ import annotations

from typing import Any

from ..core.money import format_money
from ..core.words import plural
from ..documents.gfe import GoodFaithEstimate
from .gfe_form import (
    ITEM_HEADER,
    ROLES,
    TITLE,
    codes_text,
    contact_text,
    item_rows,
    patient_rows,
    replaces_text,
    summary_rows,
)
from .markdown import escape_markdown


def to_markdown(gfe: GoodFaithEstimate) -> str:
    s, r = gfe.primary_service, gfe.recurring
    convening = gfe.providers[0]
    lines = [
        f"# {TITLE}",
        "",
        f"**{escape_markdown(convening.name)}** · GFE number {gfe.id} · "
        f"issued {gfe.issued.isoformat()}",
        *(["", escape_markdown(replaces)] if (replaces := replaces_text(gfe)) else []),
        "",
        "## Patient",
        "",
        "| | |",
        "|---|---|",
        *(f"| {label} | {escape_markdown(value)} |" for label, value in patient_rows(gfe)),
        "",
        "### Patient diagnosis",
        "",
        "| | Diagnosis code (ICD-10-CM) | Description |",
        "|---|---|---|",
        *(f"| {'Primary' if n == 0 else 'Secondary'} | {code} | "
          f"{escape_markdown(gfe.diagnosis_descriptions.get(code, ''))} |"
          for n, code in enumerate(gfe.diagnoses)),
        "",
        "### Primary service or item requested or scheduled",
        "",
        "| | |",
        "|---|---|",
        f"| Service | {escape_markdown(s.description)} |",
        f"| Service code | {codes_text(s.codes)} |",
        f"| Scheduled date | {s.scheduled_date.isoformat()} |",
        f"| Date of Good Faith Estimate | {gfe.issued.isoformat()} |",
        "",
        "### Recurring services",
        "",
        f"- Period of care: {gfe.period.start.isoformat()} to {gfe.period.end.isoformat()} "
        f"(this estimate covers at most {r.months} months, through "
        f"{gfe.period.covers_through.isoformat()})",
        f"- Frequency: {r.frequency}",
        f"- Number of sessions: {plural(r.sessions, 'dosing session')}"
        + (f" and {plural(r.integration_sessions, 'integration session')}"
           if r.integration_sessions else ""),
        "",
        "## Summary of expected charges",
        "",
        "| Provider or facility | Estimated total |",
        "|---|---:|",
        *(f"| {escape_markdown(name)} | {total} |" for name, total in summary_rows(gfe)),
        f"| **Total estimated cost** | **{format_money(gfe.total_expected_charges)}** |",
        "",
        "## Estimate details",
    ]  # fmt: skip
    for provider in gfe.providers:
        lines += [
            "",
            f"### {escape_markdown(provider.name)} ({ROLES[provider.role]})",
            "",
            f"- NPI: {provider.npi} · TIN: {provider.tin}"
            + (f" · Contact: {escape_markdown(c)}" if (c := contact_text(provider)) else ""),
            f"- Address: {escape_markdown(provider.address)} · State: {provider.state}",
            f"- Place of service: {provider.place_of_service} ({provider.place_of_service_name})",
            "",
            "| " + " | ".join(ITEM_HEADER) + " |",
            "|---|---|---|---|---:|---:|---:|",
            *(
                "| " + " | ".join(escape_markdown(cell) for cell in row) + " |"
                for row in item_rows(provider)
            ),
            f"| **Total expected charges from {escape_markdown(provider.name)}** | | | | | | "
            f"**{format_money(provider.total)}** |",
            "",
            "Additional notes: " + " ".join(escape_markdown(n) for n in provider.notes),
        ]
    lines += [
        "",
        "## Items or services scheduled separately",
        "",
        escape_markdown(gfe.not_included_notice),  # with the clinic's name and phone
        "",
        *(f"- {escape_markdown(item)}" for item in gfe.not_included),
        "",
        "## Disclaimer",
        "",
        *(f"{escape_markdown(text)}\n" for text in gfe.disclaimers),
        f"*Made by ketacost {gfe.ketacost_version}.*",
    ]
    return "\n".join(lines) + "\n"


def to_html(gfe: GoodFaithEstimate) -> str:
    from .html import render as render_html

    return render_html("gfe.html", gfe=gfe, title=TITLE, version=gfe.ketacost_version,
                       item_header=ITEM_HEADER, item_rows=item_rows,
                       patient_rows=patient_rows(gfe), contact_text=contact_text,
                       replaces=replaces_text(gfe), roles=ROLES)  # fmt: skip


def to_pdf(gfe: GoodFaithEstimate) -> bytes:
    from .gfe_pdf import render_pdf

    return render_pdf(gfe)


def to_fhir(gfe: GoodFaithEstimate) -> str:
    from ..core.codec import dumps
    from .gfe_fhir import packet

    return dumps(packet(gfe)) + "\n"


def render(gfe: GoodFaithEstimate, kind: str) -> str | bytes:
    """The GFE as ``kind``: json, markdown, html, fhir (text) or pdf (bytes)."""
    if kind == "json":
        from ..core.codec import dumps

        return dumps(gfe) + "\n"
    renderers: dict[str, Any] = {"markdown": to_markdown, "html": to_html, "pdf": to_pdf,
                                 "fhir": to_fhir}  # fmt: skip
    result: str | bytes = renderers[kind](gfe)
    return result
