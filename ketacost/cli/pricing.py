"""``ketacost pricing``: show, list the sources of, validate and copy a pricing model."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ..core.words import plural
from .options import PricingArg, PricingJsonOpt
from .output import _error, console, say, show
from .runs import load_model


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
        show(out, item)


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

    show(console(), sources_renderable(pricing))


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
        from ..inputs.files import clinic_profile_given_as_pricing

        if clinic_profile_given_as_pricing(pricing_file):  # the other kind of file: say so
            _error(f"{pricing_file} is a clinic profile, not a pricing model: use ketacost "
                   f"clinic check {pricing_file}")  # fmt: skip
            raise typer.Exit(exc.exit_code) from None
        for problem in exc.problems:
            say(f"{pricing_file}: {problem}")
        _error(f"{pricing_file}: {plural(len(exc.problems), 'problem')}")
        raise typer.Exit(exc.exit_code) from None
    zips = sum(len(ranges) for ranges in model.locations.zip_prefixes.values())
    say(
        f"{pricing_file}: valid — as of {model.as_of}; {plural(len(model.routes), 'route')}, "
        f"{plural(len(model.providers), 'provider')}, "
        f"{plural(len(model.locations.states), 'location')}, {plural(zips, 'ZIP range')}, "
        f"{plural(len(model.sources), 'source')}",
        stdout=True,
    )


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
    say(f"Wrote {target}; edit it, then: ketacost pricing validate {target}")
