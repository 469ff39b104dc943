"""The scenario: every input of an estimate, validated, with defaults filled in.

:data:`FIELDS` is the one table of inputs. The CLI makes its ``estimate``/``compare`` options
from it, scenario files and batch records use its snake_case names, and ``ketacost schema
scenario`` is generated from it. :func:`parse_scenario` checks raw values (text from the command
line, or YAML/JSON values) and stops at the first problem, naming the field.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, NamedTuple

from .core.errors import InputError
from .core.words import did_you_mean
from .rules.model import (
    FILINGS,
    MAX_SESSIONS,
    MAX_WEEKS,
    PROVIDERS,
    ROUTES,
    PricingModel,
    StateFactor,
    Territory,
)

COVERAGES = ("auto", "none", "in-network", "out-of-network")
PLAN_TYPES = ("commercial", "medicare", "medicaid")
MAX_MONEY = Decimal("1000000")  # no single figure of a therapy course comes near $1M
MAX_COUNT = MAX_SESSIONS  # sessions of one kind; a weekly course for four years is 200
MAX_MONTHS = 120
MAX_CHILDREN = 20
FIRST_YEAR, LAST_YEAR = 2000, 2100

Kind = Literal["choice", "text", "count", "money", "percent", "date", "monthday", "flag"]


class FieldSpec(NamedTuple):
    """One input: its name (snake_case; the option is ``--kebab-case``), kind and help."""

    name: str
    kind: Kind
    help: str
    default: Any = None
    choices: tuple[str, ...] = ()
    low: int = 0
    high: int | None = None
    group: str = "Course"
    flag_off: str | None = None  # "--no-x" for a flag pair

    @property
    def option(self) -> str:
        return "--" + self.name.replace("_", "-")


def _f(name: str, kind: Kind, help: str, **kw: Any) -> FieldSpec:
    return FieldSpec(name, kind, help, **kw)


_PLAN, _OON, _TAX, _FIN = "Plan", "Out-of-network", "Accounts and taxes", "Financing"
PANELS = ("Course", _PLAN, _OON, _TAX, _FIN)  # the option groups of --help, in order
FIELDS: tuple[FieldSpec, ...] = (
    _f("route", "choice", "Administration route.", default="iv", choices=ROUTES),
    _f("provider", "choice", "Provider type (default: the route's usual one).", choices=PROVIDERS),
    _f("location", "text", "US, a state code or name, or a ZIP code.", default="US"),
    _f(
        "sessions",
        "count",
        "Induction sessions (default: the route's protocol).",
        low=1,
        high=MAX_COUNT,
    ),
    _f("boosters", "count", "Maintenance sessions after the induction.", default=0, high=MAX_COUNT),
    _f(
        "booster_every",
        "count",
        "Weeks between boosters (default: the route's protocol).",
        low=1,
        high=MAX_WEEKS,
    ),
    _f("start", "date", "Date of the first visit, YYYY-MM-DD (default: today)."),
    _f("session_price", "money", "A quoted all-in price per session; replaces the band."),
    _f("consult", "flag", "Include the initial evaluation.", default=True, flag_off="--no-consult"),
    _f("integration", "count", "Integration/psychotherapy sessions.", default=0, high=MAX_COUNT),
    _f(
        "coverage",
        "choice",
        "How visits are claimed. auto: self-pay without plan figures; with them, each visit "
        "as the pricing model says (Spravato, evaluations and therapy covered; IV, IM and oral "
        "sessions self-pay). in-network / out-of-network: every visit claimed so. none: "
        "self-pay, plan figures ignored.",
        default="auto",
        choices=COVERAGES,
        group=_PLAN,
    ),
    _f("plan_type", "choice", "Plan type.", default="commercial", choices=PLAN_TYPES, group=_PLAN),
    _f("deductible", "money", "In-network deductible per plan year.", group=_PLAN),
    _f("deductible_met", "money", "Deductible already met this plan year.", group=_PLAN),
    _f("coinsurance", "percent", "Your share after the deductible, percent.", group=_PLAN),
    _f("copay", "money", "Copay per visit.", group=_PLAN),
    _f("oop_max", "money", "In-network out-of-pocket maximum per plan year.", group=_PLAN),
    _f("oop_met", "money", "Out-of-pocket already paid this plan year.", group=_PLAN),
    _f(
        "hdhp",
        "flag",
        "High-deductible plan: the deductible applies before copays.",
        default=False,
        group=_PLAN,
    ),
    _f(
        "plan_year_start",
        "monthday",
        "Day the deductible and OOP reset, MM-DD.",
        default="01-01",
        group=_PLAN,
    ),
    _f("oon_deductible", "money", "Out-of-network deductible.", group=_OON),
    _f("oon_deductible_met", "money", "Out-of-network deductible already met.", group=_OON),
    _f("oon_coinsurance", "percent", "Out-of-network coinsurance, percent.", group=_OON),
    _f("oon_allowed", "percent", "Out-of-network allowed amount, percent of the bill.", group=_OON),
    _f("oon_oop_max", "money", "Out-of-network out-of-pocket maximum.", group=_OON),
    _f("oon_oop_met", "money", "Out-of-network out-of-pocket already paid.", group=_OON),
    _f(
        "copay_program",
        "flag",
        "Manufacturer savings program where eligible.",
        default=True,
        flag_off="--no-copay-program",
        group=_PLAN,
    ),
    _f("fsa", "money", "FSA funds available.", group=_TAX),
    _f("hsa", "money", "HSA funds available.", group=_TAX),
    _f(
        "tax_rate", "percent", "Combined marginal tax rate on account dollars, percent.", group=_TAX
    ),
    _f(
        "income",
        "money",
        "Annual wages of the household, before FSA/HSA payroll money (works out the tax saved).",
        high=100_000_000,
        group=_TAX,
    ),
    _f("filing", "choice", "Filing status.", default="single", choices=FILINGS, group=_TAX),
    _f(
        "children",
        "count",
        "Qualifying children under 17 (child tax credit, EITC).",
        default=0,
        high=MAX_CHILDREN,
        group=_TAX,
    ),
    _f(
        "spouse_income",
        "money",
        "Joint filers: the spouse's part of --income; the account holder earns the rest.",
        high=100_000_000,
        group=_TAX,
    ),
    _f("state_tax_rate", "percent", "State income-tax rate, percent.", group=_TAX),
    _f(
        "hsa_direct",
        "flag",
        "HSA contributions made directly, not through payroll.",
        default=False,
        group=_TAX,
    ),
    _f(
        "finance_months",
        "count",
        "Finance the cash out of pocket over N months.",
        low=1,
        high=MAX_MONTHS,
        group=_FIN,
    ),
    _f("apr", "percent", "Annual percentage rate of the financing.", group=_FIN),
)
FIELD_BY_NAME = {spec.name: spec for spec in FIELDS}
# Plausible values for the template (`ketacost init`) and the schema's examples: illustrations
# of the format, not figures the estimate uses.
EXAMPLES = {
    "provider": "clinic", "location": "CA", "sessions": "6", "booster_every": "4",
    "start": "2027-01-04", "session_price": "600.00", "deductible": "1500.00",
    "deductible_met": "0.00", "coinsurance": "20", "copay": "30.00", "oop_max": "5000.00",
    "oop_met": "0.00", "oon_deductible": "3000.00", "oon_deductible_met": "0.00",
    "oon_coinsurance": "40", "oon_allowed": "70", "oon_oop_max": "10000.00", "oon_oop_met": "0.00",
    "fsa": "1000.00", "hsa": "1000.00", "tax_rate": "30", "income": "85000.00",
    "children": "2", "spouse_income": "40000.00",
    "state_tax_rate": "5", "finance_months": "12", "apr": "9.9",
}  # fmt: skip
PLAN_FIGURES = (
    "deductible", "deductible_met", "coinsurance", "copay", "oop_max", "oop_met",
    "oon_deductible", "oon_deductible_met", "oon_coinsurance", "oon_allowed", "oon_oop_max",
    "oon_oop_met",
)  # fmt: skip
OON_FIGURES = tuple(name for name in PLAN_FIGURES if name.startswith("oon_"))
IN_NETWORK_FIGURES = tuple(name for name in PLAN_FIGURES if not name.startswith("oon_"))


class Scenario(NamedTuple):
    """Every input of one estimate, validated; defaults filled in (None: not given)."""

    route: str
    provider: str
    location: str
    sessions: int
    boosters: int
    booster_every: int
    start: dt.date
    session_price: Decimal | None
    consult: bool
    integration: int
    coverage: str
    plan_type: str
    deductible: Decimal | None
    deductible_met: Decimal | None
    coinsurance: Decimal | None
    copay: Decimal | None
    oop_max: Decimal | None
    oop_met: Decimal | None
    hdhp: bool
    plan_year_start: str
    oon_deductible: Decimal | None
    oon_deductible_met: Decimal | None
    oon_coinsurance: Decimal | None
    oon_allowed: Decimal | None
    oon_oop_max: Decimal | None
    oon_oop_met: Decimal | None
    copay_program: bool
    fsa: Decimal | None
    hsa: Decimal | None
    tax_rate: Decimal | None
    income: Decimal | None
    filing: str
    children: int
    spouse_income: Decimal | None
    state_tax_rate: Decimal | None
    hsa_direct: bool
    finance_months: int | None
    apr: Decimal | None

    @property
    def has_plan(self) -> bool:
        """True when any plan figure was given (``--coverage auto`` then uses the plan)."""
        return (
            self.hdhp
            or self.plan_type != "commercial"
            or any(getattr(self, name) is not None for name in PLAN_FIGURES)
        )

    @property
    def has_oon_terms_only(self) -> bool:
        """True when out-of-network figures are given and no in-network ones."""
        return all(getattr(self, n) is None for n in IN_NETWORK_FIGURES) and any(
            getattr(self, n) is not None for n in OON_FIGURES
        )

    @property
    def state(self) -> str | None:
        """The two-letter state of the location, or None for the national price level."""
        return None if self.location == "US" else self.location


assert list(Scenario._fields) == [f.name for f in FIELDS]


def parse_scenario(
    values: dict[str, Any],
    pricing: PricingModel,
    today: dt.date,
    labels: dict[str, str] | None = None,
) -> Scenario:
    """Check raw inputs and fill in defaults. ``labels`` name each field in error messages
    (e.g. ``--coinsurance`` for a command-line value); unnamed fields use their snake_case name.
    """
    labels = labels or {}
    unknown = sorted(set(values) - set(FIELD_BY_NAME))
    if unknown:
        where = labels.get(unknown[0], unknown[0][:40])
        hint = did_you_mean(unknown[0].replace("-", "_"), FIELD_BY_NAME)
        raise InputError(
            f"{where}: unknown key {_show(unknown[0])}{hint} (known keys: `ketacost schema "
            "scenario`)",
            field=where,
        )
    out: dict[str, Any] = {}
    for spec in FIELDS:
        raw = values.get(spec.name)
        label = labels.get(spec.name, spec.name)
        out[spec.name] = spec.default if raw is None else convert(spec, raw, label)
    return _resolve(out, pricing, today, labels)


def _fail(label: str, message: str) -> InputError:
    return InputError(f"{label}: {message}", field=label)


def _show(value: Any) -> str:
    """A value for an error message: its repr, cut short (a pasted essay stays out of stderr)."""
    text = str(value)
    if not re.fullmatch(r"[-+0-9.,$%eE]+", text):
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def convert(spec: FieldSpec, raw: Any, label: str) -> Any:
    """One raw value (text, or a YAML/JSON value) checked and converted by its spec."""
    kind = spec.kind
    if kind == "flag":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in ("true", "yes", "1", "false", "no", "0"):
            return raw.strip().lower() in ("true", "yes", "1")
        raise _fail(label, f"must be true or false, not {_show(raw)}")
    if isinstance(raw, (bool, dict | list)):
        raise _fail(label, f"must be a single {kind} value, not {_show(raw)}")
    text = str(raw).strip()
    if kind == "choice":
        lowered = text.lower()
        if lowered not in spec.choices:
            raise _fail(label, f"must be one of {', '.join(spec.choices)}, not {_show(text)}"
                               f"{did_you_mean(lowered, spec.choices)}")  # fmt: skip
        return lowered
    if kind == "text":
        if not text or len(text) > 100:
            raise _fail(label, "must be 1 to 100 characters")
        return text
    if kind == "count":
        if isinstance(raw, float) or not re.fullmatch(r"[+-]?\d+", text):
            raise _fail(label, f"must be a whole number, not {_show(text)}")
        high = spec.high if spec.high is not None else MAX_COUNT
        # at most 9 digits are converted: int() of 100,000 digits is slow (and refused by Python)
        number = int(text) if len(text.lstrip("+-")) <= 9 else None
        if number is None or not spec.low <= number <= high:
            raise _fail(label, f"must be from {spec.low} to {high}, not {_show(text)}")
        return number
    if kind in ("money", "percent"):
        return _number(kind, raw, text, label, spec.high, spec.name)
    if kind == "date":
        return _date(raw, text, label)
    if kind == "monthday":
        match = re.fullmatch(r"(\d{2})-(\d{2})", text)
        try:
            if not match:
                raise ValueError
            dt.date(2001, int(match.group(1)), int(match.group(2)))  # 2001: no Feb 29
        except ValueError:
            if text == "02-29":
                raise _fail(
                    label,
                    "02-29 is not a day of every year, so a plan year cannot start on it; "
                    "use 02-28 or 03-01",
                ) from None
            raise _fail(label, f"must be a day of the year as MM-DD, not {_show(text)}") from None
        return text
    raise AssertionError(kind)  # pragma: no cover


# A comma may only group thousands: "1,500" and "1,500.00" are read, "1,50", "1.500,00" and "2,0"
# could mean two different amounts, so they are refused rather than guessed (issue 12).
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
PERCENT_PLACES = 4  # 7.65 (FICA), 9.99 (APR), 5.125: no rate needs more decimal places


def _number(kind: str, raw: Any, text: str, label: str, spec_high: int | None = None,
            name: str = "") -> Decimal:  # fmt: skip
    if isinstance(raw, float):
        text = repr(raw)  # a JSON/YAML float: its shortest text is what the user wrote
    cleaned = text.removeprefix("$").removesuffix("%").strip()
    if "," in cleaned:
        if not _GROUPED.fullmatch(cleaned):
            raise _fail(
                label,
                f"{_show(text)} is ambiguous: a comma may only group thousands (1,500 or "
                "1,500.00); write the number without it, with a dot for cents (1.50)",
            )
        cleaned = cleaned.replace(",", "")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise _fail(label, f"must be a number, not {_show(text)}") from None
    if not number.is_finite():
        raise _fail(label, f"must be a finite number, not {_show(text)}")
    if number < 0:
        raise _fail(label, f"must not be negative, not {_show(text)}")
    high = Decimal(100) if kind == "percent" else Decimal(spec_high or MAX_MONEY)
    if number > high:
        what = "a percentage from 0 to 100" if kind == "percent" else f"at most {high:,}"
        raise _fail(label, f"must be {what}, not {_show(text)}")
    if kind == "money" and number != number.quantize(Decimal("0.01")):
        raise _fail(label, f"must be whole cents, not {_show(text)}")
    if kind == "percent":
        if number != number.quantize(Decimal(1).scaleb(-PERCENT_PLACES)):
            raise _fail(
                label, f"must have at most {PERCENT_PLACES} decimal places, not {_show(text)}"
            )
        # 0.2 is 20% written as a fraction, not 0.2%: refuse with a hint rather than guess.
        # Not for an APR: promotional financing at 0.99% APR is real.
        if 0 < number < 1 and name != "apr":
            hint = format((number * 100).normalize(), "f")
            raise _fail(
                label,
                f"is a percentage from 0 to 100, and {_show(text)} is below 1%: "
                f"did you mean {hint}?",
            )
    # Exponents normalised away, so the figure is written out as plain, short digits: 1e2 is
    # 100, and 0E-999999999 (a billion zeros written out) or 450.000 keep only the places a
    # figure of this kind has; the value is unchanged (checked above). + 0: -0 becomes 0.
    places = Decimal(1).scaleb(-(PERCENT_PLACES if kind == "percent" else 2))
    if number.as_tuple().exponent < places.as_tuple().exponent:  # type: ignore[operator]
        number = number.quantize(places).normalize()
    return Decimal(format(number + 0, "f"))


def _date(raw: Any, text: str, label: str) -> dt.date:
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        value = raw
    else:
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError
            value = dt.date.fromisoformat(text)
        except ValueError:
            raise _fail(label, f"must be a real date as YYYY-MM-DD, not {_show(text)}") from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise _fail(label, f"must be between {FIRST_YEAR} and {LAST_YEAR}, not {value}")
    return value


def resolve_location(text: str, pricing: PricingModel) -> str | None:
    """``US``, a state code or name, or a ZIP (``94110``, ``94110-1234``) → state code or US.

    Remembered per pricing model: a batch names the same few hundred places again and again,
    and a ZIP is looked up through every state's name and prefix ranges."""
    key = (id(pricing), text)
    hit = _PLACES.get(key)
    if hit is not None and hit[0] is pricing:
        return hit[1]
    place = _resolve_location(text, pricing)
    if len(_PLACES) >= 4096:
        _PLACES.clear()
    _PLACES[key] = (pricing, place)
    return place


