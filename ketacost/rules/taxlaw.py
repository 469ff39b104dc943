"""The tax law as data: frozen dataclasses mirroring ``data/tax.yaml``, and its compiled form.

``data/tax.yaml`` holds the federal income-tax, credit and payroll-tax figures by year and each
state's income-tax figures, every one with its sources and date. It is validated by pydantic
(``extra="forbid"``) when ``python -m ketacost.rules.compile`` compiles it into
``ketacost/rules/data/tax.compiled.json``; :mod:`.loader` reads the compiled JSON and
:class:`TaxLaw` builds only the federal year and the state an estimate needs, so start-up stays
fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from .model import FILINGS, Source, _check_date, _check_non_negative, _check_sourced, _Value

_STRICT = {"extra": "forbid", "str_strip_whitespace": True, "coerce_numbers_to_str": True}


def _check_rate(name: str, rate: Decimal) -> None:
    if not (rate.is_finite() and 0 <= rate <= 100):
        raise ValueError(f"{name} must be a percentage from 0 to 100, not {rate:.6}")


def _check_filings(name: str, table: dict[str, Any]) -> None:
    missing = [f for f in FILINGS if f not in table]
    extra = [f for f in table if f not in FILINGS]
    if missing or extra:
        raise ValueError(f"{name} needs exactly {', '.join(FILINGS)}")


@dataclass(frozen=True, eq=False, repr=False)
class Bracket(_Value):
    """An income-tax bracket: the rate (percent) up to ``upper`` inclusive (null: no upper)."""

    __pydantic_config__ = _STRICT

    rate: Decimal
    upper: Decimal | None = None

    def __post_init__(self) -> None:
        # brackets reach past a price list's bound (New York's top one starts at $25 million)
        if self.upper is not None and not (self.upper.is_finite() and self.upper >= 0):
            raise ValueError(f"upper must be a number from 0 up, not {self.upper:.6}")
        _check_rate("rate", self.rate)


def _check_brackets(name: str, brackets: tuple[Bracket, ...]) -> None:
    uppers = [b.upper for b in brackets[:-1]]
    if not brackets or brackets[-1].upper is not None or None in uppers:
        raise ValueError(f"{name}: only the last bracket has no upper")
    if uppers != sorted(u for u in uppers if u is not None):
        raise ValueError(f"{name}: uppers must rise")


@dataclass(frozen=True, eq=False, repr=False)
class EitcSchedule(_Value):
    """The earned income credit for one number of qualifying children (26 USC 32(b))."""

    __pydantic_config__ = _STRICT

    rate: Decimal  # credit percentage (phase-in), percent
    earned_amount: Decimal  # earnings at which the maximum is reached
    max_credit: Decimal
    phaseout_rate: Decimal  # percent
    phaseout_start: Decimal
    phaseout_start_joint: Decimal

    def __post_init__(self) -> None:
        _check_rate("rate", self.rate)
        _check_rate("phaseout_rate", self.phaseout_rate)
        _check_non_negative(
            earned_amount=self.earned_amount, max_credit=self.max_credit,
            phaseout_start=self.phaseout_start, phaseout_start_joint=self.phaseout_start_joint,
        )  # fmt: skip


@dataclass(frozen=True, eq=False, repr=False)
class FederalYear(_Value):
    """One tax year's federal income tax, credits and employee payroll tax."""

    __pydantic_config__ = _STRICT

    reference: tuple[str, ...]
    date: str
    standard_deduction: dict[str, Decimal]
    brackets: dict[str, tuple[Bracket, ...]]
    ctc_per_child: Decimal
    ctc_refundable_max: Decimal  # per child (ACTC cap)
    actc_rate: Decimal  # percent of earnings above actc_earned_floor
    actc_earned_floor: Decimal
    ctc_phaseout_start: dict[str, Decimal]
    ctc_phaseout_rate: Decimal  # percent, of each $1,000 (or fraction) of MAGI above the start
    ctc_phaseout_step: Decimal
    eitc: tuple[EitcSchedule, ...]  # 0, 1, 2, 3+ children
    eitc_separate_filers: bool
    social_security_rate: Decimal
    social_security_wage_base: Decimal
    medicare_rate: Decimal
    additional_medicare_rate: Decimal
    additional_medicare_threshold: dict[str, Decimal]
    note: str = ""

    def __post_init__(self) -> None:
        _check_sourced(self.reference, self.date)
        for name in ("standard_deduction", "brackets", "ctc_phaseout_start",
                     "additional_medicare_threshold"):  # fmt: skip
            _check_filings(name, getattr(self, name))
        for filing, brackets in self.brackets.items():
            _check_brackets(f"brackets.{filing}", brackets)
        for name in ("actc_rate", "ctc_phaseout_rate", "social_security_rate", "medicare_rate",
                     "additional_medicare_rate"):  # fmt: skip
            _check_rate(name, getattr(self, name))
        _check_non_negative(
            ctc_per_child=self.ctc_per_child, ctc_refundable_max=self.ctc_refundable_max,
            actc_earned_floor=self.actc_earned_floor, ctc_phaseout_step=self.ctc_phaseout_step,
            social_security_wage_base=self.social_security_wage_base,
            **{f"standard_deduction.{k}": v for k, v in self.standard_deduction.items()},
        )  # fmt: skip
        if self.ctc_phaseout_step <= 0:
            raise ValueError("ctc_phaseout_step must be above 0")
        if len(self.eitc) != 4:
            raise ValueError("eitc needs 4 schedules: 0, 1, 2 and 3 or more children")


