"""The options commands share: the scenario's options made from its FIELDS table (grouped in
panels in --help), and the file and output options, each declared once.

Typer's: imported by the commands, never by the entry point's plain ``estimate`` path.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Annotated, Any

import typer

from ..inputs.fields import FIELDS, PANELS
from .runs import FORMATS

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
        rich_help_panel=OUTPUT_PANEL,
    ),
]
