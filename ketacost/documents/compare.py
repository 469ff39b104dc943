"""Side-by-side estimates: routes (default), providers or locations, under one plan.

Fairness: each row gets the same course ``estimate`` would give it with the same options (by
default the route's protocol induction: IV 6 infusions, Spravato the label's 8 twice-weekly
sessions), so a row and the matching ``estimate`` agree to the cent; counts the user gives apply
to every row. With ``months`` every option instead runs its protocol, boosters included, for the
same number of months from the same start, so a long protocol is not penalised for being long.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal, NamedTuple

from ..core.errors import InputError
from ..core.money import ZERO, format_money
from ..core.words import did_you_mean, plural
from ..engine.course import add_months, build_course
from ..engine.estimate import Estimate, Totals, estimate
from ..engine.notes import Caution
from ..inputs.clinic import ClinicProfile, course_values, route_for
from ..inputs.fields import MAX_COUNT, FieldSpec
from ..inputs.scenario import ResolvedScenario, parse_scenario
from ..inputs.values import convert
from ..rules import Rules
from ..rules.model import PricingModel, RouteSpec

MAX_MONTHS = 24  # two years of boosters is as far as a comparison of protocols goes
WEEKS_A_YEAR = 52  # break-even: boosters are compared up to a year of them
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
    warnings: tuple[Caution, ...]
    location_input: str  # the location as typed (`10001`), resolved in `location` (`NY`)


class BreakEven(NamedTuple):
    """From ``at`` sessions or boosters on, route ``cheaper`` costs less than ``dearer``."""

    axis: Literal["boosters", "sessions"]
    at: int
    cheaper: str
    dearer: str
    cheaper_cost: Decimal  # typical net cost of each route at ``at``
    dearer_cost: Decimal
    until: int | None  # the count at which the order flips back, if it does within the range
    searched: int  # counts 0 (boosters) or 1 (sessions) to this were compared


class Comparison(NamedTuple):
    schema_version: int
    basis: str
    rows: tuple[Row, ...]
    break_even: tuple[BreakEven, ...] = ()
    warnings: tuple[Caution, ...] = ()  # about the comparison as a whole (courses_differ)
    scenario: ResolvedScenario | None = None  # the inputs the rows share (the first row's)


def _within_months(
    values: dict[str, Any],
    pricing: PricingModel,
    today: dt.date,
    months: int,
    labels: dict[str, str],
    options: bool = True,
) -> dict[str, Any]:
    """Session and booster counts that fill ``months`` months of the route's protocol."""
    probe = parse_scenario({**values, "boosters": MAX_COUNT}, pricing, today, labels,
                           options=options)  # fmt: skip
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
        where = "--months" if options else "months"
        raise InputError(f"{where}: {plural(months, 'month')} hold no session", field=where)
    return {**values, "sessions": sessions, "boosters": boosters}


def _refuse_single(values: dict[str, Any], labels: dict[str, str], name: str, many: str) -> None:
    """``--location`` next to ``--locations`` would be silently replaced: refuse it."""
    if values.get(name) is not None:
        option = labels.get(name, name)
        raise InputError(
            f"{option}: {many} sets the {name} of each row; put it in the {many} list instead",
            field=option,
        )


