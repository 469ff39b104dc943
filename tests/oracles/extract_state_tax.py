# ruff: noqa: E501  (a dev-only generator: its table of paths and notes reads better unwrapped)
"""Print the `states:` block of data/tax.yaml from PolicyEngine-US's state parameter files.

Dev-only, like make_tax_cases.py (run it with /work/oracle-venv/bin/python). It reads the
parameter files themselves, NOT PolicyEngine's uprated projections: each figure is the latest
value the file gives on or before 2026-01-01, i.e. the last one a state published. Where that
is a 2025 (or earlier) figure of an indexed amount, the entry says `year: 2025` and the estimate
notes it. Each entry cites the primary references listed in the files (the state's statute,
form or instructions) and the parameter folder it was read from.

The model is deliberately simple (see StateTax in ketacost/taxlaw.py): brackets, a standard
deduction, personal and dependent exemptions, exemption credits. What it leaves out for a state
is written in that state's `note`.
"""

from __future__ import annotations

import os
import sys

import policyengine_us
from policyengine_core.parameters import load_parameter_file

INSTANT = "2026-01-01"
ROOT = os.path.join(os.path.dirname(policyengine_us.__file__), "parameters")
FILES = {"single": "single", "joint": "joint", "head": "head_of_household", "separate": "separate"}
PE_FILING = {"single": "SINGLE", "joint": "JOINT", "head": "HEAD_OF_HOUSEHOLD",
             "separate": "SEPARATE"}  # fmt: skip
GITHUB = "https://github.com/PolicyEngine/policyengine-us/tree/main/policyengine_us/parameters/gov/states/{st}/tax/income"

NO_TAX = {
    "AK": "Alaska", "FL": "Florida", "NV": "Nevada", "NH": "New Hampshire", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "WA": "Washington", "WY": "Wyoming",
}  # fmt: skip
NAMES = {
    "AL": "Alabama", "AR": "Arkansas", "AZ": "Arizona", "CA": "California", "CO": "Colorado",
    "CT": "Connecticut", "DC": "District of Columbia", "DE": "Delaware", "GA": "Georgia",
    "HI": "Hawaii", "IA": "Iowa", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana",
    "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "MA": "Massachusetts",
    "MD": "Maryland", "ME": "Maine", "MI": "Michigan", "MN": "Minnesota", "MO": "Missouri",
    "MS": "Mississippi", "MT": "Montana", "NC": "North Carolina", "ND": "North Dakota",
    "NE": "Nebraska", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "OH": "Ohio",
    "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island",
    "SC": "South Carolina", "UT": "Utah", "VA": "Virginia", "VT": "Vermont", "WI": "Wisconsin",
    "WV": "West Virginia",
}  # fmt: skip
FED = "federal"  # the state starts from federal taxable income: the federal standard deduction

