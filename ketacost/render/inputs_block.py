"""What every page repeats (issue 23): the inputs given, so a printed page can be checked, and
the money's path in a sentence: what is paid at the visits, what comes back and when, and what
a loan's interest adds. Written once for the table, Markdown and HTML."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ..core.money import format_money
from ..inputs.fields import FIELDS, FieldSpec
from ..inputs.scenario import ResolvedScenario

# The option groups a page repeats: the plan, out-of-network terms, accounts and household, loan
_REPEATED = ("Plan", "Out-of-network", "Accounts and taxes", "Financing")


def location_text(scenario: ResolvedScenario) -> str:
    """The location as typed, with the state it resolves to: ``60614 (IL)``, ``IL``, ``US``."""
    typed = scenario.location_as_given or scenario.location
    return typed if typed.upper() == scenario.location else f"{typed} ({scenario.location})"


def _value_text(spec: FieldSpec, value: Any) -> str:
    if spec.kind == "money":
        return format_money(value)
    if spec.kind == "percent":
        return f"{value}%"
    return str(value)


def _shown(spec: FieldSpec, value: Any, scenario: ResolvedScenario) -> bool:
    """A figure given (not the default), and the settings a given figure depends on."""
    if value is None:
        return False
    if spec.name == "filing":  # the filing status shapes what an income saves
        return scenario.income is not None
    if spec.name == "accumulator":  # stated wherever a plan applies (--accumulator or not)
        return scenario.has_plan and scenario.coverage != "none"
    if spec.name == "reimbursement_days":
        return scenario.coverage == "out-of-network" or value != spec.default
    return bool(value != spec.default)


def given_inputs(scenario: ResolvedScenario) -> list[tuple[str, str]]:
    """``(option, value)`` of the location and every plan, account, household and financing
    figure given, in the order of ``--help``."""
    rows = [("--location", location_text(scenario))]
    for spec in FIELDS:
        if spec.group not in _REPEATED:
            continue
        value = getattr(scenario, spec.name, None)
        if not _shown(spec, value, scenario):
            continue
        if spec.kind == "flag":  # --hdhp, --accumulator / --no-accumulator
            rows.append((spec.option if value else (spec.flag_off or spec.option), ""))
        else:
            rows.append((spec.option, _value_text(spec, value)))
    return rows


def inputs_line(scenario: ResolvedScenario) -> str:
    """``Your inputs: --location 60614 (IL) · --deductible $3,000.00 · …``."""
    pairs = given_inputs(scenario)
    return "Your inputs: " + " · ".join(f"{option} {value}".strip() for option, value in pairs)


def _month_name(month: str) -> str:
    return dt.date.fromisoformat(month + "-01").strftime("%b %Y")


def money_path_text(est: Any) -> str | None:
    """What is paid at the visits and what comes back when (typical prices), or None when
    nothing is paid back: ``Paid at the visits $3,805.92; back from the plan $770.14 in Mar
    2027 (45 days after each visit)``."""
    t = est.totals
    if not t.reimbursed.typical:
        return None
    back = [(m.month, m.reimbursed.typical) for m in est.cashflow if m.reimbursed.typical]
    when = ", ".join(f"{format_money(amount)} in {_month_name(month)}" for month, amount in back)
    days = est.scenario.reimbursement_days
    return (
        f"Paid at the visits {format_money(t.paid_at_visits.typical)}; back from the plan "
        f"{when} ({days} days after each visit)"
    )


def total_cost_text(est: Any) -> str | None:
    """``Total cost $4,235.40 with $385.40 of loan interest`` when financed, else None."""
    t = est.totals
    if est.financing is None:
        return None
    interest: Decimal = t.financing_interest.typical
    return (
        f"Total cost {format_money(t.total_cost.typical)} with {format_money(interest)} of "
        "loan interest"
    )


def comparison_inputs_line(result: Any) -> str | None:
    """The inputs a comparison's rows share (not the location when the rows vary it)."""
    scenario = result.scenario
    if scenario is None:
        return None
    pairs = given_inputs(scenario)
    if result.basis.startswith("locations"):
        pairs = [(option, value) for option, value in pairs if option != "--location"]
    if not pairs:
        return None
    return "Your inputs: " + " · ".join(f"{option} {value}".strip() for option, value in pairs)
