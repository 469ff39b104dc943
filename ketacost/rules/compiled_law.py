"""The compiled tax law as an estimate reads it: built lazily, a federal year or a state at a
time, from ``rules/data/tax.compiled.json``.

The schema's dataclasses (:mod:`.taxlaw`) are imported only when a year or a state is first
asked for, so ``estimate --json`` without an income to tax does not pay for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .taxlaw import FederalYear, StateTax


class TaxLaw:
    """The compiled tax law, built lazily: only the federal years and states asked for."""

    def __init__(self, document: dict[str, Any]) -> None:
        self._doc = document
        self.as_of: str = document["as_of"]
        self.assumptions: tuple[str, ...] = tuple(document.get("assumptions", ()))
        self.federal_years = sorted(int(y) for y in document["federal"])
        self.state_codes = frozenset(document["states"])
        self._federal: dict[int, FederalYear] = {}
        self._states: dict[str, StateTax] = {}

    def year_on_file(self, year: int) -> int:
        """The federal year used for ``year``: the latest on file not after it (else the first)."""
        chosen = [y for y in self.federal_years if y <= year]
        return chosen[-1] if chosen else self.federal_years[0]

    def federal(self, year: int) -> FederalYear:
        on_file = self.year_on_file(year)
        hit = self._federal.get(on_file)
        if hit is None:
            from ..core.codec import from_plain
            from .taxlaw import FederalYear

            hit = from_plain(FederalYear, self._doc["federal"][str(on_file)])
            self._federal[on_file] = hit
        return hit

    def state(self, code: str) -> StateTax | None:
        if code not in self.state_codes:
            return None
        hit = self._states.get(code)
        if hit is None:
            from ..core.codec import from_plain
            from .taxlaw import StateTax

            hit = from_plain(StateTax, self._doc["states"][code])
            self._states[code] = hit
        return hit

    def source(self, ref: str) -> dict[str, str]:
        found: dict[str, str] = self._doc["sources"][ref]
        return found
