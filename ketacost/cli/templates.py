"""What to start from: ``ketacost init`` writes a commented scenario file, ``ketacost schema``
prints the JSON Schema of a scenario file or of a document."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ..core.errors import InputError
from .output import say


def schema_command(
    which: Annotated[
        str,
        typer.Argument(
            metavar="estimate|scenario|sensitivity|gfe|superbill",
            help="The estimate document, the scenario file, the sensitivity document, the "
            "Good Faith Estimate or the superbill.",
        ),
    ] = "estimate",
) -> None:
    """Print the JSON Schema (2020-12) of the estimate document, a scenario file, sensitivity,
    the Good Faith Estimate or the superbill.

    Example: ketacost schema scenario > scenario.schema.json
    """
    import json

    from ..render.schema import (
        estimate_schema,
        gfe_schema,
        scenario_schema,
        sensitivity_schema,
        superbill_schema,
    )

    makers = {"estimate": estimate_schema, "scenario": scenario_schema,
              "sensitivity": sensitivity_schema, "gfe": gfe_schema,
              "superbill": superbill_schema}  # fmt: skip
    if which not in makers:
        raise InputError(f"schema: must be one of {', '.join(makers)}, not {which!r}",
                         field="schema")  # fmt: skip
    sys.stdout.write(json.dumps(makers[which](), indent=2, ensure_ascii=False) + "\n")


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
    say(f"Wrote {target}; edit it, then: ketacost estimate --scenario {target}")
