"""The pricing model: frozen dataclasses mirroring ``data/pricing.yaml``.

These classes are the one definition of the pricing file. :mod:`ketacost.rules.loader` validates a
parsed YAML document into them with pydantic (``extra="forbid"``: unknown keys are errors) and
the checks in ``__post_init__`` run both then and when a validated model is read back from the
cache. The calculator reads them and nothing else.
"""

import datetime as dt
import re
from dataclasses import dataclass, field, fields
from decimal import Decimal
from functools import lru_cache
from typing import Literal

ROUTES = ("iv", "im", "spravato", "oral")
PROVIDERS = ("clinic", "hospital", "telehealth")
FILINGS = ("single", "joint", "head", "separate")

Route = Literal["iv", "im", "spravato", "oral"]
ProviderName = Literal["clinic", "hospital", "telehealth"]
Coverage = Literal["covered", "not_covered"]

_STRICT = {"extra": "forbid", "str_strip_whitespace": True, "coerce_numbers_to_str": True}
_DATE = re.compile(r"^(n/d|\d{4}(-\d{2}(-\d{2})?)?)$")
_ZIP_RANGE = re.compile(r"^(\d{3})(?:-(\d{3}))?$")


MAX_AMOUNT = Decimal(10_000_000)  # no price, limit or bracket in a price list comes near this
# Bounds of a protocol, the same as the command line's: a course is at most 200 sessions of a
# kind (weekly for four years), boosters at most a year apart, the first session at most a year
# after the evaluation. A pricing file beyond them made a course of 100,000,000 sessions
# (1.6-15 GB) or a date past the year 9999 (issue 13, item 4).
MAX_SESSIONS = 200
MAX_WEEKS = 52
MAX_LEAD_DAYS = 365


def _check_date(date: str, name: str = "date") -> None:
    """YYYY, YYYY-MM, YYYY-MM-DD (a real day) or n/d."""
    ok = bool(_DATE.match(date))
    if ok and len(date) == 10:
        try:
            dt.date.fromisoformat(date)
        except ValueError:
            ok = False
    if ok and len(date) == 7:
        ok = 1 <= int(date[5:]) <= 12
    if not ok:
        raise ValueError(f"{name} must be YYYY, YYYY-MM, YYYY-MM-DD or n/d, not {date[:40]!r}")


class _Value:
    """Equality and repr by fields, shared by every model class.

    The per-class ``__eq__``/``__repr__`` that @dataclass writes cost start-up time (issue 7).
    """

    __slots__ = ()

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, f.name) for f in fields(self))  # type: ignore[arg-type]

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, _Value)
            and type(other) is type(self)
            and (self._values() == other._values())
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        names = [f.name for f in fields(self)]  # type: ignore[arg-type]
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{type(self).__name__}({inner})"


def _check_sourced(reference: tuple[str, ...], date: str) -> None:
    if not reference:
        raise ValueError("reference must name at least one source")
    _check_date(date)


PLACES = Decimal("1e-10")  # a figure with more decimal places is a typo or an attack: 4.0e-999999
# is a few bytes of YAML and a million digits in every document and cache file written from it


def _check_non_negative(**values: Decimal | None) -> None:
    for name, value in values.items():
        if value is not None and (not value.is_finite() or not 0 <= value <= MAX_AMOUNT):
            raise ValueError(f"{name} must be a number from 0 to {MAX_AMOUNT:,}, not {value:.6}")
        if value is not None and value != value.quantize(PLACES):
            raise ValueError(f"{name} may have at most 10 decimal places, not {value:.6}")


@dataclass(frozen=True, eq=False, repr=False)
class Source(_Value):
    """A page a figure was read from."""

    __pydantic_config__ = _STRICT

    title: str
    url: str
    date: str
    accessed: str
    supports: str

    def __post_init__(self) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise ValueError(f"url must start with http:// or https://, not {self.url[:60]!r}")
        _check_date(self.date)
        _check_date(self.accessed, "accessed")


@dataclass(frozen=True, eq=False, repr=False)
class PriceBand(_Value):
    """A sourced price band in dollars: low ≤ typical ≤ high."""

    __pydantic_config__ = _STRICT

    unit: str
    low: Decimal
    typical: Decimal
    high: Decimal
    reference: tuple[str, ...]
    date: str
    method: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        _check_sourced(self.reference, self.date)
        _check_non_negative(low=self.low, typical=self.typical, high=self.high)
        if not self.low <= self.typical <= self.high:
            raise ValueError(
                f"band must be ordered low ≤ typical ≤ high, not "
                f"{self.low} / {self.typical} / {self.high}"
            )


