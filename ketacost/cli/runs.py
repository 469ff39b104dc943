"""What the commands do once their options are parsed, without typer.

``estimate`` runs from here both through typer (``estimates.py``) and through the entry point's
own reading of a plain ``estimate`` command line (``entry.py``), which starts without importing
typer. The helpers other commands share (output format, pricing and clinic files, the scenario)
live here too, so that both paths use the same code; writing the output is ``output.py``'s.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from ..core.errors import InputError
from ..core.words import did_you_mean
from ..inputs.fields import FIELDS
from ..inputs.scenario import ResolvedScenario
from ..rules import Rules
from .output import _print_rich, emit

FORMATS = ("table", "json", "csv", "markdown", "html")


# The format an --output file's suffix names when --format is not given (issue 23)
SUFFIX_FORMATS = {".json": "json", ".csv": "csv", ".md": "markdown", ".markdown": "markdown",
                  ".html": "html", ".htm": "html", ".txt": "table"}  # fmt: skip


def output_format(
    fmt: str | None,
    json_flag: bool,
    output: str | None = None,
    allowed: tuple[str, ...] = FORMATS,
) -> str:
    """The output format: --format, --json, else the suffix of --output (``.json``, ``.csv``,
    ``.md``, ``.html``, ``.txt`` for the table), else the table. An --output file whose suffix
    names no format ``allowed`` is an error naming --output: the table written into
    ``report.html`` is a page no browser shows."""
    if fmt is not None and fmt.lower() not in FORMATS:
        raise InputError(f"--format: must be one of {', '.join(FORMATS)}, not {fmt!r}"
                         f"{did_you_mean(fmt, FORMATS)}", field="--format")  # fmt: skip
    if json_flag and fmt is not None and fmt.lower() != "json":
        raise InputError(f"--json contradicts --format {fmt}", field="--json")
    if output is None or output == "-":
        return "json" if json_flag else (fmt or "table").lower()
    suffix = os.path.splitext(output)[1].lower()
    if json_flag or fmt is not None:
        chosen = "json" if json_flag else str(fmt).lower()
        named = {**SUFFIX_FORMATS, ".pdf": "pdf"}.get(suffix)
        if named is not None and named != chosen:  # HTML in e.pdf, JSON in e.csv: refused
            raise InputError(
                f"--output: {output!r} is named for {named}, but the output is {chosen}; "
                "name the file for its format, or leave --format out to follow the name",
                field="--output",
            )
        return chosen
    kind = SUFFIX_FORMATS.get(suffix)
    if kind is None or kind not in allowed:
        known = ", ".join(s for s, k in SUFFIX_FORMATS.items() if k in allowed)
        what = f"the suffix {suffix!r}" if suffix else "a file name without a suffix"
        raise InputError(f"--output: {what} names no format here ({known}); give --format",
                         field="--output")  # fmt: skip
    return kind


def pricing_path(option: str | None) -> str | None:
    return option if option is not None else (os.environ.get("KETACOST_PRICING") or None)


def load_model(option: str | None) -> tuple[Any, str]:
    """The pricing model named by --pricing, else $KETACOST_PRICING, else the built-in one; an
    error names where the file name came from (a stale variable is hard to spot otherwise)."""
    from ..core.errors import PricingError
    from ..rules.loader import load_pricing

    if option is not None and not option.strip():
        raise InputError("--pricing: needs a file name, not an empty one", field="--pricing")
    path = pricing_path(option)
    if option is None and path is not None:
        if not os.path.isfile(path):
            why = "no such file" if not os.path.exists(path) else "not a file"
            raise PricingError(f"$KETACOST_PRICING={path}", [f"{why} (unset it to use the "
                               "built-in model, or point it at a pricing file)"])  # fmt: skip
        try:
            return load_pricing(path), path
        except PricingError as exc:
            raise PricingError(f"$KETACOST_PRICING={exc.file}", exc.problems) from None
    try:
        return load_pricing(path), (path or "builtin")
    except PricingError:
        from ..inputs.files import clinic_profile_given_as_pricing

        if path is not None and clinic_profile_given_as_pricing(path):
            raise InputError(f"--pricing: {path} is a clinic profile, not a pricing model: use "
                             f"--clinic {path}", field="--pricing") from None  # fmt: skip
        raise


def load_rules(option: str | None, *, gfe: bool = False) -> Rules:
    """The rules of a command: the pricing model of :func:`load_model`, the built-in tax law
    and, for a Good Faith Estimate, the built-in GFE rules."""
    from ..rules.loader import builtin_gfe_rules, builtin_tax_law

    pricing, source = load_model(option)
    return Rules(pricing, builtin_tax_law(), builtin_gfe_rules() if gfe else None, source)


def read_values(
    values: dict[str, Any], scenario_file: str | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Merge a scenario file with command-line values (which win); label each field's origin."""
    merged: dict[str, Any] = {}
    labels: dict[str, str] = {}
    if scenario_file is not None:
        from ..inputs.files import read_scenario_file

        merged = read_scenario_file(scenario_file)
        labels = {name: f"{scenario_file}: {name}" for name in merged}
    by_name = {spec.name: spec for spec in FIELDS}
    for name, value in values.items():
        merged[name] = value
        labels[name] = by_name[name].option
    return merged, labels


def build_scenario(
    values: dict[str, Any], scenario_file: str | None, pricing: Any, clinic: Any = None
) -> ResolvedScenario:
    from ..inputs.scenario import parse_scenario

    merged, labels = read_values(values, scenario_file)
    if clinic is not None:
        from ..inputs.clinic import course_values

        merged = course_values(merged, clinic, labels)
    return parse_scenario(merged, pricing, dt.date.today(), labels)


def load_clinic(path: str | None, pricing: Any) -> Any:
    """The validated clinic profile of ``--clinic FILE``, or None."""
    if path is None:
        return None
    from ..inputs.files import read_clinic_file

    return read_clinic_file(path, pricing)


def run_estimate(
    values: dict[str, Any],
    *,
    fmt: str | None = None,
    json_flag: bool = False,
    schedule: bool = False,
    scenario_file: str | None = None,
    pricing_file: str | None = None,
    clinic_file: str | None = None,
    output: str | None = None,
    force: bool = False,
) -> None:
    """``ketacost estimate``: ``values`` are the scenario options given (as typed)."""
    from ..engine.estimate import estimate

    kind = output_format(fmt, json_flag, output)
    rules = load_rules(pricing_file)
    pricing = rules.pricing
    clinic = load_clinic(clinic_file, pricing)
    scenario = build_scenario(values, scenario_file, pricing, clinic)
    result = estimate(scenario, rules, pricing_source=clinic_file, clinic=clinic)
    inputs = [scenario_file, pricing_path(pricing_file), clinic_file]
    if kind == "table":
        from ..render.table import estimate_renderables

        _print_rich(estimate_renderables(result, schedule=schedule), output, inputs, force=force)
        return
    if kind == "html":
        from ..render.report import estimate_html

        emit(estimate_html(result, pricing), output, inputs, force=force)
        return
    from ..render import plain as render

    renderer = {"json": render.to_json, "csv": render.to_csv, "markdown": render.to_markdown}
    emit(renderer[kind](result), output, inputs, force=force)
