"""What FSA/HSA dollars save: the household's tax without them − its tax with them.

Pure and fast (Decimal arithmetic over :mod:`ketacost.rules.taxlaw`, no files). For one tax year:

- federal income tax after credits: brackets of (AGI − standard deduction), less the child tax
  credit (limited by the tax), its refundable part (15% of earnings above $2,500, capped per
  child; for 3 or more children at least the payroll tax less the EITC) and the earned income
  credit (phase-in, plateau, phase-out on the greater of AGI and earnings) — 26 USC 1, 24, 32;
- the employee's payroll tax: Social Security on each worker's wages up to the wage base,
  Medicare on all wages, the Additional Medicare Tax on the household's wages above the
  threshold — 26 USC 3101;
- state income tax on wages (:class:`~ketacost.rules.taxlaw.StateTax`).

Payroll FSA and HSA money (a section 125 salary reduction) lowers the account holder's wages, so
it lowers all three; HSA money contributed directly is an above-the-line deduction (income tax
only). A state that does not follow the federal exclusion (California and New Jersey for HSA
money) taxes those dollars anyway. The saving can be negative: lower earnings can cut a credit
that is still phasing in (the refundable child credit, the earned income credit) by more than
the tax they save.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from ..core.memo import Memo
from ..core.money import EDGES, HUNDRED, ZERO, ZERO_BAND, Band, cents, format_money
from ..inputs.scenario import ResolvedScenario

if TYPE_CHECKING:  # the law is read on first use: most estimates have no income to tax
    from ..rules.compiled_law import TaxLaw
    from ..rules.taxlaw import FederalYear, StateTax
from .tax_liability import AccountMoney, Household, Liability, liability


class Saving(NamedTuple):
    """Tax saved in one year (without − with), each part rounded to the cent once."""

    federal: Decimal
    payroll: Decimal
    state: Decimal
    cause: str | None  # the credit that shrank most, when the federal saving is negative

    @property
    def total(self) -> Decimal:
        return self.federal + self.payroll + self.state


CREDIT_NAMES = {
    "actc": "the refundable child tax credit (it phases in with earnings)",
    "eitc": "the earned income credit (it phases in with earnings)",
    "ctc": "the child tax credit",
}


def saving(before: Liability, after: Liability) -> Saving:
    """What the account dollars saved, part by part, and which credit cost the most."""
    federal = cents(before.federal.tax - after.federal.tax)
    cause = None
    if federal + cents(before.payroll - after.payroll) + cents(before.state - after.state) < 0:
        losses = {
            name: getattr(before.federal, name) - getattr(after.federal, name)
            for name in CREDIT_NAMES
        }
        worst = max(losses, key=lambda name: losses[name])
        cause = worst if losses[worst] > 0 else None
    return Saving(
        federal, cents(before.payroll - after.payroll), cents(before.state - after.state), cause
    )


# --- pricing an estimate's account dollars, tax year by tax year ----------------------------


class TaxOwed(NamedTuple):
    """The household's tax for the year without any account dollars (typical of the reader's
    own return: what the saving is measured from)."""

    federal: Decimal
    payroll: Decimal
    state: Decimal
    eitc: Decimal
    child_tax_credit: Decimal
    refundable_child_credit: Decimal


class TaxYearLine(NamedTuple):
    """One tax year of the estimate document's ``tax`` block."""

    year: int
    law_year: int  # the year whose federal figures were used
    filing: str
    method: str  # liability | given_rate | none
    state_code: str | None
    # brackets | given_rate | no_income_tax | location_unknown | not_on_file | none
    state_method: str
    account_dollars: Band
    federal: Band | None
    payroll: Band | None
    state: Band | None
    total: Band
    before: TaxOwed | None


class TaxResult(NamedTuple):
    years: dict[str, TaxYearLine]
    savings: Band
    notes: tuple[str, ...]
    cautions: tuple[tuple[str, str], ...]  # (code, message)


FILING_LABELS = {
    "single": "single",
    "joint": "married filing jointly",
    "head": "head of household",
    "separate": "married filing separately",
}


def _by_year(
    dates: list[dt.date],
    payments: dict[str, list[Any]],
    hsa_direct: bool,
    hsa_limit: Callable[[int], Decimal] | None = None,
) -> dict[int, dict[str, AccountMoney]]:
    """Account dollars per calendar year and band edge, by how they escape tax. HSA
    contributions count up to ``hsa_limit(year)``: above a tax year's limit they save no tax
    (26 USC 223(b); an excess contribution is not deductible). An HSA balance from earlier
    years saves none."""
    years: dict[int, dict[str, list[Decimal]]] = {}
    for edge in EDGES:
        for day, (fsa, hsa, *_) in zip(dates, payments[edge], strict=True):
            if not (fsa or hsa):
                continue
            by_edge = years.get(day.year)
            if by_edge is None:
                by_edge = years[day.year] = {e: [ZERO, ZERO] for e in EDGES}
            sums = by_edge[edge]
            sums[0] += fsa
            sums[1] += hsa
    out: dict[int, dict[str, AccountMoney]] = {}
    for year in sorted(years):
        out[year] = {}
        for edge, (fsa, hsa) in years[year].items():
            if hsa_limit is not None:
                hsa = min(hsa, hsa_limit(year))
            if hsa_direct:
                out[year][edge] = AccountMoney(fsa, ZERO, hsa)
            else:
                out[year][edge] = AccountMoney(fsa, hsa, ZERO)
    return out


