"""gfe_rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from ..core.errors import PricingError

# --- the rules (data/gfe.yaml) ---------------------------------------------------------------


class RuleSource(NamedTuple):
    id: str
    title: str
    url: str
    date: str


class GfeRules(NamedTuple):
    """The legal figures of a GFE, each from a cited source."""

    recurring_months: int
    dispute_threshold: Decimal
    dispute_days: int
    dispute_fee: Decimal
    help_phone: str
    help_url: str
    service_codes: dict[str, tuple[str, ...]]
    sources: tuple[RuleSource, ...]


def parse_rules(document: Any, label: str) -> GfeRules:
    """Validate the parsed ``data/gfe.yaml``; a problem raises :class:`PricingError` (exit 3)."""
    try:
        sources = {
            key: RuleSource(key, str(s["title"]), str(s["url"]), str(s["date"]))
            for key, s in document["sources"].items()
        }
        cited: list[str] = list(document["help_reference"])
        cited += document["service_codes_reference"]
        service_codes = {str(k): tuple(str(c) for c in v)
                         for k, v in document["service_codes"].items()}  # fmt: skip

        def figure(key: str) -> Decimal:
            entry = document[key]
            cited.extend(entry["reference"])
            value = Decimal(str(entry["value"]))
            if not entry["unit"] or value <= 0:
                raise ValueError(f"{key}: needs a unit and a positive value")
            return value

        rules = GfeRules(
            recurring_months=int(figure("recurring_months")),
            dispute_threshold=figure("dispute_threshold"),
            dispute_days=int(figure("dispute_days")),
            dispute_fee=figure("dispute_fee"),
            help_phone=str(document["help_phone"]),
            help_url=str(document["help_url"]),
            service_codes=service_codes,
            sources=(),
        )
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        raise PricingError(label, [f"invalid GFE rules: {exc}"]) from None
    unknown = sorted(set(cited) - set(sources))
    if unknown:
        raise PricingError(label, [f"reference names unknown source(s): {', '.join(unknown)}"])
    return rules._replace(sources=tuple(sources[key] for key in dict.fromkeys(cited)))