@dataclass(frozen=True, eq=False, repr=False)
class Figure(_Value):
    """One sourced number with its unit."""

    __pydantic_config__ = _STRICT

    unit: str
    value: Decimal
    reference: tuple[str, ...]
    date: str
    note: str = ""

    def __post_init__(self) -> None:
        _check_sourced(self.reference, self.date)
        _check_non_negative(value=self.value)


Factors = tuple[Decimal, Decimal, Decimal]  # a multiplier per band edge: low, typical, high


@dataclass(frozen=True, eq=False, repr=False)
class ProviderFactor(_Value):
    """A provider type's price multiplier: one sourced ``value``, or, where the sources leave it
    uncertain, a band around it (``low`` ≤ ``value`` ≤ ``high``) applied edge by edge: the
    national band's low × low, typical × value, high × high."""

    __pydantic_config__ = _STRICT

    unit: str
    value: Decimal
    reference: tuple[str, ...]
    date: str
    low: Decimal | None = None
    high: Decimal | None = None
    method: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        _check_sourced(self.reference, self.date)
        _check_non_negative(value=self.value, low=self.low, high=self.high)
        low, value, high = self.edges()
        if not low <= value <= high:
            raise ValueError(
                f"factor band must be ordered low ≤ value ≤ high, not {low} / {value} / {high}"
            )

    def edges(self) -> Factors:
        """The multiplier of each band edge (the value where no low or high is given)."""
        return (
            self.value if self.low is None else self.low,
            self.value,
            self.value if self.high is None else self.high,
        )

    @property
    def banded(self) -> bool:
        low, value, high = self.edges()
        return not low == value == high


@dataclass(frozen=True, eq=False, repr=False)
class LineItemSpec(_Value):
    """A billable item: what it is, its codes, its default coverage and its price band."""

    __pydantic_config__ = _STRICT

    label: str
    codes: tuple[str, ...]
    coverage: Coverage
    coverage_note: str
    price: PriceBand
    bundles: str = ""
    reference: tuple[str, ...] = ()  # sources of the codes and the coverage note

    def __post_init__(self) -> None:
        from .coding import pathway_conflict

        conflict = pathway_conflict(self.codes)
        if conflict:
            raise ValueError(f"codes: {conflict}")


@dataclass(frozen=True, eq=False, repr=False)
class BoosterPhase(_Value):
    """A run of maintenance sessions at a fixed spacing, before the open-ended interval."""

    __pydantic_config__ = _STRICT

    sessions: int
    every_weeks: int

    def __post_init__(self) -> None:
        if not 1 <= self.sessions <= MAX_SESSIONS:
            raise ValueError(f"sessions must be from 1 to {MAX_SESSIONS}, not {self.sessions}")
        if not 1 <= self.every_weeks <= MAX_WEEKS:
            raise ValueError(f"every_weeks must be from 1 to {MAX_WEEKS}, not {self.every_weeks}")


