"""A sweep's grid: option names mapped to lists of values, estimated as their cross product.

``location: all`` is every state and DC, ``route: all`` every route; a scalar is a list of one.
Every value is checked before any work (:func:`parse_grid`), and every combination of the inputs
that are checked against each other (a deductible against its out-of-pocket maximum, a provider
against the route, ...), so that a grid that starts also finishes; problems name the key and
the value. :meth:`Grid.scenario` then makes any point's scenario without converting a value
again.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any, NamedTuple

from ..core.errors import InputError
from ..rules.model import PricingModel
from .fields import FIELD_BY_NAME, FIELDS, FieldSpec, did_you_mean_field
from .scenario import ResolvedScenario, _resolve, parse_scenario
from .values import _show, convert

ALL = "all"  # `location: all`, `route: all`
# The inputs checked against one another (scenario.py's _resolve and check_together): every
# combination of their values in a grid is checked before the sweep starts.
CHECKED_TOGETHER = (
    "route", "provider", "deductible", "deductible_met", "oop_max", "oop_met", "oon_deductible",
    "oon_deductible_met", "oon_oop_max", "oon_oop_met", "filing", "income", "spouse_income",
    "finance_months", "apr",
)  # fmt: skip
MAX_CHECKS = 1_000_000  # combinations checked up front; more is a grid nobody means to write


class Axis(NamedTuple):
    """One key of the grid: its values as given (text for the table) and converted."""

    spec: FieldSpec
    given: tuple[Any, ...]
    values: tuple[Any, ...]

    @property
    def name(self) -> str:
        return self.spec.name


class Grid(NamedTuple):
    """The axes of a sweep, in the file's order; point ``i`` varies the last axis fastest."""

    axes: tuple[Axis, ...]

    @property
    def size(self) -> int:
        size = 1
        for axis in self.axes:
            size *= len(axis.values)
        return size

    def indexes(self, index: int) -> list[int]:
        """Which value of each axis point ``index`` takes."""
        out = []
        for axis in reversed(self.axes):
            index, i = divmod(index, len(axis.values))
            out.append(i)
        out.reverse()
        return out

    def scenario(self, picks: list[int], pricing: PricingModel, today: dt.date) -> ResolvedScenario:
        """The scenario of the point whose axes take the values ``picks``."""
        out = dict(_DEFAULTS)
        for axis, i in zip(self.axes, picks, strict=True):
            out[axis.name] = axis.values[i]
        return _resolve(out, pricing, today, {}, True)

    def scenarios(
        self, pricing: PricingModel, today: dt.date
    ) -> Callable[[list[int]], ResolvedScenario]:
        """A faster :meth:`scenario` for a whole sweep (the grid already checked): the inputs
        that resolving fills in or looks up (route, provider, place, course) are resolved once
        per combination, and the others, which resolving passes through unchanged, put in."""
        resolving = [k for k, axis in enumerate(self.axes) if axis.name in RESOLVED]
        plain = [(k, axis.name, axis.values) for k, axis in enumerate(self.axes)
                 if axis.name not in RESOLVED]  # fmt: skip
        bases: dict[tuple[int, ...], ResolvedScenario] = {}

        def make(picks: list[int]) -> ResolvedScenario:
            key = tuple(picks[k] for k in resolving)
            base = bases.get(key)
            if base is None:
                first = [picks[k] if k in resolving else 0 for k in range(len(picks))]
                if len(bases) >= 4096:
                    bases.clear()
                base = bases[key] = self.scenario(first, pricing, today)
            if not plain:
                return base
            return base._replace(**{name: values[picks[k]] for k, name, values in plain})

        return make


_DEFAULTS = {spec.name: spec.default for spec in FIELDS}
# What scenario.py's _resolve fills in or looks up; every other input passes through unchanged
RESOLVED = frozenset({"route", "provider", "location", "sessions", "booster_every", "start"})


def read_grid_file(path: str) -> Any:
    """A grid file's YAML (or JSON) document; its keys and values are checked by
    :func:`parse_grid`."""
    from ..files.exact_json import input_error
    from ..files.strict_yaml import parse_yaml
    from .files import _read_input

    return parse_yaml(_read_input(path, "grid"), path, input_error)


