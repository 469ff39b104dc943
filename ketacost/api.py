"""The Python API: what ``import ketacost`` promises (docs/python-api.md documents every name).

The functions here are the library's edge, as the command line is the program's: they load the
built-in rules when none are given and take "today" from the clock when a scenario has no start
date; everything below them is pure. The command line runs the same functions under them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .core.codec import dumps
from .documents.compare import Comparison
from .documents.compare import compare as compare_options
from .documents.sensitivity import Sensitivity
from .documents.sensitivity import sensitivity as swing_inputs
from .engine.estimate import Estimate
from .engine.estimate import estimate as estimate_course
from .inputs.public import Scenario
from .inputs.scenario import ResolvedScenario, parse_scenario
from .rules import Rules
from .rules.loader import builtin_gfe_rules, builtin_tax_law
from .rules.loader import builtin_rules as _builtin_rules
from .rules.loader import load_pricing as _load_pricing
from .rules.model import PricingModel


def builtin_rules() -> Rules:
    """The built-in rules: the pricing model, the tax law and the GFE rules shipped with
    ketacost (loaded once, then shared)."""
    return _builtin_rules()


def load_pricing(path: str | Path) -> Rules:
    """The rules with the pricing file at ``path`` (a clinic's price list, say, in the format
    of ``ketacost pricing show``) and the built-in tax law and GFE rules. A file with problems
    raises :class:`~ketacost.PricingError` listing every one."""
    return Rules(_load_pricing(path), builtin_tax_law(), builtin_gfe_rules(), source=str(path))


def resolve(
    scenario: Scenario,
    rules: Rules | PricingModel | None = None,
    today: dt.date | str | None = None,
) -> ResolvedScenario:
    """``scenario`` with every default filled in under ``rules`` (the route's protocol, the
    provider, the state of a ZIP code; ``start``: ``today``, else the clock's date)."""
    chosen = _rules(rules)
    if not isinstance(scenario, Scenario):
        raise TypeError(f"scenario must be a ketacost.Scenario(…) (Scenario.from_values for a "
                        f"mapping), not {type(scenario).__name__}")  # fmt: skip
    return parse_scenario(scenario.to_values(), chosen.pricing, _today(today),
                          options=False)  # fmt: skip


def _today(today: dt.date | str | None) -> dt.date:
    """The day a scenario without ``start`` begins: a date or its YYYY-MM-DD text; the clock's
    date when None."""
    if today is None:
        return dt.date.today()
    from .inputs.fields import FIELD_BY_NAME
    from .inputs.values import convert

    day: dt.date = convert(FIELD_BY_NAME["start"], today, "today")
    return day


def estimate(
    scenario: Scenario,
    rules: Rules | PricingModel | None = None,
    *,
    today: dt.date | str | None = None,
) -> Estimate:
    """The estimate of ``scenario``'s whole course: the document ``ketacost estimate --json``
    prints, as an object whose attributes mirror its keys (``e.totals.patient_pays.typical``).

    ``rules``: the built-in rules when None. ``today``: the date a scenario without ``start``
    begins on (the clock's date when None)."""
    chosen = _rules(rules)
    return estimate_course(resolve(scenario, chosen, today), chosen)


def compare(
    scenario: Scenario,
    *,
    routes: Iterable[str] | None = None,
    providers: Iterable[str] | None = None,
    locations: Iterable[str] | None = None,
    months: int | None = None,
    rules: Rules | PricingModel | None = None,
    today: dt.date | str | None = None,
) -> Comparison:
    """Options side by side under the same plan, accounts and household (``ketacost compare``):
    every route (or ``routes``), or ``providers`` or ``locations`` for the scenario's route;
    ``months``: the first months of each protocol. Rows sorted by typical net cost."""
    chosen = _rules(rules)
    if not isinstance(scenario, Scenario):
        raise TypeError(f"scenario must be a ketacost.Scenario(…), not {type(scenario).__name__}")
    values = scenario.to_values()
    defaults = Scenario()
    # the dimension compared replaces the scenario's own value, which must then be its default
    if not (providers or locations) and scenario.route == defaults.route:
        values["route"] = None
    if locations and scenario.location == defaults.location:
        values["location"] = None
    return compare_options(
        values, chosen, _today(today),
        providers=_listed(providers), locations=_listed(locations), months=months,
        routes=_listed(routes), options=False,
    )  # fmt: skip


def sensitivity(
    scenario: Scenario,
    rules: Rules | PricingModel | None = None,
    *,
    today: dt.date | str | None = None,
) -> Sensitivity:
    """Each input moved one at a time, and how far the typical net cost swings, largest first
    (``ketacost sensitivity``)."""
    chosen = _rules(rules)
    return swing_inputs(resolve(scenario, chosen, today), chosen)


def to_json(document: Any) -> str:
    """A document (:class:`Estimate`, :class:`Comparison`, :class:`Sensitivity`) as the JSON
    text the command line's ``--json`` prints, byte for byte (ending in a newline)."""
    return dumps(document) + "\n"


def _rules(rules: Rules | PricingModel | None) -> Rules:
    if rules is None:
        return _builtin_rules()
    if isinstance(rules, PricingModel):  # a model from ketacost.rules.loader: the built-in law
        return Rules(rules, builtin_tax_law(), builtin_gfe_rules(), source="python")
    if not isinstance(rules, Rules):
        raise TypeError(f"rules must be Rules (builtin_rules(), load_pricing(path)), not "
                        f"{type(rules).__name__}")  # fmt: skip
    return rules


def _listed(names: Iterable[str] | None) -> list[str] | None:
    if names is None:
        return None
    if isinstance(names, str):  # "iv,spravato", as the command line takes it
        names = names.split(",")
    return [str(name).strip() for name in names]