_PLACES: dict[tuple[int, str], tuple[PricingModel, str | None]] = {}


def _resolve_location(text: str, pricing: PricingModel) -> str | None:
    cleaned = " ".join(text.strip().split())
    upper = cleaned.upper()
    if upper in ("US", "USA", "UNITED STATES", "NATIONAL"):
        return "US"
    states = pricing.locations.states
    places: dict[str, Territory | StateFactor] = {**pricing.locations.territories, **states}
    if upper in places:
        return upper
    for code, place in places.items():
        if place.name.upper().removeprefix("THE ") == upper.removeprefix("THE "):
            return code
    if re.fullmatch(r"\d{5}(-\d{4})?", cleaned):
        return pricing.locations.state_for_zip(cleaned[:5])
    return None


def _resolve(
    out: dict[str, Any], pricing: PricingModel, today: dt.date, labels: dict[str, str]
) -> Scenario:
    def label(name: str) -> str:
        return labels.get(name, name)

    route = out["route"]
    if route not in pricing.routes:
        raise _fail(label("route"), f"the pricing model has no {route!r} route")
    spec = pricing.routes[route]
    provider = out["provider"] or spec.default_provider
    offered = pricing.providers.get(provider)
    if offered is None:
        raise _fail(label("provider"), f"the pricing model has no {provider!r} provider")
    if route not in offered.routes:
        where = ", ".join(p for p, s in pricing.providers.items() if route in s.routes)
        raise _fail(
            label("provider"), f"{provider} does not offer {route} (offered by: {where or 'none'})"
        )
    out["provider"] = provider
    location = resolve_location(out["location"], pricing)
    if location is None:
        raise _fail(
            label("location"),
            f"unknown location {out['location']!r}: use US, a state code or name, or a US ZIP",
        )
    territory = pricing.locations.territories.get(location)
    if territory is not None:
        raise _fail(
            label("location"),
            f"{out['location']!r} ({territory.name}) is not priced: US territories and "
            "military post offices have no regional price parity (give a state, or US)",
        )
    out["location"] = location
    if out["sessions"] is None:
        out["sessions"] = spec.protocol.induction_sessions
    if out["booster_every"] is None:
        out["booster_every"] = spec.protocol.booster_every_weeks
    if out["start"] is None:
        out["start"] = today
    _check_met("deductible_met", "deductible", out, label)
    _check_met("oop_met", "oop_max", out, label)
    _check_met("oon_deductible_met", "oon_deductible", out, label)
    _check_met("oon_oop_met", "oon_oop_max", out, label)
    for small, big in (("deductible", "oop_max"), ("oon_deductible", "oon_oop_max")):
        if out[small] is not None and out[big] is not None and out[small] > out[big]:
            raise _fail(
                label(big), f"{out[big]} is below the {small.replace('_', ' ')} {out[small]}"
            )
    _check_household(out, label)
    if out["apr"] is not None and out["finance_months"] is None:
        raise _fail(label("apr"), "needs finance_months (--finance-months)")
    return Scenario(**out)


def _check_household(out: dict[str, Any], label: Any) -> None:
    """The spouse's wages are part of a joint return's --income, never more than it."""
    spouse = out["spouse_income"]
    if spouse is None:
        return
    if out["filing"] != "joint":
        raise _fail(
            label("spouse_income"),
            f"is for joint filers (--filing joint), not {out['filing']}",
        )
    if out["income"] is None:
        raise _fail(label("spouse_income"), "needs income (--income), the household's wages")
    if spouse > out["income"]:
        raise _fail(
            label("spouse_income"), f"{spouse} is more than the household income {out['income']}"
        )


def _check_met(met: str, total: str, out: dict[str, Any], label: Any) -> None:
    if out[met] is None:
        return
    if out[total] is None:
        raise _fail(label(met), f"needs {total} (--{total.replace('_', '-')}) too")
    if out[met] > out[total]:
        raise _fail(
            label(met), f"{out[met]} is more than the {total.replace('_', ' ')} {out[total]}"
        )
