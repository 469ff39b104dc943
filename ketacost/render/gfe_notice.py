"""The Right to Receive a Good Faith Estimate notice as Markdown, HTML or a one-page PDF."""

from __future__ import annotations

import datetime as dt

from ..documents.gfe_notice import RightToEstimateNotice
from .markdown import escape_markdown


def to_markdown(notice: RightToEstimateNotice) -> str:
    lines = [f"# {notice.title}", ""]
    if notice.clinic:
        lines += [f"**{escape_markdown(notice.clinic)}**", ""]
    lines += [*(f"{escape_markdown(text)}\n" for text in notice.lead)]
    lines += [f"- {escape_markdown(text)}" for text in notice.points]
    lines += ["", f"**{escape_markdown(notice.closing)}**", "",
              f"*Made by ketacost {notice.ketacost_version}.*"]  # fmt: skip
    return "\n".join(lines) + "\n"


def to_html(notice: RightToEstimateNotice) -> str:
    from .html import render

    return render("gfe_notice.html", notice=notice, version=notice.ketacost_version)


def to_pdf(notice: RightToEstimateNotice, issued: dt.date) -> bytes:
    """One letter page; the clinic's name in any script the GFE's fonts print."""
    from fpdf import FPDF

    from .pdf_fonts import FONT, embed_fonts, refuse_unprintable

    if notice.clinic:
        refuse_unprintable(notice.clinic, "the clinic profile's name")
    pdf = FPDF(format="letter", unit="mm")
    pdf.set_margins(20, 18, 20)
    embed_fonts(pdf)
    pdf.set_title(notice.title)
    pdf.set_creator(f"ketacost {notice.ketacost_version}")
    pdf.set_creation_date(dt.datetime.combine(issued, dt.time(), tzinfo=dt.UTC))
    pdf.add_page()
    if notice.clinic:
        pdf.set_font(FONT, "B", 12)
        pdf.multi_cell(0, 6, notice.clinic, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    pdf.set_font(FONT, "B", 17)
    pdf.multi_cell(0, 8, notice.title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FONT, "", 11)
    for text in notice.lead:
        pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    for text in notice.points:
        pdf.multi_cell(0, 5.5, f"•  {text}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(0, 5.5, notice.closing, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
