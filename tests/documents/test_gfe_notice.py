"""`ketacost gfe notice`: the Right to Receive a Good Faith Estimate notice (45 CFR 149.610(b)),
in the CMS model notice's words, as Markdown, HTML and a one-page PDF."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import REPO, run_cli, tool

SUNRISE = str(REPO / "tests" / "clinic" / "sunrise.yaml")
MODEL = [
    "You have the right to receive a “Good Faith Estimate” explaining how much your medical care "
    "will cost.",
    "If you receive a bill that is at least $400 more than your Good Faith Estimate, you can "
    "dispute the bill.",
    "Make sure to save a copy or picture of your Good Faith Estimate.",
    "visit https://www.cms.gov/nosurprises or call 1-800-985-3059.",
]


def test_the_notice_in_markdown_names_the_clinic_and_whom_to_ask() -> None:
    run = run_cli("gfe", "notice", "--clinic", SUNRISE, "--format", "markdown")
    assert (run.code, run.err) == (0, "")
    assert run.out.startswith(
        "# Your Right to Receive a Good Faith Estimate of Expected Charges\n\n"
        "**Sunrise Ketamine Clinic**\n"
    )
    for sentence in MODEL:
        assert sentence in run.out
    assert "To ask for one here: Sunrise Ketamine Clinic (512-555-0100)." in run.out


def test_the_notice_as_html_and_pdf(tmp_path: Path) -> None:
    html = tmp_path / "notice.html"
    assert run_cli("gfe", "notice", "--output", str(html)).code == 0
    page = html.read_text(encoding="utf-8")
    assert "<h1>Your Right to Receive a Good Faith Estimate of Expected Charges</h1>" in page
    assert "your health care provider." in page  # no clinic: the general wording
    pdf = tmp_path / "notice.pdf"
    run = run_cli("gfe", "notice", "--clinic", SUNRISE, "--output", str(pdf))
    assert (run.code, run.err) == (0, "")
    done = subprocess.run([tool("pdftotext"), str(pdf), "-"], capture_output=True, timeout=60,
                          check=True)  # fmt: skip
    text = " ".join(done.stdout.decode("utf-8").split())
    assert text.count("\f") <= 1  # one page
    for sentence in MODEL:
        assert sentence in text


def test_the_gfe_carries_the_two_model_notice_sentences() -> None:
    run = run_cli("gfe", "--clinic", SUNRISE, "--patient-name", "Ana Diaz", "--patient-dob",
                  "1990-01-01", "--diagnosis", "F33.2", "--format", "markdown")  # fmt: skip
    assert run.code == 0
    text = " ".join(run.out.split())
    assert (
        "You could be charged more if complications or special circumstances occur. If this "
        "happens, federal law allows you to dispute (appeal) the bill."
    ) in text
    assert (
        "If the agency reviewing your dispute agrees with you, you will have to pay the price "
        "on this Good Faith Estimate. If the agency disagrees with you and agrees with the "
        "health care provider or facility, you will have to pay the higher amount."
    ) in text


def test_the_patient_copy_cites_only_ecfr_the_federal_register_and_cms() -> None:
    from urllib.parse import urlparse

    from ketacost.rules.loader import builtin_gfe_rules

    hosts = {urlparse(source.url).hostname for source in builtin_gfe_rules().sources}
    assert hosts <= {"www.ecfr.gov", "www.federalregister.gov", "www.cms.gov"}, hosts
