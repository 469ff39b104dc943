"""`ketacost gfe`: the Good Faith Estimate document, its schema, its rules and its bad input."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import REPO, run_cli

from ketacost.documents.gfe import build_gfe
from ketacost.files.strict_yaml import parse_yaml
from ketacost.inputs.clinic import parse_clinic
from ketacost.inputs.scenario import parse_scenario
from ketacost.rules.loader import load_rules

SUNRISE = str(REPO / "tests" / "clinic" / "sunrise.yaml")
PATIENT = ("--patient-name", "Zoë Łukasz-Nguyễn", "--patient-dob", "1988-03-14")
COURSE = ("--start", "2027-01-04")
V2_FIELDS = {"schema_version", "kind", "issued", "patient", "primary_service", "diagnoses",
             "period", "recurring", "providers", "total_expected_charges", "not_included",
             "disclaimers"}  # fmt: skip


def gfe(*args: str, fmt: str = "json") -> Any:
    run = run_cli("gfe", "--clinic", SUNRISE, *PATIENT, "--diagnosis", "F33.2", *COURSE,
                  "--format", fmt, *args)  # fmt: skip
    assert run.code == 0, run.err
    assert run.err == ""
    return json.loads(run.out, parse_float=Decimal) if fmt in ("json", "fhir") else run.out


def test_the_document_has_the_contract_fields_and_validates_against_its_schema() -> None:
    doc = gfe("--boosters", "4", "--integration", "2")
    assert set(doc) >= V2_FIELDS
    assert doc["schema_version"] == 1 and doc["kind"] == "good_faith_estimate"
    assert doc["issued"] == dt.date.today().isoformat()
    assert doc["patient"] == {"name": "Zoë Łukasz-Nguyễn", "date_of_birth": "1988-03-14",
                              "given": [], "family": None, "address": None, "id": None,
                              "phone": None, "email": None}  # fmt: skip
    assert doc["diagnoses"] == ["F33.2"]
    assert doc["primary_service"]["code"] == "96365"
    assert doc["primary_service"]["scheduled_date"] == "2027-01-11"  # the evaluation + 7 days
    assert doc["primary_service"]["description"].startswith(
        "A course of ketamine treatment: 6 induction sessions, 4 maintenance sessions"
    )
    (provider,) = doc["providers"]
    assert {k: provider[k] for k in ("name", "npi", "tin", "address")} == {
        "name": "Sunrise Ketamine Clinic", "npi": "1234567893", "tin": "12-3456789",
        "address": "100 Main St, Austin, TX 78701"}  # fmt: skip
    assert provider["state"] == "TX"
    items = [(i["service"], i["code"], i["quantity"], i["unit_charge"], i["expected_charge"])
             for i in provider["items"]]  # fmt: skip
    assert items == [
        ("Initial psychiatric evaluation", "90791", 1, Decimal("300.00"), Decimal("300.00")),
        ("IV ketamine infusion", "96365", 6, Decimal("550.00"), Decimal("3300.00")),
        ("IV ketamine infusion (maintenance)", "96365", 4, Decimal("550.00"), Decimal("2200.00")),
        ("Integration psychotherapy session (60 min)", "90837", 2, Decimal("180.00"),
         Decimal("360.00")),
    ]  # fmt: skip
    assert all(i["diagnosis_codes"] == ["F33.2"] for i in provider["items"])
    # 300 + 10 × 550 + 2 × 180 = 6,160
    assert provider["total"] == doc["total_expected_charges"] == Decimal("6160.00")
    assert doc["recurring"]["sessions"] == 10
    assert doc["recurring"]["frequency"] == (
        "6 induction sessions, 2 a week over 3 weeks; then 4 maintenance sessions every 4 "
        "weeks; 2 integration sessions, each the day after a dosing session"
    )
    assert doc["period"] == {"start": "2027-01-04", "end": "2027-05-20",
                             "covers_through": "2028-01-03"}  # fmt: skip
    schema = json.loads(run_cli("schema", "gfe").out)
    for document in (doc, gfe("--route", "im", "--no-consult")):
        jsonschema.validate(json.loads(json.dumps(document, default=float)), schema)
    broken = json.loads(json.dumps(doc, default=float))
    del broken["providers"][0]["npi"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_the_total_is_the_clinics_prices_times_the_sessions_in_twelve_months() -> None:
    doc = gfe("--boosters", "20", "--booster-every", "4")
    # first visit 2027-01-04: covered through 2028-01-03. Induction 2027-01-11..01-28, then a
    # booster every 4 weeks from 2027-02-25: 12 of them fall before 2028-01-04, 8 after.
    assert doc["recurring"]["maintenance_sessions"] == 12
    assert doc["total_expected_charges"] == Decimal("300.00") + 18 * Decimal("550.00")
    assert doc["not_included"][0].startswith(
        "Sessions planned after 2028-01-03 (8 maintenance sessions, from 2028-01-27)"
    )
    assert any("at most 12 months" in d and "new Good Faith Estimate" in d
               for d in doc["disclaimers"])  # fmt: skip
    # the same course as an estimate gives the same bill when it fits in the 12 months
    short = gfe("--boosters", "5")
    run = run_cli("estimate", "--json", "--clinic", SUNRISE, *COURSE, "--boosters", "5")
    gross = json.loads(run.out, parse_float=Decimal)["totals"]["gross"]["typical"]
    assert short["total_expected_charges"] == gross == Decimal("6350.00")


def test_disclaimers_carry_every_required_statement() -> None:
    text = " ".join(gfe()["disclaimers"])
    for phrase in (
        "only an estimate",
        "may be recommended",
        "at least $400 more",
        "within 120 calendar days",
        "will not affect the quality of the care",
        "is not a contract",
        "https://www.cms.gov/nosurprises",
        "1-800-985-3059",
    ):
        assert phrase in text, phrase


def test_extras_and_clinic_codes_appear_on_the_estimate(tmp_path: Any) -> None:
    profile = tmp_path / "c.yaml"
    profile.write_text(
        Path(SUNRISE).read_text() + "codes:\n  iv: [96365, 96366, J3490]\n"
        "extras:\n  - service: Vital-signs monitoring\n    code: '99211'\n    price: 40\n"
    )
    run = run_cli("gfe", "--clinic", str(profile), *PATIENT, "--diagnosis", "F33.2", *COURSE,
                  "--format", "json", "--no-consult")  # fmt: skip
    doc = json.loads(run.out, parse_float=Decimal)
    items = doc["providers"][0]["items"]
    assert [(i["codes"], i["quantity"], i["expected_charge"]) for i in items] == [
        (["96365", "96366", "J3490"], 6, Decimal("3300.00")),
        (["99211"], 6, Decimal("240.00")),
    ]
    assert doc["total_expected_charges"] == Decimal("3540.00")


def test_the_identifier_is_deterministic_and_the_calculator_pure() -> None:
    from ketacost.rules.loader import load_pricing

    pricing = load_pricing()
    clinic = parse_clinic(parse_yaml(Path(SUNRISE).read_bytes(), SUNRISE), SUNRISE, pricing)
    issued = dt.date(2026, 11, 27)
    scenario = parse_scenario({"start": "2027-01-04", "location": "TX"}, pricing, issued)
    make = lambda name: build_gfe(  # noqa: E731
        clinic, scenario, load_rules(gfe=True), name=name, date_of_birth="1988-03-14",
        diagnoses=["f33.2"], issued=issued,
    )  # fmt: skip
    first, again, other = make("Ana Diaz"), make("Ana Diaz"), make("Ana Díaz")
    assert first.id == again.id and first.id != other.id
    assert first.id.startswith("GFE-20261127-") and len(first.id) == 21
    assert first.diagnoses == ("F33.2",)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--patient-dob", "1988-03-14", "--diagnosis", "F33.2"),
            "Error: --patient-name: required: the patient's full name\n",
        ),
        (
            ("--patient-name", "  ", "--patient-dob", "1988-03-14", "--diagnosis", "F33.2"),
            "Error: --patient-name: required: the patient's full name\n",
        ),
        (
            ("--patient-name", "Ana Diaz", "--diagnosis", "F33.2"),
            "Error: --patient-dob: required: the patient's date of birth, YYYY-MM-DD\n",
        ),
        (
            ("--patient-name", "Ana Diaz", "--patient-dob", "1988-02-30", "--diagnosis", "F33.2"),
            "Error: --patient-dob: must be a real date as YYYY-MM-DD, not '1988-02-30'\n",
        ),
        (
            ("--patient-name", "Ana Diaz", "--patient-dob", "2999-01-01", "--diagnosis", "F33.2"),
            None,
        ),
        (
            ("--patient-name", "Ana Diaz", "--patient-dob", "1988-03-14"),
            "Error: --diagnosis: required: at least one ICD-10 code, e.g. F33.2\n",
        ),
        (
            ("--patient-name", "Ana Diaz", "--patient-dob", "1988-03-14", "--diagnosis", "33.2F"),
            None,
        ),
        (("--patient-name", "Ana Diaz", "--patient-dob", "1988-03-14", "--diagnosis", "F3"), None),
        (
            (
                "--patient-name",
                "Ana Diaz",
                "--patient-dob",
                "1988-03-14",
                "--diagnosis",
                "F33.21234",
            ),
            None,
        ),
    ],
)
def test_bad_patient_input_exits_2_naming_the_option(
    args: tuple[str, ...], message: str | None
) -> None:
    run = run_cli("gfe", "--clinic", SUNRISE, *args, "--format", "json")
    assert run.code == 2, run.err
    assert run.out == ""
    if message is not None:
        assert run.err == message
    else:
        option = "--patient-dob" if "2999-01-01" in args else "--diagnosis"
        assert run.err.startswith(f"Error: {option}: ") and run.err.count("\n") == 1


def test_a_wrong_npi_check_digit_is_refused(tmp_path: Any) -> None:
    profile = tmp_path / "c.yaml"
    profile.write_text(Path(SUNRISE).read_text().replace("1234567893", "1234567894"))
    run = run_cli("gfe", "--clinic", str(profile), *PATIENT, "--diagnosis", "F33.2")
    assert (run.code, run.err) == (2, f"Error: {profile}: npi: 1234567894 fails the NPI check "
                                      "digit (Luhn with prefix 80840)\n")  # fmt: skip


def test_gfe_needs_a_clinic_and_a_route_it_prices() -> None:
    run = run_cli("gfe", *PATIENT, "--diagnosis", "F33.2")
    assert run.code == 2 and run.err.startswith("Error: --clinic: required")
    run = run_cli("gfe", "--clinic", SUNRISE, *PATIENT, "--diagnosis", "F33.2", "--route", "oral")
    assert run.code == 2 and run.err.startswith("Error: --route: ") and "oral" in run.err


def test_markdown_follows_the_cms_form() -> None:
    text = gfe("--boosters", "2", fmt="markdown")
    order = ["# Good Faith Estimate", "## Patient", "### Patient diagnosis",
             "### Primary service or item requested or scheduled", "### Recurring services",
             "## Summary of expected charges", "## Estimate details",
             "## Items or services scheduled separately", "## Disclaimer"]  # fmt: skip
    positions = [text.index(heading) for heading in order]
    assert positions == sorted(positions)
    assert "| Patient name | Zoë Łukasz-Nguyễn |" in text
    assert "| **Total estimated cost** | **$4,700.00** |" in text  # 300 + 8 × 550
    assert "- NPI: 1234567893 · TIN: 12-3456789 · Contact: 512-555-0100" in text
    assert (
        "| IV ketamine infusion | 100 Main St, Austin, TX 78701 | F33.2 | 96365, J3490 | 6 "
        "| $550.00 | $3,300.00 |"
    ) in text


def test_markdown_escapes_a_patient_name() -> None:
    run = run_cli(
        "gfe",
        "--clinic",
        SUNRISE,
        "--patient-name",
        "A | *B* <script>",
        "--patient-dob",
        "1990-01-01",
        "--diagnosis",
        "F33.2",
        "--format",
        "markdown",
    )
    assert run.code == 0, run.err
    assert "| Patient name | A \\| \\*B\\* \\<script\\> |" in run.out
