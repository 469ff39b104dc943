"""The superbill as a PDF (fpdf2), in the CMS-1500's order, on one letter page for a typical
month of visits (more lines flow onto more pages, the table's header repeated).

It embeds the fonts of :mod:`.pdf_fonts`, as the GFE does: a name in Latin, Greek, Cyrillic,
Vietnamese, Arabic, Devanagari, Chinese, Japanese or Korean prints as typed, and a character no
font has is refused by name. The PDF is deterministic: its creation date is the statement date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..documents.superbill import Superbill, full_name
from .pdf_fonts import FONT, embed_fonts, refuse_unprintable
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

INK = (29, 36, 48)
MUTED = (91, 101, 115)
SOFT = (244, 246, 249)
BODY = 8.5  # points: the patient's copy fits a printed page


def _document(bill: Superbill) -> Any:
    from fpdf import FPDF

    name = full_name(bill.patient.name)

    class SuperbillPdf(FPDF):
        def footer(self) -> None:
            self.set_y(-11)
            self.set_font(FONT, "", 7.5)
            self.set_text_color(*MUTED)
            self.set_font(FONT, "B", 7.5)  # fpdf2 keeps the last fallback font's state otherwise
            self.set_font(FONT, "", 7.5)
            self.multi_cell(0, 3.5, f"{bill.billing_provider.name} · Superbill {bill.id} · "
                            f"{name} · page {self.page_no()} of {{nb}}",
                            align="C")  # fmt: skip

    pdf = SuperbillPdf(format="letter", unit="mm")
    pdf.set_margins(14, 12, 14)
    pdf.set_auto_page_break(True, margin=14)
    embed_fonts(pdf)
    pdf.set_title(f"{TITLE} — {name}")
    pdf.set_author(bill.billing_provider.name)
    pdf.set_creator(f"ketacost {bill.ketacost_version}")
    pdf.set_creation_date(dt.datetime.combine(bill.issued, dt.time(), tzinfo=dt.UTC))
    pdf.alias_nb_pages()
    _refuse_missing_glyphs(pdf, bill)
    return pdf


def _refuse_missing_glyphs(pdf: Any, bill: Superbill) -> None:
    """A name no embedded font can draw would print blank: refuse it, naming the characters."""
    p, b, r = bill.patient, bill.billing_provider, bill.rendering_provider
    texts = {
        "the patient's name": " ".join(x or "" for x in p.name),
        "the patient's address": " ".join(p.address),
        "the insured's name": p.insured.name if p.insured else "",
        "the plan name": p.plan_name or "",
        "the clinic's name or address": f"{b.name} {b.address} {b.phone or ''}",
        "the rendering provider": f"{r.name} {r.credentials or ''}" if r else "",
    }
    for where, text in texts.items():
        refuse_unprintable(text, where)


def _heading(pdf: Any, text: str) -> None:
    pdf.ln(1.5)
    pdf.set_font(FONT, "B", 10)
    pdf.cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", BODY)


def _fields(
    pdf: Any, rows: list[tuple[str, str]], width: float | None = None, align: str = "CENTER"
) -> None:
    from fpdf.fonts import FontFace

    pdf.set_font(FONT, "", BODY)
    with pdf.table(col_widths=(46, 54), first_row_as_headings=False, text_align="LEFT",
                   line_height=3.6, padding=0.7, width=width, align=align,
                   borders_layout="HORIZONTAL_LINES") as table:  # fmt: skip
        for name, value in rows:
            row = table.row()
            row.cell(name, style=FontFace(emphasis="BOLD", fill_color=SOFT))
            row.cell(value)


def render_pdf(bill: Superbill) -> bytes:
    """The PDF bytes of ``bill``."""
    from fpdf.fonts import FontFace

    pdf = _document(bill)
    pdf.add_page()
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "B", 9.5)
    pdf.cell(0, 4.5, bill.billing_provider.name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(0, 6, TITLE, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", BODY)
    pdf.cell(0, 4.5, f"Superbill {bill.id} · Statement date {bill.issued.isoformat()}",
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip

    # Patient and insured (items 1a–11c) beside the provider (25, 31–33): one printed page
    half = (pdf.epw - 6) / 2
    _heading(pdf, "Patient and insured")
    top = pdf.get_y()
    _fields(pdf, patient_rows(bill), half, "LEFT")
    left_end = pdf.get_y()
    pdf.set_xy(pdf.l_margin + half + 6, top - 5)
    pdf.set_font(FONT, "B", 10)
    pdf.cell(half, 5, "Provider")
    pdf.set_y(top)
    _fields(pdf, provider_rows(bill), half, "RIGHT")
    pdf.set_y(max(left_end, pdf.get_y()))
    _heading(pdf, "Diagnoses (ICD-10-CM) [21]")
    pdf.set_font(FONT, "", BODY)
    with pdf.table(col_widths=(12, 16, 72), line_height=3.6, padding=0.6,
                   borders_layout="HORIZONTAL_LINES",
                   headings_style=FontFace(emphasis="BOLD", fill_color=SOFT)) as table:  # fmt: skip
        table.row(["Pointer", "Code", "Description"])
        for d in bill.diagnoses:
            table.row([d.pointer, d.code, d.description])
    _heading(pdf, "Services [24]")
    pdf.set_font(FONT, "", 7.5)
    with pdf.table(
        col_widths=(15, 9, 10, 12, 10, 8, 21, 13, 12),
        text_align=("LEFT", "LEFT", "LEFT", "LEFT", "LEFT", "RIGHT", "LEFT", "RIGHT", "RIGHT"),
        line_height=3.6, padding=0.6, borders_layout="HORIZONTAL_LINES",
        headings_style=FontFace(emphasis="BOLD", fill_color=SOFT),
    ) as table:  # fmt: skip
        table.row(LINE_HEADER)
        for cells in line_rows(bill):
            table.row(cells)
        bold = FontFace(emphasis="BOLD")
        for name, value in total_rows(bill):  # items 28 and 29 under the lines they add up
            row = table.row()
            row.cell(name, colspan=7, style=bold, align="RIGHT")
            row.cell(value, colspan=2, style=bold, align="RIGHT")
    pdf.set_font(FONT, "", 7.5)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(0, 3.5, f"Places of service: {places_used(bill)}.",
                   new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.set_text_color(*INK)
    _heading(pdf, "Signature [31]")
    pdf.set_font(FONT, "", BODY)
    pdf.multi_cell(0, 3.8, ATTESTATION, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.multi_cell(0, 4, f"Signed: ________________________________   {signer(bill)}   "
                   f"Date: {bill.issued.isoformat()}", new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.ln(2)
    # The "how to file" box: a bordered cell with the steps
    text = "How to file\n" + "\n".join(f"{n}. {s}" for n, s in enumerate(HOW_TO_FILE, start=1))
    pdf.set_font(FONT, "", BODY)
    pdf.set_fill_color(*SOFT)
    pdf.multi_cell(0, 3.9, text, border=1, fill=True, padding=1.5,
                   new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    return bytes(pdf.output())
