"""The Good Faith Estimate as a PDF, drawn with fpdf2 in the CMS standard form's order.

fpdf2 is pure Python (a wheel; LGPL-3.0, used unmodified as a library, which the LGPL allows from
an MIT program). Its core fonts are Latin-1 only, so the DejaVu Sans TTF shipped in
``ketacost/fonts`` is embedded (subset): "Zoë Łukasz-Nguyễn" prints as typed and a text extractor
(pdftotext) reads it back. Characters DejaVu lacks fall back to Noto Sans Arabic, Devanagari and
a CJK subset (fonts/LICENSE), shaped by HarfBuzz so Arabic joins and Devanagari conjuncts form; a
character no embedded font has is refused by name (exit 2), never printed as a blank. The PDF is
deterministic: its creation date is the issue date.

Imported only by ``ketacost gfe --format pdf``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..core.money import format_money
from ..core.words import plural
from ..documents.gfe import GoodFaithEstimate
from .gfe_form import (
    ITEM_HEADER,
    ROLES,
    TITLE,
    contact_text,
    item_rows,
    patient_rows,
    replaces_text,
)
from .pdf_fonts import FONT, embed_fonts, refuse_unprintable


def check_printable(gfe: GoodFaithEstimate) -> None:
    """Refuse, naming the characters, any text the PDF would print as blanks."""
    p = gfe.patient
    fields = [
        ("--patient-name", p.name),
        ("--patient-address", p.address or ""),
        ("--patient-id", p.id or ""),
        ("--patient-email", p.email or ""),
    ]
    fields += [(f"{q.name} (clinic profile)", " ".join([q.name, q.address, q.contact or "",
               *(i.service for i in q.items)])) for q in gfe.providers]  # fmt: skip
    for label, text in fields:
        refuse_unprintable(text, label)


INK = (29, 36, 48)
MUTED = (91, 101, 115)
SOFT = (244, 246, 249)


def _document(gfe: GoodFaithEstimate) -> Any:
    from fpdf import FPDF

    convening = gfe.providers[0]

    class GfePdf(FPDF):
        def header(self) -> None:
            self.set_font(FONT, "", 8)
            self.set_text_color(*MUTED)
            short = convening.name if len(convening.name) <= 80 else convening.name[:79] + "…"
            self.cell(0, 4, f"{short} · Good Faith Estimate {gfe.id}",
                      new_x="LMARGIN", new_y="NEXT")  # fmt: skip
            self.ln(2)
            self.set_text_color(*INK)

        def footer(self) -> None:
            # a long name wraps inside the margins (cut short past 90 characters), and the page
            # line stays on the page
            name = gfe.patient.name if len(gfe.patient.name) <= 90 else (
                gfe.patient.name[:89] + "…")  # fmt: skip
            self.set_y(-15)
            self.set_font(FONT, "", 8)
            self.set_text_color(*MUTED)
            self.multi_cell(0, 3.5, name, align="C", new_x="LMARGIN", new_y="NEXT")
            self.set_font(FONT, "B", 8)  # fpdf2 keeps the last fallback font's state otherwise
            self.set_font(FONT, "", 8)
            self.cell(0, 3.5, f"born {gfe.patient.date_of_birth.isoformat()} · issued "
                      f"{gfe.issued.isoformat()} · page {self.page_no()} of {{nb}}",
                      align="C")  # fmt: skip

    pdf = GfePdf(format="letter", unit="mm")
    pdf.set_margins(16, 14, 16)
    pdf.set_auto_page_break(True, margin=16)
    embed_fonts(pdf)
    pdf.alias_nb_pages()
    pdf.set_title(f"{TITLE} — {gfe.patient.name}")
    pdf.set_author(convening.name)
    pdf.set_creator(f"ketacost {gfe.ketacost_version}")
    pdf.set_creation_date(dt.datetime.combine(gfe.issued, dt.time(), tzinfo=dt.UTC))
    return pdf


def _heading(pdf: Any, text: str, size: int = 13) -> None:
    pdf.ln(3)
    pdf.set_font(FONT, "B", size)
    pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
    if size >= 13:
        y = pdf.get_y() + 0.5
        pdf.set_draw_color(*MUTED)
        pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
        pdf.ln(2)
    pdf.set_font(FONT, "", 9.5)


def _fields(pdf: Any, rows: list[tuple[str, str]]) -> None:
    """A two-column table: the field's name, its value."""
    from fpdf.fonts import FontFace

    pdf.set_font(FONT, "", 9.5)
    with pdf.table(col_widths=(30, 70), first_row_as_headings=False, text_align="LEFT",
                   line_height=5, padding=1.2,
                   borders_layout="HORIZONTAL_LINES") as table:  # fmt: skip
        for name, value in rows:
            row = table.row()
            row.cell(name, style=FontFace(emphasis="BOLD", fill_color=SOFT))
            row.cell(value)
    pdf.ln(1)


def _paragraph(pdf: Any, text: str, *, bold: bool = False, size: float = 9.5) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)


