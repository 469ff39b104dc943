"""The course: dated visits from the route's protocol and the scenario's counts.

Deterministic given the start date: the evaluation (if any) on the start date, the first session
``evaluation_lead_days`` later, induction sessions spread evenly through each week, boosters at the
protocol's spacing after the last induction session, and each integration session the day after a
dosing session (weekly after the last one when there are more integration than dosing sessions).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, NamedTuple

from .model import RouteSpec

VisitKind = Literal["consult", "induction", "booster", "integration"]
_KIND_ORDER = {"consult": 0, "induction": 1, "booster": 2, "integration": 3}


class Visit(NamedTuple):
    """One dated visit of the course."""

    number: int
    date: dt.date
    kind: VisitKind


def induction_dates(first: dt.date, sessions: int, per_week: int) -> list[dt.date]:
    """``sessions`` dates from ``first``, ``per_week`` a week on evenly spread weekdays."""
    offsets = [7 * i // per_week for i in range(per_week)]  # 2 a week: days 0 and 3
    return [
        first + dt.timedelta(days=7 * (k // per_week) + offsets[k % per_week])
        for k in range(sessions)
    ]


def booster_dates(
    after: dt.date, boosters: int, every_weeks: int, route: RouteSpec
) -> list[dt.date]:
    """Boosters after ``after``: the protocol's fixed phases first, then every ``every_weeks``."""
    spacings: list[int] = []
    for phase in route.protocol.booster_phases:
        spacings += [phase.every_weeks] * phase.sessions
    dates: list[dt.date] = []
    current = after
    for k in range(boosters):
        weeks = spacings[k] if k < len(spacings) else every_weeks
        current = current + dt.timedelta(weeks=weeks)
        dates.append(current)
    return dates


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
    dated: list[tuple[dt.date, VisitKind]] = []
    first_session = start
    if consult:
        dated.append((start, "consult"))
        first_session = start + dt.timedelta(days=route.protocol.evaluation_lead_days)
    dosing = induction_dates(first_session, sessions, route.protocol.sessions_per_week)
    dated += [(day, "induction") for day in dosing]
    boost = booster_dates(dosing[-1], boosters, booster_every, route) if dosing else []
    dated += [(day, "booster") for day in boost]
    dosing_days = dosing + boost
    for k in range(integration):
        if k < len(dosing_days):
            day = dosing_days[k] + dt.timedelta(days=1)
        else:
            day = dosing_days[-1] + dt.timedelta(days=1, weeks=k - len(dosing_days) + 1)
        dated.append((day, "integration"))
    dated.sort(key=lambda item: (item[0], _KIND_ORDER[item[1]]))
    return tuple(Visit(n, day, kind) for n, (day, kind) in enumerate(dated, start=1))


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
