"""The tax saving: the options that describe the household, the compiled tax law, the schema."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import jsonschema
import pytest
from conftest import REPO, run_cli

from ketacost.engine.tax_liability import AccountMoney, Household, bracket_tax, liability
from ketacost.rules.compile import tax_law_key
from ketacost.rules.loader import builtin_tax_law, parse_tax_law, tax_law_compiled_path
from ketacost.rules.model import PricingModel

COMPILED = tax_law_compiled_path()

COURSE = ("--session-price", "500", "--start", "2026-03-02", "--no-consult", "--sessions", "2")
TAX_YAML = REPO / "data" / "tax.yaml"


def test_compiled_tax_law_is_fresh() -> None:
    """The compiled tax law matches data/tax.yaml (python -m ketacost.rules.compile)."""
    raw = TAX_YAML.read_bytes()
    payload = json.loads(COMPILED.read_text(encoding="utf-8"))
    assert payload["key"] == tax_law_key(raw)
    law = parse_tax_law(raw, "data/tax.yaml")
    assert builtin_tax_law().federal(2026) == law.federal[2026]


@pytest.mark.parametrize(
    ("args", "option", "words"),
    [
        (["--income", "90000", "--spouse-income", "40000"], "--spouse-income", "joint"),
        (["--filing", "joint", "--spouse-income", "40000"], "--spouse-income", "--income"),
        (["--filing", "joint", "--income", "90000", "--spouse-income", "90000.01"],
         "--spouse-income", "more than"),
        (["--filing", "joint", "--income", "90000", "--spouse-income", "-1"],
         "--spouse-income", "negative"),
        (["--children", "-1"], "--children", "from 0"),
        (["--children", "two"], "--children", "whole number"),
        (["--filing", "widow"], "--filing", "separate"),
    ],
)  # fmt: skip
def test_bad_household_options_exit_2_naming_the_option(
    args: list[str], option: str, words: str
) -> None:
    run = run_cli("estimate", "--json", *COURSE, "--fsa", "1000", *args)
    assert run.code == 2, run.err
    assert run.out == ""
    assert run.err.startswith(f"Error: {option}"), run.err
    assert words in run.err


def test_scenario_file_keys_for_the_household(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "household.yaml"
    path.write_text(
        "filing: joint\nincome: 220000\nspouse_income: 110000\nchildren: 0\nfsa: 1000\n"
        "location: TX\n",
        encoding="utf-8",
    )
    doc = run_cli("estimate", "--json", *COURSE, "--scenario", str(path)).json()
    assert doc["scenario"]["spouse_income"] == 110000
    assert doc["scenario"]["children"] == 0
    # 1,000 at 22% + 7.65% of the holder's 110,000 (below the wage base)
    assert doc["totals"]["tax_savings"]["typical"] == 296.5


def test_a_negative_saving_is_reported_with_the_credit_that_caused_it() -> None:
    doc = run_cli(
        "estimate", "--json", *COURSE, "--location", "TX", "--fsa", "1000", "--income", "24000",
        "--filing", "head", "--children", "2",
    ).json()  # fmt: skip
    assert doc["totals"]["tax_savings"]["typical"] == -50.33
    (warning,) = [w for w in doc["warnings"] if w["code"] == "tax_saving_negative"]
    assert "refundable child tax credit" in warning["message"]
    table = run_cli(
        "estimate", *COURSE, "--location", "TX", "--fsa", "1000", "--income", "24000",
        "--filing", "head", "--children", "2",
    )  # fmt: skip
    assert "the accounts add $50.33 of tax" in table.out
    assert "−$126.83" in table.out


def test_the_tax_block_validates_against_the_schema() -> None:
    schema = run_cli("schema", "estimate").json()
    doc = run_cli(
        "estimate", "--json", "--start", "2026-12-01", "--location", "NY", "--fsa", "3000",
        "--hsa", "2000", "--income", "150000", "--filing", "joint", "--spouse-income", "50000",
        "--children", "1", "--boosters", "4",
    ).json()  # fmt: skip
    jsonschema.validate(doc, schema)
    assert sorted(doc["tax"]) == ["2026", "2027"]
    assert doc["tax"]["2027"]["law_year"] == 2026
    assert any("No 2027 federal tax figures" in note for note in doc["assumptions"])


def test_brackets_tax_each_part_at_its_rate() -> None:
    law = builtin_tax_law().federal(2026)
    # 12,400 × 10% + (50,400 − 12,400) × 12% + 600 × 22% = 1,240 + 4,560 + 132
    assert bracket_tax(Decimal(51000), law.brackets["single"]) == Decimal("5932")
    assert bracket_tax(Decimal(0), law.brackets["single"]) == 0


def test_married_filing_separately_gets_no_earned_income_credit() -> None:
    law = builtin_tax_law().federal(2026)
    home = Household("separate", Decimal(15000), Decimal(0), 1)
    owed = liability(home, AccountMoney(), law, None)
    assert owed.federal.eitc == 0
    # as head of household the same earnings get 34% × 15,000 = 5,100, capped at 4,427
    head = liability(home._replace(filing="head"), AccountMoney(), law, None)
    assert head.federal.eitc == Decimal("4427")


def test_every_state_has_its_income_tax_on_file(pricing: object) -> None:
    law = builtin_tax_law()
    codes = set(pricing.locations.states)  # type: ignore[attr-defined]
    assert len(codes) == 51
    # Arkansas, left out before for its low-income tables, is on file from its own 2026 table
    # (HB1001): its $1,000 FSA now saves state tax (issue 23)
    assert codes == law.state_codes
    doc = run_cli(
        "estimate", "--json", *COURSE, "--location", "AR", "--fsa", "1000", "--income", "60000"
    ).json()
    assert doc["tax"]["2026"]["state_method"] == "brackets"
    assert doc["tax"]["2026"]["state"]["typical"] == Decimal("37.00")  # 3.7% of $1,000
    assert "state_tax_not_on_file" not in [w["code"] for w in doc["warnings"]]


def test_new_jersey_taxes_fsa_money_and_pennsylvania_does_not() -> None:
    law = builtin_tax_law()
    nj, pa, ca = law.state("NJ"), law.state("PA"), law.state("CA")
    assert nj is not None and pa is not None and ca is not None
    assert (nj.fsa_excluded, nj.hsa_excluded) == (False, False)
    assert (pa.fsa_excluded, pa.hsa_excluded) == (True, True)
    assert (ca.fsa_excluded, ca.hsa_excluded) == (True, False)
    doc = run_cli(
        "estimate", "--json", *COURSE, "--location", "NJ", "--fsa", "1000", "--income", "60000"
    ).json()
    assert doc["tax"]["2026"]["state"]["typical"] == 0


def test_the_year_on_file_is_asked_of_the_tax_law(pricing: PricingModel) -> None:
    """Payroll figures live once, in data/tax.yaml: the estimate asks the tax law which year's
    figures it has, not the pricing model (issue 22); each note names only the figures really
    missing (issue 23): the 2027 FSA figures are not published, the 2027 HSA limit is."""
    from ketacost.engine.estimate import estimate
    from ketacost.inputs.scenario import parse_scenario
    from ketacost.rules import Rules
    from ketacost.rules.compiled_law import TaxLaw

    values = {"start": "2027-01-04", "fsa": "1000", "hsa": "500", "hdhp": True,
              "deductible": "3500", "income": "72000"}  # fmt: skip
    scenario = parse_scenario(values, pricing, dt.date(2026, 11, 27))
    federal = "No 2027 federal tax figures are on file: the 2026 ones are used."
    accounts = (
        "The 2027 health FSA limit and FSA carryover are not on file: the 2026 figures are used."
    )
    rules = Rules(pricing, builtin_tax_law())
    notes = estimate(scenario, rules).assumptions
    assert federal in notes and accounts in notes
    assert not any("HSA" in note and "not on file" in note for note in notes)
    law = json.loads(COMPILED.read_text(encoding="utf-8"))["law"]
    law["federal"]["2027"] = law["federal"]["2026"]
    notes = estimate(scenario, rules.replace(tax_law=TaxLaw(law))).assumptions
    assert federal not in notes and accounts in notes