# Since issue 23, data/tax.yaml's AR (its own 2026 table and credits), IA (3.8% from 2025: the
# "rates/combined" file below is the pre-2023 table) and NY (the recapture tables) are kept by
# hand: merge this script's output for them, do not paste it over.
# per state: rates (a path; "{f}" = one file per filing status), std (path, FED or None),
# exemption (per filer; a per-filing node = per return), dependent (per child),
# credit / dependent_credit (exemption credits), note (what the simple model leaves out)
SPEC: dict[str, dict[str, str]] = {
    "AL": {"rates": "rates/{f}", "std": "deductions/standard/amount/min",
           "exemption": "exemptions/personal", "dependent": "=500",
           "note": "The standard deduction is taken at its minimum (it phases down from the maximum "
                   "between $25,500 and about $35,500 of AGI), the dependent exemption at $500 (AGI "
                   "$20,000–$100,000), and Alabama's deduction of federal income tax is left out. "
                   "One source (raquickfind_hsa) says Alabama taxes HSA contributions; no other "
                   "source confirms it, so HSA money is taken as excluded here."},
    "AR": {"rates": "rates/main/rate", "std": "deductions/standard",
           "note": "The top-rate schedule is used; the low-income tax tables and personal credits "
                   "are left out."},
    "AZ": {"rates": "main/{f}", "std": "deductions/standard/amount",
           "note": "The $100 dependent credit is left out."},
    "CA": {"rates": "rates/{f}", "std": "deductions/standard/amount",
           "credit": "exemptions/amount", "dependent_credit": "exemptions/dependent_amount",
           "note": "Exemption credits are counted once per filer and child; their phase-out above "
                   "about $250,000 of AGI and the renter's credit, CalEITC and young child credit "
                   "are left out."},
    "CO": {"rates": "rate", "std": FED,
           "note": "Starts from federal taxable income; TABOR refunds and state credits are left "
                   "out."},
    "CT": {"rates": "rates/{f}",
           "note": "The personal exemption and the personal tax credit, which phase out at low "
                   "incomes, and the benefit recapture at high incomes are left out."},
    "DC": {"rates": "rates", "std": "deductions/standard/amount",
           "note": "The DC earned income credit is left out."},
    "DE": {"rates": "rate", "std": "deductions/standard/amount",
           "note": "The $110 personal credits are left out."},
    "GA": {"rates": "main/flat_rate", "std": "deductions/standard/amount",
           "dependent": "exemptions/dependent",
           "note": "Georgia's flat rate, its standard deduction and dependent exemption."},
    "HI": {"rates": "rates/{f}", "std": "deductions/standard/amount", "exemption": "exemptions/base",
           "note": "Hawaii's refundable food and excise credits are left out."},
    "IA": {"rates": "rates/combined", "std": FED,
           "note": "Starts from federal taxable income; Iowa's personal credits are left out."},
    "ID": {"rates": "main/{f}", "std": FED,
           "note": "Starts from federal taxable income; the grocery credit is left out."},
    "IL": {"rates": "rate", "exemption": "exemption/personal", "dependent": "exemption/dependent",
           "note": "The exemption's income limit ($250,000 / $500,000 joint) and state credits are "
                   "left out."},
    "IN": {"rates": "agi_rate", "exemption": "exemptions/base/amount",
           "dependent": "exemptions/additional/amount",
           "note": "County income taxes (about 1–3% more) are left out."},
    "KS": {"rates": "rates/other", "std": "deductions/standard/base_amount",
           "note": "The schedule for single filers is used for every filing status, and the "
                   "exemptions are left out."},
    "KY": {"rates": "rate", "std": "deductions/standard",
           "note": "Kentucky's family size tax credit is left out."},
    "LA": {"rates": "main/flat/rate", "std": "deductions/standard/amount",
           "note": "Louisiana's flat rate from 2025 and its standard deduction."},
    "MA": {"rates": "rates/part_b", "exemption": "exemptions/personal",
           "dependent": "exemptions/dependent",
           "note": "The 4% surtax above $1 million and state credits are left out."},
    "MD": {"rates": "rates/{f}", "std": "deductions/standard/flat_deduction/amount",
           "note": "County income taxes (2.25–3.2%) and the personal exemptions, which phase out by "
                   "income, are left out."},
    "ME": {"rates": "main/{f}", "std": "deductions/standard/amount",
           "exemption": "deductions/personal_exemption/amount",
           "note": "The phase-outs of the deduction and exemption at high incomes are left out."},
    "MI": {"rates": "rate", "exemption": "exemptions/personal", "dependent": "exemptions/personal",
           "note": "City income taxes (Detroit and others) are left out."},
    "MN": {"rates": "rates/{f}", "std": "deductions/standard/base",
           "dependent": "exemptions/amount",
           "note": "The standard deduction's phase-out above about $238,000 of AGI and state "
                   "credits are left out."},
    "MO": {"rates": "rates", "std": FED,
           "note": "Missouri's deduction of part of the federal income tax is left out."},
    "MS": {"rates": "rate", "std": "deductions/standard/amount",
           "exemption": "exemptions/regular/amount", "dependent": "exemptions/dependents/amount",
           "note": "Mississippi's exemptions and standard deduction."},
    "MT": {"rates": "main/{f}", "std": FED,
           "note": "Starts from federal taxable income (from 2024)."},
    "NC": {"rates": "rate", "std": "deductions/standard/amount",
           "note": "The child deduction is left out."},
    "ND": {"rates": "rates/{f}", "std": FED, "note": "Starts from federal taxable income."},
    "NE": {"rates": "rates/{f}", "std": "deductions/standard/base_amount",
           "credit": "exemptions/amount",
           "note": "Personal exemption credits are counted per filer and child."},
    "NJ": {"rates": "main/{f}", "exemption": "exemptions/regular/amount",
           "dependent": "exemptions/dependents/amount",
           "note": "New Jersey taxes FSA and HSA salary reductions (N.J.S.A. 54A:6-24); the New "
                   "Jersey EITC and child credit are left out."},
    "NM": {"rates": "main/{f}", "std": FED,
           "note": "The low- and middle-income exemption and the dependent deduction are left out."},
    "NY": {"rates": "main/{f}", "std": "deductions/standard/amount",
           "dependent": "exemptions/dependent",
           "note": "The recapture of the lower brackets above $107,650 of AGI, New York City and "
                   "Yonkers taxes and state credits are left out."},
    "OH": {"rates": "rates", "exemption": "exemptions/personal/amount",
           "note": "The personal exemption is taken at its amount for the lowest income band; "
                   "school-district and city income taxes are left out."},
    "OK": {"rates": "rates/{f}", "std": "deductions/standard/amount", "exemption": "exemptions/amount",
           "dependent": "exemptions/amount",
           "note": "Oklahoma's standard deduction and $1,000 exemptions."},
    "OR": {"rates": "rates/{f}", "std": "deductions/standard/amount",
           "note": "The subtraction of federal income tax (up to about $8,500) and the personal "
                   "exemption credit are left out."},
    "PA": {"rates": "rate",
           "note": "A flat 3.07% on compensation; tax forgiveness for low incomes is left out."},
    "RI": {"rates": "rate", "std": "deductions/standard/amount", "exemption": "exemption/amount",
           "dependent": "exemption/amount",
           "note": "The phase-outs of the deduction and exemptions at high incomes are left out."},
    "SC": {"rates": "rates", "std": FED, "dependent": "deductions/dependent_exemption/amount",
           "note": "Starts from federal taxable income."},
    "UT": {"rates": "rate", "std": FED,
           "note": "Utah's taxpayer credit (6% of the deduction and exemptions, phased out with "
                   "income) is left out."},
    "VA": {"rates": "rates", "std": "deductions/standard", "exemption": "exemptions/personal",
           "dependent": "exemptions/personal",
           "note": "Virginia's standard deduction and $930 exemptions."},
    "VT": {"rates": "rates/{f}", "std": "deductions/standard/base", "exemption": "exemption/personal",
           "dependent": "exemption/personal",
           "note": "Vermont's standard deduction and personal exemptions."},
    "WI": {"rates": "rates/{f}", "std": "deductions/standard/max", "exemption": "exemption/base",
           "dependent": "exemption/base",
           "note": "The sliding-scale standard deduction is taken at its maximum (it phases out "
                   "with income)."},
    "WV": {"rates": "rates/{f}", "exemption": "exemptions/personal", "dependent": "exemptions/personal",
           "note": "West Virginia's $2,000 exemptions."},
}  # fmt: skip


