"""The command line: parse options, load the pricing model, call the library, render.

No arithmetic and no business rule lives here. Errors the user can cause are
:class:`~ketacost.errors.KetacostError` subclasses, turned into one line ``Error: …`` on stderr
and the exit code of DESIGN.md by :func:`main`, the one error path. Rich, pydantic and YAML are
imported only by the commands that need them, so ``estimate --json`` starts fast.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import os
import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer

from . import __version__
from .errors import InputError, KetacostError
from .scenario import FIELDS, Scenario

app = typer.Typer(
    name="ketacost",
    help="What a course of ketamine therapy will really cost you, before the first session.",
    pretty_exceptions_show_locals=False,
    no_args_is_help=True,
    rich_markup_mode=None,
)
pricing_app = typer.Typer(help="Inspect and validate pricing models.", no_args_is_help=True)
app.add_typer(pricing_app, name="pricing")
FORMATS = ("table", "json", "csv", "markdown")


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"ketacost {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", help="Show the version and exit.", is_eager=True,
                     callback=_version),
    ] = False,
) -> None:
    """What a course of ketamine therapy will really cost you, before the first session.

    Example: ketacost estimate --route spravato --deductible 1500 --coinsurance 20
    """


# --- options shared by estimate and compare, made from the scenario's FIELDS table ------------


def _choices(choices: tuple[str, ...]) -> Callable[[str], list[str]]:
    def complete(incomplete: str) -> list[str]:
        return [c for c in choices if c.startswith(incomplete)]

    return complete


def _scenario_parameters() -> list[inspect.Parameter]:
    params = []
    for spec in FIELDS:
        default = f" [default: {spec.default}]" if spec.default not in (None, True, False) else ""
        if spec.kind == "flag":
            decls = [f"{spec.option}/{spec.flag_off}"] if spec.flag_off else [spec.option]
            option = typer.Option(*decls, help=spec.help, rich_help_panel=spec.group,
                                  show_default=False)  # fmt: skip
            annotation: Any = Annotated[bool | None, option]
        else:
            metavar = {"choice": "|".join(spec.choices), "money": "AMOUNT", "percent": "PCT",
                       "count": "N", "date": "YYYY-MM-DD", "monthday": "MM-DD"}.get(spec.kind, "TEXT")  # fmt: skip
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


def scenario_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command every scenario option; it receives them as ``**values``."""
    own = [
        p
        for p in inspect.signature(fn, eval_str=True).parameters.values()
        if p.kind != inspect.Parameter.VAR_KEYWORD
    ]
    own_names = {p.name for p in own}
    signature = inspect.Signature(own + _scenario_parameters())

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
    typer.Option("--format", help="Output: table, json, csv or markdown. [default: table]",
                 metavar="|".join(FORMATS), autocompletion=_choices(FORMATS), show_default=False),
]  # fmt: skip
JsonOpt = Annotated[bool, typer.Option("--json", help="Same as --format json.")]
ScenarioOpt = Annotated[
    str | None,
    typer.Option("--scenario", help="A YAML or JSON scenario file; options given here override it.",
                 metavar="FILE"),
]  # fmt: skip
PricingOpt = Annotated[
    str | None,
    typer.Option("--pricing", help="Another pricing model (also $KETACOST_PRICING).",
                 metavar="FILE"),
]  # fmt: skip
OutputOpt = Annotated[
    str | None,
    typer.Option("--output", help="Write the output to FILE, atomically.", metavar="FILE"),
]


def output_format(fmt: str | None, json_flag: bool) -> str:
    if fmt is not None and fmt.lower() not in FORMATS:
        raise InputError(f"--format: must be one of {', '.join(FORMATS)}, not {fmt!r}",
                         field="--format")  # fmt: skip
    if json_flag and fmt is not None and fmt.lower() != "json":
        raise InputError(f"--json contradicts --format {fmt}", field="--json")
    return "json" if json_flag else (fmt or "table").lower()


def pricing_path(option: str | None) -> str | None:
    return option if option is not None else (os.environ.get("KETACOST_PRICING") or None)


