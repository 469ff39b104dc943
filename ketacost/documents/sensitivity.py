"""What moves the estimate most: one-at-a-time swings of the typical net cost.

For each input that applies to the scenario, the whole estimate runs twice, once with the input
at a low value and once at a high value, every other input at its baseline; the swing is
``|net_cost_high − net_cost_low|``. Rows are sorted by swing, largest first (a tornado).

The ranges, and why:

- prices with a band of their own (the session, the evaluation, integration therapy): the band's
  low and high edge, scaled like the band (provider × location); where the provider factor is
  a band too (a hospital), the evaluation and integration rows hold it at its typical value,
  so that each row moves one input;
- a quoted session price, and every plan, tax or income figure the user gave: ±25% of it (the
  quote's spread the issue asks for; a figure on a plan document is exact, so its row answers
  "how much does this term of the plan matter", not "how unsure are we");
- what is already met this plan year (deductible, OOP maximum): none of it to all of it;
- induction sessions: about a third fewer and more (the sources give 4–6 and 6–8 IV infusions
  around the usual 6: a course stopped early for lack of response, or extended);
- boosters: a quarter-year's boosters (13 weeks at the protocol's spacing) fewer and more;
- location: the cheapest and the dearest state of the pricing model.

Insurance has kinks (the deductible, the OOP maximum), so a swing can be lopsided or zero: with
the OOP maximum already met, the deductible and coinsurance move nothing, and the rows say so.
Pure: no files, no clock; the same inputs give the same rows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal, NamedTuple

from ..core.money import HUNDRED, ZERO, cents, format_money
from ..core.words import plural
from ..engine.estimate import Estimate, estimate
from ..engine.prices import price_factor, unit_price
from ..inputs.clinic import ClinicProfile
from ..inputs.fields import MAX_COUNT
from ..inputs.scenario import ResolvedScenario
from ..rules import Rules
from ..rules.model import PricingModel

SCHEMA_VERSION = 1
SPREAD = Decimal("0.25")  # ±25% of a quote or a plan figure (issue 15)
QUARTER_WEEKS = 13  # boosters: a quarter-year's worth at the protocol's spacing, fewer and more

Unit = Literal["dollars", "percent", "count", "state"]
Variant = tuple[ResolvedScenario, PricingModel, ClinicProfile | None]  # what one estimate runs on
Value = Decimal | int | str


class Row(NamedTuple):
    """One input's swing. ``low``/``high`` are the input's values in ``unit`` (a state code for
    ``state``); ``net_cost_low``/``net_cost_high`` are the typical net cost at each."""

    input: str
    low: Value
    high: Value
    net_cost_low: Decimal
    net_cost_high: Decimal
    swing: Decimal
    label: str
    unit: Unit
    baseline: Value
    basis: str


class Sensitivity(NamedTuple):
    """``ketacost sensitivity --json``: the baseline and the rows, largest swing first."""

    schema_version: int
    baseline: Decimal
    rows: tuple[Row, ...]
    scenario: ResolvedScenario
    ketacost_version: str


class _Case(NamedTuple):
    """An input to vary: its values, and the scenario and pricing at its low or high edge."""

    input: str
    label: str
    unit: Unit
    baseline: Value
    low: Value
    high: Value
    basis: str
    at: Callable[[Value], Variant]


def _spread(value: Decimal) -> tuple[Decimal, Decimal]:
    """A dollar figure −25% and +25%, each rounded half up to the cent."""
    return cents((1 - SPREAD) * value), cents((1 + SPREAD) * value)


def _percent_spread(value: Decimal) -> tuple[Decimal, Decimal]:
    """A percentage −25% and +25% of itself, at most 100."""
    return _plain((1 - SPREAD) * value), _plain(min(HUNDRED, (1 + SPREAD) * value))


def _plain(value: Decimal) -> Decimal:
    """A percentage without needless zeros: 15.00 → 15, 22.50 → 22.5."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _with_price(pricing: PricingModel, item: str, amount: Decimal) -> PricingModel:
    """The pricing model with line item ``item``'s national band flat at ``amount``."""
    spec = pricing.line_items[item]  # type: ignore[index]
    flat = dataclasses.replace(spec.price, low=amount, typical=amount, high=amount)
    items: dict[Any, Any] = {**pricing.line_items, item: dataclasses.replace(spec, price=flat)}
    return dataclasses.replace(pricing, line_items=items)


