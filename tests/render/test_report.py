"""HTML reports (`--format html`) and their SVG charts: the page, the figures, a real browser."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import markupsafe
import pytest
from conftest import rules_of, run_cli, tool

from ketacost.documents.compare import compare, describe
from ketacost.engine.estimate import estimate
from ketacost.inputs.scenario import parse_scenario
from ketacost.render.report import cashflow_series, estimate_html
from ketacost.render.svg import Part, Stack, Whisker, band_whiskers, dollars, stacked_bars, ticks

START = ("--start", "2027-01-04")
PLAN = ("--route", "spravato", "--deductible", "1500", "--coinsurance", "20", "--oop-max", "4000",
        "--fsa", "1000", "--income", "85000", "--location", "TX")  # fmt: skip


def html_of(tmp_path: Path, command: str, *args: str) -> tuple[Path, str]:
    page = tmp_path / f"{command}.html"
    run = run_cli(command, *args, *START, "--format", "html", "--output", str(page))
    assert run.code == 0, run.err
    assert run.out == ""
    return page, page.read_text(encoding="utf-8")


# --- the SVG primitives ---------------------------------------------------------------------


def test_ticks_and_dollar_labels() -> None:
    assert ticks(Decimal(0), Decimal("1963.73")) == [Decimal(v) for v in (0, 500, 1000, 1500, 2000)]
    assert ticks(Decimal(930), Decimal(2645)) == [Decimal(v) for v in (500, 1000, 1500, 2000,
                                                                        2500, 3000)]  # fmt: skip
    nothing = ticks(Decimal(0), Decimal(0))  # an empty chart still gets an axis
    assert nothing == [Decimal(v) for v in ("0", "0.2", "0.4", "0.6", "0.8", "1.0")]
    assert dollars(Decimal("1250.40")) == "$1,250"
    assert dollars(Decimal("42.50")) == "$42.50"
    assert dollars(Decimal("-300")) == "−$300"


def test_labels_are_escaped_and_charts_are_deterministic() -> None:
    rows = [Whisker("<script>x</script> & co", Decimal(1), Decimal(2), Decimal(3))]
    chart = band_whiskers(rows, "A <b> title")
    assert "<script>" not in chart and "&lt;script&gt;x&lt;/script&gt; &amp; co" in chart
    assert "A &lt;b&gt; title" in chart
    assert chart == band_whiskers(rows, "A <b> title")
    assert chart.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"')


def test_stacked_bars_stack_in_order() -> None:
    stacks = [Stack("#1", "Jan 4", (Part("you", "you", Decimal(100)),
                                    Part("plan", "plan", Decimal(300))))]  # fmt: skip
    chart = stacked_bars(stacks, "bars")
    # $0–$400 on a 210..12 px axis: you from 210 up 49.5 px, the plan above it up 148.5 px;
    # one 44 px bar centred in the 648 px plot from x = 64: 64 + (648 − 44) / 2 = 366
    assert '<rect x="366" y="160.5" width="44" height="49.5" class="you">' in chart
    assert '<rect x="366" y="12" width="44" height="148.5" class="plan">' in chart


# --- estimate --format html -----------------------------------------------------------------


def test_estimate_page_is_self_contained(tmp_path: Path) -> None:
    _, page = html_of(tmp_path, "estimate", *PLAN)
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page and "<link" not in page and " src=" not in page
    assert "@import" not in page and "url(" not in page
    # Every address in the page is a source's link, never something the page loads.
    assert set(re.findall(r'(?:href|src)="([^"]+)"', page)) <= set(
        re.findall(r'<a href="([^"]+)"', page)
    )
    assert page.count("<svg ") == 3  # who pays, visit by visit, the running totals
    # What you pay, low and high, in TX (factor 0.97175), deductible 1,500, 20%, the program
    # paying the drug part (0.5238 of the cost share, rounded on the running total) above $10:
    # low: evaluation 150 × 0.97175 = 145.76; session 952.59 × 0.97175 = 925.68 → you pay
    #   145.76 + 450.81 + 442.33 + 273.83 + 169.50 + 104.93 + 98.16 + 98.17 + 98.16 = 1,881.65
    #   (session 1: 925.68 deductible, drug 484.87 − 10 = 474.87 paid by the program)
    # high: evaluation 500 × 0.97175 = 485.875 → 485.88; session 2,000 × 0.97175 = 1,943.50 →
    #   485.88 + 581.44 + 359.93 + 222.81 + 5 × 195.10 = 2,625.56
    for text in ("$8,405.66", "$1,962.73", "$1,666.23", "range $1,881.65 – $2,625.56",
                 "Who pays the bill", "$4,719 · 56%", "Savings program pays",
                 "Net cost after tax savings", "FDA-approved for treatment-resistant depression",
                 'href="https://thervo.com/costs/ketamine-therapy-cost"'):  # fmt: skip
        assert text in page, text


def test_estimate_charts_carry_the_figures(pricing: Any) -> None:
    scenario = parse_scenario(
        {"route": "spravato", "deductible": "1500", "coinsurance": "20", "oop_max": "4000",
         "fsa": "1000", "income": "85000", "location": "TX", "start": "2027-01-04"},
        pricing, dt.date(2026, 11, 27),
    )  # fmt: skip
    est = estimate(scenario, rules_of(pricing))
    page = estimate_html(est, pricing)
    # One bar per visit: what the patient pays is the bottom part of each.
    you = re.findall(r'<rect [^>]*class="you"><title>#(\d+) \(([^)]+)\): you pay ([^<]+)</title>',
                     page)  # fmt: skip
    assert [(n, amount) for n, _, amount in you] == [
        (str(v.number), dollars(v.patient_pays.typical)) for v in est.visits
    ]
    lines = {s.label: s.points[-1][1] for s in cashflow_series(est)}
    assert lines == {"You pay": Decimal("1962.73"), "From FSA/HSA": Decimal("1000.00"),
                     "Cash": Decimal("962.73")}  # fmt: skip
    assert "You pay $1,963</text>" in page and "Cash $963</text>" in page


def test_loan_payments_are_drawn_when_financed(tmp_path: Path) -> None:
    _, page = html_of(tmp_path, "estimate", "--finance-months", "12", "--apr", "9.9")
    assert "Loan payments" in page and '<th class="num">Loan payment</th>' in page
    _, plain = html_of(tmp_path, "estimate")
    assert "Loan payment" not in plain


def test_user_text_is_escaped_in_the_page(tmp_path: Path) -> None:
    pricing_file = tmp_path / "pricing.yaml"
    builtin = (Path(__file__).resolve().parents[2] / "data" / "pricing.yaml").read_text()
    pricing_file.write_text(builtin.replace("label: IV ketamine infusion",
                                            "label: IV <script>alert(1)</script>", 1))  # fmt: skip
    _, page = html_of(tmp_path, "estimate", "--pricing", str(pricing_file))
    assert "<script>" not in page and "IV &lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- compare and sensitivity ----------------------------------------------------------------


def test_compare_page_and_break_even(tmp_path: Path, pricing: Any) -> None:
    plan = {"deductible": "1500", "coinsurance": "20", "oop_max": "4000", "start": "2027-01-04"}
    result = compare(plan, rules_of(pricing), dt.date(2026, 11, 27))
    assert [describe(e) for e in result.break_even] == [
        # oral is self-pay at $209 a session after a $250 evaluation (all deductible):
        # 250 + (6 + 5) × 209 = 2,549.00; at 4 boosters 250 + 10 × 209 = 2,340.00 < 2,424.72
        "With 5 or more boosters after each route's induction, spravato costs less than oral "
        "($2,534.72 vs $2,549.00 at 5); compared up to 28.",
        # every route's default course has no boosters (as in `estimate`), so inductions of
        # 1 to 8 sessions are compared too
        "With 3 or more induction sessions (no boosters), spravato costs less than im "
        "($1,394.52 vs $1,525.00 at 3); compared up to 8.",
    ]

    # The break-even agrees with estimates of each course at 4 and 5 boosters.
    def net(route: str, boosters: int) -> Decimal:
        s = parse_scenario({**plan, "route": route, "boosters": str(boosters)}, pricing,
                           dt.date(2026, 11, 27))  # fmt: skip
        return estimate(s, rules_of(pricing)).totals.net_cost.typical

    assert net("spravato", 4) > net("oral", 4)
    assert (net("spravato", 5), net("oral", 5)) == (Decimal("2534.72"), Decimal("2549.00"))
    _, page = html_of(tmp_path, "compare", "--deductible", "1500", "--coinsurance", "20",
                      "--oop-max", "4000")  # fmt: skip
    assert "Where the order changes" in page and "spravato costs less than oral" in page
    assert page.count('class="whisker"') == 3 * len(result.rows)
    assert "oral · telehealth</strong> costs you least: $1,504.00" in page  # 250 + 6 × 209


def test_break_even_by_sessions_without_boosters(pricing: Any) -> None:
    values = {"deductible": "1500", "coinsurance": "20", "boosters": "0",
              "start": "2027-01-04"}  # fmt: skip
    result = compare(values, rules_of(pricing), dt.date(2026, 11, 27))
    by_sessions = [e for e in result.break_even if e.axis == "sessions"]
    assert [(e.at, e.cheaper, e.dearer, e.cheaper_cost, e.dearer_cost) for e in by_sessions] == [
        (3, "spravato", "im", Decimal("1394.52"), Decimal("1525.00"))
    ]


def test_break_even_with_tax_savings_is_estimated_count_by_count(pricing: Any) -> None:
    values = {"deductible": "3000", "coinsurance": "30", "fsa": "1000", "tax_rate": "30",
              "start": "2027-01-04"}  # fmt: skip
    result = compare(values, rules_of(pricing), dt.date(2026, 11, 27))
    assert [(e.at, e.cheaper, e.dearer, e.cheaper_cost, e.dearer_cost)
            for e in result.break_even] == [
        (2, "spravato", "im", Decimal("3307.44"), Decimal("3350.00")),
        # no route has boosters by default (as in `estimate`): inductions are compared too
        (7, "spravato", "im", Decimal("2827.43"), Decimal("2925.00")),
    ]  # fmt: skip


def test_compare_table_prints_the_break_even(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    run = run_cli("compare", "--deductible", "1500", "--coinsurance", "20", *START)
    assert run.code == 0, run.err
    assert "Break-even: With 5 or more boosters after each route's induction, spravato" in run.out


def test_sensitivity_page(tmp_path: Path) -> None:
    _, page = html_of(tmp_path, "sensitivity", "--route", "spravato", "--deductible", "1500",
                      "--coinsurance", "20")  # fmt: skip
    assert "<strong>Deductible already met</strong> ($0 → $1,500) moves it most" in page
    assert page.count('class="low"') + page.count('class="high"') == 14  # 8 rows, 2 at baseline
    assert "<script" not in page
    # the baseline's warnings, assumptions and sources, as the estimate page has them
    estimate = run_cli("estimate", "--route", "spravato", "--deductible", "1500",
                       "--coinsurance", "20", *START, "--json").json()  # fmt: skip
    assert "<h2>Check before you book</h2>" in page and "<h2>Assumptions</h2>" in page
    for note in (*estimate["assumptions"], *(w["message"] for w in estimate["warnings"])):
        assert str(markupsafe.escape(note)) in page, note  # as Jinja escapes it
    for source in estimate["sources"]:
        assert f'<a href="{source["url"]}">' in page


# --- a real browser -------------------------------------------------------------------------


def test_in_a_real_browser(tmp_path: Path) -> None:
    """Chromium renders the figures (--dump-dom) and prints them on A4 (--print-to-pdf); the two
    run side by side, so the test costs one browser start."""
    browser, pdftotext, pdfinfo = tool("chromium"), tool("pdftotext"), tool("pdfinfo")
    page, html = html_of(tmp_path, "estimate", *PLAN)
    a4 = tmp_path / "a4.html"  # Chromium prints on Letter unless the page asks for A4
    a4.write_text(html.replace("</style>", "@page { size: A4; }</style>", 1), encoding="utf-8")
    pdf = tmp_path / "estimate.pdf"
    flags = [browser, "--headless", "--no-sandbox", "--disable-gpu"]
    dump = subprocess.Popen([*flags, "--dump-dom", page.as_uri()], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)  # fmt: skip
    printed = subprocess.run([*flags, "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                              a4.as_uri()], capture_output=True, timeout=60)  # fmt: skip
    dom, _ = dump.communicate(timeout=60)
    assert dump.returncode == 0 and printed.returncode == 0
    assert dom.count("<svg ") == 3
    # "You pay" in the split bar, then the bottom part of each of the 9 visits' bars
    assert len(re.findall(r'<rect [^>]*class="you"', dom)) == 1 + 9
    assert "$1,962.73" in dom and "From FSA/HSA $1,000" in dom
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    for figure in ("$8,405.66", "$1,962.73", "$4,719 · 56%", "Cash $963", "#9",
                   "Net cost after tax savings"):  # fmt: skip
        assert figure in text, figure
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True).stdout
    assert "(A4)" in info
