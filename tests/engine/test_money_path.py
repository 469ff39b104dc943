"""The money's path (issue 23): when a superbill visit is paid and paid back, loan money as
borrowed with its interest in the total cost, and the copay accumulator switched off."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from conftest import run_cli

from ketacost import Financing, InputError, Plan, Scenario, builtin_rules, estimate

# The Chicago patient: IV out of network, OON deductible $1,000, coinsurance 40%,
# allowed 60% of the bill. Bill $3,805.92 (typical): evaluation $247.14 + 6 × $593.13.
OON = ("--route", "iv", "--location", "60614", "--coverage", "out-of-network",
       "--oon-deductible", "1000", "--oon-coinsurance", "40", "--oon-allowed", "60",
       "--start", "2027-01-04")  # fmt: skip


def doc(*args: str) -> Any:
    run = run_cli("estimate", "--json", *args)
    assert run.code == 0, run.err
    return json.loads(run.out, parse_float=Decimal)


def typical(rows: list[dict[str, Any]], name: str) -> dict[str, Decimal]:
    return {row["month"]: row[name]["typical"] for row in rows}


def test_a_superbill_is_paid_whole_at_the_visit_and_paid_back_45_days_later() -> None:
    d = doc(*OON)
    t = d["totals"]
    assert t["gross"]["typical"] == Decimal("3805.92")
    assert t["paid_at_visits"]["typical"] == Decimal("3805.92")  # all handed over in January
    # allowed 60% of each bill; the allowed amounts go to the $1,000 deductible first, then
    # the plan pays 60% of the rest: $129.55 for visit 4 (the deductible ends in it), $213.53
    # for each of visits 5–7: 129.55 + 3 × 213.53 = 770.14
    assert t["reimbursed"]["typical"] == Decimal("770.14") == t["plan_pays"]["typical"]
    assert t["patient_pays"]["typical"] == Decimal("3035.78")  # what the totals always said
    months = d["cashflow"]
    assert [m["month"] for m in months] == ["2027-01", "2027-02", "2027-03"]
    assert typical(months, "paid_at_visits")["2027-01"] == Decimal("3805.92")
    # visits 4–7 (Jan 18–28) are paid back Mar 4–14; the 3rd visit's (Jan 14 → Feb 28) is
    # nothing at typical prices, $147.34 at the high edge
    assert typical(months, "reimbursed") == {
        "2027-01": 0,
        "2027-02": 0,
        "2027-03": Decimal("770.14"),
    }
    assert months[1]["reimbursed"]["high"] == Decimal("147.34")
    assert typical(months, "from_pocket") == {
        "2027-01": Decimal("3805.92"), "2027-02": 0, "2027-03": Decimal("-770.14"),
    }  # fmt: skip
    visit = d["visits"][3]
    assert (visit["date"], visit["reimbursed_on"]) == ("2027-01-18", "2027-03-04")
    assert visit["paid_at_visit"]["typical"] == Decimal("593.13")
    assert visit["reimbursement"]["typical"] == Decimal("129.55")
    assert d["visits"][0]["reimbursed_on"] is None  # the evaluation went to the deductible


def test_reimbursement_days_moves_the_money_back_sooner() -> None:
    months = doc(*OON, "--reimbursement-days", "30")["cashflow"]
    assert [m["month"] for m in months] == ["2027-01", "2027-02"]
    assert typical(months, "reimbursed") == {"2027-01": 0, "2027-02": Decimal("770.14")}
    assert months[1]["reimbursed"]["high"] == Decimal("1286.14")
    assert doc(*OON, "--reimbursement-days", "0")["visits"][6]["reimbursed_on"] == "2027-01-28"


def test_in_network_and_self_pay_visits_are_paid_as_they_are_shared() -> None:
    d = doc("--start", "2027-01-04")
    assert d["totals"]["paid_at_visits"] == d["totals"]["patient_pays"]
    assert all(v["reimbursed_on"] is None for v in d["visits"])
    assert d["totals"]["reimbursed"]["typical"] == 0


def test_financing_interest_is_in_the_total_cost_and_loan_money_is_borrowed() -> None:
    d = doc("--start", "2027-01-04", "--finance-months", "12", "--apr", "17.99")
    t = d["totals"]
    assert t["cash_out_of_pocket"]["typical"] == Decimal("3850.00")
    assert t["financing_interest"]["typical"] == Decimal("385.40")
    assert t["total_cost"]["typical"] == Decimal("4235.40")
    assert d["financing"]["total_interest"] == t["financing_interest"]
    first = d["cashflow"][0]
    assert first["borrowed"]["typical"] == Decimal("3850.00")
    assert first["from_pocket"]["typical"] == 0  # the loan paid the visits
    pocket = sum(m["from_pocket"]["typical"] for m in d["cashflow"])
    assert pocket == Decimal("4235.40")


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (("--finance-months", "12"), "--apr 0"),
        (("--reimbursement-days", "400"), "--reimbursement-days"),
        (("--reimbursement-days", "-1"), "--reimbursement-days"),
        (("--reimbursement-days", "4.5"), "--reimbursement-days"),
        (("--reimbursment-days", "30"), "--reimbursement-days"),
        (("--no-acumulator",), "--no-accumulator"),
    ],
)
def test_bad_money_path_options_exit_2_naming_the_option(args: tuple[str, ...], word: str) -> None:
    run = run_cli("estimate", *args)
    assert run.code == 2
    assert run.err.count("\n") == 1 and word in run.err, run.err


def test_finance_months_without_apr_names_apr() -> None:
    run = run_cli("estimate", "--finance-months", "12")
    assert run.err.startswith("Error: --apr: ")
    with pytest.raises(InputError) as caught:
        Financing(months=12)
    assert caught.value.field == "apr"
    assert Financing(months=12, apr=0).apr == 0


SPRAVATO = ("--route", "spravato", "--location", "60614", "--deductible", "3000",
            "--coinsurance", "20", "--start", "2027-01-04")  # fmt: skip


def test_no_accumulator_counts_the_programs_payments_toward_the_deductible() -> None:
    held = doc(*SPRAVATO)
    counted = doc(*SPRAVATO, "--no-accumulator")
    assert held["totals"]["patient_pays"]["typical"] == Decimal("3152.29")
    assert counted["totals"]["patient_pays"]["typical"] == Decimal("2166.74")
    assert held["totals"]["gross"] == counted["totals"]["gross"]
    assert held["scenario"]["accumulator"] is True and counted["scenario"]["accumulator"] is False
    said = " ".join(held["assumptions"])
    assert "Copay accumulator assumed (--accumulator" in said
    assert "Illinois requires the plans it regulates to count manufacturer assistance" in said
    assert "--no-accumulator may apply" in said
    cited = {source["id"] for source in held["sources"]}  # Illinois's law, with its sources
    assert {"aimed_alliance_laws", "drugtopics_accumulator_2023"} <= cited
    iv = " ".join(doc(*OON)["assumptions"])  # no savings program: the state law is not named
    assert "Copay accumulator assumed" in iv and "Illinois requires" not in iv
    assert "No copay accumulator (--no-accumulator)" in " ".join(counted["assumptions"])


def test_a_state_without_an_accumulator_law_says_nothing_of_one() -> None:
    said = " ".join(doc(*SPRAVATO[:2], "--location", "FL", *SPRAVATO[4:])["assumptions"])
    assert "Copay accumulator assumed" in said and "regulates" not in said


def test_the_python_api_takes_the_new_plan_fields() -> None:
    rules = builtin_rules()
    plan = Plan(coverage="out-of-network", oon_deductible=1000, oon_coinsurance=40,
                oon_allowed=60, reimbursement_days=30)  # fmt: skip
    e = estimate(Scenario(route="iv", location="60614", start="2027-01-04", plan=plan), rules)
    assert e.totals.reimbursed.typical == Decimal("770.14")
    assert e.cashflow[1].reimbursed.typical == Decimal("770.14")
    assert e.scenario.location_as_given == "60614" and e.scenario.location == "IL"
    with pytest.raises(InputError) as caught:
        Plan(reimbursement_days=366)
    assert caught.value.field == "reimbursement_days"


def test_a_batch_record_with_a_loan_and_no_apr_fails_naming_apr() -> None:
    run = run_cli("batch", "-", input='{"finance_months": 6}\n')
    assert run.code == 4
    error = json.loads(run.out)["error"]
    assert error["field"] == "apr" and "apr 0" in error["message"]
