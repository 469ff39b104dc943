"""What an estimate says about the FSA and HSA: each tax year's HSA limit (26 USC 223(b)), money
saved in earlier years, an FSA beside an HSA, an HSA without an HDHP, and the account figures
not yet published for a year of the course.

Kept apart from :mod:`.notes` (which turns the ``(code, message)`` pairs into cautions).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..core.money import ZERO, format_money
from ..inputs.scenario import ResolvedScenario
from ..rules.model import PricingModel
from .accounts import hsa_by_year, hsa_limit
from .course import Visit

# The account figures an estimate reads, in words (the plan's and the tax law's own figures say
# for themselves when a year is not on file).
ACCOUNT_FIGURE_WORDS = {
    "fsa_limit": "health FSA limit", "fsa_carryover": "FSA carryover",
    "hsa_limit_self": "self-only HSA limit", "hsa_limit_family": "family HSA limit",
    "hsa_catch_up": "HSA catch-up",
}  # fmt: skip


def missing_account_figures(
    scenario: ResolvedScenario, pricing: PricingModel, visits: tuple[Visit, ...]
) -> list[str]:
    """One sentence per year of the course naming only the account figures that year lacks
    (e.g. the 2027 FSA limit, published in the autumn), and the year whose figures are used."""
    names: list[str] = []
    if scenario.fsa:
        names += ["fsa_limit", "fsa_carryover"]
    if scenario.hsa:
        names.append(f"hsa_limit_{scenario.hsa_coverage}")
        names += ["hsa_catch_up"] if scenario.hsa_catch_up else []
    years = sorted({scenario.start.year} | {v.date.year for v in visits})
    out = []
    for year in years:
        used: dict[int, list[str]] = {}
        for name in names:
            on_file = pricing.plan_limits.figure(name, year)[1]
            if on_file != year:
                used.setdefault(on_file, []).append(ACCOUNT_FIGURE_WORDS[name])
        for on_file, words in used.items():
            listed = " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)
            verb, figures = ("are", "figures are") if len(words) > 1 else ("is", "figure is")
            out.append(f"The {year} {listed} {verb} not on file: the {on_file} {figures} used.")
    return out


def _hsa_given_over_limit(
    scenario: ResolvedScenario,
    pricing: PricingModel,
    visits: tuple[Visit, ...],
    spent: dict[int, dict[str, Decimal]],
) -> list[tuple[str, str]]:
    """``--hsa`` above what the course's tax years allow, though the course spends within
    each year's limit: the saving counted is right, the amount given cannot all go in pre-tax."""
    years = sorted({scenario.start.year} | {v.date.year for v in visits})
    limits = [
        hsa_limit(pricing.plan_limits, year, scenario.hsa_coverage, scenario.hsa_catch_up)
        for year in years
    ]
    allowed = sum((limit.amount for limit in limits), ZERO)
    capped = any(
        edges[e] > limit.amount
        for limit, year in zip(limits, years, strict=True)
        for edges in [spent.get(year, {})]
        for e in edges
    )
    if capped or scenario.hsa is None or scenario.hsa <= allowed:
        return []
    tier = COVERAGE_WORDS[scenario.hsa_coverage]
    named = ", ".join(f"{format_money(limit.amount)} in {year}"
                      for limit, year in zip(limits, years, strict=True))  # fmt: skip
    return [
        (
            "hsa_over_limit",
            f"HSA contributions of {format_money(scenario.hsa)} are more than the {tier} HSA "
            f"limit allows ({named}): only that much can go in before tax. The course spends "
            "less than the limit, so the tax saving counted is on what it spends; money saved "
            "in earlier years belongs in --hsa-balance.",
        )
    ]


def hsa_notes(
    scenario: ResolvedScenario, pricing: PricingModel, visits: tuple[Visit, ...]
) -> list[str]:
    """The HSA limit each tax year's contributions are held to, and what the balance saves."""
    out = []
    if scenario.hsa:
        tier = COVERAGE_WORDS[scenario.hsa_coverage]
        parts = []
        for year in sorted({scenario.start.year} | {v.date.year for v in visits}):
            limit = hsa_limit(
                pricing.plan_limits, year, scenario.hsa_coverage, scenario.hsa_catch_up
            )
            parts.append(f"{format_money(limit.amount)} in {year}")
        catch = " with the catch-up at 55" if scenario.hsa_catch_up else ""
        out.append(
            f"HSA contributions save tax up to the {tier} HSA limit{catch}: "
            + ", ".join(parts)
            + " (26 USC 223(b))."
        )
    if scenario.hsa_balance:
        out.append(
            f"HSA money saved in earlier years ({format_money(scenario.hsa_balance)}) pays after "
            "the FSA and new contributions; it is spent tax-free but saves no new tax (the "
            "saving came when it went in)."
        )
    return out


COVERAGE_WORDS = {"self": "self-only", "family": "family"}


def hsa_warnings(
    scenario: ResolvedScenario,
    pricing: PricingModel,
    visits: tuple[Visit, ...],
    payments: dict[str, list[Any]],
) -> list[tuple[str, str]]:
    """New HSA contributions against each tax year's limit (26 USC 223(b)), beside a
    general-purpose FSA (223(c)(1); Rev. Rul. 2004-45), or without an HDHP (223(c)(1)(A))."""
    out: list[tuple[str, str]] = []
    spent = hsa_by_year([v.date for v in visits], payments)
    out += _hsa_given_over_limit(scenario, pricing, visits, spent)
    for year, edges in spent.items():
        limit = hsa_limit(pricing.plan_limits, year, scenario.hsa_coverage, scenario.hsa_catch_up)
        over = [e for e in ("typical", "high", "low") if edges[e] > limit.amount]
        if not over:
            continue
        when = str(year)
        if limit.year_used != year:
            when += f" (not on file: {limit.year_used}'s)"
        tier = COVERAGE_WORDS[scenario.hsa_coverage]
        catch = f", with the {format_money(limit.catch_up)} catch-up at 55" * bool(limit.catch_up)
        at = "typical prices" if over[0] == "typical" else "the high edge of the prices"
        hints = ["money saved in earlier years: give it as --hsa-balance"]
        if scenario.hsa_coverage == "self":
            hints.append("a family HDHP: --hsa-coverage family")
        if not scenario.hsa_catch_up:
            hints.append("55 or older: --hsa-catch-up")
        out.append(
            (
                "hsa_over_limit",
                f"HSA contributions of {format_money(edges[over[0]])} pay for the course in "
                f"{year} ({at}), above the {when} {tier} HSA limit of "
                f"{format_money(limit.amount)}{catch}: tax is saved on at most "
                f"{format_money(limit.amount)} of them; the rest saves no tax (an excess "
                f"contribution). For " + "; for ".join(hints) + ".",
            )
        )
    if scenario.fsa:
        out.append(
            (
                "fsa_with_hsa",
                "An FSA beside HSA contributions: a general-purpose health FSA (yours or a "
                "spouse's) makes you ineligible to contribute to an HSA (26 USC 223(c)(1), "
                "Rev. Rul. 2004-45); only a limited-purpose (dental, vision) FSA may sit beside "
                "one. Check which kind yours is.",
            )
        )
    if not scenario.hdhp:
        out.append(
            (
                "hsa_without_hdhp",
                "HSA contributions without --hdhp: only a person covered by a high-deductible "
                "health plan may contribute to an HSA (26 USC 223(c)(1)). Add --hdhp with your "
                "plan figures, or give money already in the account as --hsa-balance.",
            )
        )
    return out
