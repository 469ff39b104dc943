"""The scenario as a Python program writes it: keyword-only, grouped, checked when built.

    Scenario(route="spravato", location="TX", start="2027-01-04",
             plan=Plan(deductible=1500, coinsurance=20, oop_max=4000),
             accounts=Accounts(fsa=1000), household=Household(income=85000))

The course's fields stand at the top; the plan's, the accounts', the household's and the loan's
in a group each, under the names the command line and scenario files use (snake_case), except
that :class:`Financing` says ``months`` for ``finance_months``. Every value is checked when the
object is made, by the same rules and with the same messages as the command line, naming the
field (``InputError.field == "deductible"``), never an option. Money and percentages are
``Decimal``, ``int`` or text (``"1,500.00"``); a ``float`` is refused, since it is not exact.

What needs a pricing model (the route's default number of sessions, whether a provider offers
the route, where a ZIP code lies) is settled by :func:`ketacost.estimate` under its rules.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..core.errors import InputError
from ..core.words import did_you_mean
from .fields import FIELD_BY_NAME, FIELDS
from .scenario import apr_needed, check_together
from .values import convert

Money = Decimal | int | str
Percent = Decimal | int | str


class FloatRefused(InputError, TypeError):
    """A float given for money or a percentage: an ``InputError`` and, being the wrong type of
    value rather than a wrong value, a ``TypeError`` too."""


def _checked(obj: object) -> None:
    """Convert and check every field of a group in place (frozen: via object.__setattr__)."""
    for field in dataclasses.fields(obj):  # type: ignore[arg-type]
        raw = getattr(obj, field.name)
        if raw is None or field.name in _GROUPS:
            continue
        name = _FLAT.get((type(obj).__name__, field.name), field.name)
        spec = FIELD_BY_NAME[name]
        if isinstance(raw, float) and spec.kind in ("money", "percent"):
            raise FloatRefused(
                f"{field.name}: must be a Decimal, an int or text, not the float {raw!r} "
                f"(a float is not exact: write Decimal({str(raw)!r}) or {str(raw)!r})",
                field=field.name,
            )
        object.__setattr__(obj, field.name, convert(spec, raw, field.name))


@dataclasses.dataclass(frozen=True, kw_only=True)
class Plan:
    """The health plan: how visits are claimed, in-network and out-of-network terms."""

    coverage: str = "auto"
    plan_type: str = "commercial"
    deductible: Money | None = None
    deductible_met: Money | None = None
    coinsurance: Percent | None = None
    copay: Money | None = None
    oop_max: Money | None = None
    oop_met: Money | None = None
    hdhp: bool = False
    plan_year_start: str = "01-01"
    oon_deductible: Money | None = None
    oon_deductible_met: Money | None = None
    oon_coinsurance: Percent | None = None
    oon_allowed: Percent | None = None
    oon_oop_max: Money | None = None
    oon_oop_met: Money | None = None
    copay_program: bool = True
    reimbursement_days: int = 45
    accumulator: bool = True

    def __post_init__(self) -> None:
        _checked(self)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Accounts:
    """FSA and HSA money that pays for the course, in this order: the FSA, new HSA
    contributions (``hsa``: pre-tax, up to the year's limit for ``hsa_coverage``, +$1,000 with
    ``hsa_catch_up``), then ``hsa_balance`` (saved in earlier years: saves no new tax)."""

    fsa: Money | None = None
    hsa: Money | None = None
    hsa_direct: bool = False
    hsa_balance: Money | None = None
    hsa_coverage: str = "self"
    hsa_catch_up: bool = False

    def __post_init__(self) -> None:
        _checked(self)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Household:
    """Who files the tax return: what the account dollars save follows from it."""

    income: Money | None = None
    filing: str = "single"
    children: int = 0
    spouse_income: Money | None = None
    state_tax_rate: Percent | None = None
    tax_rate: Percent | None = None

    def __post_init__(self) -> None:
        _checked(self)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Financing:
    """The cash out of pocket financed over ``months`` at ``apr`` percent a year."""

    months: int
    apr: Percent | None = None

    def __post_init__(self) -> None:
        _checked(self)
        if self.apr is None:  # never a silent 0%
            raise InputError("apr: " + apr_needed("months", "apr=0"), field="apr")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Scenario:
    """Every input of an estimate. The course's fields are here; the rest in their groups.

    ``sessions`` and ``booster_every`` default to the route's protocol, ``provider`` to the
    route's usual one and ``start`` to the day of the estimate."""

    route: str = "iv"
    provider: str | None = None
    location: str = "US"
    sessions: int | None = None
    boosters: int = 0
    booster_every: int | None = None
    start: dt.date | str | None = None
    session_price: Money | None = None
    consult: bool = True
    integration: int = 0
    plan: Plan = dataclasses.field(default_factory=Plan)
    accounts: Accounts = dataclasses.field(default_factory=Accounts)
    household: Household = dataclasses.field(default_factory=Household)
    financing: Financing | None = None

    def __post_init__(self) -> None:
        for name, kind in _GROUPS.items():
            part = getattr(self, name)
            if not (isinstance(part, kind) or (part is None and name == "financing")):
                raise InputError(
                    f"{name}: must be a {kind.__name__}(…), not {type(part).__name__}", field=name
                )
        _checked(self)
        check_together(self.to_values(), str, options=False)

    def to_values(self) -> dict[str, Any]:
        """Every field by its snake_case name (``finance_months`` for ``financing.months``),
        as a scenario file or a batch record names them; None where not given."""
        values = {name: getattr(self, name) for name in _COURSE}
        for group in (self.plan, self.accounts, self.household):
            values.update((f.name, getattr(group, f.name)) for f in dataclasses.fields(group))
        values["finance_months"] = self.financing.months if self.financing else None
        values["apr"] = self.financing.apr if self.financing else None
        return values

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> Scenario:
        """A scenario from a flat mapping of snake_case names to values, as a scenario file, a
        batch record or the command line give them (text is read as they read it)."""
        unknown = sorted(set(values) - set(FIELD_BY_NAME))
        if unknown:
            key = str(unknown[0])
            hint = did_you_mean(key.replace("-", "_"), FIELD_BY_NAME)
            raise InputError(f"{key[:40]}: unknown key{hint}", field=key[:40])
        given = {name: value for name, value in values.items() if value is not None}
        parts: dict[str, Any] = {}
        for name, kind in _GROUPS.items():
            names = [f.name for f in dataclasses.fields(kind)]
            flat = {_FLAT.get((kind.__name__, n), n): n for n in names}
            taken = {flat[key]: given[key] for key in flat if key in given}
            if kind is Financing:
                if taken:
                    if "months" not in taken:
                        raise InputError("apr: needs finance_months", field="apr")
                    parts[name] = Financing(**taken)
            else:
                parts[name] = kind(**taken)
        course = {name: given[name] for name in _COURSE if name in given}
        return cls(**course, **parts)


_GROUPS: dict[str, type] = {
    "plan": Plan, "accounts": Accounts, "household": Household, "financing": Financing,
}  # fmt: skip
_FLAT = {("Financing", "months"): "finance_months"}  # a group's name that differs from the flag's
_COURSE = tuple(f.name for f in dataclasses.fields(Scenario) if f.name not in _GROUPS)


def _grouped_names() -> list[str]:
    names = list(_COURSE)
    for kind in _GROUPS.values():
        names += [_FLAT.get((kind.__name__, f.name), f.name) for f in dataclasses.fields(kind)]
    return names


# Every field of the table is in exactly one place (a field added to FIELDS must be added here)
assert sorted(_grouped_names()) == sorted(spec.name for spec in FIELDS), "public.py out of date"
