"""Build time only: subset Noto Sans CJK SC to the characters names are written with.

The full collection is 19 MB; the PDF Good Faith Estimate needs Chinese, Japanese and Korean
names to print, not every ideograph. Kept: GB 2312 (simplified Chinese), JIS X 0208 level 1
(common Japanese kanji and kana), the 2,350 Hangul syllables of KS X 1001, CJK punctuation and
full-width forms (about 3 MB). A character outside it is refused by name, never printed blank.

    apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb x
    python scripts/subset_cjk_font.py x/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

OUT = Path(__file__).resolve().parent.parent / "ketacost" / "render" / "fonts"
SC_FACE = 2  # JP, KR, SC, TC, HK, then the Mono faces


def encodable(encoding: str) -> set[int]:
    out = set()
    for cp in range(0x3000, 0x10000):
        try:
            chr(cp).encode(encoding)
        except UnicodeEncodeError:
            continue
        out.add(cp)
    return out


def jis_level_1() -> set[int]:
    out = set()
    for high in range(0x81, 0x99):  # Shift_JIS lead bytes up to the end of level 1
        for low in [*range(0x40, 0x7F), *range(0x80, 0xFD)]:
            with contextlib.suppress(UnicodeDecodeError, TypeError):
                out.add(ord(bytes([high, low]).decode("shift_jis")))
    return out


def main(source: str) -> None:
    hangul = {c for c in encodable("euc_kr") if 0xAC00 <= c <= 0xD7A3}
    keep = encodable("gb2312") | hangul | jis_level_1()
    keep |= set(range(0x3000, 0x3100)) | set(range(0xFF00, 0xFFF0))
    font = TTCollection(source).fonts[SC_FACE]
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=keep)
    subsetter.subset(font)
    font.save(OUT / "NotoSansCJKsc-Subset.otf")


if __name__ == "__main__":
    main(sys.argv[1])
