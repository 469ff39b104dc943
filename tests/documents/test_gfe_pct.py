"""The FHIR GFE Packet against Da Vinci PCT 2.0.1 (HL7/davinci-pct, input/fsh): the IG's own
FHIRPath invariants, evaluated by fhirpathpy, and the profile rules an outside audit found broken
(issue 24): no gfeSubmitter, THO diagnosis types, CPT displays, providerTaxonomy 1..1, TIN type
TAX, structured names and addresses, relatesTo.replaces; an empty code is never written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, run_cli
from fhirpathpy import evaluate

SUNRISE = REPO / "tests" / "clinic" / "sunrise.yaml"
PCT = "http://hl7.org/fhir/us/davinci-pct"
CPT = "http://www.ama-assn.org/go/cpt"
# Copied from the FSH (rulesets.fsh, pct_gfe_packet.fsh, pct_gfe_packet_composition.fsh,
# pct_gfe_bundle.fsh, pct_coverage.fsh) at HL7/davinci-pct HEAD 423d3a5 (2.0.1).
PACKET = {
    "pct-gfe-packet-1": "Bundle.entry.resource.ofType(Practitioner).exists() or "
    "Bundle.entry.resource.ofType(Organization).exists()",
    "pct-gfe-packet-2": "Bundle.entry.resource.descendants().reference.where($this.startsWith('#')"
    ".not()).all((%resource.entry.fullUrl.join('|')&'|').contains(($this&'|')))",
}
BUNDLE = {
    "pct-gfe-bundle-1": PACKET["pct-gfe-packet-1"],
    "pct-gfe-bundle-2": PACKET["pct-gfe-packet-2"],
    "pct-gfe-bundle-3": "Bundle.entry[0].resource.ofType(Claim).type.coding.where(code="
    "'estimate-summary' and system='http://hl7.org/fhir/us/davinci-pct/CodeSystem/"
    "PCTEstimateTypeSummaryCSTemporaryTrialUse').exists()",
}
COMPOSITION = {
    "pct-gfe-packet-composition-1": "extension.where(url='http://hl7.org/fhir/us/davinci-pct/"
    "StructureDefinition/requestOriginationType' and value.ofType(CodeableConcept).coding.where("
    "code='scheduled-request').exists()).exists() implies extension.where(url='http://hl7.org/"
    "fhir/us/davinci-pct/StructureDefinition/gfeServiceLinkingInfo' and extension.where(url = "
    "'plannedPeriodOfService').exists()).exists()",
    "pct-datetime-to-seconds": "date.all($this is dateTime implies $this.toString().length() "
    ">= 19)",
}
COVERAGE = {
    "pct-coverage-1": "extension.where(url='http://hl7.org/fhir/5.0/StructureDefinition/"
    "extension-Coverage.kind'and value = 'insurance').exists() implies class.exists()",
    "pct-coverage-2": "extension.where(url='http://hl7.org/fhir/5.0/StructureDefinition/"
    "extension-Coverage.kind'and value = 'insurance').exists() implies period.exists()",
}
CPT_DISPLAY = "system = 'http://www.ama-assn.org/go/cpt' implies display.exists()"
US_CORE_6 = ("(family.exists() or given.exists()) xor extension.where(url='http://hl7.org/fhir/"
             "StructureDefinition/data-absent-reason').exists()")  # fmt: skip
CO_PROVIDER = """
co_providers:
  - name: Hill Country Therapy Group
    npi: "1245319599"
    tin: "74-1234567"
    address: "200 Oak St, Austin, TX 78701"
    taxonomy: 101YM0800X
    items:
      - {service: Integration psychotherapy, code: "90837", quantity: 2, unit_charge: 180}
