"""ketacost: what a course of ketamine therapy will really cost, before the first session.

    >>> import ketacost
    >>> s = ketacost.Scenario(route="spravato", location="TX", start="2027-01-04",
    ...                       plan=ketacost.Plan(deductible=1500, coinsurance=20, oop_max=4000))
    >>> e = ketacost.estimate(s)
    >>> e.totals.patient_pays.typical
    Decimal('1962.73')

Every name in ``__all__`` is documented in docs/python-api.md and kept: a scenario
(:class:`Scenario` and its groups :class:`Plan`, :class:`Accounts`, :class:`Household`,
:class:`Financing`), the documents (:func:`estimate`, :func:`compare`, :func:`sensitivity`), the
rules they follow (:func:`builtin_rules`, :func:`load_pricing`), :func:`to_json` and the errors.
The subpackages (``ketacost.engine`` and the rest) are the program's own and may change.

Names are loaded on first use, so that ``import ketacost`` (which every command line pays for)
stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .api import builtin_rules, compare, estimate, load_pricing, sensitivity, to_json
    from .core.errors import InputError, KetacostError, PricingError
    from .documents.compare import Comparison
    from .documents.sensitivity import Sensitivity
    from .engine.estimate import Estimate
    from .inputs.public import Accounts, Financing, Household, Plan, Scenario
    from .rules import Rules

_HOMES = {
    "Accounts": "inputs.public", "Financing": "inputs.public", "Household": "inputs.public",
    "Plan": "inputs.public", "Scenario": "inputs.public",
    "builtin_rules": "api", "compare": "api", "estimate": "api", "load_pricing": "api",
    "sensitivity": "api", "to_json": "api",
    "Estimate": "engine.estimate", "Comparison": "documents.compare",
    "Sensitivity": "documents.sensitivity", "Rules": "rules",
    "InputError": "core.errors", "KetacostError": "core.errors", "PricingError": "core.errors",
}  # fmt: skip

__all__ = [
    "Accounts", "Comparison", "Estimate", "Financing", "Household", "InputError",
    "KetacostError", "Plan", "PricingError", "Rules", "Scenario", "Sensitivity", "__version__",
    "builtin_rules", "compare", "estimate", "load_pricing", "sensitivity", "to_json",
]  # fmt: skip
assert sorted(__all__) == sorted([*_HOMES, "__version__"])


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'ketacost' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value  # once loaded, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
