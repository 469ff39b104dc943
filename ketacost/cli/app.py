"""The command line: parse options, load the pricing model, call the library, render.

No arithmetic and no business rule lives here. Errors the user can cause are
:class:`~ketacost.core.errors.KetacostError` subclasses, turned into one line ``Error: …`` on stderr
and the exit code of DESIGN.md by :func:`main`, the one error path. Rich, pydantic and YAML are
imported only by the commands that need them, so ``estimate --json`` starts fast.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import inspect
import os
import sys
from collections.abc import Callable, Iterator
from typing import Annotated, Any

import typer

from .._version import __version__
from ..core.errors import InputError, printable
from ..core.words import plural
from ..inputs.fields import FIELDS, PANELS
from .entry import _error
from .entry import main as main  # the entry point of old, still what tests and scripts call
from .runs import (
    FORMATS,
    _print_rich,
    _reader_left,
    _remember_force,
    _replace_read_only,
    build_scenario,
    console,
    emit,
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


# --- options shared by estimate and compare, made from the scenario's FIELDS table ------------

OUTPUT_PANEL = "Files and output"


class PanelCommand(typer.core.TyperCommand):
    """Plain-text help with the options grouped in panels (course, plan, …, output)."""

    def format_options(self, ctx: Any, formatter: Any) -> None:
        groups: dict[str, list[tuple[str, str]]] = {}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                panel = "Arguments"
            else:
                panel = getattr(param, "rich_help_panel", None) or OUTPUT_PANEL
            groups.setdefault(panel, []).append(record)
        order = ["Arguments", *PANELS, OUTPUT_PANEL]
        for panel in sorted(groups, key=lambda p: order.index(p) if p in order else len(order)):
            with formatter.section(panel):
                formatter.write_dl(groups[panel])


def _choices(choices: tuple[str, ...]) -> Callable[[str], list[str]]:
    def complete(incomplete: str) -> list[str]:
        return [c for c in choices if c.startswith(incomplete)]

    return complete


_METAVARS = {"money": "AMOUNT", "percent": "PCT", "count": "N", "date": "YYYY-MM-DD",
             "monthday": "MM-DD"}  # fmt: skip


def _scenario_parameters(
    notes: dict[str, str],
    names: tuple[str, ...] | None = None,
    defaults: dict[str, str] | None = None,
) -> list[inspect.Parameter]:
    params = []
    for spec in FIELDS:
        if names is not None and spec.name not in names:
            continue
        shown = (defaults or {}).get(spec.name, spec.default)
        default = f" [default: {shown}]" if shown not in (None, True, False) else ""
        default += notes.get(spec.name, "")
        if spec.kind == "flag":
            decls = [f"{spec.option}/{spec.flag_off}"] if spec.flag_off else [spec.option]
            option = typer.Option(*decls, help=spec.help + notes.get(spec.name, ""),
                                  rich_help_panel=spec.group, show_default=False)  # fmt: skip
            annotation: Any = Annotated[bool | None, option]
        else:
            metavar = "|".join(spec.choices) or _METAVARS.get(spec.kind, "TEXT")
            option = typer.Option(
                spec.option,
                help=spec.help + default,
                rich_help_panel=spec.group,
                metavar=metavar,
                show_default=False,
                autocompletion=_choices(spec.choices) if spec.choices else None,
            )
            annotation = Annotated[str | None, option]
        params.append(
            inspect.Parameter(spec.name, inspect.Parameter.KEYWORD_ONLY, default=None,
                              annotation=annotation)
        )  # fmt: skip
    return params


def scenario_options(
    notes: dict[str, str] | None = None,
    names: tuple[str, ...] | None = None,
    defaults: dict[str, str] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Give a command every scenario option (or those ``names``; ``notes``: words added to some
    options' help, for what this command does differently; ``defaults``: the default its help
    shows, where the command's differs); it receives them as ``**values``."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        return _with_scenario_options(fn, notes or {}, names, defaults)

    return decorate


def _with_scenario_options(
    fn: Callable[..., Any],
    notes: dict[str, str],
    names: tuple[str, ...] | None,
    defaults: dict[str, str] | None = None,
) -> Callable[..., Any]:
    own = [
        p
        for p in inspect.signature(fn, eval_str=True).parameters.values()
        if p.kind != inspect.Parameter.VAR_KEYWORD
    ]
    own_names = {p.name for p in own}
    signature = inspect.Signature(own + _scenario_parameters(notes, names, defaults))

    @functools.wraps(fn)
    def command(**kwargs: Any) -> Any:
        mine = {k: v for k, v in kwargs.items() if k in own_names}
        values = {k: v for k, v in kwargs.items() if k not in own_names and v is not None}
        return fn(**mine, **values)

    command.__signature__ = signature  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}
    return command


FormatOpt = Annotated[
    str | None,
    typer.Option("--format", help="Output: table, json, csv, markdown or html. [default: table]",
                 metavar="|".join(FORMATS), autocompletion=_choices(FORMATS), show_default=False,
                 rich_help_panel=OUTPUT_PANEL),
]  # fmt: skip
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Same as --format json.", rich_help_panel=OUTPUT_PANEL)
]
PricingJsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
ScenarioOpt = Annotated[
    str | None,
    typer.Option("--scenario", help="A YAML or JSON scenario file; options given here override it.",
                 metavar="FILE", rich_help_panel=OUTPUT_PANEL),
]  # fmt: skip
PricingOpt = Annotated[
    str | None,
    typer.Option("--pricing", help="Another pricing model (also $KETACOST_PRICING).",
                 metavar="FILE", rich_help_panel=OUTPUT_PANEL),
]  # fmt: skip
PricingArg = Annotated[
    str | None,
    typer.Argument(metavar="[FILE]", help="A pricing file (default: the built-in model)."),
]
ClinicOpt = Annotated[
    str | None,
    typer.Option("--clinic", help="A clinic profile (`ketacost clinic init`): its exact self-pay "
                 "prices replace the modelled ones.", metavar="FILE"),
]  # fmt: skip
OutputOpt = Annotated[
    str | None,
    typer.Option("--output", help="Write the output to FILE, atomically (- : standard output).",
                 metavar="FILE", rich_help_panel=OUTPUT_PANEL),
]  # fmt: skip

ForceOpt = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Replace a read-only --output FILE.",
        callback=_remember_force,
        rich_help_panel=OUTPUT_PANEL,
    ),
]


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
                 clinic_file=clinic_file, output=output)  # fmt: skip


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

        emit(comparison_html(result, pricing), output, inputs)
        return
    if kind != "table":
        from ..render import plain as render

        renderer = {"json": render.to_json, "csv": render.comparison_csv,
                    "markdown": render.comparison_markdown}  # fmt: skip
        emit(renderer[kind](result), output, inputs)
        return
    from ..render.table import comparison_renderables

    _print_rich(comparison_renderables(result), output, inputs)


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

        emit(to_json(result), output, inputs)
        return
    if kind == "html":
        from ..engine.estimate import estimate
        from ..render.report import sensitivity_html

        base = estimate(scenario, pricing, clinic=clinic)  # its notes and sources, on the page
        emit(sensitivity_html(result, base), output, inputs)
        return
    from ..render.tornado import sensitivity_renderables

    width = console().width if output is None else 100
    _print_rich(sensitivity_renderables(result, width), output, inputs)


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
    from ..core.money import format_money

    priced = ", ".join(f"{k} {format_money(v)}" for k, v in clinic.prices.items())
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
    emit(result, None if to_stdout else output, inputs)


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


@app.command("batch")
def batch_command(
    ctx: typer.Context,
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[FILE|-]...",
            help="JSONL or CSV scenarios; - (default) reads stdin. With --dask: any number of "
            "files, globs or URLs (s3://…).",
            show_default=False,
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", help="Worker processes [default: all cores].", min=1, max=64),
    ] = None,
    fail_fast: Annotated[
        bool, typer.Option("--fail-fast", help="Stop at the first bad record.")
    ] = False,
    input_format: Annotated[
        str | None,
        typer.Option(
            "--input-format",
            metavar="jsonl|csv",
            help="Input format [default: by the name, .jsonl or .csv; else the first line].",
        ),
    ] = None,
    pricing_file: PricingOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            metavar="ADDRESS",
            help="Run on a Dask cluster: local (two workers here) or tcp://host:port. Needs "
            "pip install 'ketacost[dask]' and --output (one file per partition).",
        ),
    ] = None,
    blocksize: Annotated[
        int | None,
        typer.Option(
            "--blocksize",
            metavar="BYTES",
            min=1024,
            help="With --dask: JSONL bytes a partition [default: 33554432, 32 MiB].",
        ),
    ] = None,
) -> None:
    """Estimate many scenarios: JSONL or CSV in, one JSON estimate per line out, in order.

    A bad record becomes {"line": N, "error": {...}} and the run goes on; exit 4 if any failed.

    Example: ketacost batch scenarios.jsonl --jobs 2 | jq .totals.net_cost.typical
    """
    from ..batch.records import csv_records, jsonl_records, run_batch, sniff
    from ..core.errors import BatchIncomplete
    from ..files.lines import LineTooLong, open_lines
    from ..files.output import output_stream

    sources = sources or ["-"]
    if dask is not None:
        _dask_batch(dask, sources, output, pricing_file, input_format, blocksize,
                    refused=[("--fail-fast", fail_fast, "which estimates every record"),
                             ("--jobs", jobs is not None, "whose workers run the records"),
                             ("--force", force, "which writes only new files")])  # fmt: skip
        return
    if blocksize is not None:  # it was silently ignored
        raise InputError("--blocksize: only with --dask (the bytes of a partition)",
                         field="--blocksize")  # fmt: skip
    if len(sources) > 1:
        raise InputError(
            "batch reads one FILE (or -); several files, globs or URLs need --dask", field="FILE"
        )
    source = sources[0]
    if source == "-" and sys.stdin is None:  # `ketacost batch - <&-`
        raise InputError("FILE: - is standard input, which is closed; give a file or pipe "
                         "scenarios in", field="FILE")  # fmt: skip
    if source == "-" and sys.stdin.isatty():  # nothing piped in: say how, rather than wait
        sys.stderr.write(ctx.get_help() + "\n\n")
        raise InputError("batch: give a FILE, or pipe scenarios in (… | ketacost batch -)",
                         field="FILE")  # fmt: skip
    pricing, label = load_model(pricing_file)
    lines = open_lines(source)
    head: list[str] = []  # blank and over-long lines before the first record still count
    for line in lines:
        head.append(line)
        if line.strip() and not isinstance(line, LineTooLong):
            break
    kind = (input_format or sniff(head, None if source == "-" else source)).lower()
    if kind not in ("jsonl", "csv"):
        raise InputError(f"--input-format: must be jsonl or csv, not {kind!r}",
                         field="--input-format")  # fmt: skip
    import itertools

    everything = itertools.chain(head, lines)
    records = csv_records(everything) if kind == "csv" else jsonl_records(everything)
    workers = jobs or os.cpu_count() or 1
    failed = total = 0
    progress = _progress()
    inputs = [source, pricing_path(pricing_file)]
    force = _replace_read_only["force"]
    with _stop_on_sigterm(), output_stream(output, inputs, force=force) as out:
        write, flush = _binary_writer(out)
        sink = _descriptor(out)
        chunks = run_batch(records, pricing, dt.date.today(), jobs=workers, source=label, sink=sink)
        try:
            for chunk in chunks:
                if fail_fast and chunk.failed:
                    keep = chunk.failed[0] + 1  # up to and including the first bad record
                    write(b"".join(chunk.text.splitlines(keepends=True)[:keep]))
                    total, failed = total + keep, failed + 1
                    break
                if chunk.text:
                    write(chunk.text)
                    if sink is not None:  # before a chunk spliced straight to the descriptor
                        flush()
                total, failed = total + chunk.records, failed + len(chunk.failed)
                if progress is not None:
                    progress(total, failed)
            flush()
        except BrokenPipeError:  # `ketacost batch … | head -1`: the reader has what it wanted
            _reader_left()  # before typer's own EPIPE handler, which would exit 1
        finally:
            chunks.close()  # stops the workers now if the loop was left early
    if failed:
        raise BatchIncomplete(
            f"{failed} of {plural(total, 'record')} failed; see their error lines"
        )


def _dask_batch(
    address: str,
    sources: list[str],
    output: str | None,
    pricing_file: str | None,
    input_format: str | None,
    blocksize: int | None,
    refused: list[tuple[str, bool, str]],
) -> None:
    """`batch --dask`: the same estimates, partitioned by Dask; one output file a partition.
    Everything the user gave is checked before a cluster starts."""
    from ..core.errors import BatchIncomplete

    if output is None or output == "-":
        raise InputError(
            "--dask needs --output PATH: a folder, or a name with * for the partition number",
            field="--output",
        )
    if "-" in sources:
        raise InputError("--dask reads files, globs or URLs, not standard input", field="FILE")
    for flag, given, why in refused:  # each was silently ignored
        if given:
            raise InputError(f"{flag}: not with --dask, {why}", field=flag)
    from ..batch import on_dask as dask_batch

    dask_batch.check_address(address)
    dask_batch.require_dask()
    target = dask_batch.check_output(output)
    inputs = dask_batch.check_inputs(sources, input_format)
    pricing, label = load_model(pricing_file)
    with _stop_on_sigterm():
        result = dask_batch.run_dask(address, inputs, target, pricing, dt.date.today(),
                                     source=label,
                                     blocksize=blocksize or dask_batch.BLOCKSIZE)  # fmt: skip
    sys.stderr.write(
        f"{plural(result.records, 'record')} estimated into {plural(result.files, 'file')} "
        f"at {output}\n"
    )
    if result.failed:
        raise BatchIncomplete(
            f"{result.failed} of {plural(result.records, 'record')} failed; see their error lines"
        )


def _binary_writer(out: Any) -> tuple[Callable[[bytes], Any], Callable[[], Any]]:
    """(write, flush) for batch output (ASCII bytes): to the stream's buffer, or as text when it
    has none."""
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        return (lambda data: out.write(data.decode("ascii"))), out.flush
    out.flush()
    return buffer.write, buffer.flush


def _descriptor(out: Any) -> int | None:
    """The file descriptor under a binary-capable stream (stdout, an output file), or None
    (a test's StringIO)."""
    buffer = getattr(out, "buffer", None)
    try:
        return int(buffer.fileno()) if buffer is not None else None
    except (AttributeError, OSError, ValueError):
        return None


@contextlib.contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """SIGTERM during a whole batch (not only while a file is written) unwinds like Ctrl-C:
    the workers are stopped, a temporary output file is removed, exit 143."""
    import signal

    from ..files.output import Terminated

    def stop(signum: int, frame: Any) -> None:
        raise Terminated(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread (an embedding program): leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _progress() -> Callable[[int, int], None] | None:
    """A counter on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        return None
    err = console(stderr=True)
    status = err.status("estimating…")
    status.start()
    import atexit

    atexit.register(status.stop)

    def update(done: int, failed: int) -> None:
        status.update(f"{done:,} estimated, {failed:,} failed")

    return update


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
