"""Co-providers and the provider's contact (45 CFR 149.610(c)(1)(iii)(B), the CMS form's
"Estimate Details" per provider): each co-provider's items with a total of its own, and the
grand total their sum (issue 24)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from conftest import REPO, run_cli

SUNRISE = REPO / "tests" / "clinic" / "sunrise.yaml"
EXTRA = """contact: {name: Jane Roe, phone: "512-555-0101", email: billing@sunrise.example}
co_providers:
  - name: Hill Country Therapy Group
    npi: "1245319599"
    tin: "741234567"
    address: "200 Oak St, Round Rock, TX 78664"
    items:
      - {service: Integration psychotherapy, code: "90837", quantity: 2, unit_charge: 180}
      - {service: Care coordination, quantity: 1, unit_charge: 45.50}
"""


def test_co_providers_have_their_items_and_totals(tmp_path: Path) -> None:
    profile = tmp_path / "clinic.yaml"
    profile.write_text(SUNRISE.read_text() + EXTRA, encoding="utf-8")
    run = run_cli("gfe", "--clinic", str(profile), "--patient-name", "Ana Diaz", "--patient-dob",
                  "1990-01-01", "--diagnosis", "F33.2", "--start", "2027-01-04",
                  "--format", "json")  # fmt: skip
    assert run.code == 0, run.err
    doc = json.loads(run.out, parse_float=Decimal)
    clinic, co = doc["providers"]
    assert (clinic["role"], co["role"]) == ("convening", "co-provider")
    assert clinic["contact"] == "Jane Roe, 512-555-0101, billing@sunrise.example"
    assert (co["name"], co["npi"], co["tin"], co["state"]) == (
        "Hill Country Therapy Group", "1245319599", "74-1234567", "TX")  # fmt: skip
    assert [(i["service"], i["code"], i["quantity"], i["unit_charge"], i["expected_charge"])
            for i in co["items"]] == [
        ("Integration psychotherapy", "90837", 2, Decimal("180.00"), Decimal("360.00")),
        ("Care coordination", "", 1, Decimal("45.50"), Decimal("45.50")),
    ]  # fmt: skip
    # 300 evaluation + 6 × 550 sessions = 3,600 at the clinic; 360 + 45.50 = 405.50 co-provider
    assert clinic["total"] == Decimal("3600.00") and co["total"] == Decimal("405.50")
    assert doc["total_expected_charges"] == Decimal("4005.50")


def test_a_co_provider_problem_names_its_path(tmp_path: Path) -> None:
    profile = tmp_path / "clinic.yaml"
    profile.write_text(SUNRISE.read_text() + EXTRA.replace('"1245319599"', '"1245319590"')
                       .replace("quantity: 2", "quantity: 0"), encoding="utf-8")  # fmt: skip
    run = run_cli("clinic", "check", str(profile))
    assert run.code == 2 and run.out == ""
    assert run.err.splitlines()[0] == (
        f"{profile}: co_providers[0].npi: 1245319590 fails the NPI check digit (Luhn with prefix "
        "80840)")  # fmt: skip
