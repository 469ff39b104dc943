"""Markdown from user and data text: the one escaper of every Markdown page ketacost writes.

A patient's name, a clinic's address, a label or a source title from a pricing file, a location
as typed: any of them may hold characters Markdown reads as markup or a line break that ends a
table row. Both Markdown writers (:mod:`.plain` for estimates and comparisons, :mod:`.gfe` for
the Good Faith Estimate) pass such text through :func:`escape_markdown`.
"""

from __future__ import annotations

from ..core.errors import printable

# | ends a table cell; * and _ emphasis; [ ] a link; < > HTML or an autolink; # a heading;
# ` code; \ would escape the character after it.
SPECIAL = frozenset("\\`*_[]<>|#")


def escape_markdown(text: str) -> str:
    """``text`` as literal Markdown: every run of whitespace (line breaks too) one space, so it
    stays in its table cell or line; control characters escaped as on a terminal (``\x1b``:
    a file name's escape sequence must not reach whoever prints the page); then each markup
    character backslash-escaped (the escapes' backslashes too)."""
    visible = printable(" ".join(text.split()))
    return "".join("\\" + c if c in SPECIAL else c for c in visible)
