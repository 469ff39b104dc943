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


def emit_document(
    result: str | bytes, output: str | None, inputs: list[str | None], *, force: bool
) -> None:
    """A rendered document (text, or a PDF's bytes) to stdout or ``--output``, as :func:`emit`
    writes text; a PDF goes out whole, never half written over a file."""
    to_stdout = output is None or output == "-"
    if not isinstance(result, bytes):
        emit(result, None if to_stdout else output, inputs, force=force)
        return
    if to_stdout:
        sys.stdout.buffer.write(result)
        sys.stdout.flush()
        return
    from ..files.output import output_stream

    with output_stream(output, inputs, binary=True, force=force) as handle:
        handle.write(result)


def say(line: str, *, stdout: bool = False) -> None:
    """One line for the person at the terminal (``Wrote FILE``, ``FILE: valid``), on stderr
    (``stdout``: on stdout, when the line is the command's answer). A file name or label in it
    may hold escape sequences: shown escaped (``printable``), never run by the terminal."""
    stream = sys.stdout if stdout else sys.stderr
    if stream is None:  # started with it closed: the exit code still tells
        return
    stream.write(printable(line) + "\n")


def console(stderr: bool = False) -> Any:
    from rich.console import Console

    # markup=False: a "[/x]" in a label from a pricing file is text, never rich markup (an
    # unmatched closing tag was a MarkupError, exit 1; "[link=…]" made a terminal hyperlink)
    out = Console(stderr=stderr, highlight=False, markup=False)
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
            show(out, item, crop=False)  # a line never cuts a figure or a URL
        return
    from rich.console import Console

    recorder = Console(record=True, width=100, file=open(os.devnull, "w"), markup=False)  # noqa: SIM115
    for item in renderables:
        show(recorder, item, crop=False)
    emit(recorder.export_text(), output, inputs, force=force)


def show(out: Any, item: Any, *, crop: bool = True) -> None:
    """Print a rich renderable with the control characters of its text escaped (``printable``):
    the one way rich output reaches the terminal, so a file name or label in a table, note or
    heading can neither colour, move nor clear it. Only the text is escaped, after layout; the
    styles rich adds are not text."""
    from rich.segment import Segment, Segments

    if isinstance(item, str):
        item = out.render_str(item)
    safe = [
        segment if segment.control else Segment(printable(segment.text, lines=True), segment.style)
        for segment in out.render(item)
    ]
    out.print(Segments(safe), crop=crop)


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
