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

from ..core.errors import InputError
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
# PCT 2.0.1 binds diagnosis.type to THO DiagnosisTypeCodes (required): principal, secondary
DIAGNOSIS_TYPE = "http://terminology.hl7.org/CodeSystem/diagnosistype"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
MAX_ORGANIZATIONS = 2  # PCTGFEPacket entry[organization] ..2
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


def _service_code(code: str, display: str) -> dict[str, Any]:
    """A CPT code (five characters, digits first) or a HCPCS Level II code (J3490, G2082). A CPT
    coding carries a display (PCT invariant pct-cpt-display): the clinic's own words for the
    service, as the AMA's descriptors may not be reprinted."""
    if _HCPCS.fullmatch(code):
        return _concept(HCPCS, code)
    return _concept(CPT, code, display)


def _instant(gfe: GoodFaithEstimate) -> str:
    return f"{gfe.issued.isoformat()}T00:00:00Z"


def _ext(name: str, **value: Any) -> dict[str, Any]:
    return {"url": f"{PCT}/StructureDefinition/{name}", **value}


def _not_applicable() -> dict[str, Any]:
    return {"url": DAR, "valueCode": "not-applicable"}


def _address(text: str, state: str | None = None) -> dict[str, Any]:
    """A US address: its text, and line, city, state and postal code when it reads as
    "line, city, ST 12345" (a free-form address keeps only its text)."""
    out: dict[str, Any] = {"text": text}
    found = re.fullmatch(r"(.+),\s*([^,]+),\s*([A-Z]{2})\s+([0-9]{5}(?:-[0-9]{4})?)", text)
    if found:
        out.update(line=[found.group(1).strip()], city=found.group(2).strip(),
                   state=found.group(3), postalCode=found.group(4))  # fmt: skip
    elif state:
        out["state"] = state
    out["country"] = "US"
    return out


def _patient(gfe: GoodFaithEstimate, ref: str) -> dict[str, Any]:
    p = gfe.patient
    name: dict[str, Any] = {"text": p.name}
    if p.family:
        name["family"] = p.family
    if p.given:
        name["given"] = list(p.given)
    if not p.family and not p.given:  # never guessed from the last word (us-core-6)
        name["extension"] = [{"url": DAR, "valueCode": "unknown"}]
    identifiers: list[dict[str, Any]] = [{"system": "urn:ietf:rfc:3986", "value": ref}]
    if p.id:
        org = gfe.providers[0]
        identifiers.append({
            "type": _concept(V2_0203, "MR", "Medical record number"),
            "system": f"urn:ketacost:npi:{org.npi}:patient-id", "value": p.id,
            "assigner": {"display": org.name}})  # fmt: skip
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "meta": {"profile": ["http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"]},
        "identifier": identifiers,
        "name": [name],
    }
    telecom = [{"system": "phone", "value": p.phone}] if p.phone else []
    telecom += [{"system": "email", "value": p.email}] if p.email else []
    if telecom:
        patient["telecom"] = telecom
    patient["gender"] = "unknown"  # a GFE does not ask for it
    patient["birthDate"] = p.date_of_birth.isoformat()
    if p.address:
        patient["address"] = [_address(p.address)]
    return patient


