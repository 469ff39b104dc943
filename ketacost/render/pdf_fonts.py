"""The fonts every PDF of ketacost embeds, and the check that nothing prints as a blank.

DejaVu Sans (``render/fonts``) prints Latin, Greek, Cyrillic and Vietnamese; characters it lacks
fall back to Noto Sans Arabic, Devanagari and a Chinese/Japanese/Korean subset (fonts/LICENSE),
shaped by HarfBuzz so Arabic joins and Devanagari conjuncts form. A character no embedded font
has is refused by name (exit 2), never printed as a blank. Used by the Good Faith Estimate's PDF
and the superbill's.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Any

from ..core.errors import InputError
from .gfe_form import FONTS

FONT = "DejaVu"
# (family, file): the fonts a character DejaVu Sans lacks falls back to, in this order
FALLBACKS = (("NotoArabic", "NotoSansArabic-Regular.ttf"),
             ("NotoDevanagari", "NotoSansDevanagari-Regular.ttf"),
             ("NotoCJK", "NotoSansCJKsc-Subset.otf"))  # fmt: skip
FONT_FILES = ("DejaVuSans.ttf", *(file for _, file in FALLBACKS))


@functools.cache
def _printable_characters() -> frozenset[int]:
    """Every character some embedded font has a glyph for."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    chars: set[int] = set()
    for file in FONT_FILES:
        chars |= set(TTFont(str(FONTS / file), lazy=True).getBestCmap())
    return frozenset(chars)


def unprintable(text: str) -> list[str]:
    """The characters of ``text`` no embedded font can draw (spaces and marks that draw
    nothing, such as joiners, are fine)."""
    have = _printable_characters()
    missing = []
    for char in text:
        if ord(char) in have or char.isspace() or unicodedata.category(char) == "Cf":
            continue
        if char not in missing:
            missing.append(char)
    return missing


def refuse_unprintable(text: str, label: str) -> None:
    """Refuse ``text`` (exit 2) naming the characters no embedded font can print."""
    missing = unprintable(text)
    if missing:
        named = ", ".join(f"{c} (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})"
                          for c in missing[:8])  # fmt: skip
        raise InputError(
            f"--format pdf: no font in the PDF can print {named} of {label}; use --format html "
            "or markdown (a browser prints any script), or write the name in a script the PDF "
            "covers (Latin, Greek, Cyrillic, Arabic, Devanagari, Chinese, Japanese, Korean)",
            field="--format",
        )


def embed_fonts(pdf: Any) -> None:
    """DejaVu Sans (regular and bold) as ``FONT``, the Noto fallbacks, and text shaping."""
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    for family, file in FALLBACKS:
        pdf.add_font(family, "", str(FONTS / file))
    pdf.set_fallback_fonts([family for family, _ in FALLBACKS], exact_match=False)
    pdf.set_text_shaping(True)
