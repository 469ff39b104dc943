"""Names in any script print in the PDF GFE (issue 24, issue 26): Latin with diacritics,
Vietnamese, Arabic, Korean, Chinese, Japanese and Devanagari come back from pdftotext as typed
(Arabic and Devanagari shaped by HarfBuzz); a character no embedded font has is refused by name
(exit 2), never a blank field with exit 0; a long name wraps and the footer stays on the page."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import REPO, run_cli, tool

SUNRISE = str(REPO / "tests" / "clinic" / "sunrise.yaml")
COURSE = ("--patient-dob", "1988-03-14", "--diagnosis", "F33.2", "--start", "2027-01-04")


def pdf_text(tmp_path: Path, name: str) -> str:
    target = tmp_path / "gfe.pdf"
    run = run_cli("gfe", "--clinic", SUNRISE, "--patient-name", name, *COURSE,
                  "--output", str(target))  # fmt: skip
    assert (run.code, run.err) == (0, "")
    done = subprocess.run([tool("pdftotext"), str(target), "-"], capture_output=True,
                          timeout=60, check=True)  # fmt: skip
    return done.stdout.decode("utf-8")


@pytest.mark.parametrize(
    "name",
    [
        "Nguyễn Thị Minh Khai",
        "Zoë Łukasz-Nguyễn",
        "김민준",
        "王小明",
        "山田 太郎",
        "ひらがな カタカナ",
    ],
)
def test_a_name_prints_as_typed(tmp_path: Path, name: str) -> None:
    text = pdf_text(tmp_path, name)
    assert name in text
    assert text.count(name) >= 2  # the patient field and the page footer


@pytest.mark.parametrize(("name", "words"), [
    ("محمد عبد الله", ["محمد", "عبد", "الله"]),
    ("अनुज शर्मा", ["शर्मा"]),  # pdftotext splits some Devanagari clusters; the surname is whole
])  # fmt: skip
def test_a_shaped_name_prints(tmp_path: Path, name: str, words: list[str]) -> None:
    text = pdf_text(tmp_path, name)
    for word in words:
        assert word in text


def test_a_character_no_font_has_is_refused_by_name(tmp_path: Path) -> None:
    run = run_cli("gfe", "--clinic", SUNRISE, "--patient-name", "Ana \U00013000 Diaz", *COURSE,
                  "--output", str(tmp_path / "gfe.pdf"))  # fmt: skip
    assert run.code == 2 and run.out == ""
    assert "U+13000 EGYPTIAN HIEROGLYPH A001" in run.err and "--patient-name" in run.err
    assert not (tmp_path / "gfe.pdf").exists()


def test_a_long_name_wraps_and_every_footer_stays(tmp_path: Path) -> None:
    name = ("Maria de los Ángeles Fernández-Gutiérrez " * 5)[:190].strip()
    text = pdf_text(tmp_path, name)
    pages = text.split("\f")[:-1]
    assert len(pages) == 3
    for n, page in enumerate(pages, start=1):
        assert "born 1988-03-14 · issued" in page and f"page {n} of 3" in page
