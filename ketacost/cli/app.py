"""The command line: parse options, load the pricing model, call the library, render.

No arithmetic and no business rule lives here. Errors the user can cause are
:class:`~ketacost.core.errors.KetacostError` subclasses, turned into one line ``Error: …`` on stderr
and the exit code of DESIGN.md by :func:`ketacost.cli.entry.main`, the one error path. Rich,
pydantic and YAML are imported only by the commands that need them, so ``estimate --json`` starts
fast.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Annotated, Any

import typer

from .._version import __version__
from ..core.errors import InputError, printable
from ..core.words import plural
from .batch_run import batch_command
from .options import (
    OUTPUT_PANEL,
    ClinicOpt,
    ForceOpt,
    FormatOpt,
    JsonOpt,
    OutputOpt,
    PanelCommand,
    PricingArg,
    PricingJsonOpt,
    PricingOpt,
    ScenarioOpt,
    _choices,
    scenario_options,
)
from .output import (
    _error,
    _print_rich,
    console,
    emit,
)
from .runs import (
    build_scenario,
    load_clinic,
    load_model,
    output_format,
    pricing_path,
    read_values,
    run_estimate,
)

app = typer.Typer(
    name="ketacost",
    help="What a course of ketamine therapy will really cost you, before the first session.\n\n"
    "Example: ketacost estimate --route spravato --deductible 1500 --coinsurance 20",
    pretty_exceptions_show_locals=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
pricing_app = typer.Typer(
    help="Inspect and validate pricing models.\n\nExample: ketacost pricing validate clinic.yaml",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(pricing_app, name="pricing")
clinic_app = typer.Typer(
    help="A clinic profile: the clinic's identity and its exact self-pay prices.\n\n"
    "Example: ketacost clinic init clinic.yaml",
    no_args_is_help=True,
)
app.add_typer(clinic_app, name="clinic")
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


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"ketacost {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Show the version and exit.", is_eager=True, callback=_version
        ),
    ] = False,
) -> None:
    """What a course of ketamine therapy will really cost you, before the first session.

    Example: ketacost estimate --route spravato --deductible 1500 --coinsurance 20
    """


@app.command("estimate", cls=PanelCommand)
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


@app.command("compare", cls=PanelCommand)
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

    kind = output_format(fmt, json_flag)
    pricing, _ = load_model(pricing_file)
    clinic = load_clinic(clinic_file, pricing)
    merged, labels = read_values(values, scenario_file)
    result = compare(
        merged, pricing, dt.date.today(),
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


@app.command("sensitivity", cls=PanelCommand)
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

    kind = output_format(fmt, json_flag)
    if kind not in ("table", "json", "html"):
        raise InputError(f"--format: sensitivity prints table, json or html, not {kind}",
                         field="--format")  # fmt: skip
    pricing, _ = load_model(pricing_file)
    clinic = load_clinic(clinic_file, pricing)
    scenario = build_scenario(values, scenario_file, pricing, clinic)
    result = sensitivity(scenario, pricing, clinic)
    inputs = [scenario_file, pricing_path(pricing_file), clinic_file]
    if kind == "json":
        from ..render.plain import to_json

        emit(to_json(result), output, inputs, force=force)
        return
    if kind == "html":
        from ..engine.estimate import estimate
        from ..render.report import sensitivity_html

        base = estimate(scenario, pricing, clinic=clinic)  # its notes and sources, on the page
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


@pricing_app.command("show")
def pricing_show(
    pricing_file: PricingArg = None,
    json_flag: PricingJsonOpt = False,
) -> None:
    """Show the pricing model: routes, bands, protocols, providers, locations, program terms.

    Example: ketacost pricing show --json | jq '.routes.iv.session.price'
    """
    pricing, source = load_model(pricing_file)
    if json_flag:
        from ..core.codec import dumps

        sys.stdout.write(dumps(pricing) + "\n")
        return
    from ..render.table import pricing_renderables

    out = console()
    for item in pricing_renderables(pricing, source):
        out.print(item)


@pricing_app.command("sources")
def pricing_sources(
    pricing_file: PricingArg = None,
    json_flag: PricingJsonOpt = False,
) -> None:
    """List every source of the pricing model: title, URL, date and what it supports.

    Example: ketacost pricing sources
    """
    pricing, _ = load_model(pricing_file)
    if json_flag:
        from ..core.codec import dumps

        sys.stdout.write(dumps(pricing.sources) + "\n")
        return
    from ..render.table import sources_renderable

    console().print(sources_renderable(pricing))


@pricing_app.command("validate")
def pricing_validate(
    pricing_file: Annotated[str, typer.Argument(metavar="FILE", help="The pricing file.")],
) -> None:
    """Check a pricing file; list every problem with its path inside the file (exit 3).

    Example: ketacost pricing validate clinic.yaml
    """
    from ..core.errors import PricingError
    from ..rules.loader import load_pricing

    try:
        model = load_pricing(pricing_file, use_cache=False)
    except PricingError as exc:
        for problem in exc.problems:
            sys.stderr.write(printable(f"{pricing_file}: {problem}") + "\n")
        _error(f"{pricing_file}: {plural(len(exc.problems), 'problem')}")
        raise typer.Exit(exc.exit_code) from None
    zips = sum(len(ranges) for ranges in model.locations.zip_prefixes.values())
    sys.stdout.write(
        f"{pricing_file}: valid — as of {model.as_of}; {plural(len(model.routes), 'route')}, "
        f"{plural(len(model.providers), 'provider')}, "
        f"{plural(len(model.locations.states), 'location')}, {plural(zips, 'ZIP range')}, "
        f"{plural(len(model.sources), 'source')}\n"
    )


@pricing_app.command("copy")
def pricing_copy(
    target: Annotated[
        str, typer.Argument(metavar="FILE|-", help="Where to write the copy (- : standard output).")
    ] = "pricing.yaml",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing FILE.")] = False,
) -> None:
    """Copy the built-in pricing model to FILE, to edit into a clinic's own price list.

    Example: ketacost pricing copy clinic.yaml && ketacost pricing validate clinic.yaml
    """
    from ..files.output import write_new
    from ..rules.loader import builtin_path

    text = builtin_path().read_text(encoding="utf-8")
    if target == "-":
        sys.stdout.write(text)
        return
    write_new(target, text, force=force)
    sys.stderr.write(f"Wrote {target}; edit it, then: ketacost pricing validate {target}\n")


@clinic_app.command("init")
def clinic_init(
    target: Annotated[str, typer.Argument(metavar="FILE", help="Where to write it.")] = (
        "clinic.yaml"
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing FILE.")] = False,
) -> None:
    """Write a commented clinic profile template (never over an existing file without --force).

    Example: ketacost clinic init clinic.yaml && ketacost estimate --clinic clinic.yaml
    """
    from ..files.output import write_new
    from ..inputs.clinic import TEMPLATE

    write_new(target, TEMPLATE, force=force)
    sys.stderr.write(f"Wrote {target}; edit it, then: ketacost estimate --clinic {target}\n")


@clinic_app.command("check")
def clinic_check(
    clinic_file: Annotated[str, typer.Argument(metavar="FILE", help="The clinic profile.")],
    pricing_file: PricingOpt = None,
) -> None:
    """Validate a clinic profile and list what it prices.

    Example: ketacost clinic check clinic.yaml
    """
    pricing, _ = load_model(pricing_file)
    clinic = load_clinic(clinic_file, pricing)
    priced = ", ".join(f"{k} ${v:,.2f}" for k, v in clinic.prices.items())
    sys.stdout.write(f"{clinic_file}: valid — {clinic.name}, NPI {clinic.npi}, "
                     f"{clinic.state}; {priced}\n")  # fmt: skip


GFE_FORMATS = ("html", "pdf", "markdown", "json", "fhir")
GFE_SUFFIXES = {".html": "html", ".htm": "html", ".pdf": "pdf", ".md": "markdown",
                ".json": "json"}  # fmt: skip
COURSE_FIELDS = ("route", "sessions", "boosters", "booster_every", "start", "consult",
                 "integration")  # fmt: skip


@app.command("gfe", cls=PanelCommand)
@scenario_options(
    names=COURSE_FIELDS, defaults={"route": "iv, else the first route the clinic prices"}
)
def gfe_command(
    clinic_file: Annotated[
        str | None,
        typer.Option(
            "--clinic", help="The clinic profile (`ketacost clinic init`).", metavar="FILE"
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option("--patient-name", help="The patient's full name.", metavar="TEXT"),
    ] = None,
    dob: Annotated[
        str | None,
        typer.Option("--patient-dob", help="The patient's date of birth.", metavar="YYYY-MM-DD"),
    ] = None,
    diagnoses: Annotated[
        list[str] | None,
        typer.Option(
            "--diagnosis",
            help="An ICD-10 diagnosis code (repeat for more; the first is the primary).",
            metavar="ICD10",
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="Output: html, pdf, markdown, json, or fhir (a Da Vinci PCT GFE Packet, FHIR "
            "R4 JSON). [default: from --output's suffix, else html]",
            metavar="|".join(GFE_FORMATS),
            autocompletion=_choices(GFE_FORMATS),
        ),
    ] = None,
    pricing_file: PricingOpt = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output", help="Write the GFE to FILE, atomically (- for stdout).", metavar="FILE"
        ),
    ] = None,
    force: ForceOpt = False,
    **values: Any,
) -> None:
    """A No Surprises Act Good Faith Estimate (45 CFR 149.610) for a self-pay patient.

    The course is priced at the clinic's own prices; one estimate covers at most 12 months
    from the first visit (later sessions are listed as needing a new estimate).

    Example: ketacost gfe --clinic clinic.yaml --patient-name "Ana Diaz" --patient-dob 1990-04-12
    --diagnosis F33.2 --sessions 6 --boosters 4 --format pdf --output gfe.pdf
    """
    from ..documents.gfe import build_gfe
    from ..render.gfe import render

    kind = (fmt or "").lower() or _suffix_format(output) or GFE_FORMATS[0]
    if kind not in GFE_FORMATS:
        raise InputError(f"--format: must be one of {', '.join(GFE_FORMATS)}, not {fmt!r}",
                         field="--format")  # fmt: skip
    to_stdout = output in (None, "-")
    if kind == "pdf" and to_stdout and sys.stdout.isatty():
        raise InputError("--format pdf: not writing a PDF to a terminal; use --output FILE.pdf "
                         "(or redirect: > gfe.pdf)", field="--format")  # fmt: skip
    if clinic_file is None:
        raise InputError("--clinic: required: the clinic profile (ketacost clinic init FILE)",
                         field="--clinic")  # fmt: skip
    today = dt.date.today()
    pricing, _ = load_model(pricing_file)
    clinic = load_clinic(clinic_file, pricing)
    scenario = build_scenario(values, None, pricing, clinic)
    document = build_gfe(
        clinic, scenario, pricing, load_gfe_rules(), name=name, date_of_birth=dob,
        diagnoses=diagnoses or [], issued=today,
    )  # fmt: skip
    result = render(document, kind)
    inputs = [clinic_file, pricing_path(pricing_file)]
    if isinstance(result, bytes):
        if to_stdout:
            sys.stdout.buffer.write(result)
            sys.stdout.flush()
            return
        from ..files.output import output_stream

        with output_stream(output, inputs, binary=True, force=force) as handle:
            handle.write(result)
        return
    emit(result, None if to_stdout else output, inputs, force=force)


def _suffix_format(output: str | None) -> str | None:
    if output is None or output == "-":
        return None
    import pathlib

    return GFE_SUFFIXES.get(pathlib.Path(output).suffix.lower())


def load_gfe_rules() -> Any:
    """The legal figures of a GFE, from the data file shipped next to the pricing model."""
    from ..files.strict_yaml import parse_yaml
    from ..rules.gfe_rules import parse_rules
    from ..rules.loader import builtin_path, read_bytes

    path = builtin_path().with_name("gfe.yaml")
    label = "builtin GFE rules"
    return parse_rules(parse_yaml(read_bytes(path, label), label), label)


@app.command("schema")
def schema_command(
    which: Annotated[
        str,
        typer.Argument(
            metavar="estimate|scenario|sensitivity|gfe",
            help="The estimate document, the scenario file, the sensitivity document or the "
            "Good Faith Estimate.",
        ),
    ] = "estimate",
) -> None:
    """Print the JSON Schema (2020-12) of the estimate document, a scenario file, sensitivity
    or the Good Faith Estimate.

    Example: ketacost schema scenario > scenario.schema.json
    """
    import json

    from ..render.schema import estimate_schema, gfe_schema, scenario_schema, sensitivity_schema

    makers = {"estimate": estimate_schema, "scenario": scenario_schema,
              "sensitivity": sensitivity_schema, "gfe": gfe_schema}  # fmt: skip
    if which not in makers:
        raise InputError(f"schema: must be one of {', '.join(makers)}, not {which!r}",
                         field="schema")  # fmt: skip
    sys.stdout.write(json.dumps(makers[which](), indent=2, ensure_ascii=False) + "\n")


@app.command("init")
def init_command(
    target: Annotated[str, typer.Argument(metavar="[FILE]", help="Where to write it.")] = (
        "scenario.yaml"
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing FILE.")] = False,
) -> None:
    """Write a commented template scenario file (never over an existing file without --force).

    Example: ketacost init my-plan.yaml && ketacost estimate --scenario my-plan.yaml
    """
    from ..files.output import write_new
    from ..inputs.files import scenario_template

    write_new(target, scenario_template(), force=force)
    sys.stderr.write(f"Wrote {target}; edit it, then: ketacost estimate --scenario {target}\n")


app.command("batch")(batch_command)


# --- the one error path ------------------------------------------------------------------------


def _command_for(args: list[str]) -> Any:
    """The click command typer builds from ``app``, with only the command being run when the
    first argument names one: typer inspects every command's signature to build the tree (the
    larger part of `estimate --json`'s start-up), and the others are not needed to run it."""
    first = args[0] if args else None
    commands = [c for c in app.registered_commands if c.name == first]
    groups = [g for g in app.registered_groups if g.name == first]
    if not commands and not groups:  # --help, --version, a typo: the whole tree
        return typer.main.get_command(app)
    saved = app.registered_commands, app.registered_groups
    app.registered_commands, app.registered_groups = commands, groups
    try:
        return typer.main.get_command(app)
    finally:
        app.registered_commands, app.registered_groups = saved
