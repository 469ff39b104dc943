"""The printable GFE: HTML rendered by a real headless Chromium, PDF read back by pdftotext.

Both tools are Debian packages (chromium, poppler-utils). Without them these tests skip, unless
KETACOST_REQUIRE_TOOLS=1 (CI): then a missing tool is a failure.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path

from conftest import REPO, run_cli, tool

SUNRISE = str(REPO / "tests" / "clinic" / "sunrise.yaml")
NAME = "Zoë Łukasz-Nguyễn"
COURSE = ("--patient-dob", "1988-03-14", "--diagnosis", "F33.2", "--diagnosis", "F41.1",
          "--start", "2027-01-04", "--boosters", "4", "--integration", "2")  # fmt: skip
TOTAL = "$6,160.00"  # 300 evaluation + 10 × 550 sessions + 2 × 180 integration


def write_gfe(tmp_path: Path, suffix: str, name: str = NAME) -> Path:
    target = tmp_path / f"gfe{suffix}"
    run = run_cli("gfe", "--clinic", SUNRISE, "--patient-name", name, *COURSE,
                  "--output", str(target))  # fmt: skip
    assert run.code == 0, run.err
    assert run.out == "" and run.err == ""
    return target


def test_chromium_renders_the_html_with_the_name_as_text(tmp_path: Path) -> None:
    chromium = tool("chromium")
    page = write_gfe(tmp_path, ".html", name=f"{NAME} <script>document.title='x'</script>")
    html = page.read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "<link" not in html
    done = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
         f"file://{page}"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-500:]
    dom = done.stdout
    name = re.search(r'<td id="patient-name">(.*?)</td>', dom)
    assert name is not None
    assert name.group(1) == f"{NAME} &lt;script&gt;document.title='x'&lt;/script&gt;"
    assert re.search(r'<td class="num" id="total">(.*?)</td>', dom).group(1) == TOTAL  # type: ignore[union-attr]
    for heading in ("Patient", "Summary of expected charges", "Estimate details",
                    "Items or services scheduled separately", "Disclaimer"):  # fmt: skip
        assert f"<h2>{heading}</h2>" in dom
    assert "1234567893" in dom and "12-3456789" in dom and "$400" in dom


def test_pdftotext_reads_the_name_and_the_total(tmp_path: Path) -> None:
    pdftotext = tool("pdftotext")
    pdf = write_gfe(tmp_path, ".pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")
    done = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, timeout=60,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode("utf-8")
    assert NAME in text
    assert re.search(r"Total estimated cost\s+\$6,160\.00", text)
    assert re.search(r"Total expected charges from Sunrise Ketamine Clinic\s+\$6,160\.00", text)
    for needle in (
        "1234567893",
        "12-3456789",
        "100 Main St, Austin, TX 78701",
        "F33.2, F41.1",
        "96365, J3490",
        "at least $400 more",
        "120 calendar days",
        "not a contract",
    ):
        assert needle in text, needle
    assert text.count("\f") == 3  # the form, the estimate details, the disclaimer page
    # deterministic: dated by the issue date, not the clock (same inputs, same bytes)
    issued = dt.date.today().strftime("%Y%m%d")
    assert f"/CreationDate (D:{issued}000000Z".encode() in pdf.read_bytes()


def test_a_pdf_is_not_written_to_a_terminal() -> None:
    import pty

    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys_executable(), "-m", "ketacost", "gfe", "--clinic", SUNRISE, "--patient-name",
             NAME, *COURSE, "--format", "pdf"],
            stdout=follower, stderr=subprocess.PIPE, text=True, timeout=60, check=False,
        )  # fmt: skip
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 2
    assert done.stderr.startswith("Error: --format pdf: not writing a PDF to a terminal")


def test_gfe_start_up_does_not_load_pdf_or_templates_for_estimate() -> None:
    code = (
        "import sys; from ketacost.cli.entry import main\n"
        "try: main(['estimate', '--json'])\nexcept SystemExit: pass\n"
        "print(sorted(m for m in ('fpdf', 'jinja2') if m in sys.modules), file=sys.stderr)"
    )
    done = subprocess.run([sys_executable(), "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)  # fmt: skip
    assert done.stderr.strip().endswith("[]"), done.stderr[-300:]


def sys_executable() -> str:
    import sys

    return sys.executable


def test_a_read_only_gfe_is_replaced_only_with_force(tmp_path: Path) -> None:
    """The error names --force, so gfe has it too, for the PDF and the text formats alike."""
    for name in ("gfe.pdf", "gfe.json"):
        target = tmp_path / name
        target.write_text("old")
        target.chmod(0o444)
        args = ("gfe", "--clinic", SUNRISE, "--patient-name", "A B", "--patient-dob",
                "1980-01-01", "--diagnosis", "F33.2", "--start", "2026-12-07", "--output",
                str(target))  # fmt: skip
        refused = run_cli(*args)
        assert refused.code == 2 and "--force" in refused.err
        assert target.read_text() == "old"
        assert run_cli(*args, "--force").code == 0
        assert target.read_bytes()[:4] in (b"%PDF", b"{\n  ")
        assert target.stat().st_mode & 0o777 == 0o444