def node(P, st: str, path: str):  # type: ignore[no-untyped-def]
    out = getattr(P.gov.states, st.lower()).tax.income
    for part in path.split("/"):
        out = getattr(out, part)
    return out


def refs(obj, seen: list[str]) -> None:  # type: ignore[no-untyped-def]
    meta = getattr(obj, "metadata", {}) or {}
    for ref in meta.get("reference", []) or []:
        href = ref.get("href") if isinstance(ref, dict) else None
        if href and href not in seen:
            seen.append(href)


def last_date(obj) -> str:  # type: ignore[no-untyped-def]
    """The start date of the value in force on INSTANT, across a node's leaves."""
    dates: list[str] = []

    def walk(o):  # type: ignore[no-untyped-def]
        if hasattr(o, "values_list"):
            for v in o.values_list:
                if v.instant_str <= INSTANT:
                    dates.append(v.instant_str)
                    break
        elif hasattr(o, "brackets"):
            for b in o.brackets:
                for c in b.children.values():
                    walk(c)
        elif hasattr(o, "children"):
            for c in o.children.values():
                walk(c)

    walk(obj)
    return max(dates) if dates else "2026-01-01"


def per_filing(value, filing: str) -> float:  # type: ignore[no-untyped-def]
    if isinstance(value, (int, float)):
        return float(value)
    return float(value[PE_FILING[filing]])


def brackets(scale) -> list[tuple[float, float | None]]:  # type: ignore[no-untyped-def]
    thresholds, rates = list(scale.thresholds), list(scale.rates)
    out = []
    for i, rate in enumerate(rates):
        upper = thresholds[i + 1] if i + 1 < len(thresholds) else None
        out.append((rate * 100, upper))
    return out


def fmt(x: float) -> str:
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return text


def main() -> None:
    import pickle

    cache = "/tmp/pe_params.pickle"
    try:
        with open(cache, "rb") as handle:
            P = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError):
        P = load_parameter_file(ROOT)
        try:
            with open(cache, "wb") as handle:
                pickle.dump(P, handle)
        except Exception as exc:  # not picklable: only costs the next run's time
            print(f"no cache: {exc}", file=sys.stderr)
    at = P(INSTANT)
    lines = ["states:"]
    for st in sorted(list(SPEC) + list(NO_TAX)):
        try:
            lines += one_state(P, at, st)
        except Exception as exc:  # a state the simple model cannot read is left out, loudly
            print(f"SKIPPED {st}: {type(exc).__name__}: {exc}", file=sys.stderr)
    print("\n".join(lines))


