"""The summary of an estimate (the rows of a sweep, `batch --format csv`) equals the estimate:
the same totals, tax years, financing interest and warning codes, over the benchmark's mixed
workload (every route, plans, out-of-network superbills, accounts, incomes, financing), with
the memos of courses, prices and taxes shared across the records as a sweep shares them."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json

import pytest
from conftest import REPO, TODAY, rules_of

from ketacost.engine.estimate import estimate
from ketacost.engine.summary import FIGURE_COLUMNS, figure_values, summarize
from ketacost.inputs.scenario import parse_scenario
from ketacost.rules.model import PricingModel


def _mixed(count: int, seed: int) -> list[str]:
    spec = importlib.util.spec_from_file_location("workload", REPO / "benchmarks" / "workload.py")
    assert spec is not None and spec.loader is not None
    workload = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(workload)
    return list(workload.mixed_lines(count, seed=seed))


def test_a_summary_equals_its_estimate_to_the_cent(pricing: PricingModel) -> None:
    rules = rules_of(pricing)
    for line in _mixed(600, seed=25):
        scenario = parse_scenario(json.loads(line), pricing, TODAY)
        full, summary = estimate(scenario, rules), summarize(scenario, rules)
        assert summary.totals == full.totals, line
        assert summary.tax == full.tax, line
        interest = None if full.financing is None else full.financing.total_interest
        assert summary.financing_interest == interest, line
        assert summary.warnings == tuple(w.code for w in full.warnings), line
        values = figure_values(summary)
        assert len(values) == len(FIGURE_COLUMNS)
        assert values[:3] == list(full.totals.gross)


def test_households_that_differ_only_in_digits_share_a_tax(pricing: PricingModel) -> None:
    """1500 and 1500.00 are one key: equal in value, and a row shows cents."""
    rules = rules_of(pricing)
    base = {"route": "iv", "fsa": "1500", "income": "80000", "start": "2027-02-01"}
    one = summarize(parse_scenario(base, pricing, dt.date(2027, 1, 1)), rules)
    two = summarize(parse_scenario({**base, "fsa": "1500.00"}, pricing, TODAY), rules)
    assert one.totals == two.totals


def test_a_summary_falls_back_to_the_estimate_when_the_totals_grow(
    pricing: PricingModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Until _course_totals sums a new total, summaries come from the whole estimate."""
    from ketacost.engine import summary as module

    rules = rules_of(pricing)
    line = '{"route": "spravato", "deductible": 1500, "fsa": 800, "tax_rate": 30}'
    scenario = parse_scenario(json.loads(line), pricing, TODAY)
    fast = summarize(scenario, rules)
    monkeypatch.setattr(module, "_SUMMED_HERE", False)
    assert summarize(scenario, rules) == fast


@pytest.mark.parametrize(
    "values",
    [  # the money's path and the HSA limit (issue 23), which the mixed workload does not reach
        {"coverage": "out-of-network", "oon_deductible": "1000", "oon_coinsurance": "40",
         "oon_allowed": "60", "location": "60614", "start": "2027-01-04"},
        {"location": "IL", "income": "72000", "hsa": "9000", "hdhp": "true",
         "deductible": "3500", "session_price": "1500", "start": "2027-01-04"},
        {"location": "IL", "income": "72000", "hsa": "9000", "hsa_coverage": "family",
         "hsa_balance": "400", "hdhp": "true", "deductible": "3500", "session_price": "1500",
         "start": "2027-01-04"},
        {"start": "2027-01-04", "finance_months": "12", "apr": "17.99", "fsa": "500",
         "tax_rate": "30"},
    ],
)  # fmt: skip
def test_a_summary_of_the_money_path_equals_its_estimate(
    values: dict[str, str], pricing: PricingModel
) -> None:
    rules = rules_of(pricing)
    scenario = parse_scenario(values, pricing, TODAY)
    full, summary = estimate(scenario, rules), summarize(scenario, rules)
    assert summary.totals == full.totals
    assert summary.warnings == tuple(c.code for c in full.warnings)
