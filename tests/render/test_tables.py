"""Terminal tables never cut a figure or a date, at any width (issue 12, item 2)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from conftest import run_cli

WIDTHS = (40, 60, 80, 100, 120)
ESTIMATE = ("--route", "spravato", "--deductible", "1500", "--coinsurance", "20",
            "--oop-max", "4000", "--start", "2026-11-02", "--fsa", "1000", "--income", "85000",
            "--location", "TX", "--boosters", "6", "--integration", "2")  # fmt: skip
COMPARE = ("--start", "2027-01-04", "--deductible", "1500", "--coinsurance", "20",
           "--fsa", "500", "--tax-rate", "30")  # fmt: skip
URL = re.compile(r"https?://\S+")


def money(value: Any) -> str:
    return f"${Decimal(str(value)):,.2f}"


def figures_of_estimate(d: Any) -> set[str]:
    """Every typical money figure and date the table shows, from the JSON of the same run."""
    shown = {v["date"] for v in d["visits"]} | {m["month"] for m in d["cashflow"]}
    for v in d["visits"]:
        for name in ("billed", "plan_pays", "program_pays", "patient_pays"):
            shown.add(money(v[name]["typical"]))
    for m in d["cashflow"]:
        for name in ("patient_pays", "cash"):
            shown.add(money(m[name]["typical"]))
    for band in d["totals"].values():
        shown |= {money(band[edge]) for edge in ("low", "typical", "high")}
    for item in d["line_items"]:
        shown |= {money(item["unit_price"]["typical"]), money(item["amount"]["typical"])}
    return shown


def table(width: int, *args: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", str(width))
    run = run_cli(*args)
    assert run.code == 0, run.err
    return run.out


@pytest.mark.parametrize("width", WIDTHS)
def test_estimate_schedule_shows_every_figure_whole(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = run_cli("estimate", "--json", *ESTIMATE).json()
    out = table(width, "estimate", "--schedule", *ESTIMATE, monkeypatch=monkeypatch)
    assert "…" not in out
    words = set(re.findall(r"[^\s│┃()–·]+", out))
    missing = sorted(f for f in figures_of_estimate(d) if f not in words)
    assert not missing, f"at {width} columns: {missing}"
    urls = set(URL.findall(out))
    assert {s["url"] for s in d["sources"]} <= urls, f"a URL is broken at {width} columns"


@pytest.mark.parametrize("width", WIDTHS)
def test_compare_keeps_labels_and_figures(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = run_cli("compare", "--json", *COMPARE, "--locations", "10001,CA,TX").json()["rows"]
    out = table(width, "compare", *COMPARE, "--locations", "10001,CA,TX", monkeypatch=monkeypatch)
    assert "…" not in out
    for row in rows:
        t = row["totals"]
        for name in ("gross", "plan_pays", "patient_pays", "net_cost"):
            if t[name]["typical"]:  # an all-zero column is left out
                assert money(t[name]["typical"]) in out, (width, row["location"], name)
    for label in ("iv · 10001 (NY)", "iv · CA", "iv · TX"):
        assert label in out, (width, label)
    if width > 80:  # wide enough for every label: the narrow widths are the test
        return
    routes = table(width, "compare", *COMPARE, monkeypatch=monkeypatch)
    for label in ("oral · telehealth", "spravato · clinic", "im · clinic", "iv · clinic"):
        assert label in " ".join(routes.split()), (width, label)


@pytest.mark.parametrize("width", ["0", "1"])
def test_a_nonsense_width_still_prints_every_figure(
    width: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = run_cli("estimate", "--json", *ESTIMATE).json()
    monkeypatch.setenv("COLUMNS", width)
    out = run_cli("estimate", "--schedule", *ESTIMATE).out
    words = set(re.findall(r"[^\s│┃()–·]+", out))
    assert not sorted(f for f in figures_of_estimate(d) if f not in words)


def test_empty_columns_are_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    out = table(120, "estimate", "--schedule", "--start", "2027-01-04", monkeypatch=monkeypatch)
    visits = out[out.index("Visits") : out.index("Month by month")]
    header = visits.splitlines()[2]
    for gone in ("Program", "Plan", "Ded.", "OOP"):
        assert gone not in header
    flat = table(120, "estimate", "--session-price", "500", "--no-consult", "--start",
                 "2027-01-04", monkeypatch=monkeypatch)  # fmt: skip
    assert "range" not in flat.split("Line items")[0] and "Low–high" not in flat


def test_range_and_net_of_tax_are_defined(monkeypatch: pytest.MonkeyPatch) -> None:
    out = " ".join(table(80, "estimate", *ESTIMATE, monkeypatch=monkeypatch).split())
    assert "a range is low to high" in out
    assert "Net of tax: what you pay less the income tax your FSA/HSA dollars escape." in out


def test_the_band_chart_has_a_dollar_scale(monkeypatch: pytest.MonkeyPatch) -> None:
    out = table(80, "compare", *COMPARE, monkeypatch=monkeypatch)
    chart = out[out.index("Net cost bands") :]
    axis = next(line for line in chart.splitlines() if line.strip().startswith("$0"))
    # The dearest band ends at IV's and IM's high net cost: (500 evaluation + 6 × 800) − 30% of
    # the 500 FSA = 5,300 − 150 = 5,150, past 5,000: the next 1-2-2.5-5-10 step is 10,000.
    assert axis.split() == ["$0", "$5,000", "$10,000"]


def test_hospital_figures_say_they_are_low_confidence(monkeypatch: pytest.MonkeyPatch) -> None:
    out = table(100, "estimate", "--provider", "hospital", "--start", "2027-01-04",
                monkeypatch=monkeypatch)  # fmt: skip
    head = " ".join(out.split("Line items")[0].split())  # the headline box, unwrapped
    assert "Hospital prices are low-confidence" in head and "--session-price" in head
    assert "$5,775.00" in head  # 250 × 1.5 + 6 × 600 × 1.5
    both = table(100, "compare", "--route", "iv", "--providers", "clinic,hospital",
                 "--start", "2027-01-04", monkeypatch=monkeypatch)  # fmt: skip
    assert "! hospital: Hospital prices are low-confidence" in both


@pytest.mark.parametrize("width", [40, 60])
def test_a_stacked_rows_long_label_wraps_to_the_width(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Spravato's label and codes (96 characters) ran past a 40- or 60-column terminal when the
    line items stacked (first-hour review); only a source's URL may be longer than the width."""
    monkeypatch.setenv("COLUMNS", str(width))
    run = run_cli("estimate", "--route", "spravato", "--deductible", "1500", "--coinsurance", "20",
                  "--oop-max", "4000", "--start", "2027-01-04", "--location", "TX")  # fmt: skip
    assert run.code == 0
    long = [line for line in run.out.splitlines() if len(line) > width and "http" not in line]
    assert long == []
    assert "(J0013, 99215, 99417)" in run.out
