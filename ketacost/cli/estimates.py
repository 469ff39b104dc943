"""The commands that price a course: ``estimate``, ``compare`` (routes, providers or locations
side by side) and ``sensitivity`` (what moves the estimate most).

``estimate``'s work is :func:`ketacost.cli.runs.run_estimate`, which the entry point also runs
without typer.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from ..core.errors import InputError
from .options import (
    OUTPUT_PANEL,
    ClinicOpt,
    ForceOpt,
    FormatOpt,
    JsonOpt,
    OutputOpt,
    PricingOpt,
    ScenarioOpt,
    _choices,
    scenario_options,
)
from .output import _print_rich, console, emit
from .runs import (
    build_scenario,
    load_clinic,
    load_rules,
    output_format,
    pricing_path,
    read_values,
    run_estimate,
)

# What compare does differently with some estimate options, said in its --help.
# What --clinic changes in the defaults of the scenario options, said in their --help.
CLINIC_NOTES = {
    "route": " With a --clinic that does not price iv: the first route it prices.",
    "location": " With --clinic: the clinic's state.",
}
COMPARE_NOTES = {
    "route": " Only with --providers or --locations; otherwise every route is compared "
    "(--routes A,B for some).",
    "provider": " Not with --providers.",
    "location": " Not with --locations." + CLINIC_NOTES["location"],
    "session_price": " Only with --providers or --locations (one route).",
}


@scenario_options(CLINIC_NOTES)
def estimate_command(
    fmt: FormatOpt = None,
    json_flag: JsonOpt = False,
    schedule: Annotated[
        bool,
        typer.Option(
            "--schedule",
            help="List every visit in the table (csv, json and markdown always do).",
            rich_help_panel=OUTPUT_PANEL,
        ),
    ] = False,
    scenario_file: ScenarioOpt = None,
    pricing_file: PricingOpt = None,
    clinic_file: ClinicOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    **values: Any,
) -> None:
    """Estimate a whole course: the clinic's bill, insurance, FSA/HSA, cash flow.

    With no options: a national IV course at an independent clinic, self-pay.

    Example: ketacost estimate --route spravato --deductible 1500 --coinsurance 20 --json
    """
    run_estimate(values, fmt=fmt, json_flag=json_flag, schedule=schedule,
                 scenario_file=scenario_file, pricing_file=pricing_file,
                 clinic_file=clinic_file, output=output, force=force)  # fmt: skip


@scenario_options(COMPARE_NOTES)
def compare_command(
    providers: Annotated[
        str | None,
        typer.Option(
            "--providers", help="Compare these providers (A,B) for --route.", metavar="A,B"
        ),
    ] = None,
    locations: Annotated[
        str | None,
        typer.Option(
            "--locations", help="Compare these locations (X,Y): states or ZIPs.", metavar="X,Y"
        ),
    ] = None,
    routes: Annotated[
        str | None,
        typer.Option(
            "--routes", help="Compare only these routes (A,B) [default: all].", metavar="A,B"
        ),
    ] = None,
    months: Annotated[
        str | None,
        typer.Option(
            "--months",
            help="Fair comparison: run each protocol, boosters included, for the first N months.",
            metavar="N",
        ),
    ] = None,
    fmt: FormatOpt = None,
    json_flag: JsonOpt = False,
    scenario_file: ScenarioOpt = None,
    pricing_file: PricingOpt = None,
    clinic_file: ClinicOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    **values: Any,
) -> None:
    """Compare routes (default), providers or locations side by side, under the same plan.

    Rows are sorted by typical net cost; each row is the course `estimate` would price with the
    same options (its route's protocol unless --sessions/--boosters are given), or --months N
    runs every protocol for N months.

    Example: ketacost compare --deductible 1500 --coinsurance 20 --months 3
    """
    from ..documents.compare import compare

    kind = output_format(fmt, json_flag, output)
    rules = load_rules(pricing_file)
    pricing = rules.pricing
    clinic = load_clinic(clinic_file, pricing)
    merged, labels = read_values(values, scenario_file)
    result = compare(
        merged, rules, dt.date.today(),
        providers=_split(providers, "--providers"), locations=_split(locations, "--locations"),
        months=months, labels=labels,
        clinic=clinic, routes=_split(routes, "--routes"),
    )  # fmt: skip
    inputs = [scenario_file, pricing_path(pricing_file), clinic_file]
    if kind == "html":
        from ..render.report import comparison_html

        emit(comparison_html(result, pricing), output, inputs, force=force)
        return
    if kind != "table":
        from ..render import plain as render

        renderer = {"json": render.to_json, "csv": render.comparison_csv,
                    "markdown": render.comparison_markdown}  # fmt: skip
        emit(renderer[kind](result), output, inputs, force=force)
        return
    from ..render.table import comparison_renderables

    _print_rich(comparison_renderables(result), output, inputs, force=force)


@scenario_options(CLINIC_NOTES)
def sensitivity_command(
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="Output: table, json or html. [default: table]",
            metavar="table|json|html",
            autocompletion=_choices(("table", "json", "html")),
            show_default=False,
        ),
    ] = None,
    json_flag: JsonOpt = False,
    scenario_file: ScenarioOpt = None,
    pricing_file: PricingOpt = None,
    clinic_file: ClinicOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    **values: Any,
) -> None:
    """What moves the estimate most: each input's low and high, one at a time, largest first.

    Takes the options of `estimate`. Prices move across their band (a quote ±25%), counts by
    about a third, plan figures ±25%, what is already met from none to all, location from the
    cheapest to the dearest state; every other input stays at its baseline.

    Example: ketacost sensitivity --route spravato --deductible 1500 --coinsurance 20
    """
    from ..documents.sensitivity import sensitivity

    kind = output_format(fmt, json_flag, output, allowed=("table", "json", "html"))
    if kind not in ("table", "json", "html"):
        raise InputError(f"--format: sensitivity prints table, json or html, not {kind}",
                         field="--format")  # fmt: skip
    rules = load_rules(pricing_file)
    pricing = rules.pricing
    clinic = load_clinic(clinic_file, pricing)
    scenario = build_scenario(values, scenario_file, pricing, clinic)
    result = sensitivity(scenario, rules, clinic)
    inputs = [scenario_file, pricing_path(pricing_file), clinic_file]
    if kind == "json":
        from ..render.plain import to_json

        emit(to_json(result), output, inputs, force=force)
        return
    if kind == "html":
        from ..engine.estimate import estimate
        from ..render.report import sensitivity_html

        base = estimate(scenario, rules, clinic=clinic)  # its notes and sources, on the page
        emit(sensitivity_html(result, base), output, inputs, force=force)
        return
    from ..render.tornado import sensitivity_renderables

    width = console().width if output is None else 100
    _print_rich(sensitivity_renderables(result, width), output, inputs, force=force)


MAX_OPTIONS = 60  # every state and DC side by side, with room to spare


def _split(text: str | None, option: str) -> list[str] | None:
    """A comma-separated list, at most :data:`MAX_OPTIONS` items (each is a whole estimate)."""
    if text is None:
        return None
    if text.count(",") >= MAX_OPTIONS:
        raise InputError(f"{option}: at most {MAX_OPTIONS} items, not {text.count(',') + 1:,}",
                         field=option)  # fmt: skip
    items = [part.strip() for part in text.split(",") if part.strip()]
    return items or None