def compare(
    values: dict[str, Any],
    rules: Rules,
    today: dt.date,
    *,
    providers: list[str] | None = None,
    locations: list[str] | None = None,
    months: str | int | None = None,
    labels: dict[str, str] | None = None,
    clinic: ClinicProfile | None = None,
    routes: list[str] | None = None,
    options: bool = True,
) -> Comparison:
    """Estimate each option under the same plan and accounts; rows sorted by typical net cost.

    ``months`` (1 to :data:`MAX_MONTHS`) compares the first months of each protocol instead.
    With a ``clinic`` profile, the routes it prices at its own prices. ``options``: messages
    name the command line's options (``--routes``); the Python API's say ``routes``.
    """
    pricing = rules.pricing
    opt = {name: ("--" if options else "") + name
           for name in ("routes", "providers", "locations", "months", "clinic")}  # fmt: skip
    span: int | None = None if months is None else convert(MONTHS, months, opt["months"])
    chosen = [opt[name] for name, given in (("routes", routes), ("providers", providers),
                                            ("locations", locations)) if given]  # fmt: skip
    if len(chosen) > 1:
        raise InputError(f"give one of {', '.join(chosen)}, not both", field=chosen[1])
    variants: list[dict[str, Any]]
    labels = dict(labels or {})
    if clinic is not None:
        if providers:
            raise InputError(f"{opt['providers']}: with {opt['clinic']} the clinic is the "
                             "provider", field=opt["providers"])  # fmt: skip
        typed_location = values.get("location") is not None
        values = course_values(values, clinic, labels, route=values.get("route") is not None)
        if locations and not typed_location:  # the rows' locations, not the clinic's state
            values = {**values, "location": None}
    if providers:
        _refuse_single(values, labels, "provider", opt["providers"])
        variants = [{**values, "provider": p} for p in providers]
        labels["provider"] = opt["providers"]
        basis = "providers"
    elif locations:
        _refuse_single(values, labels, "location", opt["locations"])
        variants = [{**values, "location": loc} for loc in locations]
        labels["location"] = opt["locations"]
        basis = "locations"
    else:
        basis = "routes"
        for name in ("route", "provider", "session_price"):
            if values.get(name) is not None:
                option = labels.get(name, name)
                how = ("`estimate` for one route, --routes A,B for some, or --providers / "
                       "--locations with --route") if options else (
                       "estimate() for one route, routes=[...] for some, or providers= / "
                       "locations= with route=")  # fmt: skip
                raise InputError(
                    f"{option}: compare sets each route's own {name.replace('_', ' ')}; use "
                    f"{how}",
                    field=option,
                )
        for name in routes or ():
            if name.lower() not in pricing.routes:
                raise InputError(
                    f"{opt['routes']}: the pricing model has no {name!r} route"
                    f"{did_you_mean(name, pricing.routes)}; routes: {', '.join(pricing.routes)}",
                    field=opt["routes"],
                )
        names = list(dict.fromkeys(n.lower() for n in routes)) if routes else list(pricing.routes)
        if clinic is not None and routes:  # each route asked for must be one the clinic prices
            for name in names:
                route_for(clinic, name, opt["routes"])
        elif clinic is not None:  # by default, the routes the clinic prices
            names = [name for name in names if name in clinic.prices]
        variants = [{**values, "route": name, "provider": None} for name in names]
        labels["route"] = opt["routes"]
    rows = []
    lengths: set[tuple[int, int]] = set()  # (dosing sessions, days first to last visit)
    first: ResolvedScenario | None = None
    by_route: dict[str, ResolvedScenario] = {}
    for variant in variants:
        if basis == "routes":
            by_route[variant["route"]] = parse_scenario(variant, pricing, today, labels,
                                                        options=options)  # fmt: skip
        if span is not None:
            variant = _within_months(variant, pricing, today, span, labels, options)
        scenario = parse_scenario(variant, pricing, today, labels, options=options)
        result: Estimate = estimate(scenario, rules, clinic=clinic)
        dosing = sum(1 for v in result.visits if v.kind in ("induction", "booster"))
        first = first or scenario
        days = dt.date.fromisoformat(result.visits[-1].date) - scenario.start
        lengths.add((dosing, days.days))
        route = pricing.routes[scenario.route]  # type: ignore[index]
        rows.append(
            Row(scenario.route, scenario.provider, scenario.location, route.label, dosing,
                len(result.visits), result.totals, result.warnings,
                str(variant.get("location", scenario.location)).strip())
        )  # fmt: skip
    rows.sort(key=lambda r: (r.totals.net_cost.typical, r.route, r.provider, r.location))
    if span is not None:
        basis += f", first {plural(span, 'month')} of each protocol"
    cautions = () if span is not None else _courses_differ(lengths)
    return Comparison(1, basis, tuple(rows), break_evens(by_route, rules, clinic), cautions,
                      first)  # fmt: skip


