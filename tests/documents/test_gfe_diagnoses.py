"""The GFE's diagnoses: valid, billable ICD-10-CM codes, shown dotted with their description."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, run_cli, tool

from ketacost.rules.icd10cm import dotted, lookup

SUNRISE = str(REPO / "tests" / "clinic" / "sunrise.yaml")
PATIENT = ("--patient-name", "Ana Diaz", "--patient-dob", "1988-03-14", "--start", "2027-01-04")
GAD = "Generalized anxiety disorder"
MDD = "Major depressive disorder, recurrent severe without psychotic features"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("F3X", "is not in the ICD-10-CM code set (2026-04-01 release)"),
        ("F33.99", "is not in the ICD-10-CM code set (2026-04-01 release)"),
        ("Z99.99", "is not in the ICD-10-CM code set (2026-04-01 release)"),
        ("F33", "is a category header (Major depressive disorder, recurrent), not a billable "
                "code; use a more specific code: F33.0, F33.1, F33.2, F33.3, F33.4, F33.8, …"),
        ("F43.1", "is a category header (Post-traumatic stress disorder (PTSD)), not a billable "
                  "code; use a more specific code: F43.10, F43.11, F43.12"),
    ],
)  # fmt: skip
def test_invalid_or_header_codes_exit_2_naming_diagnosis(code: str, reason: str) -> None:
    run = run_cli("gfe", "--clinic", SUNRISE, *PATIENT, "--diagnosis", "F41.1",
                  "--diagnosis", code, "--format", "json")  # fmt: skip
    assert run.code == 2
    assert run.out == ""
    assert run.err == f"Error: --diagnosis: {code!r} {reason}\n"


def test_lookup_dots_and_describes() -> None:
    assert lookup("f411") == ("F41.1", GAD)
    assert lookup("F32A") == ("F32.A", "Depression, unspecified")
    assert lookup(" F43.10 ").code == "F43.10"
    assert dotted("S0100XA") == "S01.00XA"


def test_json_and_fhir_carry_dotted_codes_and_descriptions() -> None:
    args = ("gfe", "--clinic", SUNRISE, *PATIENT, "--diagnosis", "F332", "--diagnosis", "f411")
    doc = run_cli(*args, "--format", "json").json()
    assert doc["diagnoses"] == ["F33.2", "F41.1"]
    assert doc["diagnosis_descriptions"] == {"F33.2": MDD, "F41.1": GAD}
    packet = run_cli(*args, "--format", "fhir").json()
    text = json.dumps(packet)
    assert '"code": "F41.1", "display": "Generalized anxiety disorder"' in text


def test_markdown_and_html_show_code_and_description() -> None:
    args = ("gfe", "--clinic", SUNRISE, *PATIENT, "--diagnosis", "F411")
    markdown = run_cli(*args, "--format", "markdown").out
    assert f"| Primary | F41.1 | {GAD} |" in markdown
    assert "F411" not in markdown
    html = run_cli(*args, "--format", "html").out
    assert f"ICD-10-CM code <strong>F41.1</strong>: {GAD}" in html


def test_pdf_prints_code_and_description(tmp_path: Path) -> None:
    pdftotext = tool("pdftotext")
    target = tmp_path / "gfe.pdf"
    run = run_cli("gfe", "--clinic", SUNRISE, *PATIENT, "--diagnosis", "F411",
                  "--output", str(target))  # fmt: skip
    assert run.code == 0, run.err
    text = subprocess.run([pdftotext, "-layout", str(target), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert f"ICD-10-CM F41.1: {GAD}" in text
