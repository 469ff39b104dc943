"""What an estimate says in words: its assumptions and its warnings.

Kept apart from :mod:`ketacost.engine.estimate`, which only composes the figures: every sentence a
person reads about *why* a figure is what it is, or what to check, is made here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from ..core.money import ZERO, format_money
from ..core.words import plural
from ..inputs.fields import FIELD_BY_NAME, PLAN_FIGURES
from ..inputs.scenario import ResolvedScenario
from ..rules.model import Factors, PricingModel
from .account_notes import hsa_notes, hsa_warnings, missing_account_figures
from .course import Visit
from .insurance import ClaimResult, Network, Plan, missing_oon_terms, plan_years

if TYPE_CHECKING:  # the law is read on first use: most estimates have no account money
    from ..rules.compiled_law import TaxLaw


class Caution(NamedTuple):
    """Something to check about the estimate, with a stable code (the JSON "warnings" list)."""

    code: str
    message: str


# How each kind of visit is named in a sentence, in course order.
VISIT_WORDS = {"consult": "evaluation", "induction": "induction sessions",
               "booster": "boosters", "integration": "integration therapy"}  # fmt: skip


def _every(weeks: int) -> str:
    return "weekly" if weeks == 1 else f"every {weeks} weeks"


def course_text(scenario: ResolvedScenario, protocol: Any) -> str:
    """The course in words: induction, then boosters phase by phase, as they are scheduled."""
    text = "an initial evaluation, then " if scenario.consult else ""
    text += (f"{plural(scenario.sessions, 'induction session')}, "
             f"{protocol.sessions_per_week} a week")  # fmt: skip
    runs: list[list[int]] = []  # [count, every_weeks], the protocol's phases then the interval
    left = scenario.boosters
    for phase in protocol.booster_phases:
        take = min(left, phase.sessions)
        if take:
            runs.append([take, phase.every_weeks])
            left -= take
    if left:
        runs.append([left, scenario.booster_every])
    merged: list[list[int]] = []
    for run in runs:
        if merged and merged[-1][1] == run[1]:
            merged[-1][0] += run[0]
        else:
            merged.append(run)
    if len(merged) == 1:
        text += f", then {plural(scenario.boosters, 'booster')} {_every(merged[0][1])}"
    elif merged:
        steps = [f"{count} {_every(weeks)}" for count, weeks in merged]
        text += f", then {plural(scenario.boosters, 'booster')} (" + ", then ".join(steps) + ")"
    return text + f"; first visit {scenario.start.isoformat()}"


def factor_text(factors: Factors) -> str:
    """A provider factor in words: ``1`` or, for a band, ``1.0 / 1.5 / 3.3 (low / typical /
    high edge)``."""
    low, typical, high = factors
    if low == typical == high:
        return str(typical)
    return f"{low} / {typical} / {high} (low / typical / high edge)"


def assumptions(
    scenario: ResolvedScenario,
    pricing: PricingModel,
    provider_factor: Factors,
    location_factor: Decimal,
    networks: dict[str, Network],
    tax_notes: tuple[str, ...],
    plan_notes: list[str],
    program_on: bool,
    prices: str | None = None,
    visits: tuple[Visit, ...] = (),
    *,
    tax_law: TaxLaw,
) -> list[str]:
    """What the estimate assumes, in words. ``prices`` replaces the sentence on how the
    session price was made (a clinic profile's own prices); ``tax_law`` says which years'
    figures are on file."""
    route = pricing.routes[scenario.route]  # type: ignore[index]
    provider = pricing.providers[scenario.provider]  # type: ignore[index]
    out = []
    if prices is not None:
        out.append(prices)
    if scenario.session_price is not None:
        quote = format_money(scenario.session_price)
        out.append(f"Session price: your quote of {quote} per session.")
    elif prices is None:
        where = (
            "national"
            if scenario.state is None
            else (
                f"{pricing.locations.states[scenario.state].name} "
                f"(price parity × {location_factor})"
            )
        )
        if not provider.location_pricing:
            where = "national (telehealth programs price nationally)"
        out.append(
            f"Session price: the national {route.label} band × {provider.label.lower()} factor "
            f"{factor_text(provider_factor)} × location {where}."
        )
    out.append(f"Course: {course_text(scenario, route.protocol)}.")
    present: set[str] = {v.kind for v in visits}
    kinds = [k for k in VISIT_WORDS if k in present] or list(networks)
    insured = {k: networks[k] for k in kinds if networks[k] != "self-pay"}
    if not insured:
        why = " (--coverage none)" if scenario.coverage == "none" else ""
        hint = "" if why else " (give plan figures to apply a plan)"
        out.append(f"Self-pay{why}: no insurance is applied{hint}.")
    else:
        for network in ("in-network", "out-of-network"):
            claimed = [VISIT_WORDS[k] for k, n in insured.items() if n == network]
            if not claimed:
                continue
            if network == "in-network":
                how = "the allowed amount is taken to equal the billed price"
            else:
                allowed = scenario.oon_allowed if scenario.oon_allowed is not None else 100
                how = (f"a superbill claim, allowed amount {allowed}% of the bill; you also owe "
                       "the rest of the bill")  # fmt: skip
            out.append(f"Insurance ({scenario.plan_type}, {network}) applied to: "
                       f"{', '.join(claimed)}; {how}.")  # fmt: skip
        if "in-network" in insured.values():  # the notes are about in-network terms
            if scenario.coinsurance is None and scenario.plan_type != "medicare":
                out.append("No --coinsurance given: 0% coinsurance after the deductible.")
            out += plan_notes
    if program_on and ("induction" in insured or "booster" in insured):
        out.append("Spravato savings program applied to the drug part of your cost-sharing.")
    if scenario.fsa or scenario.hsa:
        out += tax_notes
    out += missing_account_figures(scenario, pricing, visits)
    out += hsa_notes(scenario, pricing, visits)
    if scenario.finance_months is not None:
        out.append(
            f"Financing: the cash out of pocket is borrowed at the first visit and repaid in "
            f"{scenario.finance_months} monthly payments from the next month; each month's "
            "interest is on the remaining balance, rounded to the cent, and the last payment "
            "settles the balance (an APR whose monthly interest rounds to $0.00 charges none)."
        )
    if prices is None:  # the model's notes are about its own bands
        out += list(pricing.assumptions)
    return out


def warnings(
    scenario: ResolvedScenario,
    pricing: PricingModel,
    visits: tuple[Visit, ...],
    networks: dict[str, Network],
    results: dict[str, list[ClaimResult]],
    payments: dict[str, list[Any]],
    plan: Plan,
    *,
    scaled: bool = True,
) -> list[Caution]:
    """What to check, each with a stable code. ``scaled``: the prices come from the model's
    bands × factors (not a clinic profile's own prices)."""
    out: list[Caution] = []
    route = pricing.routes[scenario.route]  # type: ignore[index]
    session = route.session
    if session.coverage == "not_covered":
        out.append(Caution("off_label", session.coverage_note))
    elif networks["induction"] != "self-pay":
        out.append(Caution("prior_authorization", session.coverage_note))
    if scaled and scenario.provider == "hospital":
        out += _hospital_warning(scenario, pricing, visits)
    in_network = "in-network" in networks.values()
    out_of_network = "out-of-network" in networks.values()
    if in_network or out_of_network:  # only a claimed visit meets a plan year or a cap
        insured = [v.date for v in visits if networks[v.kind] != "self-pay"]
        for year in plan_years(insured, plan.plan_year_start)[1:]:
            month, day = plan.plan_year_start
            reset = dt.date(year, month, day)
            out.append(
                Caution(
                    "plan_year_reset",
                    f"The course crosses a plan-year reset on {reset.isoformat()}: the deductible "
                    "and out-of-pocket maximum start again.",
                )
            )
        for visit, result in zip(visits, results["typical"], strict=True):
            if result.oop_reached:
                out.append(
                    Caution(
                        "oop_max_reached",
                        f"The out-of-pocket maximum is reached at visit {visit.number} "
                        f"({visit.date.isoformat()}, typical prices); covered care after it "
                        "costs you nothing more this plan year.",
                    )
                )
            if result.program_capped:
                out.append(
                    Caution(
                        "program_cap_reached",
                        f"The savings program's annual maximum is reached at visit "
                        f"{visit.number} ({visit.date.isoformat()}, typical prices).",
                    )
                )
    if (
        scenario.route == "spravato"
        and scenario.copay_program
        and scenario.plan_type != "commercial"
        and networks["induction"] != "self-pay"
    ):
        out.append(
            Caution(
                "program_ineligible",
                "The Spravato savings program is for commercial plans only, "
                f"not {scenario.plan_type}.",
            )
        )
    if (
        in_network
        and scenario.plan_type != "medicare"  # Part B's deductible and 20% are the defaults
        and all(getattr(scenario, name) is None for name in ("deductible", "coinsurance", "copay"))
    ):
        out.append(
            Caution(
                "plan_terms_missing",
                "No deductible, coinsurance or copay given: the plan is assumed to pay everything "
                "it covers. Give --deductible, --coinsurance or --copay to count your share.",
            )
        )
    missing = missing_oon_terms(scenario) if out_of_network else []
    if missing:
        names = ["--" + name.replace("_", "-") for name in missing]
        options = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        out.append(
            Caution(
                "oon_terms_missing",
                "The superbill's reimbursement is not counted: you pay the whole bill here. "
                f"Give {options} (ask your insurer) to count what the plan would pay back.",
            )
        )
    if scenario.coverage == "none":
        given = [FIELD_BY_NAME[name].option for name in PLAN_FIGURES
                 if getattr(scenario, name) is not None]  # fmt: skip
        given += ["--hdhp"] if scenario.hdhp else []
        given += [f"--plan-type {scenario.plan_type}"] if scenario.plan_type != "commercial" else []
        if given:
            out.append(
                Caution(
                    "plan_figures_ignored",
                    f"{', '.join(given)} {'is' if len(given) == 1 else 'are'} ignored: "
                    "--coverage none prices every visit as self-pay (drop it to apply the plan).",
                )
            )
    out += _account_warnings(scenario, pricing, visits, payments)
    return out


def _hospital_warning(
    scenario: ResolvedScenario, pricing: PricingModel, visits: tuple[Visit, ...]
) -> list[Caution]:
    """Hospital prices rest on few pages and partly repeat the location factor's city premium:
    say so wherever the hospital factor priced something (issue 11)."""
    quoted = scenario.session_price is not None
    scaled_kinds = {v.kind for v in visits} - ({"induction", "booster"} if quoted else set())
    if not scaled_kinds:  # a quote for every visit: the factor priced nothing
        return []
    factor = factor_text(pricing.providers[scenario.provider].factor.edges())  # type: ignore[index]
    if quoted:
        ask = ("Your quote prices the sessions; the evaluation and integration therapy still use "
               "the factor: ask the hospital for their prices too.")  # fmt: skip
    else:
        ask = "Ask the hospital for its self-pay price and give it with --session-price."
    return [
        Caution(
            "hospital_price_low_confidence",
            f"Hospital prices are low-confidence: the clinic band × a hospital factor of "
            f"{factor}, read from few published prices (hospitals rarely publish self-pay "
            f"prices, and part of a city hospital's premium is already in the location "
            f"factor). {ask}",
        )
    ]


def _account_warnings(
    scenario: ResolvedScenario,
    pricing: PricingModel,
    visits: tuple[Visit, ...],
    payments: dict[str, list[Any]],
) -> list[Caution]:
    out: list[Caution] = []
    limits = pricing.plan_limits
    start = scenario.start.year

    def figure(name: str, year: int) -> tuple[Decimal, str]:
        """The figure and the words for its year (saying when another year's is used)."""
        value, used = limits.figure(name, year)
        return value, (str(year) if used == year else f"{year} (not on file: {used}'s figure)")

    if scenario.fsa:
        fsa_limit, when = figure("fsa_limit", start)
        if scenario.fsa > fsa_limit:
            out.append(
                Caution(
                    "fsa_over_limit",
                    f"FSA funds of {format_money(scenario.fsa)} are above the {when} health "
                    f"FSA limit of {format_money(fsa_limit)} per employee.",
                )
            )
        end = dt.date(start, 12, 31)
        if visits and visits[-1].date > end:  # the course goes on past the FSA's year
            spent = sum(
                (p.fsa for v, p in zip(visits, payments["typical"], strict=True) if v.date <= end),
                ZERO,
            )
            left = scenario.fsa - spent
            if left > 0:
                carryover, _ = figure("fsa_carryover", start)
                lost = max(ZERO, left - carryover)
                out.append(
                    Caution(
                        "fsa_use_it_or_lose_it",
                        f"{format_money(left)} of FSA money is unspent at the end of {end.year} "
                        "while the course goes on: use it or lose it. At most "
                        f"{format_money(carryover)} carries over, so {format_money(lost)} is "
                        "counted as lost (typical prices); "
                        "spend it by December 31, or check whether your plan has a grace "
                        "period.",
                    )
                )
    if (scenario.fsa or scenario.hsa) and scenario.tax_rate is None and scenario.income is None:
        out.append(
            Caution(
                "tax_rate_missing",
                "FSA/HSA dollars are counted with no tax saving: give --income (your wages) or "
                "--tax-rate (your combined marginal rate) to count what they save.",
            )
        )
    if scenario.hsa:
        out += [
            Caution(code, text) for code, text in hsa_warnings(scenario, pricing, visits, payments)
        ]
    if scenario.hdhp:
        out += _hdhp_warnings(scenario, visits, figure)
    return out


def _hdhp_warnings(
    scenario: ResolvedScenario, visits: tuple[Visit, ...], figure: Any
) -> list[Caution]:
    """Each plan year of the course against that year's IRS limits for an HSA-qualified HDHP
    (26 USC 223(c)(2)): a minimum deductible and a maximum out-of-pocket."""
    out: list[Caution] = []
    month, day = (int(part) for part in scenario.plan_year_start.split("-"))
    years = plan_years([scenario.start] + [v.date for v in visits], (month, day))
    low = []
    high = []
    for year in years:
        least, when = figure("hdhp_min_deductible_self", year)
        family, _ = figure("hdhp_min_deductible_family", year)
        if scenario.deductible is None or scenario.deductible < least:
            low.append(f"{format_money(least)} for plan years beginning in {when} "
                       f"(family {format_money(family)})")  # fmt: skip
        most, when = figure("hdhp_oop_max_self", year)
        if scenario.oop_max is not None and scenario.oop_max > most:
            high.append(f"{format_money(most)} for plan years beginning in {when}")
    if low:
        # with no --deductible the plan is taken to have none: say so first
        missing = "--hdhp without --deductible: the deductible is taken as $0.00. " * (
            scenario.deductible is None
        )
        out.append(
            Caution(
                "hdhp_deductible_low",
                missing
                + "An HSA-eligible HDHP needs a self-only deductible of at least "
                + "; ".join(low)
                + ".",
            )
        )
    if high:
        out.append(
            Caution(
                "hdhp_oop_max_high",
                f"An out-of-pocket maximum of {format_money(scenario.oop_max or ZERO)} is above "
                "what an HSA-eligible HDHP may have (self-only): " + "; ".join(high) + ".",
            )
        )
    return out
