"""Bounded line reading for batch input: any line ending; over-long lines skipped."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TextIO

from ..core.errors import InputError

MAX_LINE = 1_048_576  # characters in one batch record; a real one has a few hundred
MAX_SKIP = 16 * MAX_LINE  # an over-long line is skipped up to this, then the input refused


class LineTooLong(str):
    """Stands for an input line over :data:`MAX_LINE` characters, which is skipped unread."""


def open_lines(source: str) -> Iterator[str]:
    """The lines of a file, or of stdin for ``-``; undecodable bytes become U+FFFD and a
    byte-order mark (Excel's CSV) is dropped. A line over :data:`MAX_LINE` characters becomes a
    :class:`LineTooLong` (``batch /dev/zero`` read one endless line until memory ran out)."""
    if source == "-":
        stream = sys.stdin
        if hasattr(stream, "reconfigure"):  # and lines end as in a file: "\r" too (newline="")
            stream.reconfigure(errors="replace", newline="")
        return without_bom(bounded_lines(stream, "standard input"), "standard input")
    try:
        handle = open(source, encoding="utf-8", errors="replace", newline="")  # noqa: SIM115
    except OSError as exc:
        raise InputError(f"{source}: cannot read: {exc.strerror or exc}", field=source) from None
    return without_bom(_closing_lines(handle, source), source)


def _closing_lines(handle: TextIO, label: str) -> Iterator[str]:
    with handle:
        yield from bounded_lines(handle, label)


def bounded_lines(handle: TextIO, label: str, start: int = 0) -> Iterator[str]:
    """Lines ended by "\n", "\r\n" or "\r" (the handle reads with ``newline=""``), each of
    at most MAX_LINE characters before its ending; a longer one is read on in bounded pieces to
    its ending, unkept, and stands as one LineTooLong. ``start``: the lines of the file before
    the handle's (a block of it), for the number in an error."""
    number = start
    split_crlf = False  # an over-long line's "\r" came last: a "\n" right after is its ending
    while True:
        line = handle.readline(MAX_LINE + 2)  # room for MAX_LINE characters and a "\r\n"
        if split_crlf:
            split_crlf = False
            if line == "\n":
                continue
        number += 1
        if not line:
            return
        if len(line) - _ending(line) <= MAX_LINE:
            yield line
            continue
        piece = line
        skipped = len(line)
        while not _ending(piece):  # the rest of the line, in bounded pieces, unkept
            piece = handle.readline(MAX_LINE)
            if not piece:
                break
            skipped += len(piece)
            if skipped > MAX_SKIP:  # /dev/zero, a disk image: no end of line to wait for
                raise runaway(label, number)
        split_crlf = piece.endswith("\r")
        yield LineTooLong(f"line longer than {MAX_LINE:,} characters\n")


def runaway(label: str, number: int) -> InputError:
    """The error for line ``number`` of ``label``, which has no end in sight."""
    return InputError(
        f"{label}: line {number} runs past {MAX_SKIP:,} characters; batch reads JSONL or CSV text",
        field=label,
    )


def _utf16(first: str) -> bool:
    """Whether a first line read as UTF-8 is UTF-16 (Windows' "Unicode" text): its byte-order
    mark, two bytes that are not UTF-8, then NULs; or, without the mark, a NUL for every other
    character (ASCII text in UTF-16)."""
    text = first.rstrip("\r\n")
    if text.startswith("\ufffd\ufffd") and "\x00" in text:
        return True
    return len(text) >= 4 and text.count("\x00") * 2 >= len(text) - 1


def _ending(line: str) -> int:
    """How many characters of ``line`` are its line ending: 2, 1 or 0 (the last line)."""
    if line.endswith("\n"):
        return 2 if line.endswith("\r\n") else 1
    return 1 if line.endswith("\r") else 0


def without_bom(lines: Iterator[str], label: str) -> Iterator[str]:
    """``lines`` without the byte-order mark of the first; a UTF-16 text (``label`` names it)
    is refused."""
    first = next(lines, None)
    if first is None:
        return
    if _utf16(first):  # read as UTF-8 it is every record an error, or a CSV header of noise
        raise InputError(
            f"{label}: looks like UTF-16 text; batch reads UTF-8 (save it as UTF-8)", field=label
        )
    second = next(lines, None)
    for line in (first, second):  # a PDF, an image, a spreadsheet: refused, not N line errors
        if line is not None and not isinstance(line, LineTooLong) and _binary(line):
            raise InputError(
                f"{label}: not UTF-8 text (a binary file?); batch reads JSONL or CSV text",
                field=label,
            )
    yield first[1:] if first.startswith("\ufeff") else first  # a LineTooLong stays one
    if second is not None:
        yield second
    yield from lines


def _binary(line: str) -> bool:
    """One of a file's first lines is binary: it holds a NUL, or is mostly bytes that are not
    UTF-8 (read as U+FFFD; a PDF's second line). One Latin-1 letter in a record is that
    record's error, not the file's."""
    text = line.rstrip("\r\n")
    return "\x00" in text or (len(text) >= 4 and text.count("\ufffd") * 4 > len(text))
