"""Prices: a line item's national band × provider factor × location factor, edge by edge.

:func:`price_list` resolves, before anything is claimed, what each kind of visit of a course is
billed: the modelled band, a quoted session price, or a clinic's own price list and extras.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from ..core.money import ZERO, Band, band_sum, cents
from ..inputs.scenario import ResolvedScenario
from ..rules.model import Factors, LineItemSpec, PricingModel
from .course import Visit

if TYPE_CHECKING:  # a clinic profile is imported on use
    from ..inputs.clinic import ClinicProfile

Item = tuple[LineItemSpec, Band, str]  # what a kind of visit is, its unit price, its line's id
Extra = tuple[str, str, tuple[str, ...], Band]  # a clinic's extra: id, label, codes, price


def price_factor(scenario: ResolvedScenario, pricing: PricingModel) -> tuple[Factors, Decimal]:
    """(provider factor of each band edge, location factor) for this scenario."""
    provider = pricing.providers[scenario.provider]  # type: ignore[index]
    location = ZERO + 1
    if provider.location_pricing and scenario.state is not None:
        location = pricing.locations.states[scenario.state].factor
    return provider.factor.edges(), location


def unit_price(item: LineItemSpec, provider: Factors, location: Decimal) -> Band:
    """The item's national band × provider factor × location factor, edge by edge (a provider
    factor may be a band itself: low × low, typical × typical, high × high), each to the cent."""
    band = item.price
    low, typical, high = provider
    return Band(
        cents(band.low * low * location),
        cents(band.typical * typical * location),
        cents(band.high * high * location),
    )


class PriceList(NamedTuple):
    """What each kind of visit is billed, resolved before any claim."""

    items: dict[str, Item]  # by visit kind: consult, induction, booster, integration
    extras: dict[str, list[Extra]]  # a clinic's extra items billed with a kind of visit
    billed: dict[str, Band]  # by visit kind: the item's price and its extras
    provider_factor: Factors
    location_factor: Decimal


def price_list(
    scenario: ResolvedScenario,
    pricing: PricingModel,
    visits: tuple[Visit, ...],
    clinic: ClinicProfile | None = None,
) -> PriceList:
    """The modelled bands scaled to the provider and place; ``--session-price`` for the
    sessions; with a ``clinic`` profile its exact prices and extras, not scaled."""
    route = pricing.routes[scenario.route]  # type: ignore[index]
    provider_factor, location_factor = price_factor(scenario, pricing)
    if clinic is not None:
        location_factor = ZERO + 1
        provider_factor = (location_factor,) * 3
    session_spec = route.session
    if scenario.session_price is not None:
        session_price = Band.flat(cents(scenario.session_price))
    else:
        session_price = unit_price(session_spec, provider_factor, location_factor)
    evaluation = pricing.line_items["evaluation"]
    integration = pricing.line_items["integration"]
    items: dict[str, Item] = {
        "consult": (evaluation, unit_price(evaluation, provider_factor, location_factor),
                    "evaluation"),
        "induction": (session_spec, session_price, "induction"),
        "booster": (session_spec, session_price, "booster"),
        "integration": (integration, unit_price(integration, provider_factor, location_factor),
                        "integration"),
    }  # fmt: skip
    extras: dict[str, list[Extra]] = {}
    if clinic is not None:
        items, extras = _clinic_items(items, clinic, pricing, scenario, visits)
    billed = {
        kind: band_sum([price] + [extra[3] for extra in extras.get(kind, [])])
        for kind, (_, price, _) in items.items()
    }
    return PriceList(items, extras, billed, provider_factor, location_factor)


def _clinic_items(
    items: dict[str, Item],
    clinic: ClinicProfile,
    pricing: PricingModel,
    scenario: ResolvedScenario,
    visits: tuple[Visit, ...],
) -> tuple[dict[str, Item], dict[str, list[Extra]]]:
    """The clinic's exact prices and codes in place of the bands; its extras by visit kind."""
    import dataclasses

    from ..inputs.clinic import visit_services

    services = visit_services(clinic, pricing, scenario.route, {v.kind for v in visits})
    priced = dict(items)
    extras: dict[str, list[Extra]] = {}
    for kind, (own, *more) in services.items():
        spec, price, item_id = items[kind]
        if not (kind in ("induction", "booster") and scenario.session_price is not None):
            price = Band.flat(own.unit_price)
        priced[kind] = (dataclasses.replace(spec, codes=own.codes), price, item_id)
        extras[kind] = [(s.id, s.label, s.codes, Band.flat(s.unit_price)) for s in more]
    return priced, extras
