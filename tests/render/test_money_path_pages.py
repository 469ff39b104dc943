"""Every page shows the money's path and repeats its inputs (issue 23): the table at 80
columns, Markdown, HTML and CSV; compare and sensitivity too; --output follows its suffix."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import run_cli

OON = ("--route", "iv", "--location", "60614", "--coverage", "out-of-network",
       "--oon-deductible", "1000", "--oon-coinsurance", "40", "--oon-allowed", "60",
       "--start", "2027-01-04")  # fmt: skip
LOAN = ("--start", "2027-01-04", "--finance-months", "12", "--apr", "17.99")
INPUTS = ("Your inputs: --location 60614 (IL) · --coverage out-of-network · --oon-deductible "
          "$1,000.00 · --oon-coinsurance 40% · --oon-allowed 60% · --reimbursement-days 45 · "
          "--accumulator")  # fmt: skip
PATH = ("Paid at the visits $3,805.92; back from the plan $770.14 in Mar 2027 (45 days after "
        "each visit)")  # fmt: skip


def out(*args: str) -> str:
    run = run_cli(*args)
    assert run.code == 0, run.err
    return run.out


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_the_table_at_80_columns_says_what_is_paid_and_what_comes_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    text = out("estimate", *OON)
    flat = one_line(text.replace("│", " "))
    assert INPUTS in flat and PATH in flat
    assert "IV · clinic · 60614 (IL) · 6 sessions" in text
    assert "Paid back by the plan later" in text
    assert "−$770.14" in text  # March: the reimbursement comes back to your pocket
    assert max(len(line) for line in text.splitlines() if "http" not in line) <= 80


def test_the_table_shows_the_loan_interest_and_the_total_cost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    text = out("estimate", *LOAN)
    assert "Total cost $4,235.40 with $385.40 of loan interest" in one_line(text)
    assert "Loan interest" in text and "$4,235.40" in text
    assert "Your inputs: --location US · --finance-months 12 · --apr 17.99%" in one_line(text)


def test_markdown_repeats_the_inputs_and_the_money_path() -> None:
    text = out("estimate", *OON, "--format", "markdown")
    assert INPUTS.replace("$", "\\$") in text or INPUTS in text
    assert "paid at the visits $3,805.92; back from the plan $770.14 in Mar 2027" in text
    assert (
        "| 2027-03 | $0.00 | $0.00 | $0.00 | $0.00 | $0.00 | $0.00 | $770.14 | $0.00 | −$770.14 |"
        in text
    )
    assert (
        "| 4 | 2027-01-18 | IV ketamine infusion | $593.13 | $129.55 | $0.00 | $463.58 "
        "| $593.13 | 2027-03-04 |" in text
    )
    loan = out("estimate", *LOAN, "--format", "markdown")
    assert "| Total cost (net cost + loan interest) | $2,805.28 | $4,235.40 | $5,830.55 |" in loan


def test_html_repeats_the_inputs_and_the_line_dips_when_the_money_comes_back() -> None:
    page = out("estimate", *OON, "--format", "html")
    assert '<span class="nowrap">--location 60614 (IL)</span>' in page
    assert '<span class="nowrap">--oon-allowed 60%</span>' in page
    assert f'<p class="path">{PATH}.</p>' in page
    assert "From your pocket: $3,036 by 2027-03-14" in page  # $3,805.92 out, $770.14 back
    assert '<th class="num">From your pocket</th>' in page


def test_csv_carries_the_money_path_figures() -> None:
    rows = list(csv.DictReader(io.StringIO(out("estimate", *OON, "--format", "csv"))))
    march = {
        r["figure"]: r["typical"] for r in rows if r["section"] == "month" and r["ref"] == "2027-03"
    }
    assert (march["reimbursed"], march["from_pocket"]) == ("770.14", "-770.14")
    totals = {r["ref"]: r["typical"] for r in rows if r["section"] == "total"}
    assert (totals["paid_at_visits"], totals["reimbursed"]) == ("3805.92", "770.14")


def test_json_keeps_the_location_as_typed_and_the_schema_names_the_v3_fields() -> None:
    doc = json.loads(out("estimate", "--json", "--location", "60614"))
    assert (doc["scenario"]["location"], doc["scenario"]["location_as_given"]) == ("IL", "60614")
    schema = json.loads(out("schema", "estimate"))
    props = schema["properties"]
    assert {"paid_at_visits", "reimbursed", "financing_interest", "total_cost"} <= set(
        props["totals"]["properties"])  # fmt: skip
    assert {"paid_at_visits", "reimbursed", "borrowed", "from_pocket"} <= set(
        props["cashflow"]["items"]["properties"])  # fmt: skip
    assert {"paid_at_visit", "reimbursement", "reimbursed_on"} <= set(
        props["visits"]["items"]["properties"])  # fmt: skip
    scenario = props["scenario"]["properties"]
    assert {"location_as_given", "reimbursement_days", "accumulator"} <= set(scenario)


def test_compare_cautions_when_the_courses_differ_and_repeats_the_inputs() -> None:
    base = ("compare", "--start", "2027-01-04", "--deductible", "1500", "--location", "60614")
    doc = json.loads(out(*base, "--json"))
    assert [w["code"] for w in doc["warnings"]] == ["courses_differ"]
    assert "--months N" in doc["warnings"][0]["message"]
    assert json.loads(out(*base, "--json", "--months", "3"))["warnings"] == []
    same = json.loads(out("compare", "--start", "2027-01-04", "--routes", "iv,im", "--json"))
    assert same["warnings"] == []  # 6 sessions each over the same weeks
    text = out(*base, "--format", "markdown")
    assert "Your inputs: --location 60614 (IL) · --deductible \\$1,500.00" in text or (
        "Your inputs: --location 60614 (IL) · --deductible $1,500.00" in text
    )
    assert "The compared courses differ in length (6 to 8 sessions" in text
    page = out(*base, "--format", "html")
    assert "Your inputs: --location 60614 (IL)" in page
    assert "The compared courses differ in length" in page


def test_sensitivity_repeats_the_inputs() -> None:
    args = ("sensitivity", "--route", "spravato", "--deductible", "1500", "--location", "60614",
            "--start", "2027-01-04")  # fmt: skip
    assert "Your inputs: --location 60614 (IL) · --deductible $1,500.00" in one_line(out(*args))
    assert "Your inputs: --location 60614 (IL)" in out(*args, "--format", "html")


@pytest.mark.parametrize(
    ("command", "name", "starts"),
    [
        ("estimate", "report.html", "<!DOCTYPE html>"),
        ("estimate", "e.json", "{"),
        ("estimate", "e.csv", "section,ref"),
        ("estimate", "e.md", "# Ketamine therapy cost estimate"),
        ("estimate", "e.txt", "╭"),
        ("compare", "c.json", "{"),
        ("compare", "c.csv", "route,provider"),
        ("sensitivity", "s.html", "<!DOCTYPE html>"),
    ],
)
def test_output_follows_its_suffix(command: str, name: str, starts: str, tmp_path: Path) -> None:
    target = tmp_path / name
    run = run_cli(command, "--start", "2027-01-04", "--output", str(target))
    assert run.code == 0, run.err
    assert target.read_text(encoding="utf-8").startswith(starts)


@pytest.mark.parametrize(
    "args",
    [("estimate", "--output", "e.pdf"), ("compare", "--output", "c.xlsx"),
     ("sensitivity", "--output", "s.csv"), ("estimate", "--output", "noext"),
     ("gfe", "--output", "g.docx")],
)  # fmt: skip
def test_an_unknown_suffix_without_format_exits_2_naming_output(
    args: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    run = run_cli(*args)
    assert run.code == 2 and run.err.startswith("Error: --output: "), run.err
    assert list(tmp_path.iterdir()) == []
