"""`sensitivity` never cuts a figure, at any width from 40 columns (issue 26).

At 40 columns the tornado cut money ("$1,7…") and dropped the inputs' names, which the README
says never happens. Below the width the table needs, each input's name goes above its bar and
the figures keep fixed columns as wide as the widest one.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from conftest import run_cli

from ketacost.core.money import format_money

SCENARIOS = {
    "default": "--start 2026-11-27",
    "hospital_with_boosters": "--provider hospital --boosters 12 --location CA --start 2026-11-27",
    "spravato_insured": "--route spravato --deductible 3000 --coinsurance 30 --oop-max 9000 "
    "--hsa 4000 --income 90000 --start 2026-11-27",
}


def _money(value: object) -> str:
    return format_money(Decimal(str(value)), cents=False)


@pytest.mark.parametrize("name", list(SCENARIOS))
@pytest.mark.parametrize("width", [40, 41, 45, 50, 55, 60, 70, 80, 100])
def test_no_figure_is_cut_at_any_width(
    name: str, width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = SCENARIOS[name].split()
    doc = json.loads(run_cli("sensitivity", "--json", *args).out)
    monkeypatch.setenv("COLUMNS", str(width))
    run = run_cli("sensitivity", *args)
    assert run.code == 0, run.err
    assert "…" not in run.out, run.out
    assert max(len(line) for line in run.out.splitlines()) <= width, run.out
    for row in doc["rows"]:
        for key in ("net_cost_low", "net_cost_high"):
            assert _money(row[key]) in run.out, (key, row, run.out)
        if float(row["swing"]):
            assert _money(row["swing"]) in run.out, (row, run.out)


@pytest.mark.parametrize("width", [40, 60, 80])
def test_every_input_is_named_at_40_60_and_80_columns(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 40 columns the names column was squeezed to nothing."""
    monkeypatch.setenv("COLUMNS", str(width))
    run = run_cli("sensitivity", "--start", "2026-11-27")
    names = ["Session price", "Induction sessions", "Boosters", "Location", "Evaluation price"]
    table = run.out.split("Ranges")[0]
    for name in names:
        assert name in table, (name, run.out)