@dataclass(frozen=True, eq=False, repr=False)
class RecaptureRow(_Value):
    """One row of a recapture table: for taxable income from ``start`` up, the tax gains
    ``base`` + the phase-in fraction × ``benefit``."""

    __pydantic_config__ = _STRICT

    start: Decimal
    base: Decimal
    benefit: Decimal

    def __post_init__(self) -> None:
        _check_non_negative(start=self.start, base=self.base, benefit=self.benefit)


@dataclass(frozen=True, eq=False, repr=False)
class Recapture(_Value):
    """A state's recapture of its lower brackets (New York's supplemental tax, Tax Law 601(d-1)
    ff.): above ``min_agi`` of AGI the tax gains the row's ``base`` + fraction × ``benefit``,
    the fraction = (AGI − the greater of ``min_agi`` and the lower edge of the taxpayer's
    bracket) / ``phase_in``, at most 1; above ``flat_above`` of AGI every dollar of taxable
    income is taxed at the top rate. ``of_taxable_income``: the thresholds and the fraction are
    measured on taxable income, not AGI (Arkansas's high-income adjustment)."""

    __pydantic_config__ = _STRICT

    min_agi: Decimal
    phase_in: Decimal
    rows: dict[str, tuple[RecaptureRow, ...]]
    flat_above: Decimal | None = None
    of_taxable_income: bool = False

    def __post_init__(self) -> None:
        _check_filings("recapture.rows", self.rows)
        _check_non_negative(min_agi=self.min_agi)
        # like a bracket's upper, it lies past a price list's bound (New York's is $25 million)
        flat = self.flat_above
        if flat is not None and not (flat.is_finite() and flat >= self.min_agi):
            raise ValueError("recapture.flat_above must be a number above min_agi")
        if self.phase_in <= 0:
            raise ValueError("recapture.phase_in must be above 0")
        for filing, rows in self.rows.items():
            starts = [row.start for row in rows]
            if not rows or starts[0] != 0 or starts != sorted(set(starts)):
                raise ValueError(f"recapture.rows.{filing}: starts must rise from 0")


@dataclass(frozen=True, eq=False, repr=False)
class CapRow(_Value):
    """From ``agi`` of federal AGI up, at most ``cap`` of federal income tax is subtracted."""

    __pydantic_config__ = _STRICT

    agi: Decimal
    cap: Decimal

    def __post_init__(self) -> None:
        _check_non_negative(agi=self.agi, cap=self.cap)


@dataclass(frozen=True, eq=False, repr=False)
class PhasedCredit(_Value):
    """A credit that shrinks with income (Utah's taxpayer credit, Utah Code 59-10-1018): ``amount``
    by filing status + ``per_child``, less ``rate`` percent of the state income above ``start``,
    never below zero."""

    __pydantic_config__ = _STRICT

    amount: dict[str, Decimal]
    per_child: Decimal
    start: dict[str, Decimal]
    rate: Decimal

    def __post_init__(self) -> None:
        _check_filings("phased_credit.amount", self.amount)
        _check_filings("phased_credit.start", self.start)
        _check_rate("phased_credit.rate", self.rate)
        _check_non_negative(per_child=self.per_child, **self.amount)


