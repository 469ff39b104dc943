"""Billing-code rules of the pricing model: one Spravato pathway, never G-codes with J0013."""

from __future__ import annotations

from pathlib import Path

from conftest import REPO, run_cli

from ketacost.rules.coding import is_evaluation_and_management, pathway_conflict
from ketacost.rules.model import PricingModel


def test_the_builtin_spravato_codes_are_one_pathway(pricing: PricingModel) -> None:
    session = pricing.routes["spravato"].session  # type: ignore[index]
    assert session.codes == ("J0013", "99215", "99417")
    assert "commercial billing" in session.label
    assert pathway_conflict(session.codes) is None


def test_a_pricing_file_mixing_g_codes_and_j0013_is_refused(tmp_path: Path) -> None:
    text = (REPO / "data" / "pricing.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "pricing.yaml"
    mixed = text.replace('codes: ["J0013", "99215", "99417"]', 'codes: ["J0013", "99215", "G2083"]')
    bad.write_text(mixed, encoding="utf-8")
    run = run_cli("pricing", "validate", str(bad))
    assert run.code == 3
    assert (
        "routes.spravato.session: codes: G2083 (Medicare's esketamine bundle: drug, visit and "
        "observation) is never billed with J0013, 99215 on the same date; pick one pathway"
    ) in run.out + run.err


def test_e_m_codes() -> None:
    assert [c for c in ("99202", "99215", "99417", "99211", "90791", "96365")
            if is_evaluation_and_management(c)] == ["99202", "99215", "99417", "99211"]  # fmt: skip


def test_the_icd10cm_code_set_is_compiled_and_off_the_start_up_path() -> None:
    import subprocess
    import sys

    from ketacost.rules.icd10cm import code_set

    codes = code_set()
    assert codes.release == "2026-04-01"
    billable = sum(1 for ok, _ in codes.codes.values() if ok)
    assert billable > 70_000  # FY2026 ICD-10-CM has about 74,000 billable codes
    assert codes.codes["F332"] == (True, "Major depressive disorder, recurrent severe without "
                                         "psychotic features")  # fmt: skip
    code = (
        "import sys\nfrom ketacost.cli.entry import main\n"
        "try:\n    main(['estimate', '--json'])\nexcept SystemExit:\n    pass\n"
        "print('ketacost.rules.icd10cm' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False, cwd=REPO)  # fmt: skip
    assert done.stderr.strip() == "False"


def test_a_clinic_profile_mixing_spravato_pathways_is_refused(tmp_path: Path) -> None:
    profile = tmp_path / "clinic.yaml"
    text = (REPO / "tests" / "clinic" / "sunrise.yaml").read_text(encoding="utf-8")
    profile.write_text(text + 'codes:\n  spravato: ["G2082", "J0013"]\n', encoding="utf-8")
    run = run_cli("clinic", "check", str(profile))
    assert run.code == 2
    assert run.err == (  # clinic check lists every problem, then counts them
        f"{profile}: codes.spravato: G2082 (Medicare's esketamine bundle: drug, visit and "
        "observation) is never billed with J0013 on the same date; pick one pathway\n"
        f"Error: {profile}: 1 problem\n"
    )
    run = run_cli("estimate", "--clinic", str(profile), "--start", "2027-01-04")
    assert run.code == 2
    assert "G2082 (Medicare's esketamine bundle" in run.err
