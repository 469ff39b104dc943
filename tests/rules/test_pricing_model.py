"""The built-in pricing model, the strict loader and the validated cache."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import REPO, run_cli

from ketacost.core.errors import PricingError
from ketacost.rules.loader import COMPILED, fingerprint, load_pricing, parse_pricing
from ketacost.rules.model import ROUTES, PricingModel

BUILTIN = REPO / "data" / "pricing.yaml"


def test_compiled_builtin_is_fresh() -> None:
    """The shipped compiled model matches data/pricing.yaml (python -m ketacost.rules.compile)."""
    payload = json.loads(COMPILED.read_text())
    assert payload["key"] == fingerprint(BUILTIN.read_bytes())
    assert load_pricing() == parse_pricing(BUILTIN.read_bytes(), "builtin")


def test_builtin_model_is_complete(pricing: PricingModel) -> None:
    assert set(pricing.routes) == set(ROUTES)
    assert len(pricing.locations.states) == 51  # 50 states and DC
    # the typical national IV session lies in the most-cited $400–$800 band
    assert Decimal(400) <= pricing.routes["iv"].session.price.typical <= Decimal(800)
    assert pricing.providers["clinic"].factor.value == 1
    assert pricing.providers["telehealth"].routes == ("oral",)
    assert pricing.locations.states["CA"].factor == Decimal("1.12581")


def test_every_reference_names_a_source_with_url_and_date(pricing: PricingModel) -> None:
    for ref in pricing.references():
        source = pricing.sources[ref]
        assert source.url.startswith("http")
        assert source.date and source.accessed


def test_numbers_are_decimal_from_their_text(pricing: PricingModel) -> None:
    drug_share = pricing.savings_programs[0].drug_share.value
    assert type(drug_share) is Decimal and str(drug_share) == "0.5238"


@pytest.mark.parametrize(
    ("zip_code", "state"),
    [("94110", "CA"), ("94110-1234", "CA"), ("10001", "NY"), ("02139", "MA"), ("20500", "DC"),
     ("73301", "TX"), ("99501", "AK"), ("38601", "MS")],
)  # fmt: skip
def test_zip_prefixes_map_to_states(pricing: PricingModel, zip_code: str, state: str) -> None:
    assert pricing.locations.state_for_zip(zip_code[:5]) == state


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = BUILTIN.read_text()
    assert old in text
    path = tmp_path / "pricing.yaml"
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("    typical: 600.00\n", "    typical: 900.00\n", "routes.iv.session.price"),
        ("    low: 400.00\n", "    low: -1\n", "routes.iv.session.price"),
        ("        reference: [thervo, kan, rejuvenate, luxurypsych]",
         "        reference: [thervo, nowhere]", "nowhere"),
        ("    default_provider: clinic\n", "    default_provider: clinic\n    colour: red\n",
         "routes.iv.colour: unknown key"),
        ("currency: USD\n", "currency: USD\ncurrency: EUR\n", "duplicate key 'currency'"),
        ("        unit: USD per session\n", "", "routes.iv.session.price.unit: missing"),
        # a provider factor band out of order (low above the typical value)
        ("      low: 1.0\n", "      low: 2.0\n", "providers.hospital.factor"),
    ],
)  # fmt: skip
def test_broken_pricing_names_the_path(tmp_path: Path, old: str, new: str, where: str) -> None:
    path = _broken(tmp_path, old, new)
    with pytest.raises(PricingError) as caught:
        load_pricing(path)
    assert any(where in problem for problem in caught.value.problems), caught.value.problems
    run = run_cli("estimate", "--pricing", str(path))
    assert run.code == 3 and run.out == ""
    assert run.err.startswith(f"Error: {path}: ") and run.err.count("\n") == 1


def test_a_tax_section_is_an_unknown_key(tmp_path: Path) -> None:
    """Payroll rates, the wage base and the states taxing HSA money are the tax law's
    (data/tax.yaml), not the pricing model's: a pricing file of old with them is refused."""
    path = tmp_path / "old.yaml"
    path.write_text(BUILTIN.read_text() + "\ntax:\n  hsa_taxed_states: [CA, NJ]\n")
    run = run_cli("pricing", "validate", str(path))
    assert run.code == 3
    assert run.err == f"{path}: tax: unknown key\nError: {path}: 1 problem\n"


def test_validate_lists_every_problem(tmp_path: Path) -> None:
    text = BUILTIN.read_text().replace("    typical: 600.00\n", "    typical: 900.00\n", 1)
    path = tmp_path / "clinic.yaml"
    path.write_text(text.replace("    low: 275.00\n", "    low: -5\n", 1))
    run = run_cli("pricing", "validate", str(path))
    assert run.code == 3
    assert f"{path}: routes.iv.session.price:" in run.err
    assert f"{path}: routes.im.session.price:" in run.err
    assert run.err.rstrip().endswith("2 problems")


