"""The one table of inputs: every option of ``estimate``, its kind, bounds, default and help.

The CLI makes its ``estimate``/``compare`` options from :data:`FIELDS`, scenario files and batch
records use its snake_case names, the Python API groups them (``Plan``, ``Accounts``, ...), and
``ketacost schema scenario`` is generated from it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal, NamedTuple

from ..core.words import did_you_mean
from ..rules.model import (
    FILINGS,
    MAX_SESSIONS,
    MAX_WEEKS,
    PROVIDERS,
    ROUTES,
)

COVERAGES = ("auto", "none", "in-network", "out-of-network")
PLAN_TYPES = ("commercial", "medicare", "medicaid")
HSA_COVERAGES = ("self", "family")  # 26 USC 223(b)(2): self-only or family HDHP coverage
MAX_MONEY = Decimal("1000000")  # no single figure of a therapy course comes near $1M
MAX_COUNT = MAX_SESSIONS  # sessions of one kind; a weekly course for four years is 200
MAX_MONTHS = 120
MAX_CHILDREN = 20
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_REIMBURSEMENT_DAYS = 365  # a plan that takes longer than a year to pay is not modelled

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
    _f(
        "reimbursement_days",
        "count",
        "Out-of-network (superbill) visits: you pay the whole bill at the visit; the plan's "
        "payment reaches you this many days later.",
        default=45,
        high=MAX_REIMBURSEMENT_DAYS,
        group=_OON,
    ),
    _f(
        "accumulator",
        "flag",
        "The plan keeps the savings program's payments out of your deductible and OOP maximum "
        "(a copay accumulator, the cautious case); --no-accumulator: they count.",
        default=True,
        flag_off="--no-accumulator",
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
        "hsa_balance",
        "money",
        "HSA money saved in earlier years: pays bills after --hsa, saves no new tax.",
        group=_TAX,
    ),
    _f(
        "hsa_coverage",
        "choice",
        "The HDHP's coverage tier for the HSA limit: self-only or family.",
        default="self",
        choices=HSA_COVERAGES,
        group=_TAX,
    ),
    _f(
        "hsa_catch_up",
        "flag",
        "55 or older: the HSA limit is $1,000 higher (catch-up contribution).",
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
    "state_tax_rate": "5", "finance_months": "12", "apr": "9.9", "hsa_balance": "500.00",
    "reimbursement_days": "45",
}  # fmt: skip
PLAN_FIGURES = (
    "deductible", "deductible_met", "coinsurance", "copay", "oop_max", "oop_met",
    "oon_deductible", "oon_deductible_met", "oon_coinsurance", "oon_allowed", "oon_oop_max",
    "oon_oop_met",
)  # fmt: skip
OON_FIGURES = tuple(name for name in PLAN_FIGURES if name.startswith("oon_"))
IN_NETWORK_FIGURES = tuple(name for name in PLAN_FIGURES if not name.startswith("oon_"))

# What spreadsheets and other tools call some inputs: an unknown key (a CSV header, a grid's key)
# of these names is pointed to the input it means, not to its nearest spelling ("state" is not
# "start").
COMMON_NAMES = {
    "state": "location", "zip": "location", "zipcode": "location", "zip_code": "location",
    "postal_code": "location", "city": "location", "place": "location",
    "plan_deductible": "deductible", "deductible_amount": "deductible",
    "oop": "oop_max", "out_of_pocket_max": "oop_max", "max_oop": "oop_max",
    "coinsurance_rate": "coinsurance", "coinsurance_pct": "coinsurance",
    "wages": "income", "salary": "income", "household_income": "income",
    "price": "session_price", "price_per_session": "session_price",
}  # fmt: skip


def did_you_mean_field(name: str) -> str:
    """`` (did you mean 'location'?)`` for an unknown input name: a common name for an input,
    else the nearest spelling of one."""
    lowered = name.strip().lower().replace("-", "_")
    if lowered in COMMON_NAMES:
        return f" (did you mean {COMMON_NAMES[lowered]!r}?)"
    return did_you_mean(lowered, FIELD_BY_NAME)
