"""The scenario: every input of an estimate, validated, with defaults filled in.

:func:`parse_scenario` checks raw values (text from the command line, or YAML/JSON values)
against the fields of :mod:`.fields` and the pricing model, stops at the first problem naming
the field, and returns a :class:`ResolvedScenario` with every default filled in.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, NamedTuple

from ..core.errors import InputError
from ..core.memo import Memo
from ..rules.model import (
    PricingModel,
    StateFactor,
    Territory,
)
from .fields import (
    FIELD_BY_NAME,
    FIELDS,
    IN_NETWORK_FIGURES,
    OON_FIGURES,
    PLAN_FIGURES,
    did_you_mean_field,
)
from .values import _fail, _show, convert


class ResolvedScenario(NamedTuple):
    """Every input of one estimate, validated; defaults filled in (None: not given)."""

    route: str
    provider: str
    location: str
    sessions: int
    boosters: int
    booster_every: int
    start: dt.date
    session_price: Decimal | None
    consult: bool
    integration: int
    coverage: str
    plan_type: str
    deductible: Decimal | None
    deductible_met: Decimal | None
    coinsurance: Decimal | None
    copay: Decimal | None
    oop_max: Decimal | None
    oop_met: Decimal | None
    hdhp: bool
    plan_year_start: str
    oon_deductible: Decimal | None
    oon_deductible_met: Decimal | None
    oon_coinsurance: Decimal | None
    oon_allowed: Decimal | None
    oon_oop_max: Decimal | None
    oon_oop_met: Decimal | None
    copay_program: bool
    reimbursement_days: int
    accumulator: bool
    fsa: Decimal | None
    hsa: Decimal | None
    tax_rate: Decimal | None
    income: Decimal | None
    filing: str
    children: int
    spouse_income: Decimal | None
    state_tax_rate: Decimal | None
    hsa_direct: bool
    hsa_balance: Decimal | None
    hsa_coverage: str
    hsa_catch_up: bool
    finance_months: int | None
    apr: Decimal | None
    # the location as typed (`60614`), which `location` resolves (`IL`): shown on every page
    location_as_given: str | None = None

    @property
    def has_plan(self) -> bool:
        """True when any plan figure was given (``--coverage auto`` then uses the plan)."""
        return (
            self.hdhp
            or self.plan_type != "commercial"
            or any(getattr(self, name) is not None for name in PLAN_FIGURES)
        )

    @property
    def has_oon_terms_only(self) -> bool:
        """True when out-of-network figures are given and no in-network ones."""
        return all(getattr(self, n) is None for n in IN_NETWORK_FIGURES) and any(
            getattr(self, n) is not None for n in OON_FIGURES
        )

    @property
    def state(self) -> str | None:
        """The two-letter state of the location, or None for the national price level."""
        return None if self.location == "US" else self.location


assert list(ResolvedScenario._fields) == [f.name for f in FIELDS] + ["location_as_given"]


def parse_scenario(
    values: dict[str, Any],
    pricing: PricingModel,
    today: dt.date,
    labels: dict[str, str] | None = None,
    *,
    options: bool = True,
) -> ResolvedScenario:
    """Check raw inputs and fill in defaults. ``labels`` name each field in error messages
    (e.g. ``--coinsurance`` for a command-line value); unnamed fields use their snake_case name.
    ``options``: a message that points to another field names its command-line option too
    (``needs income (--income)``); the Python API says only the field's name.
    """
    labels = labels or {}
    unknown = sorted(set(values) - set(FIELD_BY_NAME))
    if unknown:
        where = labels.get(unknown[0], unknown[0][:40])
        hint = did_you_mean_field(unknown[0])
        known = " (known keys: `ketacost schema scenario`)" if options else ""
        raise InputError(
            f"{where}: unknown key {_show(unknown[0])}{hint}{known}",
            field=where,
        )
    out: dict[str, Any] = {}
    for spec in FIELDS:
        raw = values.get(spec.name)
        label = labels.get(spec.name, spec.name)
        out[spec.name] = spec.default if raw is None else convert(spec, raw, label)
    return _resolve(out, pricing, today, labels, options)


def resolve_location(text: str, pricing: PricingModel) -> str | None:
    """``US``, a state code or name, or a ZIP (``94110``, ``94110-1234``) → state code or US.

    Remembered per pricing model: a batch names the same few hundred places again and again,
    and a ZIP is looked up through every state's name and prefix ranges."""
    return _PLACES.recall((text,), (pricing,), _resolve_location, text, pricing)


_PLACES: Memo[str | None] = Memo(4096)


def _resolve_location(text: str, pricing: PricingModel) -> str | None:
    cleaned = " ".join(text.strip().split())
    upper = cleaned.upper()
    if upper in ("US", "USA", "UNITED STATES", "NATIONAL"):
        return "US"
    states = pricing.locations.states
    places: dict[str, Territory | StateFactor] = {**pricing.locations.territories, **states}
    if upper in places:
        return upper
    for code, place in places.items():
        if place.name.upper().removeprefix("THE ") == upper.removeprefix("THE "):
            return code
    if re.fullmatch(r"\d{5}(-\d{4})?", cleaned):
        return pricing.locations.state_for_zip(cleaned[:5])
    return None


