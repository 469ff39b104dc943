"""Prices: a line item's national band × provider factor × location factor, edge by edge."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ..core.money import ZERO, Band, cents
from ..inputs.scenario import Scenario
from ..rules.model import Factors, LineItemSpec, PricingModel

if TYPE_CHECKING:  # a clinic profile and a tax law other than the built-in are imported on use
    pass


# --- prices ----------------------------------------------------------------------------------


def price_factor(scenario: Scenario, pricing: PricingModel) -> tuple[Factors, Decimal]:
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
