"""File input and output for the CLI: scenario files and atomic output.

The calculator never touches files; these helpers are for ``cli.py`` (and batch) only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..files.exact_json import _mapping, input_error, parse_json_mapping
from ..files.strict_yaml import MAX_BYTES, parse_yaml


def _read_input(path: str, what: str) -> bytes:
    """The bytes of a small input file (at most MAX_BYTES); empty is an error.

    Capped by the bytes read, not by the size stat reports: /dev/zero and pipes say 0 bytes and
    never end (issue 13, item 4).
    """
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise input_error(path, f"cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise input_error(path, f"a {what} may be at most {MAX_BYTES:,} bytes")
    if not raw.strip():
        raise input_error(path, f"the {what} is empty")
    return raw


def read_scenario_file(path: str) -> dict[str, Any]:
    """Read a YAML or JSON scenario file into a mapping of snake_case option names."""
    file = Path(path)
    raw = _read_input(path, "scenario file")
    if file.suffix.lower() == ".json":
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise input_error(path, f"not UTF-8 text (byte {exc.start})") from None
        return parse_json_mapping(text, path)
    return _mapping(parse_yaml(raw, path, input_error), path)


def read_clinic_file(path: str, pricing: Any) -> Any:
    """Read and validate a clinic profile (YAML); problems name the file and the key (exit 2)."""
    from ..files.strict_yaml import control_characters
    from .clinic import parse_clinic

    document = parse_yaml(_read_input(path, "clinic profile"), path, input_error)
    if file_kind(document) == "pricing":
        from ..core.errors import InputError

        raise InputError(f"--clinic: {path} is a pricing model, not a clinic profile: use "
                         f"--pricing {path} (a clinic profile: ketacost clinic init FILE)",
                         field="--clinic")  # fmt: skip
    problems = list(control_characters(document))  # a name that clears the screen, or worse
    if problems:
        from .clinic import ClinicProblems

        raise ClinicProblems(path, [f"{path}: {problem}" for problem in problems])
    return parse_clinic(document, path, pricing)


def read_patient_file(path: str, today: Any) -> Any:
    """Read and validate a superbill's patient file (YAML)."""
    from ..files.strict_yaml import control_characters
    from .superbill import parse_patient

    document = parse_yaml(_read_input(path, "patient file"), path, input_error)
    for problem in control_characters(document):
        raise input_error(path, problem)
    return parse_patient(document, path, today)


def read_visits_file(path: str, today: Any) -> Any:
    """Read and validate a superbill's visits file: CSV (a header row), or YAML (a list)."""
    from .superbill import csv_rows, parse_visits

    raw = _read_input(path, "visits file")
    if Path(path).suffix.lower() in (".yaml", ".yml"):
        rows = parse_yaml(raw, path, input_error)
        if not isinstance(rows, list):
            raise input_error(path, "a YAML visits file is a list of visits (- date: …)")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise input_error(path, f"not UTF-8 text (byte {exc.start})") from None
        rows = csv_rows(text, path)
    return parse_visits(rows, path, today)
# Keys only a pricing model has, and keys only a clinic profile has: a file given to the wrong
# option is named for what it is (issue 24).
PRICING_KEYS = frozenset({"routes", "line_items", "locations", "providers", "sources"})
CLINIC_KEYS = frozenset({"npi", "tin", "prices", "co_providers", "place_of_service"})


def file_kind(document: Any) -> str | None:
    """``"pricing"`` or ``"clinic"`` when a parsed file's keys say which it is, else None."""
    if not isinstance(document, dict):
        return None
    keys = set(map(str, document))
    if len(keys & PRICING_KEYS) >= 2:
        return "pricing"
    if len(keys & CLINIC_KEYS) >= 2:
        return "clinic"
    return None


def clinic_profile_given_as_pricing(path: str) -> bool:
    """Whether ``path`` (given to --pricing) reads as a clinic profile."""
    try:
        return file_kind(parse_yaml(_read_input(path, "pricing file"), path, input_error)) == (
            "clinic")  # fmt: skip
    except Exception:  # unreadable or not YAML: the pricing loader's own error stands
        return False


def scenario_template() -> str:
    """A commented scenario file listing every option, with the route set."""
    from .fields import EXAMPLES, FIELDS

    lines = [
        "# ketacost scenario: `ketacost estimate --scenario FILE` (also compare and batch).",
        "# Keys are the options of `ketacost estimate` in snake_case; options given on the",
        "# command line override this file. Uncomment and edit what applies to you.",
        "# Schema: `ketacost schema scenario`.",
    ]
    group = None
    for spec in FIELDS:
        if spec.group != group:
            group = spec.group
            lines += ["", f"# --- {group} ---"]
        choices = f" ({' | '.join(spec.choices)})" if spec.choices else ""
        lines.append(f"# {spec.help}{choices}")
        if spec.name == "route":
            lines.append("route: iv")
            continue
        if spec.kind == "flag":
            example = "true" if spec.default else "false"
        else:
            example = EXAMPLES.get(spec.name, str(spec.default))
        if spec.kind == "monthday":
            example = f'"{example}"'
        lines.append(f"# {spec.name}: {example}")
    return "\n".join(lines) + "\n"