@dataclass(frozen=True, eq=False, repr=False)
class Protocol(_Value):
    """How a course of this route is scheduled."""

    __pydantic_config__ = _STRICT

    unit: str  # the units of the counts below
    induction_sessions: int
    sessions_per_week: int
    booster_every_weeks: int
    evaluation_lead_days: int
    standard_boosters: int
    reference: tuple[str, ...]
    date: str
    booster_phases: tuple[BoosterPhase, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        _check_sourced(self.reference, self.date)
        bounds = {
            "induction_sessions": (1, MAX_SESSIONS), "sessions_per_week": (1, 7),
            "booster_every_weeks": (1, MAX_WEEKS), "evaluation_lead_days": (0, MAX_LEAD_DAYS),
            "standard_boosters": (0, MAX_SESSIONS),
        }  # fmt: skip
        for name, (low, high) in bounds.items():
            value = getattr(self, name)
            if not low <= value <= high:
                raise ValueError(f"{name} must be from {low} to {high}, not {value}")
        phased = sum(phase.sessions for phase in self.booster_phases)
        if phased > MAX_SESSIONS:
            raise ValueError(f"booster_phases hold {phased} sessions; at most {MAX_SESSIONS}")


@dataclass(frozen=True, eq=False, repr=False)
class RouteSpec(_Value):
    """An administration route: its session (the priced visit) and its protocol."""

    __pydantic_config__ = _STRICT

    label: str
    description: str
    default_provider: ProviderName
    session: LineItemSpec
    protocol: Protocol


@dataclass(frozen=True, eq=False, repr=False)
class ProviderSpec(_Value):
    """A provider type: its price factor, the routes it offers, and whether location applies."""

    __pydantic_config__ = _STRICT

    label: str
    factor: ProviderFactor
    routes: tuple[Route, ...]
    location_pricing: bool
    evidence: str = ""


@dataclass(frozen=True, eq=False, repr=False)
class StateFactor(_Value):
    """A state's regional price parity (US = 100) and the factor it gives (RPP / 100)."""

    __pydantic_config__ = _STRICT

    name: str
    rpp: Decimal
    factor: Decimal

    def __post_init__(self) -> None:
        _check_non_negative(rpp=self.rpp, factor=self.factor)
        if self.factor == 0:
            raise ValueError("factor must be above 0")


@dataclass(frozen=True, eq=False, repr=False)
class Territory(_Value):
    """A US territory or military post office: it has ZIP codes but no price parity."""

    __pydantic_config__ = _STRICT

    name: str
    zip_prefixes: tuple[str, ...] = ()


ZIP_BITMAP_BYTES = 100_000 // 8


@lru_cache(maxsize=4)
def _zip_bitmap(text: str) -> bytes:
    """The ``zip_codes`` text decoded (once per text): 12,500 bytes, one bit per ZIP."""
    import binascii  # not base64, which costs start-up 0.6 ms more for the same C function
    import zlib

    try:
        packed = binascii.a2b_base64("".join(text.split()), strict_mode=True)
        bitmap = zlib.decompress(packed)
    except (binascii.Error, zlib.error):
        raise ValueError("not a base64 zlib-compressed bitmap") from None
    if len(bitmap) != ZIP_BITMAP_BYTES:
        raise ValueError(f"the bitmap has {len(bitmap)} bytes, not {ZIP_BITMAP_BYTES}")
    return bitmap


@dataclass(frozen=True, eq=False, repr=False)
class Locations(_Value):
    """Location factors by state, the 3-digit ZIP prefixes of each state, the ZIPs of unpriced
    territories, and the 5-digit ZIPs that lie in another state than their prefix says."""

    __pydantic_config__ = _STRICT

    unit: str
    method: str
    reference: tuple[str, ...]
    date: str
    states: dict[str, StateFactor]
    zip_prefixes: dict[str, tuple[str, ...]]
    zip_reference: tuple[str, ...]
    zip_date: str
    note: str = ""
    territories: dict[str, Territory] = field(default_factory=dict)
    zip_exceptions: dict[str, str] = field(default_factory=dict)
    # Every existing 5-digit ZIP, as a bitmap (bit n set: ZIP n exists; 100,000 bits, least
    # significant bit first), zlib-compressed and base64-encoded; whitespace is ignored. Empty:
    # no list, every ZIP under a known prefix is taken to exist (a pricing file of one's own).
    zip_codes: str = ""

    def __post_init__(self) -> None:
        _check_sourced(self.reference, self.date)
        _check_sourced(self.zip_reference, self.zip_date)
        if self.zip_codes:
            try:
                _zip_bitmap(self.zip_codes)
            except ValueError as error:
                raise ValueError(f"zip_codes: {error}") from None
        groups = [(f"zip_prefixes.{k}", v) for k, v in self.zip_prefixes.items()]
        groups += [(f"territories.{k}.zip_prefixes", v.zip_prefixes)
                   for k, v in self.territories.items()]  # fmt: skip
        for where, ranges in groups:
            for text in ranges:
                match = _ZIP_RANGE.match(text)
                if not match or (match.group(2) and match.group(2) < match.group(1)):
                    raise ValueError(f"{where}: {text!r} is not NNN or NNN-NNN")
        for state in self.zip_prefixes:
            if state not in self.states:
                raise ValueError(f"zip_prefixes names {state!r}, which has no entry in states")
        for code in self.territories:
            if code in self.states:
                raise ValueError(f"territories.{code} is also in states")
        for zip5, place in self.zip_exceptions.items():
            if not (len(zip5) == 5 and zip5.isdigit()):
                raise ValueError(f"zip_exceptions: {zip5[:20]!r} is not a 5-digit ZIP")
            if place not in self.states and place not in self.territories:
                raise ValueError(f"zip_exceptions.{zip5}: {place!r} is not a state or territory")

    def zip_exists(self, zip5: str) -> bool:
        """Whether the 5-digit ZIP exists (always True without a ``zip_codes`` list)."""
        if not self.zip_codes:
            return True
        number = int(zip5)
        return bool(_zip_bitmap(self.zip_codes)[number >> 3] >> (number & 7) & 1)

    def state_for_zip(self, zip5: str) -> str | None:
        """The state (or territory) code of a 5-digit ZIP: its exception, else its prefix's;
        None for a ZIP that does not exist."""
        if not self.zip_exists(zip5):
            return None
        exception = self.zip_exceptions.get(zip5)
        if exception is not None:
            return exception
        prefix = zip5[:3]
        places = [(k, v) for k, v in self.zip_prefixes.items()]
        places += [(k, v.zip_prefixes) for k, v in self.territories.items()]
        for place, ranges in places:
            for text in ranges:
                low, _, high = text.partition("-")
                if low <= prefix <= (high or low):
                    return place
        return None


@dataclass(frozen=True, eq=False, repr=False)
class SavingsProgram(_Value):
    """A manufacturer savings program on a route's drug cost-sharing (SPRAVATO withMe)."""

    __pydantic_config__ = _STRICT

    name: str
    route: Route
    plan_types: tuple[str, ...]
    per_treatment: Figure
    annual_max: Figure
    drug_share: Figure
    note: str = ""
    reference: tuple[str, ...] = ()  # sources of the eligibility rules in the note

    def __post_init__(self) -> None:
        if self.drug_share.value > 1:
            raise ValueError("drug_share is a fraction of the session price, at most 1")


@dataclass(frozen=True, eq=False, repr=False)
class AccumulatorLaw(_Value):
    """A state's "all copays count" law: plans it regulates must count manufacturer assistance
    (a savings program's payments) toward the deductible and the out-of-pocket maximum."""

    __pydantic_config__ = _STRICT

    state: str  # two-letter code
    law: str  # statute or bill, as far as verified
    effective: str  # the first plan years it reaches, YYYY or YYYY-MM-DD
    plans: str  # the kinds of plans the law reaches
    drugs: str  # the drugs it covers (many exempt brands with a generic: Spravato has none)
    reference: tuple[str, ...]
    date: str

    def __post_init__(self) -> None:
        _check_sourced(self.reference, self.date)
        _check_date(self.effective, "effective")
        if not (len(self.state) == 2 and self.state.isalpha() and self.state.isupper()):
            raise ValueError(f"state must be a two-letter code, not {self.state[:40]!r}")


# Plan and account figures that change by year, each in USD except the coinsurance (percent).
PLAN_YEAR_FIGURES = (
    "aca_oop_max_self", "aca_oop_max_family",
    "hdhp_min_deductible_self", "hdhp_min_deductible_family",
    "hdhp_oop_max_self", "hdhp_oop_max_family",
    "hsa_limit_self", "hsa_limit_family", "hsa_catch_up",
    "fsa_limit", "fsa_carryover",
    "medicare_part_b_deductible", "medicare_part_b_coinsurance",
)  # fmt: skip


@dataclass(frozen=True, eq=False, repr=False)
class PlanYear(_Value):
    """One year's published plan and account limits; a figure not yet published is null.

    ACA and HDHP figures apply to plan years beginning in the year, HSA limits and Medicare
    Part B to the calendar year, FSA figures to plan years beginning in the year.
    """

    __pydantic_config__ = _STRICT

    reference: tuple[str, ...]
    date: str
    aca_oop_max_self: Decimal | None = None
    aca_oop_max_family: Decimal | None = None
    hdhp_min_deductible_self: Decimal | None = None
    hdhp_min_deductible_family: Decimal | None = None
    hdhp_oop_max_self: Decimal | None = None
    hdhp_oop_max_family: Decimal | None = None
    hsa_limit_self: Decimal | None = None
    hsa_limit_family: Decimal | None = None
    hsa_catch_up: Decimal | None = None
    fsa_limit: Decimal | None = None
    fsa_carryover: Decimal | None = None
    medicare_part_b_deductible: Decimal | None = None
    medicare_part_b_coinsurance: Decimal | None = None
    note: str = ""

    def __post_init__(self) -> None:
        _check_sourced(self.reference, self.date)
        _check_non_negative(**{name: getattr(self, name) for name in PLAN_YEAR_FIGURES})
        rate = self.medicare_part_b_coinsurance
        if rate is not None and rate > 100:
            raise ValueError("medicare_part_b_coinsurance is a percentage from 0 to 100")


@dataclass(frozen=True, eq=False, repr=False)
class PlanLimits(_Value):
    """Plan and account figures by year (ACA, HDHP, HSA, FSA, Medicare Part B)."""

    __pydantic_config__ = _STRICT

    years: dict[int, PlanYear]
    note: str = ""

    def __post_init__(self) -> None:
        for name in PLAN_YEAR_FIGURES:
            if all(getattr(year, name) is None for year in self.years.values()):
                raise ValueError(f"years: no year gives {name}")

    def figure(self, name: str, year: int) -> tuple[Decimal, int]:
        """``name``'s value for ``year`` and the year it was read from: the year itself when on
        file, else the nearest year that gives it (the latest before, or the earliest after)."""
        have = sorted(y for y, figures in self.years.items() if getattr(figures, name) is not None)
        before = [y for y in have if y <= year]
        used = before[-1] if before else have[0]
        value: Decimal = getattr(self.years[used], name)
        return value, used


@dataclass(frozen=True, eq=False, repr=False)
class PricingModel(_Value):
    """The whole priced model of one pricing file."""

    __pydantic_config__ = _STRICT

    as_of: str
    currency: Literal["USD"]
    description: str
    sources: dict[str, Source]
    routes: dict[Route, RouteSpec]
    line_items: dict[Literal["evaluation", "integration"], LineItemSpec]
    providers: dict[ProviderName, ProviderSpec]
    locations: Locations
    savings_programs: tuple[SavingsProgram, ...]
    plan_limits: PlanLimits
    assumptions: tuple[str, ...] = field(default=())
    accumulator_laws: tuple[AccumulatorLaw, ...] = field(default=())  # by state (issue 23)

    def __post_init__(self) -> None:
        if len(self.as_of) != 10:
            raise ValueError(f"as_of must be YYYY-MM-DD, not {self.as_of[:40]!r}")
        _check_date(self.as_of, "as_of")
        if not self.routes:
            raise ValueError("routes must price at least one route")
        for key in ("evaluation", "integration"):
            if key not in self.line_items:
                raise ValueError(f"line_items needs {key!r}")
        for name, route in self.routes.items():
            provider = self.providers.get(route.default_provider)
            if provider is None:
                raise ValueError(f"routes.{name}.default_provider names an unknown provider")
            if name not in provider.routes:  # else every estimate of the route is refused
                raise ValueError(
                    f"routes.{name}.default_provider: {route.default_provider} does not offer "
                    f"{name} (providers.{route.default_provider}.routes)"
                )
        missing = sorted(set(self.references()) - set(self.sources))
        if missing:
            what = "source" if len(missing) == 1 else "sources"
            raise ValueError(f"reference names unknown {what}: {', '.join(missing)}")

    def references(self) -> list[str]:
        """Every source id the model cites, in the order first cited."""
        refs: list[str] = []
        for route in self.routes.values():
            refs += route.session.price.reference + route.session.reference
            refs += route.protocol.reference
        for item in self.line_items.values():
            refs += item.price.reference + item.reference
        for provider in self.providers.values():
            refs += provider.factor.reference
        refs += self.locations.reference + self.locations.zip_reference
        for program in self.savings_programs:
            refs += (
                program.reference
                + program.per_treatment.reference
                + program.annual_max.reference
                + program.drug_share.reference
            )
        for limits in self.plan_limits.years.values():
            refs += limits.reference
        for law in self.accumulator_laws:
            refs += law.reference
        return list(dict.fromkeys(refs))

    def accumulator_law(self, state: str | None) -> AccumulatorLaw | None:
        """The state's law requiring the plans it regulates to count manufacturer assistance."""
        return next((law for law in self.accumulator_laws if law.state == state), None)
