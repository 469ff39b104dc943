"""The No Surprises Act Good Faith Estimate (GFE) for an uninsured or self-pay patient.

:func:`build_gfe` turns a clinic profile, a course of visits and the patient's details into the
document of 45 CFR 149.610(c)(1): the patient's name and date of birth (i); the primary service in
plain language with its code and scheduled date (ii); the items grouped by provider (iii), each
with its diagnosis codes, service codes, quantity and expected charge (iv); each provider's name,
NPI, TIN, address and state (v); the items to be scheduled separately with the notice above them
(vi–vii); and the disclaimers (viii–xi). A course of sessions is a recurring service: one GFE
states its period, frequency and number of sessions and covers at most 12 months from the first
visit; later sessions are listed as needing a new estimate.

Pure: no files, no clock (``issued`` is passed in), no environment. The legal figures ($400,
120 days, 12 months, the help line) come from ``data/gfe.yaml`` via :func:`parse_rules`.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, Literal, NamedTuple

from .._version import __version__
from ..core.errors import InputError
from ..core.money import ZERO, format_money
from ..core.words import plural
from ..engine.course import Visit, add_months, build_course
from ..inputs.clinic import PLACES_OF_SERVICE, ClinicProfile, CoProvider, visit_services
from ..inputs.scenario import ResolvedScenario
from ..rules import Rules
from ..rules.gfe_rules import GfeRules, RuleSource
from ..rules.icd10cm import Diagnosis, lookup
from .gfe_patient import (
    Patient,
    birth_date,
    contact_details,
    name_parts,
    patient_name,
    replaced_id,
)

__all__ = ["GoodFaithEstimate", "Patient", "birth_date", "build_gfe", "patient_name"]

SCHEMA_VERSION = 1
MAX_DIAGNOSES = 12  # a claim carries a principal diagnosis and up to 11 others


# --- the document ----------------------------------------------------------------------------


class PrimaryService(NamedTuple):
    description: str
    code: str
    codes: tuple[str, ...]
    scheduled_date: dt.date


class Period(NamedTuple):
    start: dt.date  # the first visit
    end: dt.date  # the last visit this estimate covers
    covers_through: dt.date  # the last day of the 12 months one estimate may cover


class Recurring(NamedTuple):
    sessions: int  # dosing sessions (induction + maintenance) in the period
    frequency: str
    induction_sessions: int
    maintenance_sessions: int
    integration_sessions: int
    months: int


class Item(NamedTuple):
    service: str
    code: str
    codes: tuple[str, ...]
    diagnosis_codes: tuple[str, ...]
    quantity: int
    unit_charge: Decimal
    expected_charge: Decimal
    first_date: dt.date
    last_date: dt.date


class Provider(NamedTuple):
    role: Literal["convening", "co-provider"]
    name: str
    npi: str
    tin: str
    address: str
    state: str
    phone: str | None
    place_of_service: str
    place_of_service_name: str
    items: tuple[Item, ...]
    total: Decimal
    notes: tuple[str, ...]
    taxonomy: str | None
    contact: str | None = None  # the person to ask, with phone and email (the CMS form's)


class Dispute(NamedTuple):
    threshold: Decimal
    days: int
    fee: Decimal
    phone: str
    url: str


class GoodFaithEstimate(NamedTuple):
    """The GFE document (``ketacost gfe --format json``); field names are DESIGN.md's."""

    schema_version: int
    kind: Literal["good_faith_estimate"]
    id: str
    issued: dt.date
    patient: Patient
    primary_service: PrimaryService
    diagnoses: tuple[str, ...]  # ICD-10-CM, dotted: F41.1
    diagnosis_descriptions: dict[str, str]  # each code's description in the code set
    period: Period
    recurring: Recurring
    providers: tuple[Provider, ...]
    total_expected_charges: Decimal
    not_included_notice: str
    not_included: tuple[str, ...]
    disclaimers: tuple[str, ...]
    dispute: Dispute
    sources: tuple[RuleSource, ...]
    ketacost_version: str
    replaces: str | None = None  # the GFE number this one re-issues (FHIR relatesTo.replaces)


# --- patient input ---------------------------------------------------------------------------


def diagnosis_codes(
    codes: list[str] | tuple[str, ...], label: str = "--diagnosis"
) -> tuple[str, ...]:
    """ICD-10-CM codes, dotted (F41.1), in order, without repeats; each must be a valid,
    billable code of the current code set (a category header such as F33 is refused)."""
    return tuple(d.code for d in diagnoses_checked(codes, label))


