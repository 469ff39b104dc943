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
