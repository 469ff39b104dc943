"""Freeze the answers of two real tax models for the households in tests/engine/test_tax_oracles.py.

Dev-only: run it in a separate virtual environment that has the models, never in the project's:

    python -m venv /work/oracle-venv
    /work/oracle-venv/bin/pip install taxcalc policyengine-us
    /work/oracle-venv/bin/python tests/oracles/make_tax_cases.py        # writes tax_cases.json

- PSL Tax-Calculator (federal income tax after credits, payroll tax) for tax year 2026, each
  household with and without its account money. EITC and refundable child credit take-up is
  made certain (the model otherwise draws it at random), exact calculations follow the forms
  (the child credit's phase-out in $1,000 steps), and married couples filing separately get no
  EITC (the spouses live together, 26 USC 32(d)).
- PolicyEngine-US (state income tax) for 2026, each household with and without its FSA money
  (payroll money lowers the W-2 wages; payroll HSA money is PolicyEngine's
  health_savings_account_payroll_contributions, which California adds back).

Neither model is a dependency of ketacost; the fixture they write is.
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import version
from pathlib import Path

OUT = Path(__file__).with_name("tax_cases.json")
YEAR = 2026
MARS = {"single": 1, "joint": 2, "separate": 3, "head": 4}

# (filing, holder wages, spouse wages, children, payroll FSA/HSA money, direct HSA money)
FEDERAL = [
    ("single", 15000, 0, 0, 1000, 0),
    ("single", 24000, 0, 1, 1000, 0),
    ("single", 38000, 0, 0, 2000, 0),
    ("single", 52000, 0, 0, 3400, 0),
    ("single", 67000, 0, 0, 1000, 0),
    ("single", 105000, 0, 0, 3400, 0),
    ("single", 184800, 0, 0, 1000, 0),
    ("single", 186000, 0, 0, 3400, 0),
    ("single", 210000, 0, 0, 3400, 0),
    ("single", 250000, 0, 0, 1000, 0),
    ("single", 420000, 0, 0, 3400, 4400),
    ("single", 80000, 0, 0, 0, 4400),
    ("head", 15000, 0, 1, 1000, 0),
    ("head", 24000, 0, 2, 1000, 0),
    ("head", 30000, 0, 3, 1500, 0),
    ("head", 45000, 0, 1, 1000, 0),
    ("head", 52000, 0, 2, 2000, 0),
    ("head", 68000, 0, 3, 3400, 0),
    ("head", 95000, 0, 1, 3400, 4400),
    ("head", 201000, 0, 2, 3400, 0),
    ("head", 230000, 0, 1, 1000, 0),
    ("joint", 20000, 0, 2, 1000, 0),
    ("joint", 35000, 15000, 3, 2000, 0),
    ("joint", 60000, 0, 2, 1000, 0),
    ("joint", 45000, 30000, 1, 3400, 0),
    ("joint", 110000, 110000, 0, 1000, 0),
    ("joint", 110000, 110000, 2, 3400, 8750),
    ("joint", 190000, 60000, 0, 3400, 0),
    ("joint", 185000, 185000, 0, 3400, 0),
    ("joint", 200000, 100000, 2, 3400, 0),
    ("joint", 300000, 120000, 3, 3400, 0),
    ("joint", 133000, 0, 0, 1000, 0),
    ("joint", 70000, 70000, 1, 0, 8750),
    ("joint", 405000, 0, 2, 3400, 0),
    ("separate", 15000, 0, 0, 1000, 0),
    ("separate", 40000, 0, 1, 1000, 0),
    ("separate", 60000, 0, 0, 3400, 0),
    ("separate", 126000, 0, 0, 3400, 0),
    ("separate", 130000, 0, 2, 1000, 0),
    ("separate", 205000, 0, 1, 3400, 0),
    ("separate", 390000, 0, 0, 3400, 4400),
    ("single", 55000, 0, 0, 0, 4400),
]

# every state (and DC) with an income tax on wages
INCOME_TAX_STATES = (
    "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "GA", "HI", "IA", "ID", "IL", "IN", "KS",
    "KY", "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE", "NJ", "NM",
    "NY", "OH", "OK", "OR", "PA", "RI", "SC", "UT", "VA", "VT", "WI", "WV",
)  # fmt: skip
# (state, filing, holder wages, spouse wages, children, payroll FSA money, payroll HSA money)
STATES = [
    ("CA", "single", 85000, 0, 0, 1000, 0),
    ("CA", "joint", 150000, 90000, 0, 3400, 0),
    ("CA", "single", 120000, 0, 0, 0, 2000),
    ("NY", "single", 75000, 0, 0, 2000, 0),
    ("NY", "joint", 90000, 10000, 0, 3400, 0),
    ("IL", "single", 60000, 0, 0, 1000, 0),
    ("IL", "joint", 120000, 40000, 2, 3400, 0),
    ("PA", "single", 70000, 0, 0, 2000, 0),
    ("GA", "single", 90000, 0, 0, 3400, 0),
    ("GA", "joint", 140000, 0, 0, 1000, 0),
    ("NC", "single", 65000, 0, 0, 1000, 0),
    ("NC", "joint", 160000, 40000, 0, 3400, 0),
    ("VA", "single", 95000, 0, 0, 3400, 0),
    ("MA", "single", 110000, 0, 0, 2000, 0),
    ("CO", "single", 85000, 0, 0, 3400, 0),
    ("MI", "joint", 130000, 30000, 0, 2000, 0),
    ("AZ", "single", 72000, 0, 0, 1000, 0),
    ("MN", "single", 88000, 0, 0, 3400, 0),
    ("KY", "single", 58000, 0, 0, 2000, 0),
    ("ID", "joint", 150000, 0, 0, 3400, 0),
    # issue 23: New York's recapture of its lower brackets (AGI above $107,650), Arkansas's own
    # 2026 table, and one single filer with a $1,000 FSA in every other state with an income tax
    ("NY", "single", 120000, 0, 0, 1000, 0),
    ("NY", "single", 140000, 0, 0, 3400, 0),
    ("AR", "single", 50000, 0, 0, 1000, 0),
    ("AR", "joint", 90000, 30000, 2, 3400, 0),
] + [(state, "single", 60000, 0, 0, 1000, 0) for state in INCOME_TAX_STATES]


def taxcalc_cases() -> list[dict[str, object]]:
    import numpy as np
    import pandas as pd
    import taxcalc as tc

    rows = []
    for i, (filing, holder, spouse, kids, payroll, direct) in enumerate(FEDERAL):
        for variant, (pay, hsa) in enumerate(((0, 0), (payroll, direct))):
            wages_p, wages_s = holder - pay, spouse
            rows.append({
                "RECID": 2 * i + variant + 1,
                "MARS": MARS[filing],
                "XTOT": (2 if filing == "joint" else 1) + kids,
                "n24": kids, "nu18": kids, "EIC": min(kids, 3),
                "age_head": 40, "age_spouse": 40 if filing == "joint" else 0,
                "e00200": wages_p + wages_s, "e00200p": wages_p, "e00200s": wages_s,
                "e03290": hsa,
                "FLPDYR": YEAR,
            })  # fmt: skip
    frame = pd.DataFrame(rows)
    records = tc.Records(data=frame, start_year=YEAR, gfactors=None, weights=None,
                         adjust_ratios=None, exact_calculations=True)  # fmt: skip
    policy = tc.Policy()
    policy.implement_reform({
        "eitc_claim_prob_scale": {YEAR: 9e99}, "actc_claim_prob_scale": {YEAR: 9e99},
        "EITC_sep_filers_elig": {YEAR: False},
    })  # fmt: skip
    calc = tc.Calculator(policy=policy, records=records)
    calc.calc_all()
    names = ["iitax", "ptax_was", "ptax_amc", "eitc", "c07220", "c11070", "c05800", "c00100"]
    out = {name: np.asarray(calc.array(name)) for name in names}
    cases = []
    for i, (filing, holder, spouse, kids, payroll, direct) in enumerate(FEDERAL):
        before, after = 2 * i, 2 * i + 1

        def employee_payroll(k: int) -> float:
            return float(out["ptax_was"][k]) / 2 + float(out["ptax_amc"][k])

        cases.append({
            "filing": filing, "holder_wages": holder, "spouse_wages": spouse,
            "children": kids, "payroll_money": payroll, "direct_hsa": direct,
            "income_tax": [round(float(out["iitax"][k]), 4) for k in (before, after)],
            "payroll_tax": [round(employee_payroll(k), 4) for k in (before, after)],
            "eitc": [round(float(out["eitc"][k]), 4) for k in (before, after)],
            "ctc": [round(float(out["c07220"][k]), 4) for k in (before, after)],
            "actc": [round(float(out["c11070"][k]), 4) for k in (before, after)],
            "federal_saving": round(float(out["iitax"][before] - out["iitax"][after]), 4),
            "payroll_saving": round(employee_payroll(before) - employee_payroll(after), 4),
        })  # fmt: skip
    return cases


def policyengine_cases() -> list[dict[str, object]]:
    from policyengine_us import Simulation

    def situation(state: str, filing: str, holder: float, spouse: float, kids: int,
                  hsa: float) -> dict[str, object]:  # fmt: skip
        people: dict[str, dict[str, object]] = {
            "holder": {"age": {YEAR: 40}, "employment_income": {YEAR: holder},
                       "health_savings_account_payroll_contributions": {YEAR: hsa}},
        }  # fmt: skip
        members = ["holder"]
        if filing == "joint":
            people["spouse"] = {"age": {YEAR: 40}, "employment_income": {YEAR: spouse}}
            members.append("spouse")
        for k in range(kids):
            people[f"child{k}"] = {"age": {YEAR: 8}}
            members.append(f"child{k}")
        unit: dict[str, object] = {"members": members}
        if filing == "head":
            unit["filing_status"] = {YEAR: "HEAD_OF_HOUSEHOLD"}
        marital = {"m": {"members": ["holder", "spouse"]}} if filing == "joint" else {
            "m": {"members": ["holder"]}}  # fmt: skip
        return {
            "people": people,
            "tax_units": {"unit": unit},
            "families": {"family": {"members": members}},
            "spm_units": {"spm": {"members": members}},
            "households": {"house": {"members": members, "state_name": {YEAR: state}}},
            "marital_units": marital,
        }

    cases = []
    for state, filing, holder, spouse, kids, fsa, hsa in STATES:
        values = []
        for pay_fsa, pay_hsa in ((0, 0), (fsa, hsa)):
            sim = Simulation(situation=situation(state, filing, holder - pay_fsa, spouse, kids,
                                                 pay_hsa))  # fmt: skip
            values.append(float(sim.calculate("state_income_tax", YEAR)[0]))
        cases.append({
            "state": state, "filing": filing, "holder_wages": holder, "spouse_wages": spouse,
            "children": kids, "payroll_fsa": fsa, "payroll_hsa": hsa,
            "state_tax": [round(v, 4) for v in values],
            "state_saving": round(values[0] - values[1], 4),
        })  # fmt: skip
        print(state, filing, holder, cases[-1]["state_saving"], file=sys.stderr, flush=True)
    return cases


def main() -> None:
    """``--federal-only`` / ``--states-only``: ask one model, keep the other's frozen answers
    (and its version) from the existing file."""
    old = json.loads(OUT.read_text()) if OUT.exists() else {"models": {}}
    federal_only, states_only = "--federal-only" in sys.argv, "--states-only" in sys.argv
    document = {
        "about": "Frozen answers of PSL Tax-Calculator (federal) and PolicyEngine-US (state) "
        "for tax year 2026, written by tests/oracles/make_tax_cases.py; do not edit by hand.",
        "year": YEAR,
        "models": {
            "taxcalc": old["models"]["taxcalc"] if states_only else version("taxcalc"),
            "policyengine-us": (
                old["models"]["policyengine-us"] if federal_only else version("policyengine-us")
            ),
        },
        "federal": old["federal"] if states_only else taxcalc_cases(),
        "states": old["states"] if federal_only else policyengine_cases(),
    }
    OUT.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(OUT)


if __name__ == "__main__":
    main()
