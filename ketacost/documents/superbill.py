"""The superbill: an itemized bill a patient files with the plan as an out-of-network claim.

:func:`build_superbill` turns the clinic profile, the patient file and the visits file into the
document, laid out in the CMS-1500's order (research/superbill.md d.2): patient and insured
(items 1a–11c), up to 12 diagnoses A–L with their descriptions (21), the service lines (24A–24J),
the tax ID (25), totals charged and paid (28, 29), the clinician (31, 24J) and the billing
provider (33). It checks the coding rules a claims desk checks (d.3, d.4 item 5): errors stop it
(exit 2, naming the file, the row and the key); warnings go with the document.

Pure: no files, no clock (``issued`` is passed in).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from decimal import Decimal
from typing import Literal, NamedTuple

from .._version import __version__
from ..core.errors import InputError
from ..core.money import ZERO, format_money
from ..inputs.clinic import ClinicProfile
from ..inputs.clinic_billing import RenderingProvider
from ..inputs.superbill import Address, Insured, PatientFile, PersonName, VisitLine
from ..rules.coding import (
    ESKETAMINE_BUNDLES,
    ESKETAMINE_DOSES,
    ESKETAMINE_DRUG,
    EVALUATION_WITHOUT_MEDICAL,
    INFUSION_ADD_ON,
    PLACES_OF_SERVICE,
    PRESCRIBER_TAXONOMY,
    TELEHEALTH_MODIFIER,
    TELEHEALTH_PLACES,
    UNLISTED_DRUG,
    pathway_conflict,
)
from ..rules.icd10cm import lookup

SCHEMA_VERSION = 1
MAX_DIAGNOSES = 12  # CMS-1500 item 21: A–L
POINTERS = "ABCDEFGHIJKL"
PRESCRIBER_CREDENTIALS = ("MD", "DO", "NP", "PMHNP", "PMHNP-BC", "APRN", "FNP", "PA", "PA-C")
INFUSION_ADD_ON_MINUTES = 90  # 96366 only when the infusion runs longer than 90 minutes


class Patient(NamedTuple):
    name: PersonName
    dob: dt.date
    sex: str
    address: Address
    member_id: str
    group_number: str | None
    plan_name: str | None
    insured: Insured | None  # None: the patient is the insured (item 6: self)


class DiagnosisLine(NamedTuple):
    pointer: str  # A–L
    code: str  # dotted: F41.1
    description: str


class BillingProvider(NamedTuple):
    name: str
    npi: str
    taxonomy: str | None
    tin: str
    address: str
    phone: str | None


class Line(NamedTuple):
    date: dt.date
    place_of_service: str
    code: str
    modifiers: tuple[str, ...]
    units: int
    charge: Decimal  # the line's whole charge (item 24F), not a unit price
    pointers: str  # letters into the diagnoses, primary first (item 24E)
    ndc: str | None  # 11 digits, 5-4-2 zero-filled
    ndc_quantity: Decimal | None
    ndc_unit: str | None
    paid: Decimal


class Note(NamedTuple):
    code: str
    message: str


class Superbill(NamedTuple):
    """The superbill document (``ketacost superbill --format json``); names are DESIGN.md's."""

    schema_version: int
    kind: Literal["superbill"]
    id: str
    issued: dt.date
    patient: Patient
    diagnoses: tuple[DiagnosisLine, ...]
    billing_provider: BillingProvider
    rendering_provider: RenderingProvider | None
    lines: tuple[Line, ...]
    total_charge: Decimal
    amount_paid: Decimal
    balance_due: Decimal
    warnings: tuple[Note, ...]
    ketacost_version: str


def _fail(where: str, message: str) -> InputError:
    return InputError(f"{where}: {message}", field=where)


def check_diagnoses(codes: tuple[str, ...], source: str) -> tuple[DiagnosisLine, ...]:
    """Each code valid and billable in ICD-10-CM, at most 12, none twice (a pointer is a place)."""
    if len(codes) > MAX_DIAGNOSES:
        raise _fail(
            f"{source}: diagnoses",
            f"at most {MAX_DIAGNOSES} (CMS-1500 item 21, A–L), not {len(codes)}",
        )
    out: list[DiagnosisLine] = []
    for n, raw in enumerate(codes):
        try:
            diagnosis = lookup(raw)
        except ValueError as exc:
            raise _fail(f"{source}: diagnoses[{n}]", f"{raw[:20]!r} {exc}") from None
        if any(d.code == diagnosis.code for d in out):
            raise _fail(f"{source}: diagnoses[{n}]", f"{diagnosis.code} is listed twice")
        out.append(DiagnosisLine(POINTERS[n], diagnosis.code, diagnosis.description))
    return tuple(out)


def _rendering(clinic: ClinicProfile, npi: str | None) -> RenderingProvider | None:
    if npi is None:
        return clinic.rendering[0] if clinic.rendering else None
    for clinician in clinic.rendering:
        if clinician.npi == npi:
            return clinician
    known = ", ".join(f"{c.npi} ({c.name})" for c in clinic.rendering) or "none"
    raise _fail("--rendering", f"{npi} is not in {clinic.source}'s rendering list ({known})")


def is_prescriber(clinician: RenderingProvider) -> bool:
    """A physician, nurse practitioner or physician assistant (by taxonomy, else credentials)."""
    if clinician.taxonomy:
        return bool(PRESCRIBER_TAXONOMY.match(clinician.taxonomy))
    words = (clinician.credentials or "").upper().replace(",", " ").split()
    return any(word in PRESCRIBER_CREDENTIALS for word in words)