"""


def packet(*args: str, clinic: Path = SUNRISE, name: str = "García López, María") -> Any:
    run = run_cli("gfe", "--clinic", str(clinic), "--patient-name", name, "--patient-dob",
                  "1988-03-14", "--diagnosis", "F33.2", "--diagnosis", "F41.1", "--start",
                  "2027-01-04", "--boosters", "2", "--format", "fhir", *args)  # fmt: skip
    assert run.code == 0, run.err
    return json.loads(run.out)


def resources(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [entry["resource"] for entry in bundle["entry"]]


def holds(resource: Any, expression: str) -> bool:
    return evaluate(resource, expression, {"resource": resource}) == [True]


def check_invariants(doc: dict[str, Any]) -> None:
    for name, expression in PACKET.items():
        assert holds(doc, expression), name
    composition = resources(doc)[0]
    for name, expression in COMPOSITION.items():
        assert holds(composition, expression), name
    for resource in resources(doc):
        if resource["resourceType"] == "Coverage":
            for name, expression in COVERAGE.items():
                assert holds(resource, expression), name
        if resource["resourceType"] == "Bundle":
            for name, expression in BUNDLE.items():
                assert holds(resource, expression), name
            for claim in resources(resource):
                if claim["resourceType"] != "Claim" or "item" not in claim:  # the summary
                    continue
                codings = evaluate(
                    claim,
                    "item.productOrService.coding | "
                    "item.detail.productOrService.coding | item.modifier.coding",
                )
                assert codings
                for coding in codings:
                    assert holds(coding, CPT_DISPLAY), ("pct-cpt-display", coding)
                    assert coding["code"]  # R4: a code is never empty


@pytest.fixture
def with_co_provider(tmp_path: Path) -> Path:
    profile = tmp_path / "clinic.yaml"
    profile.write_text(SUNRISE.read_text() + CO_PROVIDER, encoding="utf-8")
    return profile


def test_the_pct_invariants_hold(with_co_provider: Path) -> None:
    for doc in (packet(), packet("--route", "im", "--integration", "1"),
                packet(clinic=with_co_provider)):  # fmt: skip
        check_invariants(doc)
        from fhir.resources.R4B.bundle import Bundle

        assert Bundle.model_validate(doc).type == "document"


def test_the_stu1_leftovers_are_gone_and_the_profile_rules_hold() -> None:
    doc = packet()
    text = json.dumps(doc)
    assert "gfeSubmitter" not in text  # removed before STU 2
    assert "ex-diagnosistype" not in text and "C4BB" not in text
    gfe_bundle = resources(doc)[-1]
    summary, claim = resources(gfe_bundle)[:2]
    for c in (summary, claim):
        assert [d["type"] for d in c["diagnosis"]] == [
            [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/diagnosistype",
                          "code": "principal"}]}],
            [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/diagnosistype",
                          "code": "secondary"}]}],
        ]  # fmt: skip
    assert claim["item"][0]["productOrService"]["coding"] == [
        {"system": CPT, "code": "90791", "display": "Initial psychiatric evaluation"}
    ]
    assert claim["provider"]["extension"] == [{
        "url": f"{PCT}/StructureDefinition/providerTaxonomy",
        "valueCodeableConcept": {"coding": [{"system": "http://nucc.org/provider-taxonomy",
                                             "code": "2084P0800X"}]}}]  # fmt: skip
    organization = resources(doc)[3]
    assert organization["identifier"][1] == {
        "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203",
                             "code": "TAX", "display": "Tax ID number"}]},
        "system": "urn:oid:2.16.840.1.113883.4.4", "value": "12-3456789"}  # fmt: skip
    assert organization["address"] == [{
        "text": "100 Main St, Austin, TX 78701", "line": ["100 Main St"], "city": "Austin",
        "state": "TX", "postalCode": "78701", "country": "US"}]  # fmt: skip


@pytest.mark.parametrize(("args", "name"), [
    ((), {"text": "García López, María", "family": "García López", "given": ["María"]}),
    (("--patient-given", "María de los Ángeles", "--patient-family", "García López"),
     {"text": "García López, María", "family": "García López",
      "given": ["María", "de", "los", "Ángeles"]}),
])  # fmt: skip
def test_the_patient_name_is_structured_never_guessed(args: tuple[str, ...], name: Any) -> None:
    patient = resources(packet(*args))[1]
    assert patient["name"] == [name]
    assert holds(patient["name"][0], US_CORE_6)


def test_a_name_without_its_parts_is_not_split() -> None:
    patient = resources(packet(name="María de los Ángeles García"))[1]
    assert patient["name"] == [{"text": "María de los Ángeles García", "extension": [
        {"url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
         "valueCode": "unknown"}]}]  # fmt: skip
    assert holds(patient["name"][0], US_CORE_6)


def test_the_patient_details_and_the_replaced_estimate() -> None:
    old = packet()
    doc = packet("--patient-address", "12 Elm St, Austin, TX 78702", "--patient-id", "MRN-88",
                 "--patient-phone", "512-555-0199", "--patient-email", "maria@example.com",
                 "--replaces", old["entry"][0]["resource"]["title"].split()[-1])  # fmt: skip
    patient = resources(doc)[1]
    assert patient["address"] == [{"text": "12 Elm St, Austin, TX 78702", "line": ["12 Elm St"],
                                   "city": "Austin", "state": "TX", "postalCode": "78702",
                                   "country": "US"}]  # fmt: skip
    assert patient["telecom"] == [
        {"system": "phone", "value": "512-555-0199"},
        {"system": "email", "value": "maria@example.com"},
    ]
    assert patient["identifier"][1]["value"] == "MRN-88"
    composition = resources(doc)[0]
    # relatesTo[replaces].targetIdentifier: the replaced Composition.identifier itself
    assert composition["relatesTo"] == [
        {"code": "replaces", "targetIdentifier": resources(old)[0]["identifier"]}
    ]


def test_a_co_provider_gets_its_own_gfe_bundle(with_co_provider: Path) -> None:
    doc = packet(clinic=with_co_provider)
    kinds = [r["resourceType"] for r in resources(doc)]
    assert kinds == ["Composition", "Patient", "Coverage", "Organization", "Organization",
                     "Bundle", "Bundle"]  # fmt: skip
    sections = resources(doc)[0]["section"][1:]
    assert [s["title"] for s in sections] == ["Good Faith Estimate from Sunrise Ketamine Clinic",
                                              "Good Faith Estimate from Hill Country Therapy "
                                              "Group"]  # fmt: skip
    co_summary = resources(resources(doc)[-1])[0]
    assert co_summary["total"] == {"value": 360.0, "currency": "USD"}


def test_the_packet_is_refused_without_a_taxonomy_or_a_code(tmp_path: Path) -> None:
    bare = tmp_path / "bare.yaml"
    bare.write_text(SUNRISE.read_text().replace('taxonomy: "2084P0800X"\n', ""))
    run = run_cli("gfe", "--clinic", str(bare), "--patient-name", "Ana Diaz", "--patient-dob",
                  "1990-01-01", "--diagnosis", "F33.2", "--format", "fhir")  # fmt: skip
    assert run.code == 2 and run.out == ""
    assert "providerTaxonomy" in run.err and "taxonomy:" in run.err
    no_code = tmp_path / "extra.yaml"
    no_code.write_text(SUNRISE.read_text() + "extras:\n  - {service: Monitoring, price: 40}\n")
    run = run_cli("gfe", "--clinic", str(no_code), "--patient-name", "Ana Diaz", "--patient-dob",
                  "1990-01-01", "--diagnosis", "F33.2", "--format", "fhir")  # fmt: skip
    assert run.code == 2 and run.out == "" and '"code": ""' not in run.out
    assert "'Monitoring' of Sunrise Ketamine Clinic has no CPT or HCPCS code" in run.err