def one_state(P, at, st: str) -> list[str]:  # type: ignore[no-untyped-def]
    lines: list[str] = []
    if True:
        if st in NO_TAX:
            lines += [f"  {st}:", f"    name: {NO_TAX[st]}", "    kind: none",
                      "    reference: [no_wage_tax]", "    date: 2026-01",
                      "    fsa_excluded: true", "    hsa_excluded: true",
                      "    conformity_reference: [no_wage_tax]"]  # fmt: skip
            return lines
        spec = SPEC[st]
        seen: list[str] = []
        dates: list[str] = []

        def value(path: str):  # type: ignore[no-untyped-def]
            return node(at, st, path)

        table: dict[str, list[tuple[float, float | None]]] = {}
        for filing, fname in FILES.items():
            path = spec["rates"].replace(
                "{f}", "head" if st == "WV" and filing == "head" else fname
            )
            raw = node(P, st, path)
            refs(raw, seen)
            dates.append(last_date(raw))
            val = value(path)
            if isinstance(val, (int, float)):
                table[filing] = [(float(val) * 100, None)]
            elif hasattr(val, "thresholds"):
                table[filing] = brackets(val)
            else:
                sub = val[PE_FILING[filing]]
                table[filing] = (
                    [(float(sub) * 100, None)] if isinstance(sub, (int, float)) else brackets(sub)
                )
        lines += [f"  {st}:", f"    name: {NAMES[st]}", "    kind: brackets"]
        std_lines: list[str] = []
        if spec.get("std") == FED:
            lines.append("    federal_taxable_income: true")
        elif spec.get("std"):
            raw = node(P, st, spec["std"])
            refs(raw, seen)
            dates.append(last_date(raw))
            val = value(spec["std"])
            std = {f: per_filing(val, f) for f in FILES}
            std_lines = [
                "    standard_deduction: {"
                + ", ".join(f"{f}: {fmt(v)}" for f, v in std.items())
                + "}"
            ]
        extra: list[str] = []
        for key, field in (
            ("exemption", "exemption"),
            ("dependent", "dependent_exemption"),
            ("credit", "exemption_credit"),
            ("dependent_credit", "dependent_credit"),
        ):
            if key not in spec:
                continue
            if spec[key].startswith("="):
                extra.append(f"    {field}: {spec[key][1:]}")
                continue
            raw = node(P, st, spec[key])
            refs(raw, seen)
            dates.append(last_date(raw))
            val = value(spec[key])
            if hasattr(val, "thresholds"):  # a scale by income: its first amount
                val = next(iter(val.amounts))
            if isinstance(val, (int, float)) or key.startswith("dependent"):
                amount = float(val) if isinstance(val, (int, float)) else per_filing(val, "single")
                extra.append(f"    {field}: {fmt(amount)}")
            else:
                per = {f: per_filing(val, f) for f in FILES}
                extra.append(
                    f"    {field}_by_filing: {{"
                    + ", ".join(f"{f}: {fmt(v)}" for f, v in per.items())
                    + "}"
                )
        year = max(dates)[:4]
        lines.append(f"    year: {year}")
        lines.append(f"    reference: [pe_{st.lower()}]")
        lines.append(f"    date: {max(dates)[:7]}")
        hsa = "false" if st in ("CA", "NJ") else "true"
        fsa = "false" if st == "NJ" else "true"
        conf = {
            "CA": "[ca_hsa, policyengine_hsa, raquickfind_hsa]",
            "NJ": "[nj_cafeteria, raquickfind_hsa]",
        }.get(st, "[federal_conformity]")
        lines += [
            f"    fsa_excluded: {fsa}",
            f"    hsa_excluded: {hsa}",
            f"    conformity_reference: {conf}",
        ]
        lines.append("    brackets:")
        for filing, rows in table.items():
            lines.append(f"      {filing}:")
            for rate, upper in rows:
                if upper is None or upper == float("inf"):
                    lines.append(f"        - {{rate: {fmt(rate)}}}")
                    break
                lines.append(f"        - {{rate: {fmt(rate)}, upper: {fmt(upper)}}}")
        lines += std_lines + extra
        lines.append(f"    note: >-\n      {spec['note']}")
        print(
            f"  pe_{st.lower()}|{NAMES[st]}|{GITHUB.format(st=st.lower())}|{' '.join(seen[:6])}",
            file=sys.stderr,
        )
    return lines


if __name__ == "__main__":
    main()
