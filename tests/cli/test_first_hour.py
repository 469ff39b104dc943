"""What a newcomer sees in the first hour (issue 12): words, help, conventions, compare."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

START = ("--start", "2027-01-04")
PLAN = ("--deductible", "1500", "--coinsurance", "20")


def doc(*args: str) -> Any:
    run = run_cli("estimate", "--json", *START, *args)
    assert run.code == 0, run.err
    return run.json()


def codes(d: Any) -> list[str]:
    return [w["code"] for w in d["warnings"]]


def course_note(d: Any) -> str:
    return next(a for a in d["assumptions"] if a.startswith("Course:"))


# --- item 5: assumptions say what was done ----------------------------------------------------


def test_spravato_boosters_are_weekly_first_then_every_n_weeks() -> None:
    assert course_note(doc("--route", "spravato", "--boosters", "6")) == (
        "Course: an initial evaluation, then 8 induction sessions, 2 a week, then 6 boosters "
        "(4 weekly, then 2 every 2 weeks); first visit 2027-01-04."
    )
    assert course_note(doc("--route", "spravato", "--boosters", "3", "--no-consult")) == (
        "Course: 8 induction sessions, 2 a week, then 3 boosters weekly; first visit 2027-01-04."
    )
    assert course_note(doc("--sessions", "1", "--boosters", "1")) == (
        "Course: an initial evaluation, then 1 induction session, 2 a week, then 1 booster "
        "every 4 weeks; first visit 2027-01-04."
    )


def test_no_savings_program_and_no_plan_under_coverage_none() -> None:
    d = doc("--route", "spravato", "--coverage", "none", *PLAN)
    text = " ".join(d["assumptions"])
    assert "savings program applied" not in text
    assert "Self-pay (--coverage none): no insurance is applied." in d["assumptions"]
    assert d["totals"]["program_pays"]["typical"] == 0
    warning = next(w for w in d["warnings"] if w["code"] == "plan_figures_ignored")
    assert warning["message"].startswith("--deductible, --coinsurance are ignored")


def test_insurance_lists_only_the_kinds_of_visit_in_the_course() -> None:
    d = doc("--route", "spravato", *PLAN)
    note = next(a for a in d["assumptions"] if a.startswith("Insurance"))
    assert note == ("Insurance (commercial, in-network) applied to: evaluation, induction "
                    "sessions; the allowed amount is taken to equal the billed price.")  # fmt: skip


def test_out_of_network_runs_do_not_speak_of_the_in_network_allowed_amount() -> None:
    d = doc("--route", "spravato", "--coverage", "out-of-network", "--oon-allowed", "70",
            "--no-consult")  # fmt: skip
    text = " ".join(d["assumptions"])
    assert "in-network" not in text and "equal the billed price" not in text
    assert (
        "Insurance (commercial, out-of-network) applied to: induction sessions; a superbill "
        "claim, allowed amount 70% of the bill; you also owe the rest of the bill."
    ) in text


def test_hdhp_without_a_deductible_is_named() -> None:
    d = doc("--hdhp")
    message = next(w["message"] for w in d["warnings"] if w["code"] == "hdhp_deductible_low")
    assert message.startswith("--hdhp without --deductible: the deductible is taken as $0.00.")


# --- item 10: a saving silently missing ---------------------------------------------------------


def test_account_money_without_income_or_tax_rate_warns_naming_both() -> None:
    for args in (("--fsa", "500"), ("--hsa", "800")):
        d = doc(*args)
        message = next(w["message"] for w in d["warnings"] if w["code"] == "tax_rate_missing")
        assert "--income" in message and "--tax-rate" in message
        assert d["totals"]["tax_savings"]["typical"] == 0
    assert "tax_rate_missing" not in codes(doc("--fsa", "500", "--tax-rate", "30"))
    assert "tax_rate_missing" not in codes(doc("--fsa", "500", "--income", "60000"))
    assert "tax_rate_missing" not in codes(doc())


# --- item 9: words ------------------------------------------------------------------------------


def test_no_parenthesised_plurals_anywhere() -> None:
    outputs = [
        run_cli("estimate", *START, "--boosters", "1", "--sessions", "1").out,
        run_cli("estimate", *START, "--route", "spravato", "--boosters", "4").out,
        run_cli("compare", *START, "--months", "1", "--json").out,
        run_cli("pricing", "validate", "data/pricing.yaml").out,
        run_cli("pricing", "show").out,
        run_cli("sensitivity", *START, "--boosters", "1").out,
        run_cli("sensitivity", *START, "--format", "html").out,
    ]
    clinic = str(Path(__file__).parents[1] / "clinic" / "sunrise.yaml")
    for fmt in ("markdown", "html"):  # the Good Faith Estimate's words too
        outputs.append(
            run_cli("gfe", "--clinic", clinic, "--patient-name", "A B", "--patient-dob",
                    "1980-01-01", "--diagnosis", "F33.2", "--boosters", "1", "--integration", "1",
                    "--start", "2026-12-07", "--format", fmt).out
        )  # fmt: skip
    for text in outputs:
        assert text and "(s)" not in text
    assert "1 session + 1 booster" in outputs[0]
    assert "8 sessions + 4 boosters" in outputs[1]


# --- item 7: help -------------------------------------------------------------------------------


def test_dash_h_is_help_everywhere() -> None:
    for args in (["-h"], ["estimate", "-h"], ["compare", "-h"], ["pricing", "-h"],
                 ["pricing", "show", "-h"], ["batch", "-h"]):  # fmt: skip
        run = run_cli(*args)
        assert run.code == 0 and run.out.startswith("Usage: ketacost"), args


def test_estimate_help_groups_its_options_in_panels() -> None:
    text = run_cli("estimate", "--help").out
    panels = ["Course:", "Plan:", "Out-of-network:", "Accounts and taxes:", "Financing:",
              "Files and output:"]  # fmt: skip
    at = [text.index(f"\n{p}\n") for p in panels]
    assert at == sorted(at)
    assert text.index("--oon-allowed") > text.index("Out-of-network:") > text.index("--copay ")
    assert text.index("--schedule") > text.index("Files and output:")


def test_help_does_not_offer_what_the_command_refuses() -> None:
    help_text = " ".join(run_cli("compare", "--help").out.split())
    assert "Only with --providers or --locations" in help_text
    for kind in ("csv", "markdown"):  # offered by --format, so they work
        run = run_cli("compare", *START, "--format", kind)
        assert run.code == 0, run.err
    for command in ("show", "sources"):
        assert "--format" not in run_cli("pricing", command, "--help").out


def test_coverage_help_says_what_auto_does() -> None:
    text = " ".join(run_cli("estimate", "--help").out.split())
    assert "auto: self-pay without plan figures; with them, each visit as the pricing model" in text


def test_did_you_mean_for_values_and_keys(tmp_path: Path) -> None:
    run = run_cli("estimate", "--route", "spravto")
    assert run.code == 2 and "(did you mean 'spravato'?)" in run.err
    run = run_cli("estimate", "--format", "jsno")
    assert run.code == 2 and "(did you mean 'json'?)" in run.err
    scenario = tmp_path / "s.yaml"
    scenario.write_text("deductable: 1000\n")
    run = run_cli("estimate", "--scenario", str(scenario))
    assert run.code == 2 and "(did you mean 'deductible'?)" in run.err
    batch = run_cli("batch", "-", input="route,deductable\niv,100\n")
    assert batch.code == 4
    assert "(did you mean 'deductible'?)" in json.loads(batch.out)["error"]["message"]


def test_kebab_case_csv_headers_are_option_names() -> None:
    rows = "route,plan-year-start,--deductible,oop_max\nspravato,07-01,1000,3000\n"
    run = run_cli("batch", "-", input=rows)
    assert run.code == 0, run.out
    scenario = json.loads(run.out)["scenario"]
    assert (scenario["plan_year_start"], scenario["deductible"], scenario["oop_max"]) == (
        "07-01", 1000, 3000)  # fmt: skip


# --- item 8: conventions ------------------------------------------------------------------------


def test_dash_means_standard_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run = run_cli("estimate", "--json", *START, "--output", "-")
    assert run.code == 0 and run.json()["totals"]["gross"]["typical"] == 3850.0
    table = run_cli("estimate", *START, "--output", "-")
    assert table.code == 0 and "$3,850.00" in table.out
    copy = run_cli("pricing", "copy", "-")
    assert copy.code == 0 and copy.out.startswith("# ketacost pricing model")
    assert list(tmp_path.iterdir()) == []


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_batch_on_a_terminal_prints_usage_instead_of_waiting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin", _Terminal(""))
    run = run_cli("batch")
    assert run.code == 2
    assert "Usage: ketacost batch" in run.err and "pipe scenarios in" in run.err


def test_pricing_errors_name_where_the_file_came_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KETACOST_PRICING", str(tmp_path / "gone.yaml"))
    run = run_cli("estimate")
    assert run.code == 3 and "$KETACOST_PRICING=" in run.err and "gone.yaml" in run.err
    bad = tmp_path / "bad.yaml"
    bad.write_text("routes: 1\n")
    monkeypatch.setenv("KETACOST_PRICING", str(bad))
    run = run_cli("estimate")
    assert run.code == 3 and run.err.startswith(f"Error: $KETACOST_PRICING={bad}")
    monkeypatch.delenv("KETACOST_PRICING")
    run = run_cli("estimate", "--pricing", "")
    assert run.code == 2 and run.err.startswith("Error: --pricing:")


# --- item 4: compare agrees with estimate -------------------------------------------------------


def test_compare_only_some_routes() -> None:
    run = run_cli("compare", "--json", *START, "--routes", "spravato,iv")
    assert run.code == 0, run.err
    assert [r["route"] for r in run.json()["rows"]] == ["iv", "spravato"]
    bad = run_cli("compare", "--routes", "spravto")
    assert bad.code == 2 and "--routes" in bad.err and "did you mean 'spravato'" in bad.err
    both = run_cli("compare", "--routes", "iv", "--locations", "CA,TX")
    assert both.code == 2


def test_compare_refuses_a_single_value_it_would_ignore() -> None:
    run = run_cli("compare", "--location", "CA", "--locations", "10001,TX")
    assert run.code == 2 and run.err.startswith("Error: --location:")
    run = run_cli("compare", "--route", "iv", "--provider", "clinic", "--providers",
                  "clinic,hospital")  # fmt: skip
    assert run.code == 2 and run.err.startswith("Error: --provider:")
    # used, not refused: the one location applies to every provider
    rows = run_cli("compare", "--json", *START, "--location", "CA", "--providers",
                   "clinic,hospital").json()["rows"]  # fmt: skip
    assert {r["location"] for r in rows} == {"CA"}


def test_compare_labels_locations_as_typed() -> None:
    rows = run_cli("compare", "--json", *START, "--locations", "10001,ca").json()["rows"]
    assert [(r["location"], r["location_input"]) for r in rows] == [("NY", "10001"),
                                                                    ("CA", "ca")]  # fmt: skip
    table = run_cli("compare", *START, "--locations", "10001,CA").out
    assert "iv · 10001 (NY)" in table and "iv · CA" in table


def test_compare_csv_and_markdown_carry_every_figure() -> None:
    run = run_cli("compare", *START, *PLAN, "--format", "csv", "--routes", "spravato,iv")
    rows = list(csv.DictReader(io.StringIO(run.out)))
    alone = run_cli("estimate", "--json", *START, *PLAN, "--route", "spravato").json()
    spravato = next(r for r in rows if r["route"] == "spravato")
    for name, band in alone["totals"].items():
        for edge, value in band.items():
            assert spravato[f"{name}_{edge}"] == f"{value:.2f}", (name, edge)
    md = run_cli("compare", *START, *PLAN, "--format", "markdown").out
    assert md.startswith("# Compared by routes")
    assert "| spravato · clinic | 8 | $8,650.00 |" in md


# --- item 9: CSV columns and the schema's words ---------------------------------------------------


def test_csv_visits_carry_their_kind_and_the_cash_flow_has_rows() -> None:
    run = run_cli("estimate", *START, "--route", "spravato", "--boosters", "2", "--format",
                  "csv", "--finance-months", "3", "--apr", "0")  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(run.out)))
    visits = [r for r in rows if r["section"] == "visit" and r["figure"] == "billed"]
    assert [r["kind"] for r in visits] == ["consult"] + ["induction"] * 8 + ["booster"] * 2
    assert visits[0]["codes"] == "90791 90792"
    assert all(not r["codes"].isalpha() for r in visits)  # codes, not a kind, under `codes`
    months = [r for r in rows if r["section"] == "month"]
    d = run_cli("estimate", "--json", *START, "--route", "spravato", "--boosters", "2",
                "--finance-months", "3", "--apr", "0").json()  # fmt: skip
    assert sorted({r["ref"] for r in months}) == [m["month"] for m in d["cashflow"]]
    for m in d["cashflow"]:
        for name in ("billed", "patient_pays", "cash", "loan_payment"):
            row = next(r for r in months if r["ref"] == m["month"] and r["figure"] == name)
            assert row["typical"] == f"{m[name]['typical']:.2f}", (m["month"], name)


def test_schema_does_not_promise_ordered_bands_everywhere() -> None:
    band = run_cli("schema", "estimate").json()["properties"]["totals"]["properties"]["gross"]
    assert "need not be" in band["description"]
    assert "The clinic bill is ordered low ≤ typical ≤ high" in band["description"]