def diagnoses_checked(
    codes: list[str] | tuple[str, ...], label: str = "--diagnosis"
) -> tuple[Diagnosis, ...]:
    """The diagnoses ``codes`` name, with their descriptions from the ICD-10-CM code set."""
    if not codes:
        raise InputError(f"{label}: required: at least one ICD-10 code, e.g. F33.2", field=label)
    out: list[Diagnosis] = []
    for raw in codes:
        try:
            diagnosis = lookup(raw)
        except ValueError as exc:
            raise InputError(f"{label}: {raw.strip()[:20]!r} {exc}", field=label) from None
        if diagnosis not in out:
            out.append(diagnosis)
    if len(out) > MAX_DIAGNOSES:
        raise InputError(f"{label}: at most {MAX_DIAGNOSES} codes", field=label)
    return tuple(out)


def _frequency(visits: list[Visit], per_week: int) -> str:
    """The schedule in words, from the dates themselves."""
    induction = [v.date for v in visits if v.kind == "induction"]
    boosters = [v.date for v in visits if v.kind == "booster"]
    integration = sum(1 for v in visits if v.kind == "integration")
    parts = []
    if induction:
        weeks = (induction[-1] - induction[0]).days // 7 + 1
        parts.append(f"{plural(len(induction), 'induction session')}, {per_week} a week over "
                     f"{plural(weeks, 'week')}")  # fmt: skip
    runs: list[list[int]] = []  # [weeks apart, count]
    previous = induction[-1] if induction else None
    for day in boosters:
        gap = (day - previous).days // 7 if previous else 0
        if runs and runs[-1][0] == gap:
            runs[-1][1] += 1
        else:
            runs.append([gap, 1])
        previous = day
    for gap, count in runs:
        every = "weekly" if gap == 1 else f"every {gap} weeks"
        parts.append(f"then {plural(count, 'maintenance session')} {every}")
    if integration:
        parts.append(
            f"{plural(integration, 'integration session')}, each the day after a dosing session"
        )
    return "; ".join(parts)


def gfe_id(clinic: ClinicProfile, name: str, dob: dt.date, issued: dt.date, key: str) -> str:
    """A deterministic identifier: the same inputs on the same day give the same GFE id."""
    import hashlib

    digest = hashlib.sha256("\x1f".join([clinic.npi, name, dob.isoformat(), issued.isoformat(),
                                         key]).encode()).hexdigest()  # fmt: skip
    return f"GFE-{issued:%Y%m%d}-{digest[:8].upper()}"