@dataclass(frozen=True, eq=False, repr=False)
class StateTax(_Value):
    """One state's income tax on wages, and whether it follows the federal FSA/HSA exclusions.

    Taxable income = federal AGI (or federal taxable income, for a state that starts from it),
    plus the payroll HSA/FSA money the state taxes, − the standard deduction − exemptions (per
    filer, or per return by filing status, and per child); the tax is the brackets' sum less the
    exemption credits. ``kind: none``: no tax on wages. ``year``: the year the figures were
    published for (the last published ones are used until a state publishes 2026's).
    """

    __pydantic_config__ = _STRICT

    name: str
    kind: Literal["none", "brackets"]
    reference: tuple[str, ...]
    date: str
    fsa_excluded: bool
    hsa_excluded: bool
    conformity_reference: tuple[str, ...]
    year: int = 2026
    federal_taxable_income: bool = False  # starts from federal taxable income
    brackets: dict[str, tuple[Bracket, ...]] | None = None
    standard_deduction: dict[str, Decimal] | None = None
    exemption: Decimal = Decimal(0)  # deducted per filer (2 on a joint return)
    exemption_by_filing: dict[str, Decimal] | None = None  # deducted per return, instead
    dependent_exemption: Decimal = Decimal(0)  # deducted per child
    exemption_credit: Decimal = Decimal(0)  # credited per filer
    exemption_credit_by_filing: dict[str, Decimal] | None = None  # credited per return, instead
    dependent_credit: Decimal = Decimal(0)  # credited per child
    recapture: Recapture | None = None  # the lower brackets taken back at higher incomes
    # federal income tax subtracted from the state's income, capped by federal AGI (Oregon)
    federal_tax_subtraction: dict[str, tuple[CapRow, ...]] | None = None
    phased_credit: PhasedCredit | None = None  # a credit phased out with income (Utah)
    # the standard deduction shrinks by these rates of income (brackets; Wisconsin's sliding
    # scale, Wis. Stat. 71.05(22))
    standard_deduction_phaseout: dict[str, tuple[Bracket, ...]] | None = None
    note: str = ""

    def __post_init__(self) -> None:
        _check_sourced(self.reference, self.date)
        _check_sourced(self.conformity_reference, self.date)
        _check_non_negative(
            exemption=self.exemption, dependent_exemption=self.dependent_exemption,
            exemption_credit=self.exemption_credit, dependent_credit=self.dependent_credit,
        )  # fmt: skip
        if self.kind == "none":
            if self.brackets is not None:
                raise ValueError("a state without income tax has no brackets")
            return
        if self.brackets is None:
            raise ValueError("brackets are needed for kind: brackets")
        _check_filings("brackets", self.brackets)
        for filing, brackets in self.brackets.items():
            _check_brackets(f"brackets.{filing}", brackets)
        if self.standard_deduction_phaseout is not None:
            _check_filings("standard_deduction_phaseout", self.standard_deduction_phaseout)
            for filing, steps in self.standard_deduction_phaseout.items():
                _check_brackets(f"standard_deduction_phaseout.{filing}", steps)
        if self.federal_tax_subtraction is not None:
            _check_filings("federal_tax_subtraction", self.federal_tax_subtraction)
            for filing, rows in self.federal_tax_subtraction.items():
                agis = [row.agi for row in rows]
                if not rows or agis[0] != 0 or agis != sorted(set(agis)):
                    raise ValueError(f"federal_tax_subtraction.{filing}: agi must rise from 0")
        for name in ("standard_deduction", "exemption_by_filing", "exemption_credit_by_filing"):
            table = getattr(self, name)
            if table is not None:
                _check_filings(name, table)
                _check_non_negative(**{f"{name}.{k}": v for k, v in table.items()})


@dataclass(frozen=True, eq=False, repr=False)
class TaxLawFile(_Value):
    """The whole of ``data/tax.yaml``."""

    __pydantic_config__ = _STRICT

    as_of: str
    description: str
    sources: dict[str, Source]
    federal: dict[int, FederalYear]
    states: dict[str, StateTax]
    assumptions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_date(self.as_of, "as_of")
        if not self.federal:
            raise ValueError("federal needs at least one year")
        cited: list[str] = []
        for year in self.federal.values():
            cited += year.reference
        for state in self.states.values():
            cited += state.reference + state.conformity_reference
        missing = sorted(set(cited) - set(self.sources))
        if missing:
            raise ValueError(f"reference names unknown source(s): {', '.join(missing)}")
