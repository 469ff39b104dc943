"""ZIP codes and places: prefixes, the 5-digit exceptions compiled from a ZIP database, and
territories that are refused with their name (issue 11)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("zip_code", "state"),
    [
        ("06390", "NY"),  # Fishers Island: a New York ZIP in Connecticut's 063
        ("20588", "MD"),  # in DC's 205
        ("20598", "VA"),
        ("73960", "TX"),  # Texhoma, in Oklahoma's 739
        ("83414", "WY"),  # Alta, in Idaho's 834
        ("87654", "NM"),  # prefix 876 (its one ZIP, Spaceport City), missing before
        ("88888", "DC"),  # prefix 888, missing before
        ("06390-1234", "NY"),
        ("06401", "CT"),  # the rest of 063/064 stays Connecticut
        ("96813", "HI"),
    ],
)
def test_a_zip_maps_to_its_own_state(cli: Any, zip_code: str, state: str) -> None:
    run = cli("estimate", "--json", "--location", zip_code, "--start", "2026-12-01")
    assert run.code == 0, run.err
    assert run.json()["scenario"]["location"] == state


@pytest.mark.parametrize(
    ("place", "name"),
    [
        ("96799", "American Samoa"),  # in Hawaii's 967: not priced as Hawaii
        ("96910", "Guam"),
        ("00901", "Puerto Rico"),
        ("00802", "the U.S. Virgin Islands"),
        ("96950", "the Northern Mariana Islands"),
        ("09005", "Armed Forces Europe"),
        ("Guam", "Guam"),
        ("american samoa", "American Samoa"),
        ("PR", "Puerto Rico"),
    ],
)
def test_territories_are_refused_with_their_name(cli: Any, place: str, name: str) -> None:
    run = cli("estimate", "--json", "--location", place)
    assert run.code == 2 and run.out == ""
    assert run.err.startswith("Error: --location: ")
    assert f"({name}" in run.err and "not priced" in run.err


def test_the_exceptions_are_data_so_start_up_never_imports_the_zip_database(
    pricing: Any,
) -> None:
    assert pricing.locations.zip_exceptions["06390"] == "NY"
    assert pricing.locations.zip_exceptions["96799"] == "AS"
    for module in (REPO / "ketacost").rglob("*.py"):
        assert "import zipcodes" not in module.read_text(encoding="utf-8"), module


@pytest.mark.skipif(importlib.util.find_spec("zipcodes") is None, reason="zipcodes not installed")
def test_the_compiled_exceptions_match_the_zip_database() -> None:
    spec = importlib.util.spec_from_file_location(
        "zip_exceptions_script", REPO / "scripts" / "zip_exceptions.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["zip_exceptions_script"] = module
    spec.loader.exec_module(module)
    text = (REPO / "data" / "pricing.yaml").read_text(encoding="utf-8")
    assert module.build(text) == text, "run: python scripts/zip_exceptions.py"


@pytest.mark.parametrize("zip_code", ["99999", "00000", "99999-1234", "87601", "00100"])
def test_a_zip_that_does_not_exist_is_refused_naming_location(cli: Any, zip_code: str) -> None:
    """99999 lies under Alaska's prefix 999 but is no ZIP: it was priced as Alaska (issue 23)."""
    run = cli("estimate", "--json", "--location", zip_code)
    assert run.code == 2 and run.out == ""
    assert run.err.startswith("Error: --location: ") and "not a US ZIP code" in run.err
    assert run.err.count("\n") == 1


def test_the_zip_list_is_compiled_data(pricing: Any) -> None:
    """Every ZIP of the zipcodes 3.0.0 database (42,789, active or retired) is a set bit."""
    from ketacost.rules.model import _zip_bitmap

    bitmap = _zip_bitmap(pricing.locations.zip_codes)
    assert sum(bin(byte).count("1") for byte in bitmap) == 42789
    assert pricing.locations.zip_exists("60614") and pricing.locations.zip_exists("99501")
    assert not pricing.locations.zip_exists("99999")


def test_a_pricing_file_without_a_zip_list_takes_every_zip_to_exist(pricing: Any) -> None:
    import dataclasses

    locations = dataclasses.replace(pricing.locations, zip_codes="")
    assert locations.zip_exists("99999") and locations.state_for_zip("99999") == "AK"