def load_model(option: str | None) -> tuple[Any, str]:
    from .loader import load_pricing

    path = pricing_path(option)
    return load_pricing(path), (path or "builtin")


def read_values(values: dict[str, Any], scenario_file: str | None) -> tuple[dict[str, Any],
                                                                             dict[str, str]]:
    """Merge a scenario file with command-line values (which win); label each field's origin."""
    merged: dict[str, Any] = {}
    labels: dict[str, str] = {}
    if scenario_file is not None:
        from .files import read_scenario_file

        merged = read_scenario_file(scenario_file)
        labels = {name: f"{scenario_file}: {name}" for name in merged}
    by_name = {spec.name: spec for spec in FIELDS}
    for name, value in values.items():
        merged[name] = value
        labels[name] = by_name[name].option
    return merged, labels


def build_scenario(values: dict[str, Any], scenario_file: str | None, pricing: Any) -> Scenario:
    from .scenario import parse_scenario

    merged, labels = read_values(values, scenario_file)
    return parse_scenario(merged, pricing, dt.date.today(), labels)


def emit(text: str, output: str | None, inputs: list[str | None]) -> None:
    """Write data to stdout, or atomically to --output (never over an input file)."""
    if output is None:
        sys.stdout.write(text)
        return
    from .files import write_atomic

    write_atomic(output, text, [i for i in inputs if i])


def console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


@app.command("estimate")
@scenario_options
def estimate_command(
    fmt: FormatOpt = None,
    json_flag: JsonOpt = False,
    schedule: Annotated[bool, typer.Option("--schedule", help="Also list every visit.")] = False,
    scenario_file: ScenarioOpt = None,
    pricing_file: PricingOpt = None,
    output: OutputOpt = None,
    **values: Any,
) -> None:
    """Estimate a whole course: the clinic's bill, insurance, FSA/HSA, cash flow.

    With no options: a national IV course at an independent clinic, self-pay.

    Example: ketacost estimate --route spravato --deductible 1500 --coinsurance 20 --json
    """
    from .estimate import estimate

    kind = output_format(fmt, json_flag)
    pricing, source = load_model(pricing_file)
    scenario = build_scenario(values, scenario_file, pricing)
    result = estimate(scenario, pricing, pricing_source=source)
    inputs = [scenario_file, pricing_path(pricing_file)]
    if kind == "table":
        from .render_table import estimate_renderables

        _print_rich(estimate_renderables(result, schedule=schedule), output, inputs)
        return
    from . import render

    renderer = {"json": render.to_json, "csv": render.to_csv, "markdown": render.to_markdown}
    emit(renderer[kind](result), output, inputs)


def _print_rich(renderables: list[Any], output: str | None, inputs: list[str | None]) -> None:
    if output is None:
        out = console()
        for item in renderables:
            out.print(item)
        return
    from rich.console import Console

    recorder = Console(record=True, width=100, file=open(os.devnull, "w"))  # noqa: SIM115
    for item in renderables:
        recorder.print(item)
    emit(recorder.export_text(), output, inputs)


# --- the one error path ------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; map every error to one line on stderr and an exit code."""
    debug = os.environ.get("KETACOST_DEBUG") == "1"
    command = typer.main.get_command(app)
    try:
        result = command.main(args=argv, prog_name="ketacost", standalone_mode=False)
        code = result if isinstance(result, int) else 0
    except KetacostError as exc:
        if debug:
            raise
        _error(str(exc))
        code = exc.exit_code
    except KeyboardInterrupt:
        _error("interrupted")
        code = 130
    except BrokenPipeError:
        code = 0  # `ketacost … | head`: the reader left; nothing to report
        sys.stderr.close()
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if debug:
            raise
        usage = getattr(exc, "format_message", None)
        if usage is not None and hasattr(exc, "exit_code"):  # a usage error from the parser
            _error(usage().replace("\n", " "))
            code = 2
        else:
            _error(f"unexpected {type(exc).__name__}: {exc} (set KETACOST_DEBUG=1 for details)")
            code = 1
    sys.exit(code)


def _error(message: str) -> None:
    sys.stderr.write(f"Error: {message}\n")
