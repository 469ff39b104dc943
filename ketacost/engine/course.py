"""The course: dated visits from the route's protocol and the scenario's counts.

Deterministic given the start date: the evaluation (if any) on the start date, the first session
``evaluation_lead_days`` later, induction sessions spread evenly through each week, boosters at the
protocol's spacing after the last induction session, and each integration session the day after a
dosing session (weekly after the last one when there are more integration than dosing sessions).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, NamedTuple

from ..rules.model import RouteSpec

VisitKind = Literal["consult", "induction", "booster", "integration"]
_KIND_ORDER = {"consult": 0, "induction": 1, "booster": 2, "integration": 3}


class Visit(NamedTuple):
    """One dated visit of the course."""

    number: int
    date: dt.date
    kind: VisitKind


def induction_days(first: int, sessions: int, per_week: int) -> list[int]:
    """``sessions`` days from day ``first``, ``per_week`` a week on evenly spread weekdays."""
    offsets = [7 * i // per_week for i in range(per_week)]  # 2 a week: days 0 and 3
    return [first + 7 * (k // per_week) + offsets[k % per_week] for k in range(sessions)]


def booster_days(after: int, boosters: int, every_weeks: int, route: RouteSpec) -> list[int]:
    """Boosters after day ``after``: the protocol's fixed phases first, then every
    ``every_weeks``."""
    spacings: list[int] = []
    for phase in route.protocol.booster_phases:
        spacings += [phase.every_weeks] * phase.sessions
    days: list[int] = []
    current = after
    for k in range(boosters):
        current += 7 * (spacings[k] if k < len(spacings) else every_weeks)
        days.append(current)
    return days


def build_course(
    route: RouteSpec,
    *,
    start: dt.date,
    consult: bool,
    sessions: int,
    boosters: int,
    booster_every: int,
    integration: int,
) -> tuple[Visit, ...]:
    """Every visit of the course, in date order, numbered from 1."""
    # Days are counted as ordinals (dt.date.toordinal): whole-day arithmetic on ints is exact
    # and much cheaper than on dates. Sorting (day, kind's place in the course order, kind)
    # sorts by date, then kind (equal keys are equal visits).
    protocol = route.protocol
    first = start.toordinal()
    dated: list[tuple[int, int, VisitKind]] = []
    first_session = first
    if consult:
        dated.append((first, _KIND_ORDER["consult"], "consult"))
        first_session = first + protocol.evaluation_lead_days
    dosing = induction_days(first_session, sessions, protocol.sessions_per_week)
    order = _KIND_ORDER["induction"]
    dated += [(day, order, "induction") for day in dosing]
    boost = booster_days(dosing[-1], boosters, booster_every, route) if dosing else []
    order = _KIND_ORDER["booster"]
    dated += [(day, order, "booster") for day in boost]
    dosing_days = dosing + boost
    order = _KIND_ORDER["integration"]
    for k in range(integration):  # the day after a dosing session, then weekly after the last
        if k < len(dosing_days):
            day = dosing_days[k] + 1
        else:
            day = dosing_days[-1] + 1 + 7 * (k - len(dosing_days) + 1)
        dated.append((day, order, "integration"))
    dated.sort()
    date = dt.date.fromordinal
    return tuple([Visit(n, date(day), kind) for n, (day, _, kind) in enumerate(dated, start=1)])


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover
