"""Where the commands' output goes: data to stdout or atomically to ``--output``, rich tables,
and the one line ``Error: …`` on stderr.

Without typer, and rich only when a table is printed: the entry point's plain ``estimate`` path
imports this module.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import Any

from ..core.errors import InputError, printable

NARROWEST = 40  # columns: the narrowest layout of the tables (render_table.MIN_WIDTH)


def emit(text: str, output: str | None, inputs: list[str | None], *, force: bool) -> None:
    """Write data to stdout, or atomically to --output (never over an input file); ``force``
    (--force): replace a read-only output file."""
    if output is None or output == "-":
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:  # `ketacost estimate --json | head -1`: not an error
            _reader_left()
        return
    from ..files.output import write_atomic

    write_atomic(output, text, [i for i in inputs if i], force=force)


def console(stderr: bool = False) -> Any:
    from rich.console import Console

    out = Console(stderr=stderr, highlight=False)
    if out.width < NARROWEST:  # COLUMNS=0 or 1: lay out for 40 columns, the terminal wraps
        out.width = NARROWEST
    out.on_broken_pipe = _reader_left  # type: ignore[method-assign]
    return out


def _reader_left() -> None:
    """`ketacost estimate | head`: the reader left; stop quietly (rich would exit 1)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise SystemExit(0)


def _print_rich(
    renderables: list[Any], output: str | None, inputs: list[str | None], *, force: bool
) -> None:
    if output is None or output == "-":
        out = console()
        for item in renderables:
            out.print(item, crop=False)  # a line never cuts a figure or a URL
        return
    from rich.console import Console

    recorder = Console(record=True, width=100, file=open(os.devnull, "w"))  # noqa: SIM115
    for item in renderables:
        recorder.print(item, crop=False)
    emit(recorder.export_text(), output, inputs, force=force)


CLOSED_STDOUT = "standard output is closed, so nothing can be written there; use --output FILE"


class _ClosedOutput:
    """Standard output when it is closed: writing to it is the user's error (exit 2), not a
    crash, and a command writing only to --output is not stopped."""

    encoding = "utf-8"
    errors = "strict"

    def write(self, _text: str | bytes) -> int:
        raise InputError(CLOSED_STDOUT)

    @property
    def buffer(self) -> _ClosedOutput:
        """The binary side (a PDF is written to ``sys.stdout.buffer``): closed as well."""
        return self

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


def _error(message: str) -> None:
    if sys.stderr is None:  # started with standard error closed: the exit code still tells
        return
    sys.stderr.write(f"Error: {printable(message)}\n")