def _resolve(
    out: dict[str, Any],
    pricing: PricingModel,
    today: dt.date,
    labels: dict[str, str],
    options: bool,
) -> ResolvedScenario:
    def label(name: str) -> str:
        return labels.get(name, name)

    route = out["route"]
    if route not in pricing.routes:
        raise _fail(label("route"), f"the pricing model has no {route!r} route")
    spec = pricing.routes[route]
    provider = out["provider"] or spec.default_provider
    offered = pricing.providers.get(provider)
    if offered is None:
        raise _fail(label("provider"), f"the pricing model has no {provider!r} provider")
    if route not in offered.routes:
        where = ", ".join(p for p, s in pricing.providers.items() if route in s.routes)
        raise _fail(
            label("provider"), f"{provider} does not offer {route} (offered by: {where or 'none'})"
        )
    out["provider"] = provider
    location = resolve_location(out["location"], pricing)
    zip_like = re.fullmatch(r"\d{5}(-\d{4})?", out["location"].strip())
    if location is None and zip_like and not pricing.locations.zip_exists(zip_like.group()[:5]):
        raise _fail(
            label("location"),
            f"{out['location'].strip()!r} is not a US ZIP code (no such ZIP): check it, or "
            "give the state (IL) or US",
        )
    if location is None:
        raise _fail(
            label("location"),
            f"unknown location {out['location']!r}: use US, a state code or name, or a US ZIP",
        )
    territory = pricing.locations.territories.get(location)
    if territory is not None:
        raise _fail(
            label("location"),
            f"{out['location']!r} ({territory.name}) is not priced: US territories and "
            "military post offices have no regional price parity (give a state, or US)",
        )
    out["location_as_given"] = " ".join(str(out["location"]).split())[:100]
    out["location"] = location
    if out["sessions"] is None:
        out["sessions"] = spec.protocol.induction_sessions
    if out["booster_every"] is None:
        out["booster_every"] = spec.protocol.booster_every_weeks
    if out["start"] is None:
        out["start"] = today
    check_together(out, label, options)
    return ResolvedScenario(**out)


def check_together(out: dict[str, Any], label: Callable[[str], str], options: bool) -> None:
    """The checks of fields against each other that need no pricing model: an amount met is
    within its total, a deductible within its out-of-pocket maximum, a spouse's wages within a
    joint return's income, an APR with a loan. ``options``: name the command-line option of a
    field a message points to (see :func:`parse_scenario`)."""

    def refer(name: str, value: str | None = None) -> str:
        option = "--" + name.replace("_", "-") + ("" if value is None else f" {value}")
        if value is None:
            return f"{name} ({option})" if options else name
        return option if options else f"{name} {value}"

    _check_met("deductible_met", "deductible", out, label, refer)
    _check_met("oop_met", "oop_max", out, label, refer)
    _check_met("oon_deductible_met", "oon_deductible", out, label, refer)
    _check_met("oon_oop_met", "oon_oop_max", out, label, refer)
    for small, big in (("deductible", "oop_max"), ("oon_deductible", "oon_oop_max")):
        if out[small] is not None and out[big] is not None and out[small] > out[big]:
            raise _fail(
                label(big), f"{out[big]} is below the {small.replace('_', ' ')} {out[small]}"
            )
    for met, oop in (("deductible_met", "oop_met"), ("oon_deductible_met", "oon_oop_met")):
        if out[met] is not None and out[oop] is not None and out[oop] < out[met]:
            raise _fail(  # what was paid toward the deductible counts toward the OOP maximum
                label(oop),
                f"{out[oop]} is less than the {met.replace('_', ' ')} {out[met]}, which counts "
                "toward it",
            )
    _check_household(out, label, refer)
    if out["apr"] is not None and out["finance_months"] is None:
        raise _fail(label("apr"), f"needs {refer('finance_months')}")
    if out["finance_months"] is not None and out["apr"] is None:
        where = label("apr")
        if where == "apr" and label("finance_months") != "finance_months":  # from the CLI
            where = "--apr"  # named as an option though not given
        raise _fail(where, apr_needed(label("finance_months"), refer("apr", "0")))


def apr_needed(months: str, interest_free: str) -> str:
    """A loan without a rate is an error, never a silent 0% (issue 23)."""
    return (
        f"needed with {months}: the loan's annual rate "
        f"(say {interest_free} for an interest-free plan)"
    )


def _check_household(out: dict[str, Any], label: Any, refer: Any) -> None:
    """The spouse's wages are part of a joint return's income, never more than it."""
    spouse = out["spouse_income"]
    if spouse is None:
        return
    if out["filing"] != "joint":
        raise _fail(
            label("spouse_income"),
            f"is for joint filers ({refer('filing', 'joint')}), not {out['filing']}",
        )
    if out["income"] is None:
        raise _fail(label("spouse_income"), f"needs {refer('income')}, the household's wages")
    if spouse > out["income"]:
        raise _fail(
            label("spouse_income"), f"{spouse} is more than the household income {out['income']}"
        )


def _check_met(met: str, total: str, out: dict[str, Any], label: Any, refer: Any) -> None:
    if out[met] is None:
        return
    if out[total] is None:
        raise _fail(label(met), f"needs {refer(total)} too")
    if out[met] > out[total]:
        raise _fail(
            label(met), f"{out[met]} is more than the {total.replace('_', ' ')} {out[total]}"
        )
