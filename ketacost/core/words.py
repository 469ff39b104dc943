"""Small helpers for the words a person reads (no heavy imports: the CLI uses them too)."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 session``, ``8 sessions``: never "session(s)"."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def did_you_mean(value: str, choices: object) -> str:
    """`` (did you mean 'spravato'?)`` when ``value`` is a near miss of one of ``choices``."""
    import difflib

    options = [str(c) for c in choices]  # type: ignore[attr-defined]
    close = difflib.get_close_matches(str(value).strip().lower(), options, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


# A cell a spreadsheet would run as a formula (=HYPERLINK(…) from a pricing label, issue 13
# item 6) starts with a quote instead, as OWASP advises; plain numbers (-5.00) stay numbers.
# Every CSV ketacost writes (estimate, compare, batch and sweep tables) passes text through it.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = None


def csv_cell(value: object) -> object:
    """A CSV cell that no spreadsheet runs as a formula."""
    global _PLAIN_NUMBER
    if not (isinstance(value, str) and value.startswith(_FORMULA_START)):
        return value
    if _PLAIN_NUMBER is None:
        import re

        _PLAIN_NUMBER = re.compile(r"[-+]?\d+(\.\d+)?")
    return value if _PLAIN_NUMBER.fullmatch(value) else "'" + value