def render_pdf(gfe: GoodFaithEstimate) -> bytes:
    """The PDF bytes of ``gfe``."""
    check_printable(gfe)
    return bytes(_draw(gfe).output())


def _draw(gfe: GoodFaithEstimate) -> Any:
    from fpdf.fonts import FontFace

    pdf = _document(gfe)
    pdf.add_page()
    convening = gfe.providers[0]
    s, r = gfe.primary_service, gfe.recurring
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(0, 6, convening.name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 8, TITLE, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9.5)
    pdf.cell(0, 5, f"GFE number {gfe.id} · Date of Good Faith Estimate {gfe.issued.isoformat()}",
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    if replaces_text(gfe):
        pdf.cell(0, 5, replaces_text(gfe) or "", new_x="LMARGIN", new_y="NEXT")

    _heading(pdf, "Patient")
    _fields(pdf, patient_rows(gfe))
    _heading(pdf, "Patient diagnosis", 11)
    described = gfe.diagnosis_descriptions
    _fields(pdf, [("Primary diagnosis" if n == 0 else "Secondary diagnosis",
                   f"ICD-10-CM {code}: {described.get(code, '')}")
                  for n, code in enumerate(gfe.diagnoses)])  # fmt: skip
    _heading(pdf, "Primary service or item requested or scheduled", 11)
    _fields(pdf, [
        ("Service", s.description),
        ("Service code", ", ".join(s.codes)),
        ("Scheduled date", s.scheduled_date.isoformat()),
        ("Date of Good Faith Estimate", gfe.issued.isoformat()),
    ])  # fmt: skip
    _heading(pdf, "Recurring services", 11)
    sessions = plural(r.sessions, "dosing session") + (
        f" and {plural(r.integration_sessions, 'integration session')}"
        if r.integration_sessions
        else ""
    )
    _fields(pdf, [
        ("Period of care", f"{gfe.period.start.isoformat()} to {gfe.period.end.isoformat()} "
                           f"(one estimate covers at most {r.months} months: through "
                           f"{gfe.period.covers_through.isoformat()})"),
        ("Frequency", r.frequency),
        ("Number of sessions", sessions),
    ])  # fmt: skip

    _heading(pdf, "Summary of expected charges")
    with pdf.table(col_widths=(70, 30), text_align=("LEFT", "RIGHT"), line_height=5.5,
                   padding=1.2, borders_layout="HORIZONTAL_LINES",
                   headings_style=FontFace(emphasis="BOLD", fill_color=SOFT)) as table:  # fmt: skip
        table.row(["Provider or facility", "Estimated total"])
        for provider in gfe.providers:
            table.row([provider.name, format_money(provider.total)])
        row = table.row()
        bold = FontFace(emphasis="BOLD")
        row.cell("Total estimated cost", style=bold)
        row.cell(format_money(gfe.total_expected_charges), style=bold)

    for provider in gfe.providers:
        pdf.add_page()
        _heading(pdf, "Estimate details")
        _heading(pdf, f"{provider.name} ({ROLES[provider.role]})", 11)
        rows = [("Provider or facility name", provider.name),
                ("National Provider Identifier (NPI)", provider.npi),
                ("Taxpayer Identification Number (TIN)", provider.tin)]  # fmt: skip
        if contact_text(provider):
            rows.append(("Contact", contact_text(provider) or ""))
        rows.append(("Address and state where care is given",
                     f"{provider.address} ({provider.state}); place of service "
                     f"{provider.place_of_service}, {provider.place_of_service_name}"))  # fmt: skip
        _fields(pdf, rows)
        pdf.set_font(FONT, "", 8)
        with pdf.table(
            col_widths=(33, 28, 16, 17, 13, 15, 17),
            text_align=("LEFT", "LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
            line_height=4.2, padding=1, borders_layout="HORIZONTAL_LINES",
            headings_style=FontFace(emphasis="BOLD", fill_color=SOFT),
        ) as table:  # fmt: skip
            table.row(ITEM_HEADER)
            for cells in item_rows(provider):
                table.row(cells)
            row = table.row()
            bold = FontFace(emphasis="BOLD")
            row.cell(f"Total expected charges from {provider.name}", colspan=6, style=bold)
            row.cell(format_money(provider.total), style=bold)
        pdf.ln(2)
        _paragraph(pdf, "Additional health care provider or facility notes: "
                   + " ".join(provider.notes))  # fmt: skip

    _heading(pdf, "Items or services scheduled separately")
    _paragraph(pdf, gfe.not_included_notice, bold=True)
    for item in gfe.not_included:
        _paragraph(pdf, f"• {item}")

    pdf.add_page()
    _heading(pdf, "Disclaimer")
    for n, text in enumerate(gfe.disclaimers, start=1):
        _paragraph(pdf, f"{n}. {text}", size=9.5)
    pdf.ln(2)
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(*MUTED)
    sources = "; ".join(f"{src.title} ({src.url})" for src in gfe.sources)
    pdf.multi_cell(0, 4, f"Made by ketacost {gfe.ketacost_version}. Legal figures: {sources}.",
                   align="L", new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    return pdf
