"""compare, schema and batch through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import run_cli

START = ("--start", "2026-11-27")


def test_compare_routes_sorted_by_typical_net_cost() -> None:
    run = run_cli("compare", "--json", *START)
    assert run.code == 0, run.err
    rows = run.json()["rows"]
    assert [r["route"] for r in rows] == ["oral", "im", "iv", "spravato"]
    nets = [r["totals"]["net_cost"]["typical"] for r in rows]
    assert nets == sorted(nets)
    iv = next(r for r in rows if r["route"] == "iv")
    assert iv["totals"]["gross"]["typical"] == 3850.0 and iv["provider"] == "clinic"
    spravato = next(r for r in rows if r["route"] == "spravato")
    # the same course as `estimate --route spravato`: the label's 8 twice-weekly sessions
    assert spravato["sessions"] == 8
    assert spravato["totals"]["gross"]["typical"] == 8650.0  # 250 + 8 × 1,050


def test_compare_rows_agree_with_estimate_to_the_cent() -> None:
    plan = ["--deductible", "1500", "--coinsurance", "20", "--start", "2027-01-04"]
    rows = run_cli("compare", "--json", *plan).json()["rows"]
    assert len(rows) == 4
    for row in rows:
        alone = run_cli("estimate", "--json", "--route", row["route"], *plan).json()
        assert row["totals"] == alone["totals"], row["route"]
        assert row["sessions"] == sum(v["kind"] in ("induction", "booster")
                                      for v in alone["visits"])  # fmt: skip


def test_compare_with_insurance_makes_spravato_cheaper() -> None:
    # a course inside one plan year (a January start): one deductible, one OOP maximum
    run = run_cli("compare", "--json", "--start", "2027-01-04", "--deductible", "1000",
                  "--coinsurance", "20", "--oop-max", "3000")  # fmt: skip
    rows = {r["route"]: r for r in run.json()["rows"]}
    spravato = rows["spravato"]["totals"]
    assert spravato["plan_pays"]["typical"] > 0
    # the plan caps what you pay at the OOP maximum; the savings program pays besides
    assert spravato["program_pays"]["typical"] > 0
    assert spravato["patient_pays"]["typical"] <= 3000.0


def test_compare_locations_and_providers() -> None:
    locs = run_cli("compare", "--json", *START, "--locations", "CA,MS,94110").json()["rows"]
    assert [r["location"] for r in locs] == ["MS", "CA", "CA"]
    provs = run_cli("compare", "--json", *START, "--providers", "clinic,hospital").json()["rows"]
    assert [r["provider"] for r in provs] == ["clinic", "hospital"]
    # the hospital row carries its low-confidence warning; the clinic row does not
    assert [w["code"] for w in provs[1]["warnings"]][-1] == "hospital_price_low_confidence"
    assert "hospital_price_low_confidence" not in [w["code"] for w in provs[0]["warnings"]]
    # typical: 250 × 1.5 = 375 + 6 × 600 × 1.5 = 5,400 → 5,775 (clinic 250 + 3,600 = 3,850)
    assert [r["totals"]["gross"]["typical"] for r in provs] == [3850.0, 5775.0]
    bad = run_cli("compare", "--providers", "clinic,telehealth")
    assert bad.code == 2 and "--provider" in bad.err


def test_compare_routes_refuses_options_it_would_ignore() -> None:
    for args in (["--route", "iv"], ["--provider", "hospital"], ["--session-price", "650"]):
        run = run_cli("compare", *args)
        assert run.code == 2 and args[0] in run.err, args


def test_batch_reads_a_file_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffroute,consult\nim,false\n".encode())
    run = run_cli("batch", str(path))
    assert run.code == 0 and json.loads(run.out)["totals"]["gross"]["typical"] == 2550.0


def test_compare_first_months_is_fair() -> None:
    rows = run_cli("compare", "--json", *START, "--months", "3").json()
    assert rows["basis"] == "routes, first 3 months of each protocol"
    for row in rows["rows"]:
        assert row["sessions"] >= 6


def test_compare_table_has_a_bar_chart() -> None:
    run = run_cli("compare", *START)
    assert run.code == 0 and "●" in run.out and "Net cost bands" in run.out


def test_every_estimate_validates_against_its_schema() -> None:
    schema = run_cli("schema", "estimate").json()
    jsonschema.Draft202012Validator.check_schema(schema)
    for args in (
        [],
        [
            "--route",
            "spravato",
            "--deductible",
            "900",
            "--finance-months",
            "6",
            "--apr",
            "9.9",
            "--hsa",
            "400",
            "--income",
            "80000",
        ],
        ["--route", "oral", "--coverage", "out-of-network", "--oon-allowed", "60"],
    ):
        document = run_cli("estimate", "--json", *START, *args).json()
        jsonschema.validate(document, schema)


def test_scenario_schema_accepts_a_scenario_file() -> None:
    schema = run_cli("schema", "scenario").json()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate({"route": "iv", "deductible": 1500, "hdhp": True}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"route": "iv", "colour": "red"}, schema)
    assert run_cli("schema", "nope").code == 2


def batch(tmp_path: Path, text: str, *args: str) -> tuple[int, list[Any], str]:
    path = tmp_path / "in.txt"
    path.write_text(text)
    run = run_cli("batch", str(path), *args)
    return run.code, [json.loads(line) for line in run.out.splitlines()], run.err


def test_batch_jsonl_keeps_order_and_reports_bad_lines(tmp_path: Path) -> None:
    lines = [
        '{"route": "iv", "start": "2026-11-27"}',
        '{"coinsurance": 150}',
        "",
        "not json",
        '{"route": "spravato", "session_price": "1000", "consult": false}',
    ]
    code, out, err = batch(tmp_path, "\n".join(lines) + "\n", "--jobs", "1")
    assert code == 4 and err.startswith("Error: 2 of 4 records failed")
    assert [o["line"] for o in out] == [1, 2, 4, 5]
    assert out[0]["totals"]["gross"]["typical"] == 3850.0
    assert out[1]["error"] == {"code": "invalid_input", "field": "coinsurance",
                               "message": "coinsurance: must be a percentage from 0 to 100, "
                                          "not 150"}  # fmt: skip
    assert out[2]["error"]["code"] == "invalid_json" and out[2]["error"]["field"] is None
    assert out[3]["totals"]["gross"]["typical"] == 8000.0


def test_batch_fail_fast_stops(tmp_path: Path) -> None:
    code, out, _ = batch(tmp_path, '{"route": "x"}\n{"route": "iv"}\n', "--fail-fast")
    assert code == 4 and len(out) == 1


def test_batch_csv_with_workers_keeps_order(tmp_path: Path) -> None:
    rows = ["route,session_price,sessions,consult"] + [f"iv,{400 + i},{1 + i % 5},false"
                                                       for i in range(600)]  # fmt: skip
    code, out, err = batch(tmp_path, "\n".join(rows) + "\n", "--jobs", "2")
    assert code == 0, err
    assert [o["line"] for o in out] == list(range(2, 602))
    for i, o in enumerate(out):
        assert o["totals"]["gross"]["typical"] == (400 + i) * (1 + i % 5)


def test_batch_reads_stdin() -> None:
    run = run_cli("batch", "-", input='{"route": "im", "consult": false}\n')
    assert run.code == 0 and json.loads(run.out)["totals"]["gross"]["typical"] == 2550.0


def test_batch_from_a_closed_standard_input_is_an_input_error() -> None:
    """`ketacost batch - <&-` crashed with an AttributeError (exit 1)."""
    import shlex
    import subprocess
    import sys

    command = shlex.join([sys.executable, "-m", "ketacost", "batch", "-"])
    done = subprocess.run(["bash", "-c", f"{command} <&-"], capture_output=True, text=True,
                          timeout=60, check=False)  # fmt: skip
    assert (done.returncode, done.stderr) == (
        2,
        "Error: FILE: - is standard input, which is closed; give a file or pipe scenarios in\n",
    )
