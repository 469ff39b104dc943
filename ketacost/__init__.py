"""ketacost: what a course of ketamine therapy will really cost, before the first session.

The library is pure: ``estimate(scenario, pricing, today=...)`` takes a validated
:class:`~ketacost.scenario.Scenario` and a :class:`~ketacost.model.PricingModel` and returns an
:class:`~ketacost.estimate.Estimate`. The CLI (``ketacost.cli``) is a thin layer on top.
"""

__version__ = "0.1.0"

from .estimate import Estimate, estimate
from .loader import load_pricing
from .scenario import Scenario, parse_scenario

__all__ = ["Estimate", "Scenario", "__version__", "estimate", "load_pricing", "parse_scenario"]
