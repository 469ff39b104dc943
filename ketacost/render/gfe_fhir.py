"""The Good Faith Estimate as a Da Vinci Patient Cost Transparency (PCT) GFE Packet (FHIR R4).

The HL7 Da Vinci PCT implementation guide (STU 2, https://hl7.org/fhir/us/davinci-pct/; profiles
read from HL7/davinci-pct ``input/fsh/pct_gfe_*.fsh``) defines:

- the GFE Packet: a ``document`` Bundle whose first entry is a Composition coded LOINC 111480-0
  "Good faith estimate" (category ``estimate``), with the Patient, a Coverage (self-pay: kind
  ``self-pay``), the initiating Organization and one GFE Bundle per contributing provider;
- the GFE Bundle: a ``collection`` whose first entry is the PCTGFESummary Claim
  (``estimate-summary``, billablePeriod = the period of care), then PCTGFEProfessional Claims
  (``use = predetermination``) carrying the items: CPT/HCPCS code, planned dates, quantity, unit
  price, net, and the CMS place of service.

Pure: every identifier is a name-based UUID (uuid5) of the GFE identifier, so the same GFE gives
the same packet.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from typing import Any

from ..documents.gfe import GoodFaithEstimate, Item, Provider

PCT = "http://hl7.org/fhir/us/davinci-pct"
LOINC = "http://loinc.org"
NPI = "http://hl7.org/fhir/sid/us-npi"
TIN = "urn:oid:2.16.840.1.113883.4.4"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
CPT = "http://www.ama-assn.org/go/cpt"
HCPCS = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
POS = "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set"
DAR = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
CLAIM_TYPE = "http://terminology.hl7.org/CodeSystem/claim-type"
PRIORITY = "http://terminology.hl7.org/CodeSystem/processpriority"
DIAGNOSIS_TYPE = "http://terminology.hl7.org/CodeSystem/ex-diagnosistype"
C4BB_DIAGNOSIS_TYPE = "http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBClaimDiagnosisType"
MAX_ITEMS = 50  # a PCT professional GFE claim carries 1..50 items
_HCPCS = re.compile(r"[A-V]\d{4}")


def _uuid(gfe: GoodFaithEstimate, name: str) -> str:
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"ketacost:{gfe.id}:{name}"))


def _money(amount: Decimal) -> dict[str, Any]:
    return {"value": amount, "currency": "USD"}


def _coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return coding


def _concept(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    return {"coding": [_coding(system, code, display)]}


def _service_code(code: str) -> dict[str, Any]:
    """A CPT code (five characters, digits first) or a HCPCS Level II code (J3490, G2082)."""
    return _concept(HCPCS if _HCPCS.fullmatch(code) else CPT, code)


def _instant(gfe: GoodFaithEstimate) -> str:
    return f"{gfe.issued.isoformat()}T00:00:00Z"


def _ext(name: str, **value: Any) -> dict[str, Any]:
    return {"url": f"{PCT}/StructureDefinition/{name}", **value}


def _not_applicable() -> dict[str, Any]:
    return {"url": DAR, "valueCode": "not-applicable"}


def _patient(gfe: GoodFaithEstimate, ref: str) -> dict[str, Any]:
    parts = gfe.patient.name.split(" ")
    name: dict[str, Any] = {"text": gfe.patient.name, "family": parts[-1]}
    if len(parts) > 1:
        name["given"] = parts[:-1]
    return {
        "resourceType": "Patient",
        "meta": {"profile": ["http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"]},
        "identifier": [{"system": "urn:ietf:rfc:3986", "value": ref}],
        "name": [name],
        "gender": "unknown",  # a GFE does not ask for it
        "birthDate": gfe.patient.date_of_birth.isoformat(),
    }


def _organization(provider: Provider) -> dict[str, Any]:
    org: dict[str, Any] = {
        "resourceType": "Organization",
        "meta": {"profile": [f"{PCT}/StructureDefinition/davinci-pct-organization"]},
        "identifier": [
            {"system": NPI, "value": provider.npi},
            {"system": TIN, "value": provider.tin},
        ],
        "active": True,
        "type": [
            _concept(
                "http://terminology.hl7.org/CodeSystem/organization-type",
                "prov",
                "Healthcare Provider",
            )
        ],
        "name": provider.name,
        "address": [{"text": provider.address, "state": provider.state, "country": "US"}],
    }
    if provider.phone:
        org["telecom"] = [{"system": "phone", "value": provider.phone}]
    return org


def _coverage(patient_ref: str) -> dict[str, Any]:
    return {
        "resourceType": "Coverage",
        "meta": {"profile": [f"{PCT}/StructureDefinition/davinci-pct-coverage"]},
        "extension": [
            {
                "url": "http://hl7.org/fhir/5.0/StructureDefinition/extension-Coverage.kind",
                "valueCode": "self-pay",
            },
            _ext("selfPayDeclared", valueBoolean=True),
        ],
        "status": "active",
        "type": _concept("https://nahdo.org/sopt", "81", "Self-pay"),
        "_subscriberId": {"extension": [_not_applicable()]},  # self-pay has no member id
        "beneficiary": {"reference": patient_ref},
        "relationship": _concept(
            "http://terminology.hl7.org/CodeSystem/subscriber-relationship", "self"
        ),
        "payor": [{"reference": patient_ref}],
    }


def _diagnoses(gfe: GoodFaithEstimate) -> list[dict[str, Any]]:
    out = []
    for n, code in enumerate(gfe.diagnoses, start=1):
        kind = (_concept(DIAGNOSIS_TYPE, "principal") if n == 1
                else _concept(C4BB_DIAGNOSIS_TYPE, "secondary"))  # fmt: skip
        diagnosis = _concept(ICD10CM, _dotted(code), gfe.diagnosis_descriptions.get(code))
        out.append({"sequence": n, "diagnosisCodeableConcept": diagnosis, "type": [kind]})
    return out


def _dotted(code: str) -> str:
    """ICD-10-CM as FHIR writes it: F332 → F33.2."""
    return code if "." in code or len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def _serviced(item: Item) -> dict[str, Any]:
    if item.first_date == item.last_date:
        return {"servicedDate": item.first_date.isoformat()}
    return {"servicedPeriod": {"start": item.first_date.isoformat(),
                               "end": item.last_date.isoformat()}}  # fmt: skip


def _claim_item(n: int, item: Item, provider: Provider, diagnoses: int) -> dict[str, Any]:
    line: dict[str, Any] = {
        "extension": [_ext("serviceDescription", valueString=item.service)],
        "sequence": n,
        "diagnosisSequence": list(range(1, diagnoses + 1)),
        "productOrService": _service_code(item.code),
        **_serviced(item),
        "locationCodeableConcept": _concept(
            POS, provider.place_of_service, provider.place_of_service_name
        ),
        "quantity": {"value": item.quantity},
        "unitPrice": _money(item.unit_charge),
        "net": _money(item.expected_charge),
    }
    more = [code for code in item.codes if code != item.code]
    if more:  # codes billed together with the line's code (J3490, the drug of an infusion)
        line["detail"] = [{"sequence": k, "productOrService": _service_code(code),
                           "quantity": {"value": item.quantity}}
                          for k, code in enumerate(more, start=1)]  # fmt: skip
    return line


def _claim_common(gfe: GoodFaithEstimate, patient: str, coverage: str) -> dict[str, Any]:
    return {
        "status": "active",
        "use": "predetermination",
        "patient": {"reference": patient},
        "created": gfe.issued.isoformat(),
        # a self-pay estimate has no insurer: R4 requires the element, PCT allows the reason
        "insurer": {"extension": [_not_applicable()], "display": "Self-pay (no insurer)"},
        "priority": _concept(PRIORITY, "normal"),
        "insurance": [{"sequence": 1, "focal": True, "coverage": {"reference": coverage}}],
        "diagnosis": _diagnoses(gfe),
    }


def _linking(gfe: GoodFaithEstimate) -> dict[str, Any]:
    return _ext("gfeServiceLinkingInfo", extension=[
        {"url": "plannedPeriodOfService",
         "valuePeriod": {"start": gfe.period.start.isoformat(),
                         "end": gfe.period.end.isoformat()}},
        {"url": "linkingIdentifier",
         "valueIdentifier": {"system": "urn:ietf:rfc:3986", "value": _uuid(gfe, "linking")}},
    ])  # fmt: skip


def _billing_provider(provider: Provider, ref: str) -> dict[str, Any]:
    """The billing provider, with its NUCC taxonomy when the clinic profile gives one."""
    out: dict[str, Any] = {"reference": ref}
    if provider.taxonomy:
        out["extension"] = [_ext("providerTaxonomy", valueCodeableConcept=_concept(
            "http://nucc.org/provider-taxonomy", provider.taxonomy))]  # fmt: skip
    return out


def _gfe_bundle(
    gfe: GoodFaithEstimate, provider: Provider, refs: dict[str, str], resources: dict[str, Any]
) -> dict[str, Any]:
    disclaimers = [_ext("gfeDisclaimer", valueString=text) for text in gfe.disclaimers]
    summary = {
        "resourceType": "Claim",
        "meta": {"profile": [f"{PCT}/StructureDefinition/davinci-pct-gfe-summary"]},
        "extension": [
            *disclaimers,
            _ext("serviceDescription", valueString=gfe.primary_service.description),
        ],
        "type": _concept(
            f"{PCT}/CodeSystem/PCTEstimateTypeSummaryCSTemporaryTrialUse",
            "estimate-summary",
            "Estimate Summary",
        ),
        **_claim_common(gfe, refs["patient"], refs["coverage"]),
        "billablePeriod": {
            "start": gfe.period.start.isoformat(),
            "end": gfe.period.end.isoformat(),
        },
        "provider": {"extension": [_not_applicable()]},
        "total": _money(provider.total),
    }
    claims = []
    items = list(provider.items)
    for part, start in enumerate(range(0, len(items), MAX_ITEMS), start=1):
        chunk = items[start : start + MAX_ITEMS]
        claims.append({
            "resourceType": "Claim",
            "meta": {"profile": [f"{PCT}/StructureDefinition/davinci-pct-gfe-professional"]},
            "extension": [_ext("gfeSubmitter", valueReference={"reference": refs["organization"]}),
                          _linking(gfe), *disclaimers],
            "identifier": [{
                "type": _concept("http://terminology.hl7.org/CodeSystem/v2-0203", "PLAC",
                                 "Placer Identifier"),
                "system": "urn:ietf:rfc:3986", "value": _uuid(gfe, f"claim-{part}")}],
            "type": _concept(CLAIM_TYPE, "professional", "Professional"),
            **_claim_common(gfe, refs["patient"], refs["coverage"]),
            "provider": _billing_provider(provider, refs["organization"]),
            "item": [_claim_item(n, item, provider, len(gfe.diagnoses))
                     for n, item in enumerate(chunk, start=1)],
            "total": _money(sum((i.expected_charge for i in chunk), Decimal("0.00"))),
        })  # fmt: skip
    entries = [(_uuid(gfe, "summary"), summary)]
    entries += [(_uuid(gfe, f"claim-resource-{n}"), claim) for n, claim in enumerate(claims)]
    entries += [(refs[name], resources[name]) for name in ("patient", "coverage", "organization")]
    return _bundle(gfe, "davinci-pct-gfe-bundle", "gfe-bundle-id", "collection", entries)


def packet(gfe: GoodFaithEstimate) -> dict[str, Any]:
    """The PCT GFE Packet of ``gfe`` as a JSON-ready dict (money as exact Decimals)."""
    provider = gfe.providers[0]
    refs = {name: _uuid(gfe, name) for name in ("patient", "coverage", "organization",
                                               "gfe-bundle", "composition")}  # fmt: skip
    resources = {"patient": _patient(gfe, refs["patient"]), "coverage": _coverage(refs["patient"]),
                 "organization": _organization(provider)}  # fmt: skip
    bundle = _gfe_bundle(gfe, provider, refs, resources)
    composition = {
        "resourceType": "Composition",
        "meta": {"profile": [f"{PCT}/StructureDefinition/davinci-pct-gfe-composition"]},
        "extension": [
            _ext("requestInitiationTime", valueInstant=_instant(gfe)),
            _linking(gfe),
            _ext(
                "requestOriginationType",
                valueCodeableConcept=_concept(
                    f"{PCT}/CodeSystem/PCTGFERequestTypeCSTemporaryTrialUse", "scheduled-request"
                ),
            ),
        ],
        "identifier": {"system": "urn:ietf:rfc:3986", "value": _uuid(gfe, "gfe-id")},
        "status": "final",
        "type": _concept(LOINC, "111480-0", "Good faith estimate"),
        "category": [_concept(f"{PCT}/CodeSystem/PCTDocumentTypeTemporaryTrialUse", "estimate")],
        "subject": {"reference": refs["patient"]},
        "date": _instant(gfe),
        "author": [{"reference": refs["organization"]}],
        "title": f"Good Faith Estimate {gfe.id}",
        "section": [
            {
                "title": "Coverage",
                "code": _concept(f"{PCT}/CodeSystem/PCTDocumentSection", "coverage-section"),
                "entry": [{"reference": refs["coverage"]}],
            },
            {
                "title": f"Good Faith Estimate from {provider.name}",
                "code": _concept(f"{PCT}/CodeSystem/PCTDocumentSection", "gfe-section"),
                "author": [{"reference": refs["organization"]}],
                "entry": [{"reference": refs["gfe-bundle"]}],
            },
        ],
    }
    entries = [(refs["composition"], composition)]
    entries += [(refs[name], resources[name]) for name in ("patient", "coverage", "organization")]
    entries.append((refs["gfe-bundle"], bundle))
    return _bundle(gfe, "davinci-pct-gfe-packet", "packet", "document", entries)


def _bundle(
    gfe: GoodFaithEstimate,
    profile: str,
    id_name: str,
    kind: str,
    entries: list[tuple[str, dict[str, Any]]],
) -> dict[str, Any]:
    """A PCT Bundle of ``kind`` (collection, document) with its profile, id and entries."""
    return {
        "resourceType": "Bundle",
        "meta": {"profile": [f"{PCT}/StructureDefinition/{profile}"]},
        "identifier": {"system": "urn:ietf:rfc:3986", "value": _uuid(gfe, id_name)},
        "type": kind,
        "timestamp": _instant(gfe),
        "entry": [{"fullUrl": url, "resource": resource} for url, resource in entries],
    }
