"""What was paid toward the deductible counts toward the out-of-pocket maximum (45 CFR 156.130:
cost sharing includes deductibles), found by a first-hour review of the merged third wave."""

from __future__ import annotations

import json

from conftest import run_cli

SPRAVATO = ("estimate", "--route", "spravato", "--deductible", "1500", "--coinsurance", "20",
            "--oop-max", "2000", "--no-copay-program", "--start", "2027-01-04",
            "--json")  # fmt: skip


def test_the_deductible_met_is_taken_as_paid_toward_the_oop_maximum() -> None:
    # $1,500 of the $2,000 maximum already paid (the whole deductible): $500 is left to pay.
    # Before, the course charged $1,730.00, as if nothing had been paid toward the maximum.
    run = run_cli(*SPRAVATO, "--deductible-met", "1500")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert doc["totals"]["patient_pays"] == {"low": 500.0, "typical": 500.0, "high": 500.0}
    assert "oop_max_reached" in [w["code"] for w in doc["warnings"]]
    assert ("The deductible already met ($1,500.00) counts toward the out-of-pocket maximum: "
            "that much is taken as already paid toward it.") in doc["assumptions"]  # fmt: skip
    # the same as saying so outright
    given = json.loads(run_cli(*SPRAVATO, "--deductible-met", "1500", "--oop-met", "1500").out)
    assert given["totals"] == doc["totals"]


def test_oop_already_paid_below_the_deductible_met_is_refused() -> None:
    run = run_cli(*SPRAVATO, "--deductible-met", "1500", "--oop-met", "100")
    assert run.code == 2
    assert run.err == ("Error: --oop-met: 100 is less than the deductible met 1500, which counts "
                       "toward it\n")  # fmt: skip