def test_validate_passes_the_builtin_model() -> None:
    run = run_cli("pricing", "validate", str(BUILTIN))
    assert run.code == 0 and "valid" in run.out and "4 routes" in run.out


def test_clinic_price_list_is_used_and_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                              ) -> None:  # fmt: skip
    cache = tmp_path / "cache"
    monkeypatch.setenv("KETACOST_CACHE_DIR", str(cache))
    path = _broken(tmp_path, "    typical: 600.00\n", "    typical: 700.00\n")
    args = ("estimate", "--pricing", str(path), "--no-consult", "--json")
    first = run_cli(*args)
    assert first.code == 0, first.err
    assert first.json()["totals"]["gross"]["typical"] == 4200.0  # 6 × 700
    assert first.json()["pricing"]["source"] == str(path)
    cached = list(cache.glob("pricing-*.json"))
    assert len(cached) == 1
    cached[0].write_text("{broken")  # a broken cache is rebuilt, not trusted
    assert run_cli(*args).json()["totals"]["gross"]["typical"] == 4200.0
    path.write_text(path.read_text().replace("    typical: 700.00\n", "    typical: 750.00\n"))
    assert run_cli(*args).json()["totals"]["gross"]["typical"] == 4500.0  # stale cache ignored


def test_pricing_env_variable_selects_the_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                ) -> None:  # fmt: skip
    path = _broken(tmp_path, "    typical: 600.00\n", "    typical: 500.00\n")
    monkeypatch.setenv("KETACOST_PRICING", str(path))
    run = run_cli("estimate", "--no-consult", "--json")
    assert run.json()["totals"]["gross"]["typical"] == 3000.0


def test_pricing_copy_then_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_cli("pricing", "copy", "clinic.yaml").code == 0
    assert (tmp_path / "clinic.yaml").read_text() == BUILTIN.read_text()
    again = run_cli("pricing", "copy", "clinic.yaml")
    assert again.code == 2 and "--force" in again.err


def test_pricing_show_and_sources() -> None:
    shown = run_cli("pricing", "show")
    assert shown.code == 0 and "iv: IV" in shown.out and "2026-11-27" in shown.out
    assert "1.0 / 1.5 / 3.3" in shown.out  # the hospital factor band
    sources = run_cli("pricing", "sources", "--json")
    assert sources.json()["thervo"]["url"] == "https://thervo.com/costs/ketamine-therapy-cost"
    assert (
        run_cli("pricing", "show", "--json").json()["routes"]["iv"]["session"]["price"]["typical"]
        == 600.0
    )


def test_data_corrections_of_issue_11(pricing: PricingModel) -> None:
    spravato = pricing.routes["spravato"].session
    assert "on its own" in spravato.coverage_note  # monotherapy label (January 2025)
    program = pricing.savings_programs[0]
    assert program.annual_max.date == "2024-03-27" and "$8,000" in program.annual_max.note
    assert "not verified for" in program.annual_max.note
    assert "2026" in pricing.line_items["evaluation"].price.note  # 90791 figure of 2026
    assert pricing.line_items["integration"].price.high == Decimal("200.00")
    # Spravato's low edge is the 2026 Medicare G2082 national payment, sourced and dated
    price = spravato.price
    assert (price.low, price.typical, price.high) == (Decimal("952.59"), 1050, 2000)
    assert "neolytix_rates" in price.reference and price.date == "2026"
    assert "$600–$900" in price.note  # the conflicting lower figures are kept
    assert pricing.line_items["evaluation"].price.high == Decimal("500.00")
    # the hospital factor: a low-confidence band, low ≤ typical ≤ high
    factor = pricing.providers["hospital"].factor
    assert factor.edges() == (Decimal("1.0"), Decimal("1.5"), Decimal("3.3")) and factor.banded
    assert pricing.providers["clinic"].factor.edges() == (1, 1, 1)
    assert "8 states moved by more than 2 points" in " ".join(pricing.locations.note.split())
    # every source is cited by a figure, not only in prose; protocols name their units
    assert set(pricing.sources) == set(pricing.references())
    assert all("sessions a week" in r.protocol.unit for r in pricing.routes.values())


def test_a_pricing_path_with_a_trailing_slash_is_read_as_before(tmp_path: Path) -> None:
    """pathlib read `pricing.yaml/` as the file; the loader keeps doing so without pathlib."""
    copy = tmp_path / "pricing.yaml"
    copy.write_bytes((REPO / "data" / "pricing.yaml").read_bytes())
    assert load_pricing(f"{copy}/", use_cache=False).as_of == load_pricing().as_of
    assert run_cli("pricing", "validate", f"{copy}/").code == 0
