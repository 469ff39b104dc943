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