# Taxes already worked out, for batch records that repeat a household and (once the accounts
# are spent) the same account dollars at every band edge. Keyed on each amount's text (its
# digits, not just its value) and on the year's law and the state. At most 512: the hits are a
# household's tax without account money (a few per batch) and the band edges of one record
# (spent accounts give every edge the same dollars), so a small bound loses none; 4,096 grew a
# batch worker by 3.5 MB (about 850 bytes an entry).
_WORKED: Memo[Any] = Memo(512)


def _untouched(
    household: Household, law: FederalYear, state: StateTax | None
) -> tuple[Liability, TaxOwed]:
    """The household's tax without account money, and what it owes by part, to the cent."""
    before = liability(household, AccountMoney(), law, state)
    owed = TaxOwed(
        cents(before.federal.tax), cents(before.payroll), cents(before.state),
        cents(before.federal.eitc), cents(before.federal.ctc), cents(before.federal.actc),
    )  # fmt: skip
    return before, owed


def _saved(
    before: Liability,
    household: Household,
    money: AccountMoney,
    law: FederalYear,
    state: StateTax | None,
) -> Saving:
    return saving(before, liability(household, money, law, state))


def _band(values: dict[str, Decimal]) -> Band:
    return Band(values["low"], values["typical"], values["high"])


def _dollars(money: AccountMoney) -> Decimal:
    return money.payroll_fsa + money.payroll_hsa + money.direct_hsa


def price_tax(
    scenario: ResolvedScenario,
    law: TaxLaw,
    dates: list[dt.date],
    payments: dict[str, list[Any]],
    hsa_limit: Callable[[int], Decimal] | None = None,
) -> TaxResult:
    """The tax the account dollars save, per tax year they are spent in, per band edge.

    ``payments``: the scenario's account draws (:func:`~ketacost.engine.accounts.apply_accounts` of
    its ``fsa`` and ``hsa``); ``hsa_limit(year)``: the most HSA contributions that save tax in a
    tax year (None: no limit)."""
    if not (scenario.fsa or scenario.hsa):  # no account money: no draws, nothing to price
        return TaxResult({}, ZERO_BAND, (), ())
    by_year = _by_year(dates, payments, scenario.hsa_direct, hsa_limit)
    if not by_year:
        return TaxResult({}, ZERO_BAND, (), ())
    if scenario.tax_rate is not None:
        return _given_rate(scenario, by_year)
    if scenario.income is None:
        lines = {
            str(year): TaxYearLine(
                year, year, scenario.filing, "none", scenario.state, "none",
                _band({e: _dollars(m) for e, m in edges.items()}), None, None, None, ZERO_BAND,
                None,
            )
            for year, edges in by_year.items()
        }  # fmt: skip
        note = "No tax rate or income given: tax savings are not counted."
        return TaxResult(lines, ZERO_BAND, (note,), ())
    return _liability(scenario, law, by_year)


def _given_rate(
    scenario: ResolvedScenario, by_year: dict[int, dict[str, AccountMoney]]
) -> TaxResult:
    """``--tax-rate`` on every account dollar; each year's part is the change in the rounded
    running total, so the years add up to the total rounded once."""
    rate = scenario.tax_rate or ZERO
    lines = {}
    running = {e: ZERO for e in EDGES}
    saved_so_far = {e: ZERO for e in EDGES}
    for year, edges in by_year.items():
        saved = {}
        for e in EDGES:
            running[e] += _dollars(edges[e])
            total = cents(running[e] * rate / HUNDRED)
            saved[e], saved_so_far[e] = total - saved_so_far[e], total
        lines[str(year)] = TaxYearLine(
            year, year, scenario.filing, "given_rate", scenario.state, "given_rate",
            _band({e: _dollars(m) for e, m in edges.items()}), None, None, None, _band(saved),
            None,
        )  # fmt: skip
    note = f"Tax saved: the given combined marginal rate of {rate}% on every account dollar."
    return TaxResult(lines, _band(saved_so_far), (note,), ())


