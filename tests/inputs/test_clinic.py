"""Clinic profiles: validation, `clinic init`, and `estimate/compare --clinic` at exact prices."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, run_cli

from ketacost.inputs.clinic import TEMPLATE, npi_check_digit_ok

SUNRISE = str(REPO / "tests" / "clinic" / "sunrise.yaml")
START = ("--start", "2027-01-04")


def estimate(*args: str) -> Any:
    run = run_cli("estimate", "--json", *START, *args)
    assert run.code == 0, run.err
    return json.loads(run.out, parse_float=Decimal)


def test_npi_check_digit() -> None:
    # CMS's worked example: 123456789 gets check digit 3 (Luhn over 80840123456789)
    assert npi_check_digit_ok("1234567893")
    assert not npi_check_digit_ok("1234567890")
    assert npi_check_digit_ok("1245319599")  # check digit 9
    assert not npi_check_digit_ok("123456789")


def test_estimate_uses_the_clinics_exact_prices() -> None:
    d = estimate("--clinic", SUNRISE, "--boosters", "2", "--integration", "2")
    # 300 evaluation + (6 + 2) × 550 + 2 × 180 = 5,060, in every band edge
    assert d["totals"]["gross"] == {e: Decimal("5060.00") for e in ("low", "typical", "high")}
    assert [(i["id"], i["quantity"], i["unit_price"]["typical"]) for i in d["line_items"]] == [
        ("evaluation", 1, Decimal("300.00")), ("induction", 6, Decimal("550.00")),
        ("booster", 2, Decimal("550.00")), ("integration", 2, Decimal("180.00")),
    ]  # fmt: skip
    assert d["scenario"]["location"] == "TX"  # the clinic's state when none is given
    assert d["pricing"]["source"] == SUNRISE
    assert d["assumptions"][0].startswith("Prices: Sunrise Ketamine Clinic's own self-pay prices")
    assert all(not i["sources"] for i in d["line_items"])


def test_prices_are_not_scaled_by_location_or_provider() -> None:
    at_home = estimate("--clinic", SUNRISE, "--location", "CA", "--provider", "hospital")
    assert at_home["totals"]["gross"]["typical"] == Decimal("3600.00")  # 300 + 6 × 550
    # the clinic's own prices: the hospital factor priced nothing, so no warning about it
    assert "hospital_price_low_confidence" not in [w["code"] for w in at_home["warnings"]]


def test_extras_are_billed_with_their_visits(tmp_path: Path) -> None:
    profile = tmp_path / "c.yaml"
    profile.write_text(
        Path(SUNRISE).read_text()
        + "extras:\n  - service: Vital-signs monitoring\n    code: '99211'\n    price: 40.50\n"
        "  - service: Intake labs\n    price: 75\n    per: evaluation\n"
    )
    d = estimate("--clinic", str(profile), "--route", "im", "--sessions", "4")
    # 300 + 75 evaluation; 4 × (400 + 40.50) sessions = 1,762.00; total 2,137.00
    assert d["totals"]["gross"]["typical"] == Decimal("2137.00")
    extras = [(i["label"], i["codes"], i["quantity"], i["amount"]["high"])
              for i in d["line_items"] if i["id"].startswith("extra")]  # fmt: skip
    assert extras == [("Intake labs", [], 1, Decimal("75.00")),
                      ("Vital-signs monitoring", ["99211"], 4, Decimal("162.00"))]  # fmt: skip
    assert [v["billed"]["typical"] for v in d["visits"]][:2] == [
        Decimal("375.00"),
        Decimal("440.50"),
    ]


def test_a_route_the_clinic_does_not_price_is_refused() -> None:
    run = run_cli("estimate", "--clinic", SUNRISE, "--route", "spravato")
    assert run.code == 2
    assert run.err.startswith("Error: --route: ") and "spravato" in run.err
    assert run.err.count("\n") == 1


def test_compare_routes_the_clinic_does_not_price_are_refused() -> None:
    run = run_cli("compare", "--clinic", SUNRISE, "--routes", "iv,spravato")
    assert run.code == 2
    assert run.err.startswith("Error: --routes: Sunrise Ketamine Clinic") and "spravato" in run.err


def test_compare_covers_the_routes_the_clinic_prices() -> None:
    run = run_cli("compare", "--json", *START, "--clinic", SUNRISE)
    assert run.code == 0, run.err
    rows = json.loads(run.out, parse_float=Decimal)["rows"]
    # the standard first courses: IM 6 × 400 + 300, IV 6 × 550 + 300
    assert [(r["route"], r["totals"]["gross"]["typical"]) for r in rows] == [
        ("im", Decimal("2700.00")), ("iv", Decimal("3600.00"))]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (('npi: "1234567893"', 'npi: "1234567890"'), "npi"),
        (('npi: "1234567893"', 'npi: "12345"'), "npi"),
        (('tin: "12-3456789"', 'tin: "12-345"'), "tin"),
        (("location: TX", "location: Atlantis"), "location"),
        (("  iv: 550", "  iv: -550"), "prices.iv"),
        (("  iv: 550", "  iv: 550.001"), "prices.iv"),
        (("  iv: 550", "  ivv: 550"), "prices.ivv"),
        (("name: Sunrise Ketamine Clinic\n", ""), "name"),
        (("phone:", "fax:"), "fax"),
        (('taxonomy: "2084P0800X"', "taxonomy: psychiatry"), "taxonomy"),
        (("name: Sunrise Ketamine Clinic", 'name: "Sunrise\\a"'), "name"),
    ],
)
def test_a_bad_profile_names_the_file_and_key(
    tmp_path: Path, change: tuple[str, str], key: str
) -> None:
    profile = tmp_path / "clinic.yaml"
    text = Path(SUNRISE).read_text()
    assert change[0] in text
    profile.write_text(text.replace(*change))
    run = run_cli("estimate", "--clinic", str(profile))
    assert run.code == 2, run.err
    assert run.err.startswith(f"Error: {profile}: {key}: "), run.err
    assert run.err.count("\n") == 1


def test_a_missing_price_for_a_visit_of_the_course(tmp_path: Path) -> None:
    profile = tmp_path / "clinic.yaml"
    profile.write_text(Path(SUNRISE).read_text().replace("  evaluation: 300\n", ""))
    run = run_cli("estimate", "--clinic", str(profile))
    assert (run.code, run.err) == (2, f"Error: {profile}: prices.evaluation: missing: the course "
                                      "has consult visits (or --no-consult)\n")  # fmt: skip
    assert run_cli("estimate", "--clinic", str(profile), "--no-consult").code == 0


def test_clinic_init_writes_a_valid_template_and_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "clinic.yaml"
    run = run_cli("clinic", "init", str(target))
    assert run.code == 0, run.err
    assert target.read_text() == TEMPLATE
    again = run_cli("clinic", "init", str(target))
    assert again.code == 2 and "--force" in again.err
    check = run_cli("clinic", "check", str(target))
    assert check.code == 0, check.err
    assert "Sunrise Ketamine Clinic, NPI 1234567893, TX" in check.out
    d = estimate("--clinic", str(target))
    assert d["totals"]["gross"]["typical"] == Decimal("3600.00")


def test_help_says_what_a_clinic_profile_changes_in_the_defaults(tmp_path: Path) -> None:
    """gfe always has a clinic: its route is iv only if the clinic prices it; estimate's help
    says what --clinic changes."""

    def help_text(command: str) -> str:
        return " ".join(run_cli(command, "--help").out.split())

    assert (
        "--route iv|im|spravato|oral Administration route. "
        "[default: iv, else the first route the clinic prices] --sessions"
    ) in help_text("gfe")
    estimate = help_text("estimate")
    assert (
        "--route iv|im|spravato|oral Administration route. [default: iv] With a --clinic that "
        "does not price iv: the first route it prices. --provider"
    ) in estimate
    assert "[default: US] With --clinic: the clinic's state. --sessions" in estimate
    profile = tmp_path / "no-iv.yaml"  # a clinic that does not price IV
    profile.write_text(Path(SUNRISE).read_text().replace("  iv: 550\n", ""))
    chosen = run_cli("estimate", "--clinic", str(profile), "--json").json()["scenario"]
    assert (chosen["route"], chosen["location"]) == ("im", "TX")


def test_compare_locations_with_a_clinic_compares_the_locations_asked_for() -> None:
    """The clinic's state filled in as --location and then refused next to --locations; now
    each row is a location, at the clinic's exact prices (the tax saving differs by state)."""
    common = ("--start", "2026-12-07", "--fsa", "1000", "--income", "90000")
    result = run_cli("compare", "--clinic", SUNRISE, "--locations", "CA,NY", "--json", *common)
    assert result.code == 0, result.err
    rows = {row["location"]: row for row in result.json()["rows"]}
    assert sorted(rows) == ["CA", "NY"]
    for row in rows.values():  # 300 + 6 × 550: not scaled by either state
        assert row["totals"]["gross"]["typical"] == 3600
    # $1,000 of FSA money: federal 22% + FICA 7.65% = $296.50 in both, plus the state's rate
    # on it: CA 9.3% ($93.00), NY 5.9% ($59.00)
    assert rows["CA"]["totals"]["tax_savings"]["typical"] == Decimal("389.50")
    assert rows["NY"]["totals"]["tax_savings"]["typical"] == Decimal("355.50")
