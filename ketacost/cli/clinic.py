"""``ketacost clinic``: write a clinic profile template, and check one."""

from __future__ import annotations

from typing import Annotated

import typer

from .options import PricingOpt
from .output import say
from .runs import load_clinic, load_model


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
    say(f"Wrote {target}; edit it, then: ketacost estimate --clinic {target}")


def clinic_check(
    clinic_file: Annotated[str, typer.Argument(metavar="FILE", help="The clinic profile.")],
    pricing_file: PricingOpt = None,
) -> None:
    """Validate a clinic profile and list what it prices, or every problem it has (exit 2).

    Example: ketacost clinic check clinic.yaml
    """
    from ..core.errors import InputError
    from ..core.words import plural
    from ..inputs.clinic import ClinicProblems

    pricing, _ = load_model(pricing_file)
    try:
        clinic = load_clinic(clinic_file, pricing)
    except ClinicProblems as exc:
        for problem in exc.problems:
            say(problem)
        raise InputError(f"{clinic_file}: {plural(len(exc.problems), 'problem')}",
                         field=clinic_file) from None  # fmt: skip
    from ..core.money import format_money

    priced = ", ".join(f"{k} {format_money(v)}" for k, v in clinic.prices.items())
    say(f"{clinic_file}: valid — {clinic.name}, NPI {clinic.npi}, {clinic.state}; {priced}",
        stdout=True)  # fmt: skip
