"""`ketacost sweep GRID.yaml`: a grid's cross product into a tidy table (DESIGN.md, "Contract
additions (v3) — Sweeps"): one row a scenario, its inputs, the low/typical/high of every total and
the financing interest, the warning codes; rows equal `estimate --json` to the cent."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from ketacost.engine.estimate import Totals
from ketacost.engine.summary import FIGURE_COLUMNS

GRID = """\
route: all
location: [CA, "60614", New York, TX]
deductible: [500, 1500.00, 3000]
coinsurance: [20, 30]
fsa: 2000
income: 90000
start: 2027-01-04
"""
SMALL = """\
route: [iv, spravato]
location: [CA, "60614"]
deductible: [500, 3000]
coinsurance: 20
hsa: 1500
income: 85000
filing: [single, joint]
finance_months: 12
apr: 9.9
start: 2027-01-04
"""


def _grid(tmp_path: Path, text: str, name: str = "grid.yaml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_columns_are_the_inputs_then_every_total_band_then_the_warnings(
    tmp_path: Path,
) -> None:
    run = run_cli("sweep", _grid(tmp_path, SMALL))
    assert run.code == 0, run.err
    header = run.out.splitlines()[0].split(",")
    inputs = ["route", "location", "deductible", "coinsurance", "hsa", "income", "filing",
              "finance_months", "apr", "start"]  # fmt: skip
    assert header[: len(inputs)] == inputs
    assert header[len(inputs) : len(inputs) + 3] == ["gross_low", "gross_typical", "gross_high"]
    assert header[len(inputs) :] == [*FIGURE_COLUMNS, "warnings"]
    assert {f"{t}_typical" for t in Totals._fields} <= set(header)
    assert "financing_interest_typical" in header and "tax_savings_low" in header
    rows = _rows(run.out)
    assert len(rows) == 2 * 2 * 2 * 2  # the cross product, last key fastest
    assert [(r["route"], r["location"], r["deductible"], r["filing"]) for r in rows[:3]] == [
        ("iv", "CA", "500", "single"), ("iv", "CA", "500", "joint"), ("iv", "CA", "3000", "single"),
    ]  # fmt: skip
    assert rows[0]["location"] == "CA" and rows[4]["location"] == "60614"  # as typed


def _estimate(row: dict[str, str], keys: list[str]) -> dict[str, Any]:
    args = ["estimate", "--json"]
    for key in keys:
        args += ["--" + key.replace("_", "-"), row[key]]
    run = run_cli(*args)
    assert run.code == 0, run.err
    document: dict[str, Any] = json.loads(run.out, parse_float=Decimal)
    return document


@pytest.mark.parametrize("grid", [SMALL, GRID])
def test_a_sample_of_rows_equals_estimate_json_to_the_cent(tmp_path: Path, grid: str) -> None:
    run = run_cli("sweep", _grid(tmp_path, grid))
    assert run.code == 0, run.err
    rows = _rows(run.out)
    keys = list(rows[0])[: list(rows[0]).index("gross_low")]
    for row in rows[:: max(1, len(rows) // 7)]:
        document = _estimate(row, keys)
        for total in Totals._fields:
            for edge in ("low", "typical", "high"):
                expected = Decimal(str(document["totals"][total][edge]))
                assert Decimal(row[f"{total}_{edge}"]) == expected, (total, edge, row)
        financing = document["financing"]
        for edge in ("low", "typical", "high"):  # the loan's interest is a total of its own
            cell = Decimal(row[f"financing_interest_{edge}"])
            interest = "0" if financing is None else str(financing["total_interest"][edge])
            assert cell == Decimal(interest)
        assert row["warnings"].split() == [w["code"] for w in document["warnings"]]


def test_every_row_equals_the_library_estimate(tmp_path: Path) -> None:
    """Every row of a grid that shares courses, prices and taxes, against estimate()."""
    import datetime as dt

    from ketacost.engine.estimate import estimate
    from ketacost.engine.summary import summarize
    from ketacost.inputs.grid import parse_grid, read_grid_file
    from ketacost.rules.loader import load_rules

    rules = load_rules()
    grid = parse_grid(read_grid_file(_grid(tmp_path, SMALL)), rules.pricing, dt.date(2026, 11, 27))
    fast = grid.scenarios(rules.pricing, dt.date(2026, 11, 27))
    for index in range(grid.size):
        scenario = grid.scenario(grid.indexes(index), rules.pricing, dt.date(2026, 11, 27))
        assert fast(grid.indexes(index)) == scenario
        full, summary = estimate(scenario, rules), summarize(scenario, rules)
        assert summary.totals == full.totals
        assert summary.tax == full.tax
        assert summary.financing_interest == full.financing.total_interest  # type: ignore[union-attr]
        assert summary.warnings == tuple(w.code for w in full.warnings)


def test_all_means_every_state_and_dc_and_every_route(tmp_path: Path) -> None:
    run = run_cli("sweep", _grid(tmp_path, "route: all\nlocation: all\nstart: 2027-01-04\n"))
    assert run.code == 0, run.err
    rows = _rows(run.out)
    assert len(rows) == 4 * 51
    assert {r["route"] for r in rows} == {"iv", "im", "spravato", "oral"}
    assert "DC" in {r["location"] for r in rows}


def test_jsonl_rows_are_typed_and_match_the_csv(tmp_path: Path) -> None:
    path = _grid(tmp_path, SMALL)
    as_csv, as_jsonl = run_cli("sweep", path), run_cli("sweep", path, "--format", "jsonl")
    assert as_jsonl.code == 0, as_jsonl.err
    rows = [json.loads(line, parse_float=Decimal) for line in as_jsonl.out.splitlines()]
    assert len(rows) == len(_rows(as_csv.out))
    first = rows[0]
    assert first["route"] == "iv" and first["deductible"] == 500 and first["apr"] == Decimal("9.9")
    assert isinstance(first["warnings"], list)
    for row, text in zip(rows, _rows(as_csv.out), strict=True):
        assert row["net_cost_typical"] == Decimal(text["net_cost_typical"])


def test_workers_give_the_same_bytes_as_one_process(tmp_path: Path) -> None:
    path = _grid(tmp_path, GRID)
    one, two = (run_cli("sweep", path, "--jobs", jobs) for jobs in ("1", "2"))
    assert one.code == two.code == 0
    assert one.out == two.out and len(one.out.splitlines()) == 1 + 4 * 4 * 3 * 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("deductible: [500, abc]\n", "Error: deductible, value 2: 'abc': must be a number"),
        ("state: [CA, TX]\n", "Error: state: unknown key (did you mean 'location'?)"),
        ("location: [CA, Narnia]\n", "Error: location, value 2: 'Narnia': unknown location"),
        ("route: [iv, ketamine]\n", "Error: route, value 2: 'ketamine': must be one of"),
        ("deductible: []\n", "Error: deductible: an empty list"),
        ("coinsurance: [20, 20]\n", "Error: coinsurance: 20 is listed twice"),
        ("deductible: [1500, 1500.00]\n", "Error: deductible: 1500.00 is listed twice"),
        ("deductible: [500, 5000]\noop_max: 4000\n",
         "Error: oop_max: 4000 is below the deductible 5000 (at deductible=5000, oop_max=4000)"),
        ("- route\n", "Error: {grid}: a grid is a mapping"),
    ],
)  # fmt: skip
def test_a_bad_grid_exits_2_before_any_work_naming_the_key_and_the_value(
    tmp_path: Path, text: str, message: str
) -> None:
    out = tmp_path / "out.csv"
    grid = _grid(tmp_path, text)
    run = run_cli("sweep", grid, "--output", str(out))
    assert run.code == 2, run.err
    assert run.err.startswith(message.replace("{grid}", grid)), run.err
    assert run.err.count("\n") == 1 and "Traceback" not in run.err
    assert not out.exists()


def test_more_than_a_million_rows_needs_yes(tmp_path: Path) -> None:
    rates = ", ".join(map(str, range(1, 101)))
    deductibles = ", ".join(str(500 + 10 * i) for i in range(50))
    text = f"route: all\nlocation: all\ncoinsurance: [{rates}]\ndeductible: [{deductibles}]\n"
    grid = _grid(tmp_path, text)
    run = run_cli("sweep", grid)
    assert run.code == 2
    assert run.err == (
        f"Error: {grid}: the grid has 1,020,000 rows, more than 1,000,000: add --yes to run it\n"
    )


def test_output_is_written_whole_and_never_over_the_grid(tmp_path: Path) -> None:
    path = _grid(tmp_path, SMALL)
    out = tmp_path / "sweep.csv"
    run = run_cli("sweep", path, "--output", str(out))
    assert run.code == 0 and run.out == ""
    assert run.err == f"16 rows written to {out}\n"
    assert len(_rows(out.read_text())) == 16
    same = run_cli("sweep", path, "--output", path, "--format", "csv")
    assert same.code == 2 and "Error: --output" in same.err
    assert Path(path).read_text() == SMALL
    unknown = run_cli("sweep", path, "--output", str(tmp_path / "table.xlsx"))
    assert unknown.code == 2 and "give --format" in unknown.err


def test_parquet_has_typed_columns_in_row_groups(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet", reason="the parquet extra is not installed")
    import pyarrow as pa

    out = tmp_path / "sweep.parquet"
    run = run_cli("sweep", _grid(tmp_path, SMALL), "--output", str(out))
    assert run.code == 0, run.err
    table = pq.read_table(out)
    assert table.schema.field("gross_typical").type == pa.decimal128(18, 2)
    assert table.schema.field("deductible").type == pa.decimal128(18, 2)
    assert table.schema.field("start").type == pa.date32()
    assert table.schema.field("route").type == pa.string()
    text = _rows(run_cli("sweep", _grid(tmp_path, SMALL, "again.yaml")).out)
    assert [str(v) for v in table.column("net_cost_high").to_pylist()] == [
        r["net_cost_high"] for r in text
    ]


def test_parquet_without_pyarrow_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "pyarrow" else real(name, *a))  # fmt: skip
    run = run_cli("sweep", _grid(tmp_path, SMALL), "--output", str(tmp_path / "x.parquet"))
    assert run.code == 2
    assert run.err == (
        "Error: --format parquet: needs the parquet extra (pyarrow): "
        "pip install 'ketacost[parquet]'\n"
    )


def test_the_format_follows_the_output_name(tmp_path: Path) -> None:
    out = tmp_path / "sweep.jsonl"
    run = run_cli("sweep", _grid(tmp_path, SMALL), "--output", str(out))
    assert run.code == 0, run.err
    assert json.loads(out.read_text().splitlines()[0])["route"] == "iv"


def test_a_long_grid_shows_a_progress_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from ketacost.cli import sweep_run

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with sweep_run._progress(sweep_run.LONG - 1) as nothing:
        assert nothing is None  # a short grid: no bar
    with sweep_run._progress(sweep_run.LONG) as advance:
        advance(sweep_run.LONG // 2)
    assert f"{sweep_run.LONG // 2}/{sweep_run.LONG}" in terminal.getvalue()
