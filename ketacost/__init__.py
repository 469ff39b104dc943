"""ketacost: what a course of ketamine therapy will really cost, before the first session.

The library is pure: ``parse_scenario(values, pricing, today)`` checks inputs (today is passed
in, never read from a clock) and ``estimate(scenario, pricing)`` returns an
:class:`~ketacost.engine.estimate.Estimate`. The CLI (``ketacost.cli``) is a thin layer on top.
"""

from ._version import __version__
from .engine.estimate import Estimate, estimate
from .inputs.scenario import Scenario, parse_scenario
from .rules.loader import load_pricing

__all__ = ["Estimate", "Scenario", "__version__", "estimate", "load_pricing", "parse_scenario"]
