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


# An autolink <…> ends at ">" and may hold no "<", whitespace or control character: each is
# percent-encoded, so a source's URL from a pricing file stays one link to where it says.
_URL_ESCAPES = {c: f"%{c:02X}" for c in (*range(0x21), 0x7F, *map(ord, '<>"\\`'))}


def escape_url(url: str) -> str:
    """``url`` safe inside a Markdown autolink ``<…>``: a URL ``https://x>[y](javascript:…)``
    in a pricing file came out as a live link after the autolink ended."""
    return "".join(_URL_ESCAPES.get(ord(c), c) if ord(c) < 0x80 else _non_ascii(c) for c in url)


def _non_ascii(char: str) -> str:
    """A character beyond ASCII: kept, unless it is a line or bidi control (percent-encoded)."""
    if printable(char) == char and not char.isspace():
        return char
    return "".join(f"%{b:02X}" for b in char.encode("utf-8"))
