"""Markdown from user and data text: one escaper for every Markdown page (STYLE.md rule 8)."""

from __future__ import annotations

from pathlib import Path

from conftest import REPO, run_cli

from ketacost.render.markdown import escape_markdown


def test_every_markup_character_is_escaped_and_lines_are_joined() -> None:
    assert escape_markdown("A | *B* <script>") == "A \\| \\*B\\* \\<script\\>"
    assert escape_markdown("[x](y) _z_ `c` # \\") == "\\[x\\](y) \\_z\\_ \\`c\\` \\# \\\\"
    assert escape_markdown("two\nlines,   one\tcell ") == "two lines, one cell"
    assert escape_markdown("$3,850.00 (−$50.33–$5,300.00)") == "$3,850.00 (−$50.33–$5,300.00)"


def test_a_label_from_a_pricing_file_stays_in_its_markdown_cell(tmp_path: Path) -> None:
    pricing = tmp_path / "pricing.yaml"
    text = (REPO / "data" / "pricing.yaml").read_text(encoding="utf-8")
    label = "      label: IV ketamine infusion\n"
    assert text.count(label) == 1
    pricing.write_text(text.replace(label, '      label: "IV | *ketamine*\\n[infusion]"\n'))
    run = run_cli("estimate", "--start", "2027-01-04", "--format", "markdown",
                  "--pricing", str(pricing))  # fmt: skip
    assert run.code == 0, run.err
    assert "| IV \\| \\*ketamine\\* \\[infusion\\] | 96365, J3490 | 6 |" in run.out
    assert f"({escape_markdown(str(pricing))})" in run.out
