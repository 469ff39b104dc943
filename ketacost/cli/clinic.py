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
    """Validate a clinic profile and list what it prices.

    Example: ketacost clinic check clinic.yaml
    """
    pricing, _ = load_model(pricing_file)
    clinic = load_clinic(clinic_file, pricing)
    from ..core.money import format_money

    priced = ", ".join(f"{k} {format_money(v)}" for k, v in clinic.prices.items())
    say(f"{clinic_file}: valid — {clinic.name}, NPI {clinic.npi}, {clinic.state}; {priced}",
        stdout=True)  # fmt: skip