def build_gfe(
    clinic: ClinicProfile,
    scenario: ResolvedScenario,
    rules: Rules,
    *,
    name: str | None,
    date_of_birth: str | None,
    diagnoses: list[str] | tuple[str, ...],
    issued: dt.date,
    given: str | None = None,
    family: str | None = None,
    address: str | None = None,
    patient_id: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    replaces: str | None = None,
    allow_past: bool = False,
) -> GoodFaithEstimate:
    """The Good Faith Estimate of ``scenario``'s course at ``clinic``, issued on ``issued``.

    A course that starts before ``issued`` is refused (a GFE is given before care), unless
    ``allow_past``: a re-issued estimate (``replaces``) for a course under way."""
    whole, given_names, family_name = name_parts(name, given, family)
    patient = Patient(whole, birth_date(date_of_birth, issued), given_names, family_name,
                      *contact_details(address, patient_id, phone, email))  # fmt: skip
    replaces = replaced_id(replaces)
    checked = diagnoses_checked(diagnoses)
    codes = tuple(d.code for d in checked)
    if scenario.start < issued and not allow_past:
        raise InputError(
            f"--start: {scenario.start} is before the estimate's date {issued}: a Good Faith "
            "Estimate is given before the care it prices. Re-issuing one for a course under "
            "way? Add --allow-past (and --replaces with the earlier GFE number).",
            field="--start",
        )
    pricing, gfe_rules = rules.pricing, rules.gfe
    if gfe_rules is None:
        raise ValueError("a Good Faith Estimate needs rules with the GFE rules (builtin_rules())")
    route = pricing.routes[scenario.route]  # type: ignore[index]
    visits = build_course(
        route, start=scenario.start, consult=scenario.consult, sessions=scenario.sessions,
        boosters=scenario.boosters, booster_every=scenario.booster_every,
        integration=scenario.integration,
    )  # fmt: skip
    first = visits[0].date
    horizon = add_months(first, gfe_rules.recurring_months)  # the first day it no longer covers
    inside = [v for v in visits if v.date < horizon]
    later = [v for v in visits if v.date >= horizon]
    services = visit_services(clinic, pricing, scenario.route, {v.kind for v in inside},
                              gfe_rules.service_codes)  # fmt: skip
    lines: dict[str, dict[str, Any]] = {}
    for kind, kind_services in services.items():  # the visit kinds in course order
        for service in kind_services:
            line = lines.setdefault(service.id, {"service": service, "dates": []})
            line["dates"] += [v.date for v in inside if v.kind == kind]
    items = tuple(
        Item(
            service=line["service"].label, code=(line["service"].codes or ("",))[0],
            codes=line["service"].codes, diagnosis_codes=codes, quantity=len(line["dates"]),
            unit_charge=line["service"].unit_price,
            expected_charge=line["service"].unit_price * len(line["dates"]),
            first_date=min(line["dates"]), last_date=max(line["dates"]),
        )
        for line in lines.values()
    )  # fmt: skip
    total = sum((item.expected_charge for item in items), ZERO)
    place = clinic.place_of_service
    provider = Provider(
        "convening", clinic.name, clinic.npi, clinic.tin, clinic.address, clinic.state,
        clinic.phone, place, PLACES_OF_SERVICE[place], items, total,
        (f"Expected charges are {clinic.name}'s self-pay (cash) prices, including any discount.",),
        clinic.taxonomy, clinic.contact.text() if clinic.contact else None,
    )  # fmt: skip
    dosing = [v for v in inside if v.kind in ("induction", "booster")]
    session = services["induction"][0] if "induction" in services else None
    primary = PrimaryService(
        description=_describe(route.description, inside),
        code=session.codes[0] if session and session.codes else "",
        codes=session.codes if session else (),
        scheduled_date=dosing[0].date if dosing else first,
    )
    recurring = Recurring(
        sessions=len(dosing),
        frequency=_frequency(inside, route.protocol.sessions_per_week),
        induction_sessions=sum(1 for v in inside if v.kind == "induction"),
        maintenance_sessions=sum(1 for v in inside if v.kind == "booster"),
        integration_sessions=sum(1 for v in inside if v.kind == "integration"),
        months=gfe_rules.recurring_months,
    )
    through = horizon - dt.timedelta(days=1)
    period = Period(first, inside[-1].date, through)
    co_providers = tuple(_co_provider(co, clinic, codes, period) for co in clinic.co_providers)
    providers = (provider, *co_providers)
    contact = clinic.name + (f" at {clinic.phone}" if clinic.phone else "")
    notice = (
        "The following items or services are not included in this estimate and must be scheduled "
        "separately. You will receive a separate Good Faith Estimate for them when they are "
        f"scheduled, or at any time on request: ask {contact}."
    )
    key = "|".join([scenario.route, *codes, *(f"{v.date}:{v.kind}" for v in visits),
                    *(f"{i.code}:{i.quantity}:{i.unit_charge}" for i in items)])  # fmt: skip
    return GoodFaithEstimate(
        schema_version=SCHEMA_VERSION,
        kind="good_faith_estimate",
        id=gfe_id(clinic, patient.name, patient.date_of_birth, issued, key),
        issued=issued,
        patient=patient,
        primary_service=primary,
        diagnoses=codes,
        diagnosis_descriptions={d.code: d.description for d in checked},
        period=period,
        recurring=recurring,
        providers=providers,
        total_expected_charges=sum((p.total for p in providers), ZERO),
        not_included_notice=notice,
        not_included=_not_included(later, through, scenario, gfe_rules),
        disclaimers=_disclaimers(gfe_rules, through, contact),
        dispute=Dispute(
            gfe_rules.dispute_threshold,
            gfe_rules.dispute_days,
            gfe_rules.dispute_fee,
            gfe_rules.help_phone,
            gfe_rules.help_url,
        ),
        sources=gfe_rules.sources,
        ketacost_version=__version__,
        replaces=replaces,
    )


def _co_provider(
    co: CoProvider, clinic: ClinicProfile, codes: tuple[str, ...], period: Period
) -> Provider:
    """A co-provider's items over the period of care (45 CFR 149.610(c)(1)(iii)(B))."""
    items = tuple(
        Item(service=item.service, code=item.code or "", codes=(item.code,) if item.code else (),
             diagnosis_codes=codes, quantity=item.quantity, unit_charge=item.unit_charge,
             expected_charge=item.unit_charge * item.quantity, first_date=period.start,
             last_date=period.end)
        for item in co.items
    )  # fmt: skip
    state = re.search(r"\b([A-Z]{2})\s+[0-9]{5}(?:-[0-9]{4})?\s*$", co.address)
    return Provider(
        "co-provider", co.name, co.npi, co.tin, co.address,
        state.group(1) if state else clinic.state, co.phone, clinic.place_of_service,
        PLACES_OF_SERVICE[clinic.place_of_service], items,
        sum((i.expected_charge for i in items), ZERO),
        (f"{co.name} bills separately; its expected charges are its own self-pay prices, as "
         f"{clinic.name} was told them.",), co.taxonomy,
    )  # fmt: skip