def _check_lines(
    visits: tuple[VisitLine, ...], diagnoses: int, source: str, rendering: RenderingProvider | None
) -> list[Note]:
    """The coding rules of research/superbill.md d.4 item 5: errors raise, warnings return."""
    notes: list[Note] = []
    by_date: dict[dt.date, list[VisitLine]] = defaultdict(list)
    for visit in visits:
        where = f"{source}: row {visit.row}"
        by_date[visit.date].append(visit)
        for letter in visit.pointers:
            if POINTERS.index(letter) >= diagnoses:
                raise _fail(f"{where}: pointers",
                            f"{letter} points past the patient's {diagnoses} diagnoses "
                            f"(A–{POINTERS[diagnoses - 1]})")  # fmt: skip
        if visit.paid > visit.charge:
            raise _fail(f"{where}: paid",
                        f"{format_money(visit.paid)} is more than the line's charge, "
                        f"{format_money(visit.charge)}")  # fmt: skip
        if visit.code == ESKETAMINE_DRUG and visit.units not in ESKETAMINE_DOSES:
            raise _fail(f"{where}: units",
                        f"J0013 is billed in 1 mg units: 56 or 84 for a Spravato session "
                        f"(2 or 3 devices), not {visit.units}")  # fmt: skip
        if visit.code == UNLISTED_DRUG:
            for key in ("ndc", "ndc_quantity", "ndc_unit"):
                if getattr(visit, key) is None:
                    raise _fail(f"{where}: {key}",
                                "missing: J3490 (unclassified drug) needs the drug's NDC, its "
                                "quantity and unit (ndc, ndc_quantity, ndc_unit)")  # fmt: skip
        if visit.pos in TELEHEALTH_PLACES and TELEHEALTH_MODIFIER not in visit.modifiers:
            notes.append(
                Note(
                    "telehealth_without_95",
                    f"{where}: {visit.code} at place of service {visit.pos} "
                    "(telehealth) has no modifier 95; most commercial plans want it",
                )
            )
        if visit.code == ESKETAMINE_DRUG and visit.ndc is None:
            notes.append(Note("ndc_missing",
                              f"{where}: J0013 without the drug's NDC (ndc, ndc_quantity, "
                              "ndc_unit): most payers want it"))  # fmt: skip
        if visit.code == EVALUATION_WITHOUT_MEDICAL and rendering and is_prescriber(rendering):
            notes.append(Note("evaluation_by_prescriber",
                              f"{where}: 90791 billed by {rendering.name}, a prescriber: an "
                              "evaluation with medical services is 90792"))  # fmt: skip
    for day, lines in by_date.items():
        conflict = pathway_conflict([v.code for v in lines])
        if conflict:
            row = next(v.row for v in lines if v.code in ESKETAMINE_BUNDLES)
            raise _fail(f"{source}: row {row}: code", f"{day}: {conflict}")
        minutes = [v.minutes for v in lines if v.minutes is not None]
        for visit in lines:
            if (
                visit.code == INFUSION_ADD_ON
                and minutes
                and max(minutes) <= INFUSION_ADD_ON_MINUTES
            ):
                notes.append(Note("infusion_add_on_under_90",
                                  f"{source}: row {visit.row}: 96366 (each additional hour) on a "
                                  f"{max(minutes)}-minute infusion: it needs more than "
                                  f"{INFUSION_ADD_ON_MINUTES} minutes"))  # fmt: skip
    return notes


def build_superbill(
    clinic: ClinicProfile,
    patient: PatientFile,
    visits: tuple[VisitLine, ...],
    *,
    patient_source: str,
    visits_source: str,
    issued: dt.date,
    rendering_npi: str | None = None,
) -> Superbill:
    """The superbill of ``visits`` for ``patient`` at ``clinic``, dated ``issued``."""
    diagnoses = check_diagnoses(patient.diagnoses, patient_source)
    rendering = _rendering(clinic, rendering_npi)
    notes = _check_lines(visits, len(diagnoses), visits_source, rendering)
    lines = tuple(
        Line(v.date, v.pos, v.code, v.modifiers, v.units, v.charge, v.pointers,
             v.ndc, v.ndc_quantity, v.ndc_unit, v.paid)
        for v in sorted(visits, key=lambda v: (v.date, v.row))
    )  # fmt: skip
    total = sum((line.charge for line in lines), ZERO)
    paid = sum((line.paid for line in lines), ZERO)
    billing = BillingProvider(clinic.name, clinic.billing_npi or clinic.npi, clinic.taxonomy,
                              clinic.tin, clinic.address, clinic.phone)  # fmt: skip
    key = "\x1f".join(
        [
            billing.npi,
            patient.member_id,
            patient.name.last,
            patient.dob.isoformat(),
            issued.isoformat(),
            *(f"{x.date}:{x.code}:{x.charge}" for x in lines),
        ]
    )
    digest = hashlib.sha256(key.encode()).hexdigest()[:8].upper()
    return Superbill(
        schema_version=SCHEMA_VERSION,
        kind="superbill",
        id=f"SB-{issued:%Y%m%d}-{digest}",
        issued=issued,
        patient=Patient(
            patient.name,
            patient.dob,
            patient.sex,
            patient.address,
            patient.member_id,
            patient.group_number,
            patient.plan_name,
            patient.insured,
        ),
        diagnoses=diagnoses,
        billing_provider=billing,
        rendering_provider=rendering,
        lines=lines,
        total_charge=total,
        amount_paid=paid,
        balance_due=total - paid,
        warnings=tuple(notes),
        ketacost_version=__version__,
    )


def place_name(code: str) -> str:
    """The CMS name of a place-of-service code."""
    return PLACES_OF_SERVICE.get(code, "")


def full_name(name: PersonName) -> str:
    """Last, First Middle: the claim's order (item 2)."""
    return f"{name.last}, {name.first}" + (f" {name.middle}" if name.middle else "")
