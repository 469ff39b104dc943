"""`gfe --format fhir`: a Da Vinci PCT GFE Packet whose structure and totals are checked."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from conftest import REPO, run_cli

SUNRISE = str(REPO / "tests" / "clinic" / "sunrise.yaml")
PCT = "http://hl7.org/fhir/us/davinci-pct"


def packet(*args: str) -> Any:
    run = run_cli("gfe", "--clinic", SUNRISE, "--patient-name", "Zoë Łukasz-Nguyễn",
                  "--patient-dob", "1988-03-14", "--diagnosis", "F33.2", "--diagnosis", "F411",
                  "--start", "2027-01-04", "--format", "fhir", *args)  # fmt: skip
    assert run.code == 0, run.err
    return json.loads(run.out, parse_float=Decimal)


def resources(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [entry["resource"] for entry in bundle["entry"]]


def test_the_packet_is_a_document_led_by_a_gfe_composition() -> None:
    doc = packet("--boosters", "2", "--integration", "1")
    assert (doc["resourceType"], doc["type"]) == ("Bundle", "document")
    kinds = [r["resourceType"] for r in resources(doc)]
    assert kinds == ["Composition", "Patient", "Coverage", "Organization", "Bundle"]
    composition = doc["entry"][0]["resource"]
    assert composition["type"]["coding"] == [
        {"system": "http://loinc.org", "code": "111480-0", "display": "Good faith estimate"}
    ]
    assert composition["category"][0]["coding"][0]["code"] == "estimate"
    full_urls = {entry["fullUrl"] for entry in doc["entry"]}
    sections = {s["code"]["coding"][0]["code"]: s for s in composition["section"]}
    assert set(sections) == {"coverage-section", "gfe-section"}
    for section in sections.values():
        assert {ref["reference"] for ref in section["entry"]} <= full_urls
    patient, coverage, org = resources(doc)[1:4]
    assert patient["name"][0]["text"] == "Zoë Łukasz-Nguyễn"
    assert patient["birthDate"] == "1988-03-14"
    kind = [e for e in coverage["extension"] if e["url"].endswith("extension-Coverage.kind")]
    assert kind == [{"url": "http://hl7.org/fhir/5.0/StructureDefinition/extension-Coverage.kind",
                     "valueCode": "self-pay"}]  # fmt: skip
    assert {i["system"]: i["value"] for i in org["identifier"]} == {
        "http://hl7.org/fhir/sid/us-npi": "1234567893",
        "urn:oid:2.16.840.1.113883.4.4": "12-3456789"}  # fmt: skip
    assert "family" not in patient["name"][0]  # never guessed from the last word


def test_the_gfe_bundle_starts_with_the_summary_and_its_totals_add_up() -> None:
    doc = packet("--boosters", "2", "--integration", "1")
    gfe_bundle = doc["entry"][-1]["resource"]
    assert gfe_bundle["type"] == "collection"
    claims = [r for r in resources(gfe_bundle) if r["resourceType"] == "Claim"]
    summary, *professional = claims
    assert summary is resources(gfe_bundle)[0]  # PCT pct-gfe-bundle-3: the summary comes first
    assert summary["type"]["coding"][0]["code"] == "estimate-summary"
    # the evaluation on 2027-01-04 to the second booster: 2027-01-28 + 4 weeks + 4 weeks
    assert summary["billablePeriod"] == {"start": "2027-01-04", "end": "2027-03-25"}
    assert professional and all(c["use"] == "predetermination" for c in professional)
    assert all(c["type"]["coding"][0]["code"] == "professional" for c in professional)
    items = [item for claim in professional for item in claim["item"]]
    # 300 evaluation + 8 × 550 sessions + 1 × 180 integration = 4,880
    assert [(i["productOrService"]["coding"][0]["code"], i["quantity"]["value"],
             i["unitPrice"]["value"], i["net"]["value"]) for i in items] == [
        ("90791", 1, Decimal("300.00"), Decimal("300.00")),
        ("96365", 6, Decimal("550.00"), Decimal("3300.00")),
        ("96365", 2, Decimal("550.00"), Decimal("1100.00")),
        ("90837", 1, Decimal("180.00"), Decimal("180.00")),
    ]  # fmt: skip
    for item in items:
        assert item["net"]["value"] == item["unitPrice"]["value"] * item["quantity"]["value"]
        assert item["locationCodeableConcept"]["coding"][0]["code"] == "11"
    assert items[1]["detail"][0]["productOrService"]["coding"][0] == {
        "system": "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
        "code": "J3490",
    }
    totals = [c["total"]["value"] for c in professional]
    assert sum(totals) == sum(i["net"]["value"] for i in items) == Decimal("4880.00")
    assert summary["total"] == {"value": Decimal("4880.00"), "currency": "USD"}
    codes = [d["diagnosisCodeableConcept"]["coding"][0]["code"] for d in summary["diagnosis"]]
    assert codes == ["F33.2", "F41.1"]
    # every reference inside the packet points at an entry of the packet (PCT pct-gfe-packet-2)
    urls = {e["fullUrl"] for e in doc["entry"]} | {e["fullUrl"] for e in gfe_bundle["entry"]}
    refs = set(_references(doc))
    assert refs and refs <= urls


def _references(value: Any) -> list[str]:
    if isinstance(value, dict):
        found = [value["reference"]] if isinstance(value.get("reference"), str) else []
        return found + [r for v in value.values() for r in _references(v)]
    if isinstance(value, list):
        return [r for v in value for r in _references(v)]
    return []


def test_the_packet_validates_against_the_fhir_resource_models() -> None:
    from fhir.resources.R4B.bundle import Bundle

    doc = json.loads(json.dumps(packet("--route", "im"), default=float))
    assert Bundle.model_validate(doc).type == "document"


def test_a_clinic_taxonomy_goes_on_the_billing_provider(tmp_path: Any) -> None:
    from pathlib import Path

    profile = tmp_path / "c.yaml"
    profile.write_text(Path(SUNRISE).read_text().replace('"2084P0800X"', "2084p0800x"))
    run = run_cli("gfe", "--clinic", str(profile), "--patient-name", "Ana Diaz", "--patient-dob",
                  "1990-01-01", "--diagnosis", "F33.2", "--format", "fhir")  # fmt: skip
    assert run.code == 0, run.err
    gfe_bundle = json.loads(run.out)["entry"][-1]["resource"]
    claim = gfe_bundle["entry"][1]["resource"]
    assert claim["provider"]["extension"] == [{
        "url": f"{PCT}/StructureDefinition/providerTaxonomy",
        "valueCodeableConcept": {"coding": [{"system": "http://nucc.org/provider-taxonomy",
                                             "code": "2084P0800X"}]}}]  # fmt: skip
