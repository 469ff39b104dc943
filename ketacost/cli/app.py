"""The typer application: the ``ketacost`` app and its ``pricing`` and ``clinic`` groups, the root
options, and every command registered in the order ``--help`` lists them.

The commands live by concern: ``estimates.py`` (estimate, compare, sensitivity), ``pricing.py``,
``clinic.py``, ``gfe.py``, ``templates.py`` (init, schema) and ``batch_run.py``; the options they
share in ``options.py``. No arithmetic and no business rule lives in any of them. Errors the user
can cause are :class:`~ketacost.core.errors.KetacostError` subclasses, turned into one line
``Error: …`` on stderr and the exit code of DESIGN.md by :func:`ketacost.cli.entry.main`, the one
error path, which imports this module only for what it does not read itself. Rich, pydantic and
YAML are imported only by the commands that need them, so ``estimate --json`` starts fast.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from .._version import __version__
from .batch_run import batch_command
from .clinic import clinic_check, clinic_init
from .estimates import compare_command, estimate_command, sensitivity_command
from .gfe import gfe_command, gfe_notice_command
from .options import PanelCommand
from .pricing import pricing_copy, pricing_show, pricing_sources, pricing_validate
from .superbill import superbill_command, superbill_init
from .sweep_run import sweep_command
from .templates import init_command, schema_command

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
superbill_app = typer.Typer(
    help="The superbill: an itemized bill for an out-of-network claim.\n\n"
    "Example: ketacost superbill init billing/",
    invoke_without_command=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(superbill_app, name="superbill")


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


# --- the commands, in the order --help lists them --------------------------------------------

app.command("estimate", cls=PanelCommand)(estimate_command)
app.command("compare", cls=PanelCommand)(compare_command)
app.command("sensitivity", cls=PanelCommand)(sensitivity_command)
pricing_app.command("show")(pricing_show)
pricing_app.command("sources")(pricing_sources)
pricing_app.command("validate")(pricing_validate)
pricing_app.command("copy")(pricing_copy)
clinic_app.command("init")(clinic_init)
clinic_app.command("check")(clinic_check)
app.command("gfe", cls=PanelCommand)(gfe_command)
superbill_app.callback()(superbill_command)
superbill_app.command("init")(superbill_init)
app.command("notice", hidden=True)(gfe_notice_command)  # run as `ketacost gfe notice`
app.command("schema")(schema_command)
app.command("init")(init_command)
app.command("batch")(batch_command)
app.command("sweep")(sweep_command)


# --- the command a command line runs ---------------------------------------------------------


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