def parse_grid(document: Any, pricing: PricingModel, today: dt.date, source: str = "GRID") -> Grid:
    """Check a grid (the YAML mapping; ``source`` names its file) and every value in it;
    InputError (exit 2) naming the key and the value of the first problem."""
    if not isinstance(document, dict) or not document:
        raise InputError("a grid is a mapping of option names to lists of values "
                         "(route: [iv, spravato])", field=source)  # fmt: skip
    axes: list[Axis] = []
    for key, raw in document.items():
        name = str(key).strip().lstrip("-").replace("-", "_")
        spec = FIELD_BY_NAME.get(name)
        if spec is None:
            hint = did_you_mean_field(name)
            raise InputError(f"unknown key{hint} (known keys: `ketacost schema scenario`)",
                             field=str(key)[:40])  # fmt: skip
        if any(axis.name == name for axis in axes):
            raise InputError(f"{name}: given twice", field=name)
        axes.append(_axis(spec, raw, pricing, today))
    grid = Grid(tuple(axes))
    _check_together(grid, pricing, today)
    return grid


def _axis(spec: FieldSpec, raw: Any, pricing: PricingModel, today: dt.date) -> Axis:
    name = spec.name
    if isinstance(raw, str) and raw.strip().lower() == ALL and name in ("location", "route"):
        given: list[Any] = list(pricing.locations.states if name == "location" else pricing.routes)
    elif isinstance(raw, list):
        given = raw
    elif isinstance(raw, dict):
        raise InputError(f"{name}: a list of values or one value, not a mapping", field=name)
    else:
        given = [raw]
    if not given:
        raise InputError(f"{name}: an empty list (give at least one value)", field=name)
    values = []
    for position, value in enumerate(given, start=1):
        where = f"{name}, value {position}" if len(given) > 1 else name
        if value is None:
            raise InputError(f"{where}: empty (give a value)", field=name)
        try:
            converted = convert(spec, value, name)
            if name == "location":  # a place is checked alone; it is kept as typed
                parse_scenario({"location": value}, pricing, today)
        except InputError as exc:
            detail = str(exc).removeprefix(f"{name}: ")
            raise InputError(f"{where}: {_show(value)}: {detail}", field=name) from None
        values.append(converted)
    seen: set[Any] = set()
    for value, converted in zip(given, values, strict=True):
        if converted in seen:  # 1500 and 1500.00 too: the same scenario twice
            raise InputError(f"{name}: {_show(value)} is listed twice", field=name)
        seen.add(converted)
    return Axis(spec, tuple(_as_given(spec, v, c) for v, c in zip(given, values, strict=True)),
                tuple(values))  # fmt: skip


def _as_given(spec: FieldSpec, given: Any, converted: Any) -> Any:
    """The value a table shows: a place as typed (``60614``), anything else as read."""
    if spec.kind == "text":
        return str(given).strip()
    return converted


def _check_together(grid: Grid, pricing: PricingModel, today: dt.date) -> None:
    """Every combination of the values of the inputs checked against each other, the other
    axes at their first value."""
    together = [k for k, axis in enumerate(grid.axes) if axis.name in CHECKED_TOGETHER]
    ranges = [range(len(axis.values)) if k in together else range(1)
              for k, axis in enumerate(grid.axes)]  # fmt: skip
    count = 1
    for r in ranges:
        count *= len(r)
    if count > MAX_CHECKS:
        names = ", ".join(grid.axes[k].name for k in together)
        raise InputError(f"grid: {count:,} combinations of {names} to check; at most "
                         f"{MAX_CHECKS:,}", field="GRID")  # fmt: skip
    for picks in itertools.product(*ranges):
        try:
            grid.scenario(list(picks), pricing, today)
        except InputError as exc:
            point = ", ".join(f"{grid.axes[k].name}={_show(grid.axes[k].given[picks[k]])}"
                              for k in together)  # fmt: skip
            raise InputError(f"{exc} (at {point})", field=exc.field) from None
