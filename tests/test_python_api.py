"""The Python API page (docs/python-api.md) is true: its examples run, and it documents exactly
the names of ``ketacost.__all__``.

The page's ``>>>`` examples run as doctests, in one namespace from top to bottom, with their
output compared exactly. The page's headings ``### `name(…)``` are the documented names.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import doctest
import json
import re
import subprocess
import sys
from decimal import Decimal

import pytest
from conftest import REPO

import ketacost
from ketacost import Accounts, Financing, Household, Plan, Scenario
from ketacost.inputs.fields import FIELDS

PAGE = REPO / "docs" / "python-api.md"
HEADING = re.compile(r"^### `([A-Za-z_]+)", re.M)


def test_the_page_examples_run() -> None:
    result = doctest.testfile(
        str(PAGE), module_relative=False, optionflags=doctest.ELLIPSIS, verbose=False
    )
    assert result.attempted > 20
    assert result.failed == 0


def test_the_page_documents_exactly_all() -> None:
    documented = set(HEADING.findall(PAGE.read_text(encoding="utf-8")))
    documented |= {"PricingError", "KetacostError"}  # documented with InputError, one heading
    assert documented == set(ketacost.__all__)


def test_every_name_of_all_imports() -> None:
    for name in ketacost.__all__:
        assert getattr(ketacost, name) is not None, name
    with pytest.raises(AttributeError):
        ketacost.parse_scenario  # noqa: B018 - internal now, not a promise


def test_py_typed_ships() -> None:
    assert (REPO / "ketacost" / "py.typed").exists()


def test_import_ketacost_stays_cheap() -> None:
    """``import ketacost`` (every command line pays for it) loads no part of the calculator."""
    code = "import sys, ketacost; print(sorted(m for m in sys.modules if m.startswith('ketacost')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['ketacost', 'ketacost._version']"


SPRAVATO = Scenario(
    route="spravato", location="TX", start="2027-01-04",
    plan=Plan(deductible=1500, coinsurance=20, oop_max=4000), accounts=Accounts(fsa=1000),
    household=Household(income=85000),
)  # fmt: skip
SPRAVATO_ARGS = ["--route", "spravato", "--deductible", "1500", "--coinsurance", "20",
                 "--oop-max", "4000", "--start", "2027-01-04", "--fsa", "1000",
                 "--income", "85000", "--location", "TX"]  # fmt: skip


def test_the_readme_spravato_example_through_the_api() -> None:
    e = ketacost.estimate(SPRAVATO)
    assert e.totals.patient_pays.typical == Decimal("1962.73")
    assert e.totals.net_cost.typical == Decimal("1666.23")
    assert e.totals.gross.typical == Decimal("8405.66")


@pytest.mark.parametrize(
    ("scenario", "args", "command"),
    [
        (SPRAVATO, SPRAVATO_ARGS, "estimate"),
        (SPRAVATO, SPRAVATO_ARGS, "sensitivity"),
        (Scenario(start="2027-01-04", plan=Plan(deductible=1500, coinsurance=20)),
         ["--start", "2027-01-04", "--deductible", "1500", "--coinsurance", "20"], "compare"),
        (Scenario(start="2027-01-04", financing=Financing(months=12, apr="17.99")),
         ["--start", "2027-01-04", "--finance-months", "12", "--apr", "17.99"], "estimate"),
    ],
)  # fmt: skip
def test_to_json_gives_the_command_lines_bytes(
    scenario: Scenario, args: list[str], command: str
) -> None:
    function = getattr(ketacost, command)
    ours = ketacost.to_json(function(scenario))
    done = subprocess.run([sys.executable, "-m", "ketacost", command, *args, "--json"],
                          capture_output=True, check=True)  # fmt: skip
    assert ours.encode() == done.stdout


def test_groups_hold_every_field_once_with_the_command_lines_defaults() -> None:
    made = Scenario().to_values()
    assert list(sorted(made)) == sorted(spec.name for spec in FIELDS)
    for spec in FIELDS:
        assert made[spec.name] == spec.default, spec.name


@pytest.mark.parametrize(
    ("make", "field", "message"),
    [
        (lambda: Plan(deductible=-5), "deductible", "deductible: must not be negative, not -5"),
        (lambda: Plan(coinsurance=0.2), "coinsurance", "coinsurance: must be a Decimal, an int "
         "or text, not the float 0.2 (a float is not exact: write Decimal('0.2') or '0.2')"),
        (lambda: Plan(deductible=1500.0), "deductible", "deductible: must be a Decimal, an int "
         "or text, not the float 1500.0 (a float is not exact: write Decimal('1500.0') or "
         "'1500.0')"),
        (lambda: Plan(coinsurance="0.2"), "coinsurance",
         "coinsurance: is a percentage from 0 to 100, and 0.2 is below 1%: did you mean 20?"),
        (lambda: Plan(coverage="in network"), "coverage", "coverage: must be one of auto, none, "
         "in-network, out-of-network, not 'in network' (did you mean 'in-network'?)"),
        (lambda: Scenario(route="ketamine"), "route",
         "route: must be one of iv, im, spravato, oral, not 'ketamine'"),
        (lambda: Scenario(start="2027-02-30"), "start",
         "start: must be a real date as YYYY-MM-DD, not 2027-02-30"),
        (lambda: Scenario(sessions=0), "sessions", "sessions: must be from 1 to 200, not 0"),
        (lambda: Scenario(plan=Plan(deductible_met=100)), "deductible_met",
         "deductible_met: needs deductible too"),
        (lambda: Scenario(plan=Plan(deductible=2000, oop_max=1000)), "oop_max",
         "oop_max: 1000 is below the deductible 2000"),
        (lambda: Scenario(household=Household(filing="joint", spouse_income=5)), "spouse_income",
         "spouse_income: needs income, the household's wages"),
        (lambda: Scenario(financing=Financing(months=0)), "months",
         "months: must be from 1 to 120, not 0"),
        (lambda: Scenario(plan=Accounts()), "plan",  # type: ignore[arg-type]
         "plan: must be a Plan(…), not Accounts"),
        (lambda: Scenario.from_values({"state": "CA"}), "state",
         "state: unknown key (did you mean 'start'?)"),
        (lambda: Scenario.from_values({"apr": "9"}), "apr", "apr: needs finance_months"),
        (lambda: dataclasses.replace(Plan(), deductible=-1), "deductible",
         "deductible: must not be negative, not -1"),
    ],
)  # fmt: skip
def test_bad_values_name_the_field_never_an_option(make, field, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ketacost.InputError) as caught:
        make()
    assert caught.value.field == field
    assert str(caught.value) == message
    assert "--" not in str(caught.value)


def test_compare_from_python_names_no_option() -> None:
    with pytest.raises(ketacost.InputError) as caught:
        ketacost.compare(Scenario(start="2027-01-04"), routes=["iv"], providers=["clinic"])
    assert str(caught.value) == "providers: give one of routes, providers, not both"
    with pytest.raises(ketacost.InputError) as caught:
        ketacost.compare(Scenario(start="2027-01-04"), months=0)
    assert str(caught.value) == "months: must be from 1 to 24, not 0"


def test_today_is_passed_in_and_rules_can_be_swapped() -> None:
    day = dt.date(2027, 3, 1)
    e = ketacost.estimate(Scenario(), today=day)
    assert e.scenario.start == day and e.visits[0].date == "2027-03-01"
    rules = ketacost.builtin_rules()
    assert ketacost.estimate(Scenario(), rules.replace(source="mine"), today=day).pricing.source \
        == "mine"
    with pytest.raises(TypeError):
        rules.replace(taxes=None)


def test_load_pricing_gives_rules_with_that_source(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "pricing.yaml"
    path.write_text((REPO / "data" / "pricing.yaml").read_text(encoding="utf-8"))
    rules = ketacost.load_pricing(path)
    e = ketacost.estimate(Scenario(start="2027-01-04"), rules)
    assert json.loads(ketacost.to_json(e))["pricing"]["source"] == str(path)
    bad = tmp_path / "bad.yaml"
    bad.write_text("as_of: 2026\n")
    with pytest.raises(ketacost.PricingError) as caught:
        ketacost.load_pricing(bad)
    assert caught.value.problems


def test_the_readme_python_example_runs() -> None:
    result = doctest.testfile(str(REPO / "README.md"), module_relative=False, verbose=False)
    assert result.attempted >= 4
    assert result.failed == 0


def test_errors_are_the_python_kinds_too() -> None:
    with pytest.raises(ValueError):
        Plan(deductible=-5)
    with pytest.raises(TypeError):
        Plan(deductible=1500.0)
    with pytest.raises(ketacost.InputError):
        Plan(deductible=1500.0)


def test_the_hsa_limit_fields_live_in_accounts() -> None:
    """hsa_balance, hsa_coverage and hsa_catch_up are Accounts fields (issue 23); the issue's
    check through the API: $9,000 of 2027 HSA contributions, single, $72,000, Illinois."""
    names = [f.name for f in dataclasses.fields(Accounts)]
    assert names[-3:] == ["hsa_balance", "hsa_coverage", "hsa_catch_up"]

    def saved(**accounts: object) -> Decimal:
        scenario = Scenario(
            location="IL", start="2027-01-04", session_price="1500",
            plan=Plan(hdhp=True, deductible=3500),
            accounts=Accounts(hsa=9000, **accounts),  # type: ignore[arg-type]
            household=Household(income=72000),
        )  # fmt: skip
        result = ketacost.estimate(scenario)
        return result.totals.tax_savings.typical

    assert saved() == Decimal("1557.00")
    assert saved(hsa_coverage="family") == Decimal("2764.00")
    with pytest.raises(ketacost.InputError) as caught:
        Accounts(hsa_coverage="famly")
    assert caught.value.field == "hsa_coverage"
    assert "did you mean 'family'" in str(caught.value)
    with pytest.raises(ketacost.InputError, match="hsa_balance: must not be negative"):
        Accounts(hsa_balance=-1)


def test_wrong_arguments_say_what_they_should_be() -> None:
    with pytest.raises(TypeError, match=r"scenario must be a ketacost.Scenario\(…\)"):
        ketacost.estimate({"route": "iv"})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="scenario must be"):
        ketacost.compare(None)  # type: ignore[arg-type]
    e = ketacost.estimate(Scenario(), today="2027-03-01")
    assert e.visits[0].date == "2027-03-01"
    with pytest.raises(ketacost.InputError) as caught:
        ketacost.estimate(Scenario(), today="March")
    assert caught.value.field == "today"