def _liability(
    scenario: ResolvedScenario, law: TaxLaw, by_year: dict[int, dict[str, AccountMoney]]
) -> TaxResult:
    income = scenario.income or ZERO
    spouse = (scenario.spouse_income or ZERO) if scenario.filing == "joint" else ZERO
    household = Household(scenario.filing, income - spouse, spouse, scenario.children)
    state = law.state(scenario.state) if scenario.state is not None else None
    flat_state = scenario.state_tax_rate
    if flat_state is not None:
        state_method = "given_rate"
    elif scenario.state is None:
        state_method = "location_unknown"
    elif state is None:
        state_method = "not_on_file"
    elif state.kind == "none":
        state_method = "no_income_tax"
    else:
        state_method = "brackets"
    bracket_state = state if state_method == "brackets" else None
    notes: list[str] = []
    cautions: list[tuple[str, str]] = []
    lines: dict[str, TaxYearLine] = {}
    totals = {e: ZERO for e in EDGES}
    for year, edges in by_year.items():
        federal_law = law.federal(year)
        law_year = law.year_on_file(year)
        whose = (household.filing, str(household.holder_wages), str(household.spouse_wages),
                 household.children)  # fmt: skip
        held = (federal_law, bracket_state)
        before, owed = _WORKED.recall(whose, held, _untouched, household, *held)
        parts: dict[str, dict[str, Decimal]] = {"federal": {}, "payroll": {}, "state": {}}
        total: dict[str, Decimal] = {}
        causes: list[str] = []
        for e in EDGES:
            money = edges[e]
            key = (*whose, str(money.payroll_fsa), str(money.payroll_hsa), str(money.direct_hsa))
            saved = _WORKED.recall(key, held, _saved, before, household, money, *held)
            state_saved = saved.state
            if flat_state is not None:
                escaping = money.payroll_fsa if (state is None or state.fsa_excluded) else ZERO
                if state is None or state.hsa_excluded:
                    escaping += money.payroll_hsa + money.direct_hsa
                state_saved = cents(escaping * flat_state / HUNDRED)
            parts["federal"][e] = saved.federal
            parts["payroll"][e] = saved.payroll
            parts["state"][e] = state_saved
            total[e] = saved.federal + saved.payroll + state_saved
            totals[e] += total[e]
            if total[e] < 0 and saved.cause is not None:
                causes.append(saved.cause)
        lines[str(year)] = TaxYearLine(
            year, law_year, scenario.filing, "liability", scenario.state, state_method,
            _band({e: _dollars(m) for e, m in edges.items()}), _band(parts["federal"]),
            _band(parts["payroll"]), _band(parts["state"]), _band(total), owed,
        )  # fmt: skip
        notes.append(
            f"Tax saved in {year}: federal {format_money(parts['federal']['typical'])}, "
            f"payroll {format_money(parts['payroll']['typical'])}, "
            f"state {format_money(parts['state']['typical'])} "
            f"on {format_money(_dollars(edges['typical']))} of account money (typical prices)."
        )
        if law_year != year:
            notes.append(
                f"No {year} federal tax figures are on file: the {law_year} ones are used."
            )
        if causes:
            cause = CREDIT_NAMES[max(set(causes), key=causes.count)]
            cautions.append((
                "tax_saving_negative",
                f"The account dollars raise this household's {year} tax: lower wages cut "
                f"{cause} by more than the tax they save. The saving is counted as negative.",
            ))  # fmt: skip
    notes.insert(0, _method_note(scenario, household, state, state_method))
    if state_method == "location_unknown":
        cautions.append((
            "state_tax_unknown",
            "No state given (--location US): no state income tax is counted in the saving. "
            "Give your state (--location CA, a ZIP) or --state-tax-rate.",
        ))  # fmt: skip
    elif state_method == "not_on_file":
        cautions.append((
            "state_tax_not_on_file",
            f"{scenario.state}'s income tax is not on file: no state tax is counted in the "
            "saving. Give --state-tax-rate (your state's marginal rate).",
        ))  # fmt: skip
    elif state_method == "brackets" and state is not None and state.year < min(by_year):
        notes.append(
            f"{state.name} income tax: the figures in force on January 1, {min(by_year)} as last "
            f"published ({state.date}); indexed amounts may still be updated for {min(by_year)}."
        )
    return TaxResult(lines, _band(totals), tuple(notes), tuple(cautions))


def _method_note(
    scenario: ResolvedScenario, household: Household, state: StateTax | None, state_method: str
) -> str:
    who = f"{FILING_LABELS[household.filing]}, wages {format_money(household.holder_wages)}"
    if household.spouse_wages:
        who += f" + spouse {format_money(household.spouse_wages)}"
    if household.children:
        who += f", {household.children} child{'ren' if household.children > 1 else ''} under 17"
    name = state.name if state is not None else (scenario.state or "your state")
    state_part = {
        "brackets": f"{name} income tax",
        "given_rate": f"the given state rate of {scenario.state_tax_rate}%",
        "no_income_tax": f"no state income tax on wages in {name}",
        "location_unknown": "no state tax (no state given)",
        "not_on_file": f"no state tax ({name}'s income tax is not on file)",
    }[state_method]
    if state is not None and state_method != "no_income_tax":
        untaxed = [kind for kind, kept in (("FSA", state.fsa_excluded),
                                          ("HSA", state.hsa_excluded)) if not kept]  # fmt: skip
        if untaxed:
            state_part += f" ({name} taxes {' and '.join(untaxed)} money: no state saving on it)"
    how = (
        "HSA money contributed directly saves income tax only"
        if scenario.hsa_direct
        else ("payroll FSA/HSA money lowers the account holder's wages")
    )
    return (
        f"Tax saved = the household's tax without the account dollars − with them ({who}): "
        f"federal income tax after credits (EITC, child tax credit), the employee's Social "
        f"Security and Medicare tax, and {state_part}; {how}."
    )
