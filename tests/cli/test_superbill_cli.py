"""`ketacost superbill` as a user runs it: templates, formats by suffix, the printed page."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, run_cli, tool

HERE = REPO / "tests" / "superbill"
ARGS = ("--clinic", str(HERE / "clinic.yaml"), "--patient", str(HERE / "patient.yaml"),
        "--visits", str(HERE / "visits.csv"), "--date", "2026-12-01")  # fmt: skip


def test_init_writes_the_templates_and_never_over_them(tmp_path: Path) -> None:
    folder = tmp_path / "billing"
    run = run_cli("superbill", "init", str(folder))
    assert run.code == 0, run.err
    assert sorted(p.name for p in folder.iterdir()) == ["patient.yaml", "visits.csv"]
    (folder / "visits.csv").write_text("mine\n")
    again = run_cli("superbill", "init", str(folder))
    assert again.code == 2
    assert again.err == (f"Error: {folder / 'patient.yaml'} already exists; use --force to "
                         "overwrite it\n")  # fmt: skip
    assert (folder / "visits.csv").read_text() == "mine\n"
    # the templates make a superbill as they stand, with the clinic init template
    clinic = tmp_path / "clinic.yaml"
    assert run_cli("clinic", "init", str(clinic)).code == 0
    assert run_cli("superbill", "init", str(folder), "--force").code == 0
    made = run_cli("superbill", "--clinic", str(clinic), "--patient", str(folder / "patient.yaml"),
                   "--visits", str(folder / "visits.csv"), "--date", "2026-12-01",
                   "--format", "json")  # fmt: skip
    assert made.code == 0, made.err
    assert made.err == ""
    assert made.json()["total_charge"] == 850


@pytest.mark.parametrize(
    ("suffix", "start"), [(".json", "{"), (".md", "# Superbill"), (".html", "<!DOCTYPE html>")]
)
def test_the_format_follows_the_output_suffix(tmp_path: Path, suffix: str, start: str) -> None:
    target = tmp_path / f"bill{suffix}"
    run = run_cli("superbill", *ARGS, "--output", str(target))
    assert run.code == 0, run.err
    assert target.read_text(encoding="utf-8").startswith(start)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--output", "bill.txt"),
         "Error: --output: cannot tell the format from '.txt'; give --format (pdf, html, "
         "markdown, json, cms1500)\n"),
        (("--format", "json", "--output", "bill.pdf"),
         "Error: --output: bill.pdf does not end in the suffix of --format json\n"),
        (("--format", "docx"),
         "Error: --format: must be one of pdf, html, markdown, json, cms1500, not 'docx'\n"),
        (("--date", "2026-13-01"),
         "Error: --date: must be a date as YYYY-MM-DD, not '2026-13-01'\n"),
    ],
)  # fmt: skip
def test_bad_options_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: tuple[str, ...], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    run = run_cli("superbill", *ARGS, *extra)
    assert (run.code, run.out, run.err) == (2, "", message)
    assert list(tmp_path.iterdir()) == []


def test_each_file_is_required() -> None:
    run = run_cli("superbill", "--clinic", str(HERE / "clinic.yaml"))
    assert run.code == 2
    assert run.err == "Error: --patient: required (ketacost superbill init DIR writes a template)\n"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("v.csv", "", "the visits file is empty"),
        ("v.csv", "date,code,price\n2026-11-02,96365,450\n",
         "price: unknown column (known: date, code, modifiers, units, charge, pointers, pos, ndc, "
         "ndc_quantity, ndc_unit, paid, minutes)"),
        ("v.csv", "date,code,charge,pointers,pos\n", "no visits: one row per service line "
         "(date, code, charge, …)"),
        ("v.csv", "date,code,charge,pointers,pos\n2026-11-02,96365,450,A,11,extra\n",
         "row 1: more fields than the 5 columns"),
        ("v.yaml", "date: 2026-11-02\n", "a YAML visits file is a list of visits (- date: …)"),
        ("v.yaml", "- {date: 2026-11-02, code: '96365', charge: 450, pointers: A}\n",
         "row 1: pos: missing"),
    ],
)  # fmt: skip
def test_bad_visits_files_name_the_file(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    run = run_cli("superbill", *ARGS[:4], "--visits", str(path), "--format", "json")
    assert run.code == 2
    assert run.err == f"Error: {path}: {message}\n"


def test_the_pdf_is_one_page_with_every_field(tmp_path: Path) -> None:
    pdftotext = tool("pdftotext")
    target = tmp_path / "bill.pdf"
    run = run_cli("superbill", *ARGS, "--output", str(target))
    assert run.code == 0, run.err
    # the telehealth lines carry modifier 95: no warning
    assert run.err == ""
    info = subprocess.run(
        [tool("pdfinfo"), str(target)], capture_output=True, text=True, check=True
    )
    assert re.search(r"^Pages:\s+1$", info.stdout, re.M)
    text = subprocess.run([pdftotext, "-layout", str(target), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    for expected in ("Łukasz-Nguyễn, Zoë A", "F33.2", "Generalized anxiety disorder",
                     "N400409205105 ML1", "Total charge [28]", "$1,760.00", "$1,410.00",
                     "$350.00", "1003000126", "12-3456789", "Maria Lopez, MD", "How to file",
                     "I certify that the services listed above"):  # fmt: skip
        assert expected in text, expected
    again = tmp_path / "again.pdf"
    assert run_cli("superbill", *ARGS, "--output", str(again)).code == 0
    assert again.read_bytes() == target.read_bytes()  # deterministic: dated by --date


def test_html_escapes_what_the_user_wrote(tmp_path: Path) -> None:
    patient = tmp_path / "p.yaml"
    text = (HERE / "patient.yaml").read_text(encoding="utf-8")
    patient.write_text(text.replace("first: Zoë", 'first: "<script>x</script>"'))
    run = run_cli("superbill", *ARGS[:2], "--patient", str(patient), *ARGS[4:], "--format",
                  "html")  # fmt: skip
    assert run.code == 0, run.err
    assert "<script>" not in run.out and "&lt;script&gt;" in run.out


def test_schema_and_help() -> None:
    assert run_cli("schema", "superbill").json()["properties"]["kind"] == {"enum": ["superbill"]}
    help_text = run_cli("superbill", "--help").out
    assert "--visits" in help_text and "init" in help_text


def test_chromium_prints_the_html_on_one_page(tmp_path: Path) -> None:
    chromium, pdfinfo = tool("chromium"), tool("pdfinfo")
    page, printed = tmp_path / "bill.html", tmp_path / "printed.pdf"
    assert run_cli("superbill", *ARGS, "--output", str(page)).code == 0
    done = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--print-to-pdf={printed}", f"file://{page}"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert printed.exists(), done.stderr[-500:]
    info = subprocess.run([pdfinfo, str(printed)], capture_output=True, text=True, check=True)
    assert re.search(r"^Pages:\s+1$", info.stdout, re.M)


def test_names_in_any_script_print_and_one_no_font_has_is_refused(tmp_path: Path) -> None:
    """The superbill embeds the GFE's fonts: a Korean, Chinese, Arabic or Devanagari name prints
    as typed (pdftotext reads it back); a character no embedded font has is refused by name,
    never printed blank."""
    pdftotext = tool("pdftotext")
    text = (HERE / "patient.yaml").read_text(encoding="utf-8")
    for name in ("김", "王", "نور", "देव"):
        patient = tmp_path / "p.yaml"
        patient.write_text(text.replace("last: Łukasz-Nguyễn", f"last: {name}"), encoding="utf-8")
        target = tmp_path / "bill.pdf"
        target.unlink(missing_ok=True)
        run = run_cli("superbill", *ARGS[:2], "--patient", str(patient), *ARGS[4:],
                      "--output", str(target))  # fmt: skip
        assert run.code == 0, run.err
        read = subprocess.run([pdftotext, str(target), "-"], capture_output=True, text=True,
                              check=True)  # fmt: skip
        # shaped scripts come back from pdftotext with a space between glyph clusters
        # and right-to-left text inside embedding marks (U+202B … U+202C)
        plain = "".join(read.stdout.split()).replace("\u202b", "").replace("\u202c", "")
        assert f"{name},ZoëA" in plain, name
    patient.write_text(text.replace("last: Łukasz-Nguyễn", "last: \u0f40"), encoding="utf-8")
    target.unlink()
    run = run_cli("superbill", *ARGS[:2], "--patient", str(patient), *ARGS[4:],
                  "--output", str(target))  # fmt: skip
    assert run.code == 2
    assert "U+0F40" in run.err and "of the patient's name" in run.err
    assert not target.exists()


def test_a_month_of_iv_infusions_fits_one_printed_page(tmp_path: Path) -> None:
    pdfinfo = tool("pdfinfo")
    visits = tmp_path / "visits.csv"
    rows = ["date,code,units,charge,pointers,pos,ndc,ndc_quantity,ndc_unit,paid,minutes"]
    for day in (2, 3, 4, 5, 6, 9, 10, 11):  # 16 service lines: an infusion and its drug a day
        rows += [f"2026-11-{day:02d},96365,1,450,A,11,,,,450,50",
                 f"2026-11-{day:02d},J3490,1,100,A,11,00409-2051-05,1,ML,100,"]  # fmt: skip
    visits.write_text("\n".join(rows) + "\n", encoding="utf-8")
    target = tmp_path / "bill.pdf"
    run = run_cli("superbill", *ARGS[:4], "--visits", str(visits), *ARGS[6:],
                  "--output", str(target))  # fmt: skip
    assert run.code == 0, run.err
    info = subprocess.run([pdfinfo, str(target)], capture_output=True, text=True, check=True)
    assert re.search(r"^Pages:\s+1$", info.stdout, re.M)
