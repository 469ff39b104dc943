"""Rule cases as data: tests/cases/*.yaml, hand-computed, run through the real CLI.

Each case is a mapping:

- ``name``: a sentence (the test id);
- ``args``: arguments after ``ketacost estimate --json``;
- ``expect``: dotted path into the JSON document (list indices 0-based) → expected value. Money
  is a string compared exactly as a Decimal (``"1234.50"`` equals ``1234.5``); other values
  (dates, kinds, coverage) compare as text; ``null`` expects a JSON null;
- ``expect_len`` (optional): dotted path → length of the list there;
- ``expect_warnings`` / ``absent_warnings`` (optional): warning codes that must / must not appear;
- ``xfail`` (optional): why the code is believed to be wrong (strict: a fix makes it fail).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import run_cli

CASES_DIR = Path(__file__).parents[1] / "cases"
CASE_FILES = ("insurance.yaml", "accounts.yaml", "taxes.yaml")
KEYS = {"name", "args", "expect", "expect_len", "expect_warnings", "absent_warnings", "xfail"}


def load_cases(filename: str) -> list[dict[str, Any]]:
    cases = yaml.safe_load((CASES_DIR / filename).read_text(encoding="utf-8"))
    assert isinstance(cases, list) and cases, f"{filename}: expected a non-empty list of cases"
    return cases


def _params() -> list[Any]:
    params = []
    for filename in CASE_FILES:
        for case in load_cases(filename):
            marks = []
            if case.get("xfail"):
                marks.append(pytest.mark.xfail(reason=case["xfail"], strict=True))
            params.append(pytest.param(case, id=f"{filename[:-5]}: {case['name']}", marks=marks))
    return params


class Mismatch(Exception):
    """A case's expectation that the document does not meet."""


def lookup(document: Any, path: str) -> Any:
    """The value at a dotted path; a numeric part indexes a list."""
    value = document
    for part in path.split("."):
        if isinstance(value, list):
            if not part.isdigit() or int(part) >= len(value):
                raise Mismatch(f"{path}: no item {part!r} in a list of {len(value)}")
            value = value[int(part)]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            raise Mismatch(f"{path}: no key {part!r}")
    return value


def check_value(path: str, actual: Any, expected: str | None) -> None:
    """Money exactly as Decimal; text as text; ``None`` as JSON null."""
    if expected is None:
        ok = actual is None
    elif isinstance(actual, int | Decimal) and not isinstance(actual, bool):
        ok = Decimal(str(actual)) == Decimal(expected)
    else:
        ok = isinstance(actual, str) and actual == expected
    if not ok:
        raise Mismatch(f"{path}: expected {expected!r}, got {actual!r}")


@pytest.mark.parametrize("filename", CASE_FILES)
def test_case_files_are_well_formed(filename: str) -> None:
    cases = load_cases(filename)
    names = [case.get("name") for case in cases]
    assert len(names) == len(set(names)), f"{filename}: duplicate case names"
    for case in cases:
        assert set(case) <= KEYS, f"{case.get('name')}: unknown keys {set(case) - KEYS}"
        assert isinstance(case["name"], str) and case["name"].endswith("."), case["name"]
        args = [str(arg) for arg in case["args"]]
        # deterministic (no clock) and simple arithmetic: a dated start and a quoted price
        assert "--start" in args and "--session-price" in args, case["name"]
        assert case.get("expect"), f"{case['name']}: nothing expected"
        for path, value in case["expect"].items():
            assert value is None or isinstance(value, str), f"{case['name']}: {path}"


@pytest.mark.parametrize("case", _params())
def test_case(case: dict[str, Any]) -> None:
    run = run_cli("estimate", "--json", *(str(arg) for arg in case["args"]))
    assert run.code == 0, run.err
    document = json.loads(run.out, parse_float=Decimal)
    problems = []
    for path, expected in case["expect"].items():
        try:
            check_value(path, lookup(document, path), expected)
        except Mismatch as exc:
            problems.append(str(exc))
    for path, length in case.get("expect_len", {}).items():
        try:
            got = len(lookup(document, path))
        except Mismatch as exc:
            problems.append(str(exc))
            continue
        if got != length:
            problems.append(f"len({path}): expected {length}, got {got}")
    codes = [warning["code"] for warning in document["warnings"]]
    for code in case.get("expect_warnings", []):
        if code not in codes:
            problems.append(f"warning {code!r} missing from {codes}")
    for code in case.get("absent_warnings", []):
        if code in codes:
            problems.append(f"warning {code!r} should not appear")
    assert not problems, "\n".join(problems)