def _describe(route_description: str, visits: list[Visit]) -> str:
    counts = {kind: sum(1 for v in visits if v.kind == kind)
              for kind in ("consult", "induction", "booster", "integration")}  # fmt: skip
    parts = [plural(counts["induction"], "induction session")]
    if counts["booster"]:
        parts.append(plural(counts["booster"], "maintenance session"))
    if counts["integration"]:
        parts.append(plural(counts["integration"], "integration therapy session"))
    text = f"A course of ketamine treatment: {', '.join(parts)}"
    if counts["consult"]:
        text += ", after an initial psychiatric evaluation"
    return f"{text}. {route_description.strip()}"


def _not_included(
    later: list[Visit], through: dt.date, scenario: ResolvedScenario, rules: GfeRules
) -> tuple[str, ...]:
    out = []
    if later:
        kinds = {"induction": "induction", "booster": "maintenance", "integration": "integration",
                 "consult": "evaluation"}  # fmt: skip
        counted = [plural(sum(1 for v in later if v.kind == k), f"{word} session")
                   for k, word in kinds.items() if any(v.kind == k for v in later)]  # fmt: skip
        out.append(
            f"Sessions planned after {through.isoformat()} ({', '.join(counted)}, from "
            f"{later[0].date.isoformat()}): one estimate covers at most "
            f"{rules.recurring_months} months of recurring services, so a new Good Faith "
            "Estimate will be issued for them."
        )
    out.append(
        "Maintenance sessions beyond those listed, if your clinician recommends more: each "
        "change in the number or frequency of sessions gets a new Good Faith Estimate."
    )
    if scenario.route == "oral":
        out.append("Medication dispensed by a pharmacy is billed by the pharmacy, not listed here.")
    out.append(
        "Care from other providers or facilities (for example your own psychiatrist, therapist "
        "or primary-care doctor), emergency care, and prescriptions filled at a pharmacy."
    )
    return tuple(out)


def _disclaimers(rules: GfeRules, through: dt.date, contact: str) -> tuple[str, ...]:
    """The disclaimers of 45 CFR 149.610(c)(1)(viii)–(xi), after the CMS model notice."""
    threshold = format_money(rules.dispute_threshold, cents=False)
    fee = format_money(rules.dispute_fee, cents=False)
    return (
        "This Good Faith Estimate shows the costs of items and services that are reasonably "
        "expected for your health care needs. It is only an estimate, based on information "
        "known when it was created; actual items, services or charges may differ from it.",
        "It does not include unknown or unexpected costs that may arise during treatment. You "
        "could be charged more if complications or special circumstances occur. If this "
        "happens, federal law allows you to dispute (appeal) the bill. Other items or services "
        "may be recommended as part of your care; they must be requested or scheduled "
        "separately and are not reflected in this estimate.",
        f"This estimate covers recurring services for at most {rules.recurring_months} months "
        f"from the first visit (through {through.isoformat()}). Sessions after that, or any "
        "change in the number, frequency or price of sessions, need a new Good Faith Estimate.",
        f"If you are billed at least {threshold} more than this Good Faith Estimate by any "
        "provider or facility listed, you have the right to dispute the bill. You may contact "
        f"the provider ({contact}) to ask them to update the bill to match this estimate, to "
        "negotiate the bill, or to ask about financial assistance. You may also start a "
        "patient-provider dispute resolution process with the U.S. Department of Health and "
        f"Human Services (HHS): you must start it within {rules.dispute_days} calendar days of "
        f"the date on the original bill, and there is a {fee} fee. If the agency reviewing your "
        "dispute agrees with you, you will have to pay the price on this Good Faith Estimate. "
        "If the agency disagrees with you and agrees with the health care provider or facility, "
        "you will have to pay the higher amount. Starting a dispute will not affect the quality "
        "of the care you receive, and while it is pending the provider may not send the bill to "
        "collections or charge late fees.",
        f"For instructions and the form to start a dispute, or for questions about your right "
        f"to a Good Faith Estimate, visit {rules.help_url} or call {rules.help_phone}.",
        "This Good Faith Estimate is not a contract. It does not require you to obtain the items "
        "or services from any of the providers or facilities listed in it.",
        "Keep a copy of this Good Faith Estimate, or take a picture of it: you may need it if "
        "you are billed a higher amount.",
    )