def _cases(
    scenario: ResolvedScenario, pricing: PricingModel, clinic: ClinicProfile | None, base: Estimate
) -> list[_Case]:
    s = scenario
    cases: list[_Case] = []
    provider_factor, location_factor = price_factor(s, pricing)
    networks = {visit.coverage for visit in base.visits}
    in_network = "in-network" in networks
    out_of_network = "out-of-network" in networks

    def field(name: str) -> Callable[[Value], Variant]:
        """The scenario with field ``name`` at a value (what is met kept within its total)."""

        def at(value: Value) -> Variant:
            change: dict[str, Any] = {name: value}
            return _within_totals(s._replace(**change)), pricing, clinic

        return at

    def add(name: str, label: str, unit: Unit, baseline: Value, low: Value, high: Value,
            basis: str, at: Callable[[Value], Variant] | None = None,
            ) -> None:  # fmt: skip
        cases.append(_Case(name, label, unit, baseline, low, high, basis, at or field(name)))

    # Prices. A band's edge is set as a quote of that price: the same figure, one visit kind.
    # A clinic profile's prices are exact: they move ±25%, like a quote.
    route = pricing.routes[s.route]  # type: ignore[index]
    if s.session_price is not None:
        add("session_price", "Session price", "dollars", cents(s.session_price),
            *_spread(s.session_price), "±25% of your quote")  # fmt: skip
    elif clinic is not None:
        price = clinic.prices[s.route]
        add("session_price", "Session price", "dollars", price, *_spread(price),
            "±25% of the clinic's price")  # fmt: skip
    else:
        band = unit_price(route.session, provider_factor, location_factor)
        add("session_price", "Session price", "dollars", band.typical, band.low, band.high,
            "the price band's low and high")  # fmt: skip
    for item, label, applies in (
        ("evaluation", "Evaluation price", s.consult),
        ("integration", "Integration session price", s.integration > 0),
    ):
        if not applies:
            continue
        if clinic is not None:
            own = clinic.prices[item]

            def quoted(value: Value, item: str = item, clinic: Any = clinic) -> Any:
                return s, pricing, clinic._replace(prices={**clinic.prices, item: value})

            add(f"{item}_price", label, "dollars", own, *_spread(own),
                "±25% of the clinic's price", quoted)  # fmt: skip
            continue
        spec = pricing.line_items[item]  # type: ignore[index]
        # The variant is the national band flat at one edge, scaled by the typical factor: so
        # the row's prices are the edges at the typical provider factor, exactly.
        scaled = unit_price(spec, (provider_factor[1],) * 3, location_factor)
        national = {scaled.low: spec.price.low, scaled.high: spec.price.high}

        def priced(value: Value, item: str = item, national: Any = national) -> Any:
            return s, _with_price(pricing, item, national[value]), None

        add(f"{item}_price", label, "dollars", scaled.typical, scaled.low, scaled.high,
            "the price band's low and high", priced)  # fmt: skip

    # The course.
    third = max(1, (s.sessions + 1) // 3)
    add("sessions", "Induction sessions", "count", s.sessions, max(1, s.sessions - third),
        min(MAX_COUNT, s.sessions + third), f"{third} fewer and more (about a third)")  # fmt: skip
    quarter = max(1, QUARTER_WEEKS // s.booster_every)
    add("boosters", "Boosters", "count", s.boosters, max(0, s.boosters - quarter),
        min(MAX_COUNT, s.boosters + quarter),
        f"{quarter} fewer and more (13 weeks of boosters every {plural(s.booster_every, 'week')})",
    )  # fmt: skip

    # The plan: only the figures given, and only where claims go through the plan.
    plan_fields: list[tuple[str, str, Unit, bool]] = [
        ("deductible", "Deductible", "dollars", in_network),
        ("coinsurance", "Coinsurance", "percent", in_network),
        ("copay", "Copay", "dollars", in_network),
        ("oop_max", "Out-of-pocket maximum", "dollars", in_network),
        ("oon_deductible", "Out-of-network deductible", "dollars", out_of_network),
        ("oon_coinsurance", "Out-of-network coinsurance", "percent", out_of_network),
        ("oon_oop_max", "Out-of-network OOP maximum", "dollars", out_of_network),
    ]
    for name, label, unit, applies in plan_fields:
        given: Decimal | None = getattr(s, name)
        if not applies or not given:
            continue
        low, high = _percent_spread(given) if unit == "percent" else _spread(given)
        basis = "±25% of your figure"
        # A deductible never exceeds the OOP maximum: the range stops where they meet.
        for small, big in (("deductible", "oop_max"), ("oon_deductible", "oon_oop_max")):
            if name == small and getattr(s, big) is not None and high > getattr(s, big):
                high, basis = cents(getattr(s, big)), basis + ", at most the OOP maximum"
            if name == big and getattr(s, small) is not None and low < getattr(s, small):
                low, basis = cents(getattr(s, small)), basis + ", at least the deductible"
        add(name, label, unit, _plain(given) if unit == "percent" else cents(given), low, high,
            basis)  # fmt: skip
    for met, total, label, what, applies in (
        ("deductible_met", "deductible", "Deductible already met", "deductible", in_network),
        ("oop_met", "oop_max", "Out-of-pocket already paid", "OOP maximum", in_network),
        ("oon_deductible_met", "oon_deductible", "Out-of-network deductible met",
         "out-of-network deductible", out_of_network),
    ):  # fmt: skip
        whole: Decimal | None = getattr(s, total)
        if applies and whole:
            add(met, label, "dollars", cents(getattr(s, met) or ZERO), ZERO, cents(whole),
                f"none to all of the {what}")  # fmt: skip
    if out_of_network:
        allowed = s.oon_allowed if s.oon_allowed is not None else HUNDRED
        add("oon_allowed", "Out-of-network allowed amount", "percent", _plain(allowed),
            *_percent_spread(allowed), "±25% of the allowed percentage (at most 100)")  # fmt: skip

    # Taxes: only when account dollars escape tax.
    if base.totals.account_paid.typical > 0:
        if s.tax_rate is not None:
            add("tax_rate", "Marginal tax rate", "percent", _plain(s.tax_rate),
                *_percent_spread(s.tax_rate), "±25% of your rate")  # fmt: skip
        elif s.income is not None:
            add("income", "Income", "dollars", cents(s.income), *_spread(s.income),
                "±25% of your income (the marginal rate follows it)")  # fmt: skip

    # Location: the cheapest and the dearest state, where the provider's prices follow it (a
    # clinic profile's prices do not).
    provider = pricing.providers[s.provider]  # type: ignore[index]
    states = sorted(pricing.locations.states.items(), key=lambda kv: (kv[1].factor, kv[0]))
    if provider.location_pricing and states and clinic is None:
        add("location", "Location", "state", s.location, states[0][0], states[-1][0],
            "the cheapest and the dearest state")  # fmt: skip
    return cases


def _within_totals(s: ResolvedScenario) -> ResolvedScenario:
    """What is already met never exceeds its total: a lower total means it is met in full."""
    fix: dict[str, Any] = {}
    for met, total in (("deductible_met", "deductible"), ("oop_met", "oop_max"),
                       ("oon_deductible_met", "oon_deductible"),
                       ("oon_oop_met", "oon_oop_max")):  # fmt: skip
        met_value, total_value = getattr(s, met), getattr(s, total)
        if met_value is not None and total_value is not None and met_value > total_value:
            fix[met] = total_value
    return s._replace(**fix) if fix else s


def net_cost(
    scenario: ResolvedScenario, rules: Rules, pricing: PricingModel, clinic: ClinicProfile | None
) -> Decimal:
    """The typical net cost of ``scenario`` (what ``estimate`` reports as typical) under
    ``rules`` with the pricing model ``pricing`` (a case may change a price)."""
    if pricing is not rules.pricing:
        rules = rules.replace(pricing=pricing)
    return estimate(scenario, rules, clinic=clinic).totals.net_cost.typical


def sensitivity(
    scenario: ResolvedScenario, rules: Rules, clinic: ClinicProfile | None = None
) -> Sensitivity:
    """Every applicable input's swing of the typical net cost, largest first (with a clinic
    profile, at the clinic's own prices)."""
    from .._version import __version__

    base = estimate(scenario, rules, clinic=clinic)
    baseline = base.totals.net_cost.typical
    rows = []
    for case in _cases(scenario, rules.pricing, clinic, base):
        if case.low == case.high:
            continue  # nothing to vary (a zero figure, or a range clamped to one value)
        at_low = net_cost(case.at(case.low)[0], rules, *case.at(case.low)[1:])
        at_high = net_cost(case.at(case.high)[0], rules, *case.at(case.high)[1:])
        rows.append(
            Row(case.input, case.low, case.high, at_low, at_high, abs(at_high - at_low),
                case.label, case.unit, case.baseline, case.basis)
        )  # fmt: skip
    order = {case: n for n, case in enumerate(r.input for r in rows)}
    rows.sort(key=lambda r: (-r.swing, order[r.input]))
    return Sensitivity(SCHEMA_VERSION, baseline, tuple(rows), scenario, __version__)


def largest(result: Sensitivity) -> Row | None:
    """The row that moves the estimate most (None when nothing moves it)."""
    return result.rows[0] if result.rows and result.rows[0].swing > 0 else None


def value_text(value: Value, unit: str) -> str:
    """An input's value as a person reads it: $400.00, 20%, 6, CA."""
    if unit == "dollars" and isinstance(value, Decimal):
        return format_money(value, cents="if any")
    if unit == "percent":
        return f"{value}%"
    return str(value)


def span_text(row: Row) -> str:
    """``$400 → $800``: the input's low and high value."""
    return f"{value_text(row.low, row.unit)} → {value_text(row.high, row.unit)}"
