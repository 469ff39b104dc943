"""The HTML layer shared by every page ketacost writes: reports and the Good Faith Estimate.

One Jinja2 environment with automatic escaping (a patient's name or a label from a pricing file
is user text: ``<script>`` comes out as text), templates shipped in ``ketacost/templates``, and a
base page (``base.html``) with the one stylesheet, so every page looks like one product. Pages are
self-contained: inline CSS and SVG, nothing fetched from the network, printable on A4 or Letter.

Jinja2 is imported only here, and this module only by commands that write HTML: start-up of
``estimate --json`` does not pay for it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from ..core.errors import printable
from ..core.money import format_money

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def environment() -> Any:
    """The shared Jinja2 environment: autoescape on, undefined names are errors."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_visible,
    )
    env.filters["money"] = format_money
    return env


def _visible(value: Any) -> Any:
    """Every value a template shows: a text's control characters escaped (``\x1b``) as on a
    terminal, line breaks and tabs kept; escaping for HTML follows (autoescape)."""
    if isinstance(value, str) and not hasattr(value, "__html__"):
        return printable(value, lines=True)
    return value


def render(template: str, **context: Any) -> str:
    """Render ``template`` (a file in ``ketacost/templates``) with ``context``."""
    result: str = environment().get_template(template).render(**context)
    return result


def markup(svg: str) -> Any:
    """Mark text our own code made (an SVG chart) as safe to insert unescaped.

    Only for markup built by ketacost from numbers and escaped labels, never for user text.
    """
    import markupsafe

    return markupsafe.Markup(svg)
