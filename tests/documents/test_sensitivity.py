"""`ketacost sensitivity`: one-at-a-time swings of the typical net cost, through the real CLI.

The exact figures follow the built-in pricing model (data/pricing.yaml): IV $400/$600/$800 a
session, Spravato $952.59/$1,050/$2,000, the evaluation $150/$250/$500, the cheapest state AR
(price parity factor 0.86508) and the dearest CA (1.12581).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import run_cli

START = ("--start", "2027-01-04")
SPRAVATO_PLAN = ("--route", "spravato", "--deductible", "1500", "--coinsurance", "20")


def rows(*args: str) -> tuple[float, list[tuple[Any, ...]]]:
    run = run_cli("sensitivity", *args, *START, "--json")
    assert run.code == 0, run.err
    doc = run.json()
    assert list(doc)[:3] == ["schema_version", "baseline", "rows"]
    table = [
        (r["input"], r["low"], r["high"], r["net_cost_low"], r["net_cost_high"], r["swing"])
        for r in doc["rows"]
    ]
    return doc["baseline"], table


def typical_net_cost(*args: str) -> float:
    run = run_cli("estimate", *args, *START, "--json")
    assert run.code == 0, run.err
    value: float = run.json()["totals"]["net_cost"]["typical"]
    return value


def test_self_pay_iv_course() -> None:
    baseline, table = rows()
    assert baseline == typical_net_cost() == 3850.00  # $250 evaluation + 6 × $600
    assert table == [
        # $250 + 6 × $400 = $2,650; $250 + 6 × $800 = $5,050
        ("session_price", 400.00, 800.00, 2650.00, 5050.00, 2400.00),
        # $250 + 4 × $600 = $2,650; $250 + 8 × $600 = $5,050 (ties keep the input order)
        ("sessions", 4, 8, 2650.00, 5050.00, 2400.00),
        # no boosters is the baseline; 13 weeks at every 4 weeks = 3 more: + 3 × $600
        ("boosters", 0, 3, 3850.00, 5650.00, 1800.00),
        # AR: $250 × 0.86508 = $216.27 + 6 × ($600 × 0.86508 = $519.05) = $3,330.57
        # CA: $250 × 1.12581 = $281.45 + 6 × ($600 × 1.12581 = $675.49) = $4,334.39
        ("location", "AR", "CA", 3330.57, 4334.39, 1003.82),
        # $150 + 6 × $600 = $3,750; $500 + 6 × $600 = $4,100
        ("evaluation_price", 150.00, 500.00, 3750.00, 4100.00, 350.00),
    ]


def test_hospital_rows_use_the_factor_band() -> None:
    baseline, table = rows("--provider", "hospital")
    assert baseline == typical_net_cost("--provider", "hospital") == 5775.00  # 375 + 6 × 900
    assert table == [
        # the session band's edges at the hospital band: 400 × 1.0 and 800 × 3.3 = 2,640
        # → 375 + 6 × 400 = 2,775; 375 + 6 × 2,640 = 16,215
        ("session_price", 400.00, 2640.00, 2775.00, 16215.00, 13440.00),
        ("sessions", 4, 8, 3975.00, 7575.00, 3600.00),  # 375 + 4 or 8 × 900
        ("boosters", 0, 3, 5775.00, 8475.00, 2700.00),  # + 3 × 900
        # AR: 375 × 0.86508 = 324.405 → 324.41 + 6 × (900 × 0.86508 = 778.572 → 778.57)
        #   = 4,995.83; CA: 422.18 + 6 × 1,013.23 = 6,501.56
        ("location", "AR", "CA", 4995.83, 6501.56, 1505.73),
        # one input at a time: the evaluation's edges at the typical factor 1.5: 150 × 1.5 = 225,
        # 500 × 1.5 = 750 → 225 + 5,400 = 5,625; 750 + 5,400 = 6,150
        ("evaluation_price", 225.00, 750.00, 5625.00, 6150.00, 525.00),
    ]


def test_spravato_course_under_a_deductible_plan() -> None:
    baseline, table = rows(*SPRAVATO_PLAN)
    assert baseline == typical_net_cost(*SPRAVATO_PLAN) == 1984.71
    assert table == [
        # The deductible met before the course moves it most: $1,500 the patient no longer pays
        # at 100%, less the coinsurance and program relief on those dollars.
        ("deductible_met", 0.00, 1500.00, 1984.71, 930.02, 1054.69),
        # At $952.59 a session (the 2026 Medicare G2082 payment), after the $250 evaluation's
        # deductible: you pay 463.62 + 400.31 + 247.80 + 153.39 (deductible met) + 100.73 +
        # 100.73 + 100.72 + 100.73 = 1,668.03, + 250 = 1,918.03. Session 1: 952.59 all
        # deductible, drug 952.59 × 0.5238 = 498.97, the program pays 498.97 − 10 = 488.97.
        ("session_price", 952.59, 2000.00, 1918.03, 2607.28, 689.25),
        ("boosters", 0, 6, 1984.71, 2644.73, 660.02),
        ("sessions", 5, 11, 1654.71, 2314.72, 660.01),
        ("deductible", 1125.00, 1875.00, 1687.69, 2281.74, 594.05),
        ("coinsurance", 15, 25, 1849.66, 2121.01, 271.35),
        ("location", "AR", "CA", 1882.14, 2082.61, 200.47),
        # A $500 evaluation takes 500 of the deductible: session 1 pays 1,000 + 20% × 50 = 1,010,
        # program 529.04 − 10 = 519.04 → 490.96; then 303.93, 188.14, 116.47, 110, 110, 110,
        # 110.01 → 500 + 1,539.51 = 2,039.51
        ("evaluation_price", 150.00, 500.00, 1961.00, 2039.51, 78.51),
    ]


def test_oop_maximum_already_met() -> None:
    plan = (*SPRAVATO_PLAN, "--oop-max", "4000", "--oop-met", "4000")
    baseline, table = rows(*plan)
    assert baseline == typical_net_cost(*plan) == 0.00  # the plan pays everything
    assert table == [
        # Nothing paid yet: the whole course's share, $1,984.71 (< the $4,000 maximum).
        ("oop_met", 0.00, 4000.00, 1984.71, 0.00, 1984.71),
        # A $3,000 maximum is met too; a $5,000 one leaves $1,000 to pay (lopsided).
        ("oop_max", 3000.00, 5000.00, 0.00, 1000.00, 1000.00),
        # Every other input moves nothing: the rows say so, with a swing of 0.
        ("session_price", 952.59, 2000.00, 0.00, 0.00, 0.00),
        ("evaluation_price", 150.00, 500.00, 0.00, 0.00, 0.00),
        ("sessions", 5, 11, 0.00, 0.00, 0.00),
        ("boosters", 0, 6, 0.00, 0.00, 0.00),
        ("deductible", 1125.00, 1875.00, 0.00, 0.00, 0.00),
        ("coinsurance", 15, 25, 0.00, 0.00, 0.00),
        ("deductible_met", 0.00, 1500.00, 0.00, 0.00, 0.00),
        ("location", "AR", "CA", 0.00, 0.00, 0.00),
    ]


def test_ranges_stay_valid_scenarios() -> None:
    # The deductible never passes the OOP maximum, nor the maximum the deductible; what is met
    # follows a lower total (a $3,000 deductible with $3,000 met is met in full).
    _, table = rows("--deductible", "4000", "--oop-max", "4000", "--deductible-met", "3000",
                    "--coverage", "in-network")  # fmt: skip
    by_input = {row[0]: row for row in table}
    assert by_input["deductible"] == ("deductible", 3000.00, 4000.00, 0.00, 1000.00, 1000.00)
    assert by_input["oop_max"] == ("oop_max", 4000.00, 5000.00, 1000.00, 1000.00, 0.00)
    assert by_input["deductible_met"][:3] == ("deductible_met", 0.00, 4000.00)


@pytest.mark.parametrize(
    "args",
    [
        ("--session-price", "500", "--no-consult", "--integration", "2"),
        ("--route", "oral"),
        ("--coverage", "out-of-network", "--oon-allowed", "70", "--oon-coinsurance", "40"),
        ("--route", "spravato", "--deductible", "2000", "--fsa", "800", "--tax-rate", "30"),
        ("--route", "spravato", "--hsa", "900", "--income", "85000", "--location", "CA"),
    ],
)
def test_baseline_is_the_estimates_typical_net_cost(args: tuple[str, ...]) -> None:
    baseline, table = rows(*args)
    assert baseline == typical_net_cost(*args)
    swings = [row[5] for row in table]
    assert swings == sorted(swings, reverse=True)
    for _, _, _, low, high, swing in table:
        assert swing == pytest.approx(abs(high - low))


def test_which_inputs_apply() -> None:
    _, quoted = rows("--session-price", "500", "--no-consult", "--integration", "2")
    by_input = {row[0]: row for row in quoted}
    assert by_input["session_price"][1:3] == (375.00, 625.00)  # ±25% of the quote
    assert "evaluation_price" not in by_input  # no evaluation in this course
    assert by_input["integration_price"][1:3] == (175.00, 200.00)
    _, oral = rows("--route", "oral")
    assert "location" not in {row[0] for row in oral}  # telehealth prices nationally
    _, oon = rows("--coverage", "out-of-network", "--oon-allowed", "70")
    assert {r[0]: r[1:3] for r in oon}["oon_allowed"] == (52.5, 87.5)
    _, taxed = rows("--route", "spravato", "--deductible", "2000", "--fsa", "800",
                    "--tax-rate", "30")  # fmt: skip
    tax = {r[0]: r for r in taxed}["tax_rate"]
    assert tax[1:3] == (22.5, 37.5)
    # $800 of FSA dollars at 22.5% and 37.5% save $180 and $300: a $120 swing
    assert tax[5] == 120.00
    _, untaxed = rows("--tax-rate", "30")  # no FSA/HSA dollars: the rate moves nothing
    assert "tax_rate" not in {row[0] for row in untaxed}


def test_schema_describes_the_document() -> None:
    schema = run_cli("schema", "sensitivity").json()
    jsonschema.Draft202012Validator.check_schema(schema)
    for args in ((), SPRAVATO_PLAN, ("--coverage", "out-of-network")):
        run = run_cli("sensitivity", *args, *START, "--json")
        jsonschema.validate(run.json(), schema)


def test_terminal_tornado_fits_80_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    run = run_cli("sensitivity", *SPRAVATO_PLAN, *START)
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "Most: deductible already met ($0 → $1,500) moves it from $1,985 to $930." in run.out
    bar = next(line for line in lines if line.startswith("Deductible already"))
    assert "│" in bar and "█" in bar and "$1,055" in bar


def test_bad_format_is_an_input_error() -> None:
    run = run_cli("sensitivity", "--format", "csv")
    assert run.code == 2
    assert run.err == "Error: --format: sensitivity prints table, json or html, not csv\n"


def test_a_clinics_own_prices_move_like_a_quote() -> None:
    clinic = ("--clinic", str(Path(__file__).parents[1] / "clinic" / "sunrise.yaml"))
    baseline, table = rows(*clinic)
    assert baseline == typical_net_cost(*clinic) == 3600.00  # $300 evaluation + 6 × $550
    assert table == [
        ("sessions", 4, 8, 2500.00, 4700.00, 2200.00),  # $300 + 4 × $550; $300 + 8 × $550
        # ±25% of $550: $412.50 and $687.50 a session
        ("session_price", 412.50, 687.50, 2775.00, 4425.00, 1650.00),
        ("boosters", 0, 3, 3600.00, 5250.00, 1650.00),
        ("evaluation_price", 225.00, 375.00, 3525.00, 3675.00, 150.00),
        # no location row: the clinic's prices are not scaled by location
    ]


def test_tornado_bar_cells() -> None:
    from decimal import Decimal

    from ketacost.documents.sensitivity import Row
    from ketacost.render.tornado import tornado_cells

    def row(low: str, high: str) -> Row:
        return Row("x", 1, 2, Decimal(low), Decimal(high), abs(Decimal(high) - Decimal(low)),
                   "X", "count", 1, "")  # fmt: skip

    base, reach = Decimal(1000), Decimal(400)
    # −$200 is half of a 4-cell side (▒, the input's low value); +$400 fills it (█, high)
    assert tornado_cells(row("800", "1400"), base, reach, 4).plain == "  ▒▒│████"
    # Both values dearer (a kink): the longer bar first, the shorter one drawn over it
    assert tornado_cells(row("1100", "1400"), base, reach, 4).plain == "    │▒███"
    assert tornado_cells(row("1000", "1000"), base, reach, 4).plain == "    │    "
    # Any change shows: $1 of $400 is still one cell
    assert tornado_cells(row("999", "1000"), base, reach, 4).plain == "   ▒│    "
