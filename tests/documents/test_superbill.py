"""`ketacost superbill`: the document, its totals and every coding rule (research/superbill.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import REPO, run_cli

HERE = REPO / "tests" / "superbill"
CLINIC, PATIENT, VISITS = (
    str(HERE / "clinic.yaml"),
    str(HERE / "patient.yaml"),
    str(HERE / "visits.csv"),
)
DATE = ("--date", "2026-12-01")


def superbill(
    *args: str, visits: str = VISITS, patient: str = PATIENT, clinic: str = CLINIC
) -> Any:
    return run_cli("superbill", "--clinic", clinic, "--patient", patient, "--visits", visits,
                   *DATE, *args)  # fmt: skip


def test_the_json_document_has_the_design_names_and_exact_totals() -> None:
    run = superbill("--format", "json")
    assert run.code == 0, run.err
    doc = run.json()
    assert doc["schema_version"] == 1 and doc["kind"] == "superbill"
    assert doc["patient"]["name"] == {"last": "Łukasz-Nguyễn", "first": "Zoë", "middle": "A"}
    assert doc["diagnoses"] == [
        {"pointer": "A", "code": "F33.2",
         "description": "Major depressive disorder, recurrent severe without psychotic features"},
        {"pointer": "B", "code": "F41.1", "description": "Generalized anxiety disorder"},
    ]  # fmt: skip
    assert doc["billing_provider"] == {
        "name": "Sunrise Ketamine Clinic", "npi": "1003000126", "taxonomy": "2084P0800X",
        "tin": "12-3456789", "address": "100 Main St, Austin, TX 78701", "phone": "512-555-0100",
    }  # fmt: skip
    assert doc["rendering_provider"]["npi"] == "1245319599"
    first, drug = doc["lines"][0], doc["lines"][2]
    assert first == {"date": "2026-11-02", "place_of_service": "11", "code": "90792",
                     "modifiers": [], "units": 1, "charge": 300.0, "pointers": "AB", "ndc": None,
                     "ndc_quantity": None, "ndc_unit": None, "paid": 300.0}  # fmt: skip
    assert (drug["ndc"], drug["ndc_quantity"], drug["ndc_unit"]) == ("00409205105", 1, "ML")
    # 300 + 450 + 100 + 450 + 100 + 180 + 180 = 1,760; paid 300 + 450 + 100 + 200 + 0 + 180 + 180
    assert (doc["total_charge"], doc["amount_paid"], doc["balance_due"]) == (1760, 1410, 350)
    assert '"total_charge": 1760.00' in run.out  # money to the cent


def test_the_json_matches_its_schema() -> None:
    schema = run_cli("schema", "superbill").json()
    jsonschema.validate(superbill("--format", "json").json(), schema)


def test_a_yaml_visits_list_for_split_billed_spravato() -> None:
    doc = superbill("--format", "json", visits=str(HERE / "spravato.yaml")).json()
    assert [(x["code"], x["units"]) for x in doc["lines"]] == [("99215", 1), ("J0013", 84),
                                                               ("99417", 1)]  # fmt: skip
    assert doc["total_charge"] == 1500
    assert doc["lines"][1]["ndc"] == "50458002803"


def test_cms1500_pages_of_six_lines_with_their_own_totals() -> None:
    doc = superbill("--format", "cms1500").json()
    first, second = doc["pages"]
    assert (first["page"], first["of"], len(first["24"]), len(second["24"])) == (1, 2, 6, 1)
    assert first["21"] == {"icd_indicator": "0", "A": "F332", "B": "F411"}
    assert first["24"][2]["24A"] == {"from": "11 04 26", "to": "11 04 26",
                                     "shaded": "N400409205105 ML1"}  # fmt: skip
    assert first["24"][5]["24D"] == {"code": "99214", "modifiers": ["95"]}
    assert first["24"][0]["24J"] == {"npi": "1245319599", "taxonomy": "2084P0800X"}
    assert (first["28"], first["29"], second["28"], second["29"]) == (1580, 1230, 180, 180)
    assert first["25"] == {"number": "123456789", "type": "EIN"}
    assert (first["33a"], first["33b"]) == ("1003000126", "ZZ2084P0800X")
    assert first["3"] == {"dob": "03 14 1988", "sex": "F"}


def _visits(tmp_path: Path, *rows: str) -> str:
    path = tmp_path / "visits.csv"
    header = "date,code,modifiers,units,charge,pointers,pos,ndc,ndc_quantity,ndc_unit,paid,minutes"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (("2026-11-02,G2082,,1,900,A,11,,,,,", "2026-11-02,J0013,,56,800,A,11,,,,,"),
         "row 1: code: 2026-11-02: G2082 (Medicare's esketamine bundle: drug, visit and "
         "observation) is never billed with J0013 on the same date; pick one pathway"),
        (("2026-11-02,99214,,1,200,A,11,,,,,", "2026-11-02,G2083,,1,900,A,11,,,,,"),
         "row 2: code: 2026-11-02: G2083 (Medicare's esketamine bundle: drug, visit and "
         "observation) is never billed with 99214 on the same date; pick one pathway"),
        (("2026-11-02,J0013,,1,800,A,11,,,,,",),
         "row 1: units: J0013 is billed in 1 mg units: 56 or 84 for a Spravato session "
         "(2 or 3 devices), not 1"),
        (("2026-11-02,J3490,,1,100,A,11,,,,,",),
         "row 1: ndc: missing: J3490 (unclassified drug) needs the drug's NDC, its quantity and "
         "unit (ndc, ndc_quantity, ndc_unit)"),
        (("2026-11-02,J3490,,1,100,A,11,00409205105,,ML,,",),
         "row 1: ndc_quantity: missing: J3490 (unclassified drug) needs the drug's NDC, its "
         "quantity and unit (ndc, ndc_quantity, ndc_unit)"),
        (("2026-11-02,J3490,,1,100,A,11,0409-2051-05,1,ML,,",),
         "row 1: ndc: must be the 11-digit NDC (5-4-2, zero-filled: 00409-2051-05), not "
         "'0409-2051-05'"),
        (("2026-11-02,96365,,1,450,A,11,,,,450.01,",),
         "row 1: paid: $450.01 is more than the line's charge, $450.00"),
        (("2026-11-02,96365,,1,450,ABCDE,11,,,,,",),
         "row 1: pointers: at most 4 a line (CMS-1500 item 24E), not 'ABCDE'"),
        (("2026-11-02,96365,,1,450,C,11,,,,,",),
         "row 1: pointers: C points past the patient's 2 diagnoses (A–B)"),
        (("2026-11-02,96365,,1,450,M,11,,,,,",),
         "row 1: pointers: must be 1 to 4 different letters A–L written together (AB), not 'M'"),
        (("2026-11-02,99214,25 95 GT 59 XU,1,200,A,11,,,,,",),
         "row 1: modifiers: at most 4 a line (CMS-1500 item 24D), not 5"),
        (("2026-11-02,96365,,1,450,A,98,,,,,",),
         "row 1: pos: '98' is not a CMS place-of-service code (11 office, 02/10 telehealth, 49 "
         "independent clinic, …)"),
        (("2099-11-02,96365,,1,450,A,11,,,,,",),
         "row 1: date: 2099-11-02 is in the future (today is 2026-12-01)"),
        (("2026-11-02,96365,,1,abc,A,11,,,,,",), "row 1: charge: must be a number, not 'abc'"),
    ],
)  # fmt: skip
def test_coding_errors_exit_2_naming_the_file_row_and_key(
    tmp_path: Path, rows: tuple[str, ...], message: str
) -> None:
    visits = _visits(tmp_path, *rows)
    run = superbill("--format", "json", visits=visits)
    assert run.code == 2, run.err
    assert run.out == ""
    assert run.err == f"Error: {visits}: {message}\n"


@pytest.mark.parametrize(
    ("rows", "warning"),
    [
        (("2026-11-02,99214,,1,200,A,10,,,,,",),
         "row 1: 99214 at place of service 10 (telehealth) has no modifier 95; most commercial "
         "plans want it"),
        (("2026-11-02,96365,,1,450,A,11,,,,,60", "2026-11-02,96366,,1,150,A,11,,,,,"),
         "row 2: 96366 (each additional hour) on a 60-minute infusion: it needs more than 90 "
         "minutes"),
        (("2026-11-02,90791,,1,300,A,11,,,,,",),
         "row 1: 90791 billed by Maria Lopez, a prescriber: an evaluation with medical services "
         "is 90792"),
        (("2026-11-02,J0013,,56,800,A,11,,,,,",),
         "row 1: J0013 without the drug's NDC (ndc, ndc_quantity, ndc_unit): most payers want it"),
    ],
)  # fmt: skip
def test_coding_warnings_go_to_stderr_and_the_document(
    tmp_path: Path, rows: tuple[str, ...], warning: str
) -> None:
    visits = _visits(tmp_path, *rows)
    run = superbill("--format", "json", visits=visits)
    assert run.code == 0, run.err
    assert run.err == f"Warning: {visits}: {warning}\n"
    assert [w["message"] for w in run.json()["warnings"]] == [f"{visits}: {warning}"]


def test_no_warning_when_the_coding_is_right(tmp_path: Path) -> None:
    visits = _visits(tmp_path, "2026-11-02,99214,95,1,200,A,10,,,,,",
                     "2026-11-03,96365,,1,450,A,11,,,,,120", "2026-11-03,96366,,1,150,A,11,,,,,",
                     "2026-11-04,90791,,1,300,A,11,,,,,")  # fmt: skip
    run = superbill("--format", "json", "--rendering", "1234567893", visits=visits)
    assert run.code == 0 and run.err == ""
    assert run.json()["rendering_provider"]["name"] == "Sam Reyes"


def _patient(tmp_path: Path, old: str, new: str) -> str:
    path = tmp_path / "patient.yaml"
    path.write_text(Path(PATIENT).read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("[F33.2, f411]", "[F33.2, F3X]",
         "diagnoses[1]: 'F3X' is not in the ICD-10-CM code set (2026-04-01 release)"),
        ("[F33.2, f411]", "[F33.99]",
         "diagnoses[0]: 'F33.99' is not in the ICD-10-CM code set (2026-04-01 release)"),
        ("[F33.2, f411]", "[F43.1]",
         "diagnoses[0]: 'F43.1' is a category header (Post-traumatic stress disorder (PTSD)), "
         "not a billable code; use a more specific code: F43.10, F43.11, F43.12"),
        ("[F33.2, f411]", "[F33.2, F33.2]", "diagnoses[1]: F33.2 is listed twice"),
        ("[F33.2, f411]", "[" + ", ".join(["F33.0", "F33.1", "F33.2", "F33.3", "F33.40", "F33.41",
                                           "F33.42", "F33.8", "F33.9", "F41.0", "F41.1", "F41.3",
                                           "F41.8"]) + "]",
         "diagnoses: at most 12 (CMS-1500 item 21, A–L), not 13"),
        ("sex: F", "sex: Q", "sex: must be M or F (CMS-1500 item 3), not 'Q'"),
        ("zip: \"78702\"", "zip: \"787\"",
         "address.zip: must be a ZIP code (78701 or 78701-1234), not '787'"),
        ("member_id: \"XYZ123456789\"\n", "", "member_id: missing"),
        ("plan_name: Example PPO", "plan: Example PPO",
         "plan: unknown key (known: name, dob, sex, address, member_id, group_number, plan_name, "
         "diagnoses, insured)"),
    ],
)  # fmt: skip
def test_bad_patient_files_exit_2_naming_the_key(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    patient = _patient(tmp_path, old, new)
    run = superbill("--format", "json", patient=patient)
    assert run.code == 2
    assert run.err == f"Error: {patient}: {message}\n"


def test_clinic_billing_keys_are_checked(tmp_path: Path) -> None:
    profile = tmp_path / "clinic.yaml"
    text = Path(CLINIC).read_text(encoding="utf-8")
    profile.write_text(text.replace('"1245319599"', '"1245319598"'), encoding="utf-8")
    run = superbill("--format", "json", clinic=str(profile))
    assert run.code == 2
    assert run.err == (f"Error: {profile}: rendering[0].npi: 1245319598 fails the NPI check digit "
                       "(Luhn with prefix 80840)\n")  # fmt: skip
    run = superbill("--format", "json", "--rendering", "1003000126")
    assert run.code == 2
    assert run.err.startswith("Error: --rendering: 1003000126 is not in ")


def test_yaml_visits_may_list_modifiers_and_pointers(tmp_path: Path) -> None:
    visits = tmp_path / "v.yaml"
    visits.write_text("- {date: 2026-11-09, code: '99214', modifiers: [25, 95], units: 1, "
                      "charge: 180, pointers: [A, B], pos: 10, paid: 180}\n")  # fmt: skip
    line = superbill("--format", "json", visits=str(visits)).json()["lines"][0]
    assert (line["modifiers"], line["pointers"], line["place_of_service"]) == (["25", "95"], "AB",
                                                                               "10")  # fmt: skip


def test_the_clinic_templates_rendering_example_is_valid(tmp_path: Path) -> None:
    from ketacost.inputs.clinic import TEMPLATE
    from ketacost.inputs.clinic_billing import TEMPLATE_LINES

    example = "\n".join(line[2:] if line.startswith("# ") and not line.startswith("# Opt")
                         and not line.startswith("# and") else line
                         for line in TEMPLATE_LINES.splitlines())  # fmt: skip
    text = TEMPLATE.replace(TEMPLATE_LINES, example)
    profile = tmp_path / "clinic.yaml"
    profile.write_text(text, encoding="utf-8")
    doc = superbill("--format", "json", clinic=str(profile)).json()
    assert doc["rendering_provider"] == {"name": "Maria Lopez", "credentials": "MD",
                                         "npi": "1245319599", "taxonomy": "2084P0800X"}  # fmt: skip
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace('billing_npi: "1234567893"', 'billing_npi: "1234567894"'))
    run = superbill("--format", "json", clinic=str(bad))
    assert run.err == (f"Error: {bad}: billing_npi: 1234567894 fails the NPI check digit "
                       "(Luhn with prefix 80840)\n")  # fmt: skip


def test_a_dependant_names_the_insured(tmp_path: Path) -> None:
    patient = tmp_path / "p.yaml"
    patient.write_text(
        "name: {last: Diaz, first: Sofia}\ndob: 2010-05-01\nsex: F\n"
        "address: {line: 12 Oak St, city: Austin, state: TX, zip: '78702'}\n"
        "member_id: XYZ123456789-02\ndiagnoses: [F33.2]\n"
        "insured: {name: 'Diaz, Luis', dob: 1980-07-01, relationship: child}\n",
        encoding="utf-8",
    )
    visits = _visits(tmp_path, "2026-11-02,90792,,1,300,A,11,,,,300,")
    page = superbill("--format", "cms1500", patient=str(patient), visits=visits).json()["pages"][0]
    assert (page["2"], page["4"], page["6"], page["11a"]) == (
        "Diaz, Sofia", "Diaz, Luis", "child", {"dob": "07 01 1980"})  # fmt: skip
    markdown = superbill("--format", "markdown", patient=str(patient), visits=visits).out
    assert "| Insured [4, 6, 11a] | Diaz, Luis, born 1980-07-01 (relationship: child) |" in markdown