def _courses_differ(lengths: set[tuple[int, int]]) -> tuple[Caution, ...]:
    """A caution when the compared courses differ in length: a short course looks cheap. The
    document says the option (as the estimate's notes do), the same from the Python API."""
    if len(lengths) < 2:
        return ()
    sessions = sorted({n for n, _ in lengths})
    weeks = sorted({-(-days // 7) for _, days in lengths})  # whole weeks, rounded up

    def spread(values: list[int]) -> str:
        return str(values[0]) if len(values) == 1 else f"{values[0]} to {values[-1]}"

    return (
        Caution(
            "courses_differ",
            f"The compared courses differ in length ({spread(sessions)} sessions over "
            f"{spread(weeks)} weeks): --months N compares the same months of each protocol.",
        ),
    )


def _year_of_boosters(route: RouteSpec) -> int:
    """How many boosters fit in the year after the induction at the protocol's spacing."""
    weeks, count = 0, 0
    for phase in route.protocol.booster_phases:
        for _ in range(phase.sessions):
            if weeks + phase.every_weeks > WEEKS_A_YEAR:
                return count
            weeks, count = weeks + phase.every_weeks, count + 1
    return count + (WEEKS_A_YEAR - weeks) // route.protocol.booster_every_weeks


def _costs_by_count(
    scenario: ResolvedScenario, rules: Rules, axis: str, top: int, clinic: ClinicProfile | None
) -> list[Decimal]:
    """Typical net cost of the course with 0..top boosters (or 1..top sessions, no boosters).

    Visits are adjudicated in date order and boosters (sessions) come last, so a course with k
    of them is the first visits of the course with ``top``: one estimate gives every count. That
    holds while nothing is owed on the totals alone: with tax savings or integration sessions
    (dated after the dosing), each count is estimated on its own.
    """
    full = (scenario._replace(boosters=top) if axis == "boosters"
            else scenario._replace(sessions=top, boosters=0))  # fmt: skip
    result = estimate(full, rules, clinic=clinic)
    if result.totals.tax_savings.typical or scenario.integration:
        counts = range(top + 1) if axis == "boosters" else range(1, top + 1)
        changes: list[dict[str, Any]] = [{axis: k} for k in counts]
        return [
            estimate(full._replace(**change), rules, clinic=clinic).totals.net_cost.typical
            for change in changes
        ]
    kind = "booster" if axis == "boosters" else "induction"
    costs, running = [], ZERO
    for visit in result.visits:
        if visit.kind == kind:
            costs.append(running)  # the cost before this visit: the course with one fewer
        running += visit.patient_pays.typical
    costs.append(running)
    return costs if axis == "boosters" else costs[1:]


def break_evens(
    scenarios: dict[str, ResolvedScenario], rules: Rules, clinic: ClinicProfile | None = None
) -> tuple[BreakEven, ...]:
    """Where two routes under the same plan trade places as boosters (or sessions) are added.

    Boosters: each route's own induction, then the same number of boosters, 0 up to a year of
    boosters of the most frequent protocol. Sessions (when no route has boosters): 1 up to the
    longest induction. The first count at which the cheaper route changes, for each pair.
    """
    if len(scenarios) < 2:
        return ()
    pricing = rules.pricing
    found: list[BreakEven] = []
    no_boosters = all(s.boosters == 0 for s in scenarios.values())
    axes: list[tuple[Literal["boosters", "sessions"], int, int]] = [
        ("boosters", max(_year_of_boosters(pricing.routes[r]) for r in scenarios), 0)  # type: ignore[index]
    ]
    if no_boosters:
        axes.append(("sessions", max(s.sessions for s in scenarios.values()), 1))
    for axis, top, first in axes:
        costs = {r: _costs_by_count(s, rules, axis, top, clinic) for r, s in scenarios.items()}
        routes = sorted(scenarios)
        for i, a in enumerate(routes):
            for b in routes[i + 1 :]:
                crossing = _first_crossing(costs[a], costs[b])
                if crossing is None:
                    continue
                k, back = crossing
                cheaper, dearer = (a, b) if costs[a][k] < costs[b][k] else (b, a)
                found.append(
                    BreakEven(axis, k + first, cheaper, dearer, costs[cheaper][k],
                              costs[dearer][k], None if back is None else back + first,
                              top)
                )  # fmt: skip
    found.sort(key=lambda e: (e.axis != "boosters", e.at, e.cheaper, e.dearer))
    return tuple(found)


def describe(e: BreakEven) -> str:
    """A break-even in words: ``With 7 or more boosters each, spravato costs less than oral …``."""
    what = ("boosters after each route's induction" if e.axis == "boosters"
            else "induction sessions (no boosters)")  # fmt: skip
    text = (
        f"With {e.at} or more {what}, {e.cheaper} costs less than {e.dearer} "
        f"({format_money(e.cheaper_cost)} vs {format_money(e.dearer_cost)} at {e.at})"
    )
    if e.until is not None:
        text += f", until {e.until}"
    return text + f"; compared up to {e.searched}."


def _first_crossing(a: list[Decimal], b: list[Decimal]) -> tuple[int, int | None] | None:
    """The first index where the cheaper of ``a`` and ``b`` changes (ties change nothing), and
    the index where it changes back, if it does."""

    def sign(k: int) -> int:
        return (a[k] > b[k]) - (a[k] < b[k])

    order = sign(0)
    for k in range(1, len(a)):
        now = sign(k)
        if now and now != order:
            if order == 0:  # tied so far: the first difference is the order, not a crossing
                order = now
                continue
            for j in range(k + 1, len(a)):
                if sign(j) == order:
                    return k, j
            return k, None
    return None
