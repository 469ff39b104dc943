"""The mixed batch workload of the benchmark (and of the codec's identical-output test).

Every route, 1–12 induction sessions and 0–8 boosters, a plan in about half the records
(sometimes an HDHP, Medicare or an out-of-network superbill), an FSA or HSA with a tax rate or an
income in about half, financing in one in ten, and mostly ZIP-code locations. Deterministic for a
seed, so two runs (or two versions of ketacost) see the same records.
"""

from __future__ import annotations

import json
import random
from typing import Any

ROUTES = ("iv", "im", "spravato", "oral")
ZIPS = ("94110", "10001", "60614", "73301", "02139", "98101", "33101", "30301", "80202",
        "85001", "19103", "48201", "55401", "97201", "63101", "27601", "37201", "84101",
        "89101", "70112", "96813", "99501", "07302", "20001", "94110-1234")  # fmt: skip
STATES = ("CA", "TX", "New York", "fl", "WA", "MA")


def mixed_scenario(rng: random.Random) -> dict[str, Any]:
    """One scenario record, as a user's batch file would have it."""
    year, month, day = rng.choice((2026, 2027)), rng.randint(1, 12), rng.randint(1, 28)
    record: dict[str, Any] = {"route": rng.choice(ROUTES), "start": f"{year}-{month:02d}-{day:02d}"}
    record["sessions"] = rng.randint(1, 12)
    record["boosters"] = rng.randint(0, 8)
    where = rng.random()
    if where < 0.6:
        record["location"] = rng.choice(ZIPS)
    elif where < 0.8:
        record["location"] = rng.choice(STATES)
    if rng.random() < 0.3:
        record["integration"] = rng.randint(1, 6)
    if rng.random() < 0.5:
        _plan(rng, record)
    if rng.random() < 0.5:
        record[rng.choice(("fsa", "hsa"))] = rng.choice((500, 1000, 2500, "3200.50"))
        if rng.random() < 0.5:
            record["tax_rate"] = rng.choice((22, 30, "32.5"))
        else:
            record["income"] = rng.choice((45000, 90000, 150000, 250000))
            record["filing"] = rng.choice(("single", "joint", "head"))
            record["state_tax_rate"] = rng.choice((0, 5, "9.3"))
    if rng.random() < 0.1:
        record["finance_months"] = rng.choice((6, 12, 24))
        record["apr"] = rng.choice((0, "9.99", 17))
    return record


def _plan(rng: random.Random, record: dict[str, Any]) -> None:
    record["deductible"] = rng.choice((500, 1500, 3000, 4500))
    record["coinsurance"] = rng.choice((10, 20, 30))
    record["oop_max"] = rng.choice((5000, 7000, 9200))
    if rng.random() < 0.3:
        record["deductible_met"] = 250
    if rng.random() < 0.2:
        record["copay"] = 40
    if rng.random() < 0.2:
        record.update(hdhp=True, deductible=3400)
        record.pop("copay", None)
    if rng.random() < 0.1:
        record["plan_type"] = "medicare"
    if rng.random() < 0.15:
        record.update(coverage="out-of-network", oon_allowed=70, oon_coinsurance=40,
                      oon_deductible=1000)  # fmt: skip


def mixed_lines(count: int, seed: int = 16) -> list[str]:
    """``count`` JSONL records (each ending in a newline)."""
    rng = random.Random(seed)
    return [json.dumps(mixed_scenario(rng)) + "\n" for _ in range(count)]


# The sweep benchmark's grid (issue 25): 4 routes × every state and DC × 10 deductibles × 2
# coinsurance rates, an FSA and an income: 4,080 scenarios.
SWEEP_DEDUCTIBLES = tuple(range(500, 5500, 500))
SWEEP_COINSURANCE = (20, 30)
SWEEP_FIXED = {"fsa": 2000, "income": 90000, "start": "2027-01-04"}


def sweep_grid() -> tuple[str, list[str]]:
    """(the grid's YAML, the same scenarios as JSONL records for batch, in the sweep's order)."""
    from ketacost.rules.loader import load_pricing

    pricing = load_pricing()
    grid = (
        "route: all\nlocation: all\n"
        f"deductible: [{', '.join(map(str, SWEEP_DEDUCTIBLES))}]\n"
        f"coinsurance: [{', '.join(map(str, SWEEP_COINSURANCE))}]\n"
        + "".join(f"{key}: {value}\n" for key, value in SWEEP_FIXED.items())
    )
    records = [
        json.dumps({"route": route, "location": state, "deductible": deductible,
                    "coinsurance": rate, **SWEEP_FIXED}) + "\n"
        for route in pricing.routes
        for state in pricing.locations.states
        for deductible in SWEEP_DEDUCTIBLES
        for rate in SWEEP_COINSURANCE
    ]  # fmt: skip
    return grid, records
