"""Errors meant for the user, each with its exit code from DESIGN.md.

Library code raises these; the CLI turns them into one line ``Error: …`` on stderr and the exit
code. Anything else is a bug (exit 1), shown as a traceback only with ``KETACOST_DEBUG=1``.
"""

from __future__ import annotations

# C0 controls (ESC, BEL, CR, newline…), DEL, C1 controls, line/paragraph separators and the
# bidirectional overrides ("Trojan source"): shown as \x1b, \u202e… so that a key or label from
# a file can neither move the cursor, clear the screen, forge a second "Error:" line nor reorder
# what is shown (issue 13, item 6).
_UNPRINTABLE = [*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, *range(0x202A, 0x202F),
                *range(0x2066, 0x206A)]  # fmt: skip
_ESCAPES = {c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}") for c in _UNPRINTABLE}
_ESCAPES_BUT_LINES = {c: e for c, e in _ESCAPES.items() if c not in (0x0A, 0x09)}


def printable(text: str, *, lines: bool = False) -> str:
    """``text`` with every control character escaped (``\x1b``): safe to show on a terminal.

    The one escaper of terminal text: every user-supplied text a command shows (a file name, a
    label from a pricing file or clinic profile) passes through it, in ``Error:`` lines, status
    lines (``cli.output.say``), rich tables (``cli.output.show``), Markdown and HTML. With
    ``lines``, line breaks and tabs are kept (text laid out in lines already)."""
    return text.translate(_ESCAPES_BUT_LINES if lines else _ESCAPES)


class KetacostError(Exception):
    """Base of every error the user can cause."""

    exit_code = 1
    code = "error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class InputError(KetacostError, ValueError):
    """An invalid option, scenario file or batch record (exit 2). ``field`` names the input.

    A ``ValueError`` too, so that Python code catching bad values catches these."""

    exit_code = 2
    code = "invalid_input"

    def __str__(self) -> str:
        if self.field and not self.message.startswith(self.field):
            return f"{self.field}: {self.message}"
        return self.message


class PricingError(KetacostError):
    """An invalid pricing file (exit 3). ``problems`` lists every ``path: message`` found."""

    exit_code = 3
    code = "invalid_pricing"

    def __init__(self, file: str, problems: list[str]) -> None:
        self.file = file
        self.problems = problems
        first = problems[0] if problems else "invalid"
        extra = len(problems) - 1
        more = f" (and {extra} more problem{'s' if extra > 1 else ''})" if extra else ""
        super().__init__(f"{file}: {first}{more}")


class BatchIncomplete(KetacostError):
    """A batch finished but some records failed (exit 4)."""

    exit_code = 4
    code = "batch_incomplete"
