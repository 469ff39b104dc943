"""The world as data: the pricing model, the tax law and the GFE rules, and their loader.

:class:`Rules` holds the three, loaded once at the edge (the command line, a batch worker, a
notebook) and passed to the calculator, which reads no file itself. :mod:`.loader` reads them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .compiled_law import TaxLaw
    from .gfe_rules import GfeRules
    from .model import PricingModel


class Rules:
    """The rules an estimate follows: a pricing model, a tax law and (for a Good Faith
    Estimate) the GFE rules. ``source`` says where the pricing model came from: ``builtin`` or
    the path of a pricing file, as the estimate document's ``pricing.source`` shows it.

    Make one with :func:`ketacost.builtin_rules` or :func:`ketacost.load_pricing`; swap a part
    with :meth:`replace` (``rules.replace(tax_law=…)``)."""

    __slots__ = ("gfe", "pricing", "source", "tax_law")

    def __init__(
        self,
        pricing: PricingModel,
        tax_law: TaxLaw,
        gfe: GfeRules | None = None,
        source: str = "builtin",
    ) -> None:
        self.pricing = pricing
        self.tax_law = tax_law
        self.gfe = gfe
        self.source = source

    def replace(self, **changes: object) -> Rules:
        """These rules with some parts replaced (``pricing``, ``tax_law``, ``gfe``, ``source``)."""
        parts: dict[str, object] = {name: getattr(self, name) for name in self.__slots__}
        unknown = sorted(set(changes) - set(parts))
        if unknown:
            raise TypeError(f"Rules has no part {unknown[0]!r} (parts: {', '.join(parts)})")
        parts.update(changes)
        return Rules(**parts)  # type: ignore[arg-type]

    def __repr__(self) -> str:
        return f"Rules(source={self.source!r}, pricing as of {self.pricing.as_of})"
