"""Our tax saving against two real tax models, frozen in tests/oracles/tax_cases.json.

The fixture is written by tests/oracles/make_tax_cases.py in a separate environment with PSL
Tax-Calculator (federal income and payroll tax) and PolicyEngine-US (state income tax); the
models' versions are in it. Each household runs through the real CLI with its account money
spent on a course in 2026: the federal + payroll saving must be within $1 of Tax-Calculator's,
the state saving within $3 or 5% of PolicyEngine's.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

FIXTURE = json.loads((Path(__file__).parents[1] / "oracles" / "tax_cases.json").read_text("utf-8"))


def _estimate(case: dict[str, Any], *, location: str, fsa: float, hsa: float, direct: bool) -> Any:
    total = fsa + hsa
    args = ["estimate", "--json", "--start", "2026-03-02", "--no-consult", "--session-price",
            "1000", "--sessions", str(max(1, math.ceil(total / 1000))), "--location", location,
            "--income", str(case["holder_wages"] + case["spouse_wages"]),
            "--filing", case["filing"], "--children", str(case["children"])]  # fmt: skip
    if case["filing"] == "joint":
        args += ["--spouse-income", str(case["spouse_wages"])]
    if fsa:
        args += ["--fsa", str(fsa)]
    if hsa:
        # the fixture's HSA money goes up to the 2026 family limit ($8,750): a family HDHP
        args += ["--hsa", str(hsa), "--hdhp", "--hsa-coverage", "family"]
        args += ["--hsa-direct"] if direct else []
    run = run_cli(*args)
    assert run.code == 0, run.err
    document = json.loads(run.out, parse_float=Decimal)
    assert document["totals"]["account_paid"]["typical"] == Decimal(str(total))
    return document["tax"]["2026"]


def test_the_fixture_covers_the_households_the_issue_asks_for() -> None:
    federal, states = FIXTURE["federal"], FIXTURE["states"]
    assert FIXTURE["models"]["taxcalc"] and FIXTURE["models"]["policyengine-us"]
    assert len(federal) >= 40
    assert {c["filing"] for c in federal} == {"single", "joint", "head", "separate"}
    assert {c["children"] for c in federal} >= {0, 1, 2, 3}
    wages = [c["holder_wages"] + c["spouse_wages"] for c in federal]
    assert min(wages) <= 15000 and max(wages) >= 420000
    assert any(c["direct_hsa"] for c in federal) and any(c["payroll_money"] for c in federal)
    base = 184500  # two-earner couples with the holder below, across and above the wage base
    couples = [c for c in federal if c["filing"] == "joint" and c["spouse_wages"]]
    assert any(c["holder_wages"] < base for c in couples)
    assert any(c["holder_wages"] > base for c in couples)
    assert len({c["state"] for c in states}) >= 10
    # every state with an income tax on wages (issue 23), and New York's recapture band
    from ketacost.rules.loader import builtin_tax_law

    tax_law = builtin_tax_law()
    taxing = {code for code in tax_law.state_codes if tax_law.state(code).kind == "brackets"}  # type: ignore[union-attr]
    assert {c["state"] for c in states} == taxing
    assert any(c["state"] == "NY" and c["holder_wages"] > 107650 for c in states)


@pytest.mark.parametrize(
    "case",
    FIXTURE["federal"],
    ids=[f"{c['filing']}-{c['holder_wages']}+{c['spouse_wages']}-{c['children']}k-"
         f"{c['payroll_money']}p-{c['direct_hsa']}d" for c in FIXTURE["federal"]],
)  # fmt: skip
def test_federal_and_payroll_saving_within_a_dollar_of_tax_calculator(
    case: dict[str, Any],
) -> None:
    # payroll money is FSA money; direct HSA money is --hsa with --hsa-direct (Texas: no state tax)
    year = _estimate(
        case, location="TX", fsa=case["payroll_money"], hsa=case["direct_hsa"], direct=True
    )
    ours = year["federal"]["typical"] + year["payroll"]["typical"]
    oracle = Decimal(str(case["federal_saving"])) + Decimal(str(case["payroll_saving"]))
    assert abs(ours - oracle) <= 1, (ours, oracle, case)


# State rules the simple model still leaves out, found by extending the comparison to every state
# with an income tax (issue 23): ours − PolicyEngine's saving on a $1,000 FSA at $60,000, single.
# Each is strict: a fix makes the test pass and fails the mark, so it must be taken off.
KNOWN_GAPS = {
    ("AL", 60000): "Alabama's deduction of federal income tax and its sliding standard "
    "deduction are left out: $50.00 against $40.18",
    ("CT", 60000): "Connecticut's personal tax credit and exemption phase-outs are left out: "
    "$55.00 against $49.50",
    ("NJ", 60000): "PolicyEngine is given the FSA as lower wages, so it cannot add back the "
    "section 125 money New Jersey taxes (data/tax.yaml NJ): $0.00 against $55.25",
}


def _state_case(case: dict[str, Any]) -> Any:
    gap = KNOWN_GAPS.get((case["state"], case["holder_wages"]))
    if gap is None or case["filing"] != "single":
        return case
    return pytest.param(case, marks=pytest.mark.xfail(strict=True, reason=gap))


@pytest.mark.parametrize(
    "case",
    [_state_case(c) for c in FIXTURE["states"]],
    ids=[f"{c['state']}-{c['filing']}-{c['holder_wages']}" for c in FIXTURE["states"]],
)
def test_state_saving_within_3_dollars_or_5_percent_of_policyengine(case: dict[str, Any]) -> None:
    year = _estimate(
        case, location=case["state"], fsa=case["payroll_fsa"], hsa=case["payroll_hsa"],
        direct=False,
    )  # fmt: skip
    ours = year["state"]["typical"]
    oracle = Decimal(str(case["state_saving"]))
    assert abs(ours - oracle) <= max(Decimal(3), abs(oracle) * Decimal("0.05")), (ours, oracle)
