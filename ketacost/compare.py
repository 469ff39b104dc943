"""Side-by-side estimates: routes (default), providers or locations, under one plan.

Fairness: by default each route gets its standard first course (the protocol's induction plus its
standard boosters: Spravato's label runs 8 weeks, IV 6 infusions); counts the user gives apply to
every row. With ``months`` every option instead runs its protocol, boosters included, for the same
number of months from the same start, so a long protocol is not penalised for being long.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from .clinic import ClinicProfile, course_values
from .course import add_months, build_course
from .errors import InputError
from .estimate import Estimate, Totals, estimate
from .model import PricingModel
from .notes import Warning
from .scenario import MAX_COUNT, FieldSpec, convert, parse_scenario

MAX_MONTHS = 24  # two years of boosters is as far as a comparison of protocols goes
MONTHS = FieldSpec("months", "count", "Months of each protocol to compare.", low=1,
                   high=MAX_MONTHS)  # fmt: skip


class Row(NamedTuple):
    route: str
    provider: str
    location: str
    label: str
    sessions: int
    visits: int
    totals: Totals
    warnings: tuple[Warning, ...]


class Comparison(NamedTuple):
    schema_version: int
    basis: str
    rows: tuple[Row, ...]


def _within_months(
    values: dict[str, Any],
    pricing: PricingModel,
    today: dt.date,
    months: int,
    labels: dict[str, str],
) -> dict[str, Any]:
    """Session and booster counts that fill ``months`` months of the route's protocol."""
    probe = parse_scenario({**values, "boosters": MAX_COUNT}, pricing, today, labels)
    horizon = add_months(probe.start, months)
    route = pricing.routes[probe.route]  # type: ignore[index]
    visits = build_course(
        route, start=probe.start, consult=probe.consult, sessions=probe.sessions,
        boosters=MAX_COUNT, booster_every=probe.booster_every, integration=0,
    )  # fmt: skip
    inside = [v for v in visits if v.date < horizon]
    sessions = sum(1 for v in inside if v.kind == "induction")
    boosters = sum(1 for v in inside if v.kind == "booster")
    if sessions == 0:
        raise InputError(f"--months: {months} month(s) hold no session", field="--months")
    return {**values, "sessions": sessions, "boosters": boosters}


def compare(
    values: dict[str, Any],
    pricing: PricingModel,
    today: dt.date,
    *,
    providers: list[str] | None = None,
    locations: list[str] | None = None,
    months: str | int | None = None,
    labels: dict[str, str] | None = None,
    clinic: ClinicProfile | None = None,
) -> Comparison:
    """Estimate each option under the same plan and accounts; rows sorted by typical net cost.

    ``months`` (1 to :data:`MAX_MONTHS`) compares the first months of each protocol instead.
    With a ``clinic`` profile, the routes it prices at its own prices.
    """
    span: int | None = None if months is None else convert(MONTHS, months, "--months")
    if providers and locations:
        raise InputError("give --providers or --locations, not both", field="--providers")
    variants: list[dict[str, Any]]
    labels = dict(labels or {})
    if clinic is not None:
        if providers:
            raise InputError("--providers: with --clinic the clinic is the provider",
                             field="--providers")  # fmt: skip
        values = course_values(values, clinic, labels, route=values.get("route") is not None)
    if providers:
        variants = [{**values, "provider": p} for p in providers]
        labels["provider"] = "--providers"
        basis = "providers"
    elif locations:
        variants = [{**values, "location": loc} for loc in locations]
        labels["location"] = "--locations"
        basis = "locations"
    else:
        basis = "routes"
        for name in ("route", "provider", "session_price"):
            if values.get(name) is not None:
                option = labels.get(name, name)
                raise InputError(
                    f"{option}: compare sets each route's own {name.replace('_', ' ')}; use "
                    "`estimate` for one route, or --providers / --locations with --route",
                    field=option,
                )
        variants = []
        for name, route in pricing.routes.items():
            if clinic is not None and name not in clinic.prices:
                continue
            variant = {**values, "route": name, "provider": None}
            variant.setdefault("sessions", route.protocol.induction_sessions)
            variant.setdefault("boosters", route.protocol.standard_boosters)
            variants.append(variant)
    rows = []
    for variant in variants:
        if span is not None:
            variant = _within_months(variant, pricing, today, span, labels)
        scenario = parse_scenario(variant, pricing, today, labels)
        result: Estimate = estimate(scenario, pricing, clinic=clinic)
        dosing = sum(1 for v in result.visits if v.kind in ("induction", "booster"))
        route = pricing.routes[scenario.route]  # type: ignore[index]
        rows.append(
            Row(scenario.route, scenario.provider, scenario.location, route.label, dosing,
                len(result.visits), result.totals, result.warnings)
        )  # fmt: skip
    rows.sort(key=lambda r: (r.totals.net_cost.typical, r.route, r.provider, r.location))
    if span is not None:
        basis += f", first {span} month(s) of each protocol"
    else:
        basis += ", standard first course" if basis == "routes" else ""
    return Comparison(1, basis, tuple(rows))
