"""`ketacost estimate` driven through the real entry point, with exact values."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

TOTALS = ("gross", "plan_pays", "program_pays", "patient_pays", "account_paid", "tax_savings",
          "net_cost", "cash_out_of_pocket", "paid_at_visits", "reimbursed", "financing_interest",
          "total_cost")  # fmt: skip
START = ("--start", "2026-11-27")


def doc(*args: str) -> Any:
    run = run_cli("estimate", "--json", *START, *args)
    assert run.code == 0, run.err
    assert run.err == ""
    return json.loads(run.out, parse_float=Decimal)


def test_default_is_a_national_self_pay_iv_course() -> None:
    d = doc()
    s = d["scenario"]
    assert (s["route"], s["provider"], s["location"], s["sessions"], s["consult"]) == (
        "iv", "clinic", "US", 6, True)  # fmt: skip
    assert [i["id"] for i in d["line_items"]] == ["evaluation", "induction"]
    assert d["line_items"][1]["quantity"] == 6
    # 250 evaluation + 6 × 600 infusions = 3,850 typical; 150 + 6 × 400 = 2,550;
    # 500 (a psychiatrist's self-pay intake) + 6 × 800 = 5,300
    assert d["totals"]["gross"] == {"low": Decimal("2550.00"), "typical": Decimal("3850.00"),
                                    "high": Decimal("5300.00")}  # fmt: skip
    assert d["totals"]["patient_pays"] == d["totals"]["gross"]
    assert d["totals"]["plan_pays"]["typical"] == 0
    assert set(d["totals"]) == set(TOTALS)
    assert d["financing"] is None
    assert [w["code"] for w in d["warnings"]] == ["off_label"]


def test_quoted_session_price_is_exact_in_every_band() -> None:
    d = doc("--session-price", "650", "--sessions", "6", "--no-consult")
    for edge in ("low", "typical", "high"):
        assert d["totals"]["gross"][edge] == Decimal("3900.00")
    assert len(d["visits"]) == 6


def test_parts_add_up_to_totals() -> None:
    d = doc("--route", "spravato", "--deductible", "1500", "--coinsurance", "20",
            "--integration", "3", "--boosters", "4", "--fsa", "500",
            "--tax-rate", "30")  # fmt: skip
    for edge in ("low", "typical", "high"):
        for name in ("plan_pays", "program_pays", "patient_pays", "account_paid"):
            assert sum(v[name][edge] for v in d["visits"]) == d["totals"][name][edge]
        assert sum(v["billed"][edge] for v in d["visits"]) == d["totals"]["gross"][edge]
        assert sum(i["amount"][edge] for i in d["line_items"]) == d["totals"]["gross"][edge]
        assert (
            sum(m["cash"][edge] for m in d["cashflow"]) == d["totals"]["cash_out_of_pocket"][edge]
        )
        t = d["totals"]
        assert (
            t["gross"][edge]
            == t["plan_pays"][edge] + t["program_pays"][edge] + t["patient_pays"][edge]
        )


def gross(*args: str) -> Decimal:
    return Decimal(doc(*args)["totals"]["gross"]["typical"])


def test_location_moves_the_price() -> None:
    ca, tx, ms = gross("--location", "CA"), gross("--location", "TX"), gross("--location", "MS")
    assert ca > tx > ms
    # CA: 600 × 1.12581 = 675.486 → 675.49 × 6 = 4,052.94; 250 × 1.12581 = 281.45
    assert ca == Decimal("4334.39")
    assert gross("--location", "94110") == ca == gross("--location", "California")
    assert gross("--location", "94110-1234") == ca == gross("--location", "ca")


HOSPITAL = "hospital_price_low_confidence"


def test_hospital_prices_are_a_low_confidence_band() -> None:
    # The hospital factor is a band applied edge by edge: low × 1.0, typical × 1.5, high × 3.3.
    run = run_cli("estimate", "--json", *START, "--provider", "hospital")
    assert run.code == 0, run.err
    d = json.loads(run.out, parse_float=Decimal)
    units = {item["id"]: item["unit_price"] for item in d["line_items"]}
    # evaluation 150 × 1.0 = 150; 250 × 1.5 = 375; 500 × 3.3 = 1,650
    assert units["evaluation"] == {"low": Decimal("150.00"), "typical": Decimal("375.00"),
                                   "high": Decimal("1650.00")}  # fmt: skip
    # infusion 400 × 1.0 = 400; 600 × 1.5 = 900; 800 × 3.3 = 2,640
    assert units["induction"] == {"low": Decimal("400.00"), "typical": Decimal("900.00"),
                                  "high": Decimal("2640.00")}  # fmt: skip
    # 150 + 6 × 400 = 2,550; 375 + 6 × 900 = 5,775; 1,650 + 6 × 2,640 = 17,490
    assert d["totals"]["gross"] == {"low": Decimal("2550.00"), "typical": Decimal("5775.00"),
                                    "high": Decimal("17490.00")}  # fmt: skip
    assert [w["code"] for w in d["warnings"]] == ["off_label", HOSPITAL]
    message = d["warnings"][1]["message"]
    assert "low-confidence" in message and "1.0 / 1.5 / 3.3" in message
    assert "--session-price" in message
    assert "hospital outpatient or academic center factor 1.0 / 1.5 / 3.3" in d["assumptions"][0]
    assert gross("--provider", "hospital") > gross("--provider", "clinic")


def test_hospital_band_then_location_rounds_each_edge_half_up() -> None:
    d = doc("--provider", "hospital", "--location", "CA")  # price parity factor 1.12581
    units = {item["id"]: item["unit_price"] for item in d["line_items"]}
    # 150 × 1.0 × 1.12581 = 168.8715 → 168.87; 250 × 1.5 × 1.12581 = 422.17875 → 422.18;
    # 500 × 3.3 × 1.12581 = 1,857.5865 → 1,857.59
    assert units["evaluation"] == {"low": Decimal("168.87"), "typical": Decimal("422.18"),
                                   "high": Decimal("1857.59")}  # fmt: skip
    # 400 × 1.12581 = 450.324 → 450.32; 900 × 1.12581 = 1,013.229 → 1,013.23;
    # 2,640 × 1.12581 = 2,972.1384 → 2,972.14
    assert units["induction"] == {"low": Decimal("450.32"), "typical": Decimal("1013.23"),
                                  "high": Decimal("2972.14")}  # fmt: skip
    # 168.87 + 6 × 450.32 = 2,870.79; 422.18 + 6 × 1,013.23 = 6,501.56;
    # 1,857.59 + 6 × 2,972.14 = 19,690.43
    assert d["totals"]["gross"] == {"low": Decimal("2870.79"), "typical": Decimal("6501.56"),
                                    "high": Decimal("19690.43")}  # fmt: skip
    spravato = doc("--provider", "hospital", "--route", "spravato", "--location", "TX",
                   "--no-consult")  # fmt: skip
    # 952.59 × 1.0 × 0.97175 = 925.6793 → 925.68; 1,050 × 1.5 × 0.97175 = 1,530.50625 →
    # 1,530.51 (half up); 2,000 × 3.3 × 0.97175 = 6,413.55
    assert spravato["line_items"][0]["unit_price"] == {
        "low": Decimal("925.68"),
        "typical": Decimal("1530.51"),
        "high": Decimal("6413.55"),
    }
    assert HOSPITAL in [w["code"] for w in spravato["warnings"]]


def test_hospital_warning_follows_what_the_factor_priced() -> None:
    # A quote prices the sessions; the evaluation (on by default) still uses the factor.
    quoted = doc("--provider", "hospital", "--session-price", "1200")
    warning = next(w for w in quoted["warnings"] if w["code"] == HOSPITAL)
    assert "evaluation" in warning["message"]
    # 375 (250 × 1.5) + 6 × 1,200 = 7,575
    assert quoted["totals"]["gross"]["typical"] == Decimal("7575.00")
    # With the sessions quoted and no evaluation, the factor priced nothing: no warning.
    none = doc("--provider", "hospital", "--session-price", "1200", "--no-consult")
    assert HOSPITAL not in [w["code"] for w in none["warnings"]]
    assert none["totals"]["gross"]["high"] == Decimal("7200.00")  # 6 × 1,200
    assert HOSPITAL not in [w["code"] for w in doc()["warnings"]]  # a clinic: none


def test_telehealth_oral_is_priced_nationally() -> None:
    national = gross("--route", "oral")
    assert national == Decimal("1504.00")  # 250 + 6 × 209 (Mindbloom's $1,254 for 6)
    assert gross("--route", "oral", "--location", "CA") == national
    assert gross("--route", "oral", "--location", "10001") == national
    assert doc("--route", "oral")["scenario"]["provider"] == "telehealth"


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (["--location", "Narnia"], "--location"),
        (["--location", "00000"], "--location"),
        (["--route", "iv", "--provider", "telehealth"], "--provider"),
        (["--coinsurance", "150"], "--coinsurance"),
        (["--json", "--format", "csv"], "--json"),
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], word: str) -> None:
    run = run_cli("estimate", *args)
    assert run.code == 2
    assert run.out == ""
    assert run.err.startswith("Error: ") and run.err.count("\n") == 1
    assert word in run.err


def test_course_dates_follow_the_protocol() -> None:
    d = doc("--boosters", "2")
    dates = [(v["date"], v["kind"]) for v in d["visits"]]
    assert dates == [
        ("2026-11-27", "consult"),
        # a week after the evaluation, two infusions a week (days 0 and 3)
        ("2026-12-04", "induction"), ("2026-12-07", "induction"),
        ("2026-12-11", "induction"), ("2026-12-14", "induction"),
        ("2026-12-18", "induction"), ("2026-12-21", "induction"),
        # boosters every 4 weeks after the last infusion
        ("2027-01-18", "booster"), ("2027-02-15", "booster"),
    ]  # fmt: skip


def test_spravato_label_schedule() -> None:
    d = doc("--route", "spravato", "--no-consult", "--boosters", "6")
    dates = [v["date"] for v in d["visits"]]
    assert dates[:8] == ["2026-11-27", "2026-11-30", "2026-12-04", "2026-12-07", "2026-12-11",
                         "2026-12-14", "2026-12-18", "2026-12-21"]  # fmt: skip
    # weeks 5–8 weekly (4 boosters), then every 2 weeks
    assert dates[8:] == ["2026-12-28", "2027-01-04", "2027-01-11", "2027-01-18", "2027-02-01",
                         "2027-02-15"]  # fmt: skip
    assert [m["month"] for m in d["cashflow"]] == ["2026-11", "2026-12", "2027-01", "2027-02"]


def test_integration_sessions_follow_dosing_sessions() -> None:
    d = doc("--no-consult", "--sessions", "2", "--integration", "3")
    kinds = [(v["date"], v["kind"]) for v in d["visits"]]
    assert kinds == [("2026-11-27", "induction"), ("2026-11-28", "integration"),
                     ("2026-11-30", "induction"), ("2026-12-01", "integration"),
                     ("2026-12-08", "integration")]  # fmt: skip


def test_financing_zero_apr_is_equal_payments() -> None:
    d = doc("--session-price", "500", "--sessions", "6", "--no-consult", "--finance-months", "12",
            "--apr", "0")
    assert d["financing"]["monthly_payment"]["typical"] == Decimal("250.00")  # 3,000 / 12
    assert d["financing"]["total_interest"]["typical"] == 0
    # 1,000 over 3 months: 333.33, 333.33 and a final 333.34, so the payments add up
    d = doc("--session-price", "1000", "--sessions", "1", "--no-consult", "--finance-months", "3",
            "--apr", "0")
    f = d["financing"]
    assert (f["monthly_payment"]["typical"], f["final_payment"]["typical"]) == (
        Decimal("333.33"), Decimal("333.34"))  # fmt: skip


def test_cashflow_has_every_calendar_month() -> None:
    d = doc("--no-consult", "--sessions", "1", "--boosters", "1", "--booster-every", "12")
    # one infusion 2026-11-27, a booster 12 weeks later (2027-02-19): four months in all
    assert [m["month"] for m in d["cashflow"]] == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert d["cashflow"][1]["billed"]["typical"] == 0


def test_out_of_network_terms_alone_file_covered_visits_out_of_network() -> None:
    d = doc("--oon-allowed", "60", "--oon-coinsurance", "40", "--oon-deductible", "0")
    assert d["line_items"][0]["coverage"] == "out-of-network"  # the evaluation
    assert d["line_items"][1]["coverage"] == "self-pay"  # off-label infusions
    # evaluation 250: allowed 150, 40% = 60 cost share + 100 balance bill; the plan pays 90
    assert d["visits"][0]["plan_pays"]["typical"] == Decimal("90.00")


def test_debug_shows_the_traceback_and_keeps_the_exit_code(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:  # fmt: skip
    monkeypatch.setenv("KETACOST_DEBUG", "1")
    run = run_cli("estimate", "--coinsurance", "150")
    assert run.code == 2 and "Traceback" in run.err and "--coinsurance" in run.err


def test_table_output_has_the_parts_a_person_needs() -> None:
    run = run_cli("estimate", *START, "--schedule")
    assert run.code == 0
    for text in ("Clinic bill", "$3,850.00", "Line items", "Totals", "Visits", "Month by month",
                 "Assumptions", "Sources", "not a quote"):  # fmt: skip
        assert text in run.out
    # only a source's URL may run past the width: it is never broken (the terminal wraps it)
    long = [line for line in run.out.splitlines() if len(line) > 80]
    assert all(line.strip().startswith("https://") and " " not in line.strip() for line in long)
    assert "\x1b[" not in run.out  # no colour in a pipe / under NO_COLOR


def test_csv_output_is_spreadsheet_friendly() -> None:
    run = run_cli("estimate", *START, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(run.out)))
    totals = {r["ref"]: r for r in rows if r["section"] == "total"}
    assert totals["gross"]["typical"] == "3850.00"
    assert sum(1 for r in rows if r["section"] == "visit" and r["figure"] == "billed") == 7


def test_markdown_report() -> None:
    run = run_cli("estimate", *START, "--format", "markdown")
    assert run.out.startswith("# Ketamine therapy cost estimate")
    # 150 / 250 / 500 evaluation + 6 × 400 / 600 / 800
    assert "| Clinic bill (gross) | $2,550.00 | $3,850.00 | $5,300.00 |" in run.out


def test_scenario_file_and_override(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text("route: iv\nsession_price: 500\nconsult: false\nsessions: 4\n")
    run = run_cli("estimate", "--json", "--scenario", str(path), "--sessions", "5")
    assert run.json()["totals"]["gross"]["typical"] == 2500.0  # the option wins: 5 × 500
    path.write_text("route: iv\nsesions: 4\n")
    bad = run_cli("estimate", "--scenario", str(path))
    assert bad.code == 2 and "sesions" in bad.err and bad.out == ""
    js = tmp_path / "plan.json"
    js.write_text('{"route": "im", "session_price": "400.00", "consult": false}')
    assert (
        run_cli("estimate", "--json", "--scenario", str(js)).json()["totals"]["gross"]["typical"]
        == 2400.0
    )


def test_init_writes_a_template_that_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    assert run_cli("init").code == 0
    text = (tmp_path / "scenario.yaml").read_text()
    assert "# deductible: 1500.00" in text and "# session_price: 600.00" in text
    assert run_cli("estimate", "--scenario", "scenario.yaml", "--json").code == 0
    (tmp_path / "scenario.yaml").write_text("route: im\n")
    refused = run_cli("init")
    assert refused.code == 2 and "--force" in refused.err
    assert (tmp_path / "scenario.yaml").read_text() == "route: im\n"
    assert run_cli("init", "--force").code == 0


def test_output_file_is_written_and_inputs_protected(tmp_path: Path) -> None:
    out = tmp_path / "estimate.json"
    run = run_cli("estimate", "--json", "--output", str(out))
    assert run.code == 0 and run.out == ""
    assert json.loads(out.read_text())["schema_version"] == 1
    scenario = tmp_path / "s.yaml"
    scenario.write_text("route: iv\n")
    refused = run_cli("estimate", "--json", "--scenario", str(scenario), "--output", str(scenario))
    assert refused.code == 2 and "refusing" in refused.err
    assert scenario.read_text() == "route: iv\n"


def test_version_and_help_examples() -> None:
    from ketacost import __version__

    assert run_cli("--version").out == f"ketacost {__version__}\n"
    for command in ([], ["pricing"], ["estimate"], ["compare"], ["batch"], ["schema"], ["init"],
                    ["pricing", "show"], ["pricing", "sources"], ["pricing", "validate"],
                    ["pricing", "copy"]):  # fmt: skip
        run = run_cli(*command, "--help")
        assert run.code == 0 and "Example: ketacost" in run.out, command


def test_no_arguments_prints_help() -> None:
    run = run_cli()
    assert run.code == 0 and run.out.startswith("Usage: ketacost") and run.err == ""


def test_force_color_turns_colour_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" in run_cli("estimate", *START).out


def test_a_plan_without_cost_sharing_is_flagged() -> None:
    d = doc("--route", "spravato", "--coverage", "in-network")
    codes = [w["code"] for w in d["warnings"]]
    assert "plan_terms_missing" in codes
    assert d["totals"]["patient_pays"]["typical"] == 0


def test_medicare_without_figures_uses_part_b_and_no_program() -> None:
    d = doc("--route", "spravato", "--plan-type", "medicare", "--boosters", "2")
    codes = [w["code"] for w in d["warnings"]]
    assert "plan_terms_missing" not in codes and "program_ineligible" in codes
    assert d["totals"]["program_pays"]["typical"] == 0
    notes = " ".join(d["assumptions"])
    assert "Medicare Part B deductible is used: $283 for the 2026 plan year" in notes
    # the course runs into 2027, whose Part B deductible is not on file yet: said so
    assert "2027 not on file: the 2026 figure" in notes
    assert "Medicare Part B's 20% of the approved amount" in notes
    assert "no out-of-pocket maximum" in notes
    assert all(v["oop_left"] is None for v in d["visits"])


def test_an_apr_too_small_to_price_is_refused_not_a_crash(cli: Any) -> None:
    # 1e-30 made the annuity formula divide by zero (exit 1); it is refused naming the option
    run = cli("estimate", "--json", "--finance-months", "60", "--apr", "1e-30")
    assert run.code == 2 and run.out == ""
    assert run.err.startswith("Error: --apr:")


def test_the_headline_says_what_the_you_pay_figure_leaves_out(cli: Any) -> None:
    run = cli("estimate", "--coverage", "out-of-network", "--start", "2026-12-01")
    head = " ".join(run.out.split("Line items")[0].replace("│", " ").split())
    assert "superbill's reimbursement is not counted" in head
    assert "--oon-allowed, --oon-coinsurance and --oon-deductible" in head
    run = cli("estimate", "--coverage", "in-network", "--start", "2026-12-01")
    head = " ".join(run.out.split("Line items")[0].replace("│", " ").split())
    assert "the plan is assumed to pay everything it covers" in head


def test_month_sums_take_the_visit_columns_in_the_order_of_month_and_totals() -> None:
    """_monthly sums a visit line's money columns by position; Month and Totals take the sums
    by position too: a field reordered in one of them must fail here, not move money."""
    from ketacost.engine.estimate import _COLUMNS, COLUMN_NAMES, Month, Totals, VisitLine

    assert VisitLine._fields[_COLUMNS] == COLUMN_NAMES
    assert Month._fields[1:7] == COLUMN_NAMES
    assert Totals._fields[:5] == ("gross", "plan_pays", "program_pays", "patient_pays",
                                  "account_paid")  # fmt: skip
