"""`batch` for tables (DESIGN.md v3, "Sweeps"): a record's `id` is echoed, `--brief` keeps only
line, id, scenario, totals, tax and the warning codes, `--format csv` writes the sweep's columns
one row a record; a CSV header's common names are pointed to the input they mean."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from conftest import run_cli

from ketacost.engine.summary import FIGURE_COLUMNS

ROWS = (
    "id,route,location,deductible,coinsurance,fsa,income,start\n"
    "A-1,iv,CA,500,20,2000,90000,2027-01-04\n"
    "=B2,spravato,60614,1500,20,,,2027-01-04\n"
    ",oral,TX,3000,30,1000,50000,2027-01-04\n"
)


def test_an_id_is_echoed_after_the_line_and_a_line_without_one_is_unchanged() -> None:
    records = ('{"id": "clinic-7", "route": "iv", "start": "2027-01-04"}\n'
               '{"route": "iv", "start": "2027-01-04"}\n')  # fmt: skip
    run = run_cli("batch", "-", "--jobs", "1", input=records)
    assert run.code == 0, run.err
    first, second = run.out.splitlines()
    assert first.startswith('{"line":1,"id":"clinic-7","schema_version":1,')
    assert second.startswith('{"line":2,"schema_version":1,')
    assert first[len('{"line":1,"id":"clinic-7",') :] == second[len('{"line":2,') :]


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ('{"id": "' + "x" * 201 + '", "route": "iv"}', "id: must be 1 to 200 characters"),
        ('{"id": ["a"], "route": "iv"}', "id: must be text or a whole number"),
        ('{"id": "a\\nb", "route": "iv"}', "id: must be one line of text"),
    ],
)
def test_a_bad_id_is_an_error_line_naming_id(record: str, message: str) -> None:
    run = run_cli("batch", "-", "--jobs", "1", input=record + "\n")
    assert run.code == 4
    error = json.loads(run.out)["error"]
    assert error["field"] == "id" and error["message"].startswith(message)


def test_an_error_line_echoes_the_id() -> None:
    run = run_cli("batch", "-", input='{"id": "r9", "coinsurance": 150}\n')
    assert run.code == 4
    document = json.loads(run.out)
    assert list(document) == ["line", "id", "error"] and document["id"] == "r9"


def test_brief_keeps_only_line_id_scenario_totals_tax_and_warning_codes() -> None:
    full = run_cli("batch", "-", "--input-format", "csv", input=ROWS)
    brief = run_cli("batch", "-", "--input-format", "csv", "--brief", input=ROWS)
    assert brief.code == full.code == 0, brief.err
    for short, long in zip(brief.out.splitlines(), full.out.splitlines(), strict=True):
        b, f = json.loads(short), json.loads(long)
        assert list(b) == ["line", "id", "scenario", "totals", "tax", "warnings"]
        assert b["totals"] == f["totals"] and b["tax"] == f["tax"]
        assert b["scenario"] == f["scenario"] and b["line"] == f["line"]
        assert b["warnings"] == [w["code"] for w in f["warnings"]]
    assert [json.loads(line)["id"] for line in brief.out.splitlines()] == ["A-1", "=B2", None]
    assert len(brief.out) * 5 < len(full.out)


def test_csv_output_has_the_sweeps_columns_one_row_a_record_equal_to_the_estimate() -> None:
    full = run_cli("batch", "-", "--input-format", "csv", input=ROWS)
    table = run_cli("batch", "-", "--input-format", "csv", "--format", "csv", input=ROWS)
    assert table.code == 0, table.err
    rows = list(csv.DictReader(io.StringIO(table.out)))
    assert list(rows[0]) == ["line", "id", *FIGURE_COLUMNS, "warnings", "error"]
    assert [r["id"] for r in rows] == ["A-1", "'=B2", ""]  # no formula for a spreadsheet to run
    for row, line in zip(rows, full.out.splitlines(), strict=True):
        document = json.loads(line, parse_float=Decimal)
        assert row["line"] == str(document["line"])
        for total, band in document["totals"].items():
            for edge, value in band.items():
                assert Decimal(row[f"{total}_{edge}"]) == Decimal(str(value)), (total, edge)
        assert row["warnings"].split() == [w["code"] for w in document["warnings"]]


def test_a_bad_record_in_csv_output_is_a_row_with_its_error_and_exit_4() -> None:
    rows = "id,route,coinsurance\nok,iv,20\nbad,iv,150\n"
    run = run_cli("batch", "-", "--format", "csv", "--input-format", "csv", input=rows)
    assert run.code == 4
    table = list(csv.DictReader(io.StringIO(run.out)))
    assert table[1]["id"] == "bad" and table[1]["gross_typical"] == ""
    assert table[1]["error"].startswith("invalid_input: coinsurance: must be a percentage")
    assert table[0]["error"] == ""


@pytest.mark.parametrize(
    ("header", "meant"),
    [("state", "location"), ("zip", "location"), ("city", "location"),
     ("plan_deductible", "deductible"), ("deductable", "deductible")],
)  # fmt: skip
def test_common_header_names_are_pointed_to_the_input_they_mean(header: str, meant: str) -> None:
    run = run_cli("batch", "-", "--input-format", "csv", input=f"route,{header}\niv,CA\n")
    assert run.code == 4
    message = json.loads(run.out)["error"]["message"]
    assert f"(did you mean {meant!r}?)" in message


def test_brief_and_csv_together_are_refused() -> None:
    run = run_cli("batch", "-", "--brief", "--format", "csv", input="{}\n")
    assert run.code == 2
    assert run.err == "Error: --brief: not with --format csv, whose rows are brief already\n"