def _organization(provider: Provider) -> dict[str, Any]:
    org: dict[str, Any] = {
        "resourceType": "Organization",
        "meta": {"profile": [f"{PCT}/StructureDefinition/davinci-pct-organization"]},
        "identifier": [
            {"system": NPI, "value": provider.npi},
            {
                "type": _concept(V2_0203, "TAX", "Tax ID number"),
                "system": TIN,
                "value": provider.tin,
            },
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
        "address": [_address(provider.address, provider.state)],
    }
    if provider.phone:
        org["telecom"] = [{"system": "phone", "value": provider.phone}]
    if provider.contact:
        org["contact"] = [{"name": {"text": provider.contact}}]
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
        kind = _concept(DIAGNOSIS_TYPE, "principal" if n == 1 else "secondary")
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
        "productOrService": _service_code(item.code, item.service),
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
        line["detail"] = [{"sequence": k, "productOrService": _service_code(code, item.service),
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
    """The billing provider with its NUCC taxonomy (PCT providerTaxonomy 1..1)."""
    return {"reference": ref, "extension": [_ext("providerTaxonomy", valueCodeableConcept=_concept(
        "http://nucc.org/provider-taxonomy", provider.taxonomy or ""))]}  # fmt: skip


def check_packet(gfe: GoodFaithEstimate) -> None:
    """Refuse, with the reason, what a PCT 2.0.1 GFE Packet cannot carry."""
    for n, provider in enumerate(gfe.providers):
        where = "the clinic profile" if n == 0 else f"co_providers[{n - 1}] of the clinic profile"
        if not provider.taxonomy:
            raise InputError(
                f"--format fhir: a Da Vinci PCT GFE needs the NUCC taxonomy of every billing "
                f"provider (providerTaxonomy, 1..1), and {provider.name} has none: add "
                f'taxonomy: "2084P0800X" (psychiatry, say) to {where}',
                field="--format",
            )
        for item in provider.items:
            if not item.code:  # R4 forbids an empty code; PCT requires productOrService
                raise InputError(
                    f"--format fhir: {item.service!r} of {provider.name} has no CPT or HCPCS "
                    f"code, and every line of a PCT GFE needs one: add code: to it in {where}",
                    field="--format",
                )
    if len(gfe.providers) > MAX_ORGANIZATIONS:
        raise InputError(
            f"--format fhir: a PCT GFE Packet carries at most {MAX_ORGANIZATIONS} organizations "
            f"(the clinic and one co-provider), not {len(gfe.providers)}: give each co-provider "
            "its own packet, or use --format pdf, html or json",
            field="--format",
        )


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
    tag = refs["tag"]
    for part, start in enumerate(range(0, len(items), MAX_ITEMS), start=1):
        chunk = items[start : start + MAX_ITEMS]
        claims.append({
            "resourceType": "Claim",
            "meta": {"profile": [f"{PCT}/StructureDefinition/davinci-pct-gfe-professional"]},
            "extension": [_linking(gfe), *disclaimers],
            "identifier": [{
                "type": _concept("http://terminology.hl7.org/CodeSystem/v2-0203", "PLAC",
                                 "Placer Identifier"),
                "system": "urn:ietf:rfc:3986", "value": _uuid(gfe, f"claim-{part}{tag}")}],
            "type": _concept(CLAIM_TYPE, "professional", "Professional"),
            **_claim_common(gfe, refs["patient"], refs["coverage"]),
            "provider": _billing_provider(provider, refs["organization"]),
            "item": [_claim_item(n, item, provider, len(gfe.diagnoses))
                     for n, item in enumerate(chunk, start=1)],
            "total": _money(sum((i.expected_charge for i in chunk), Decimal("0.00"))),
        })  # fmt: skip
    entries = [(_uuid(gfe, f"summary{tag}"), summary)]
    entries += [(_uuid(gfe, f"claim-resource-{n}{tag}"), claim) for n, claim in enumerate(claims)]
    entries += [(refs[name], resources[name]) for name in ("patient", "coverage", "organization")]
    return _bundle(gfe, "davinci-pct-gfe-bundle", f"gfe-bundle-id{tag}", "collection", entries)


def packet(gfe: GoodFaithEstimate) -> dict[str, Any]:
    """The PCT GFE Packet of ``gfe`` as a JSON-ready dict (money as exact Decimals): one GFE
    Bundle per provider (the clinic, then its co-provider), each led by its summary."""
    check_packet(gfe)
    refs = {name: _uuid(gfe, name) for name in ("patient", "coverage", "composition")}
    shared = {"patient": _patient(gfe, refs["patient"]), "coverage": _coverage(refs["patient"])}
    organizations, bundles = [], []
    for n, provider in enumerate(gfe.providers):
        tag = f"-{n}" if n else ""  # the clinic's identifiers stay those of a one-provider GFE
        own = {**refs, "organization": _uuid(gfe, f"organization{tag}"), "tag": tag}
        organization = _organization(provider)
        bundle = _gfe_bundle(gfe, provider, own, {**shared, "organization": organization})
        organizations.append((own["organization"], organization, provider))
        bundles.append((_uuid(gfe, f"gfe-bundle{tag}"), bundle))
    composition: dict[str, Any] = {
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
        "identifier": _composition_identifier(gfe.id),
        "status": "final",
        "type": _concept(LOINC, "111480-0", "Good faith estimate"),
        "category": [_concept(f"{PCT}/CodeSystem/PCTDocumentTypeTemporaryTrialUse", "estimate")],
        "subject": {"reference": refs["patient"]},
        "date": _instant(gfe),
        "author": [{"reference": ref} for ref, _, _ in organizations],
        "title": f"Good Faith Estimate {gfe.id}",
    }
    if gfe.replaces:  # the re-issued estimate's Composition.identifier (PCT relatesTo[replaces])
        composition["relatesTo"] = [
            {"code": "replaces", "targetIdentifier": _composition_identifier(gfe.replaces)}
        ]
    composition["section"] = [
        {
            "title": "Coverage",
            "code": _concept(f"{PCT}/CodeSystem/PCTDocumentSection", "coverage-section"),
            "entry": [{"reference": refs["coverage"]}],
        },
        *({
            "title": f"Good Faith Estimate from {provider.name}",
            "code": _concept(f"{PCT}/CodeSystem/PCTDocumentSection", "gfe-section"),
            "author": [{"reference": org_ref}],
            "entry": [{"reference": bundle_ref}],
        } for (org_ref, _, provider), (bundle_ref, _) in zip(organizations, bundles, strict=True)),
    ]  # fmt: skip
    entries = [(refs["composition"], composition)]
    entries += [(refs[name], shared[name]) for name in ("patient", "coverage")]
    entries += [(ref, organization) for ref, organization, _ in organizations]
    entries += bundles
    return _bundle(gfe, "davinci-pct-gfe-packet", "packet", "document", entries)


def _composition_identifier(gfe_number: str) -> dict[str, str]:
    """A GFE's Composition.identifier, a name-based UUID of its GFE number: a re-issue can name
    the identifier of the estimate it replaces from that estimate's number alone."""
    value = "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"ketacost:{gfe_number}:gfe-id"))
    return {"system": "urn:ietf:rfc:3986", "value": value}


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
