"""A batch's output: the chunks of :func:`~ketacost.batch.pool.run_batch` written in input order
to a stream (standard output, an output file), as the bytes the workers made.

The caller opens the stream and runs the batch; a reader that left (``BrokenPipeError``) and
signals are the caller's to handle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .records import Chunk


def write_chunks(
    chunks: Iterable[Chunk],
    out: Any,
    sink: int | None,
    *,
    fail_fast: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, int]:
    """Write ``chunks`` to ``out`` in order; (records, failed records). ``sink``: the descriptor
    under ``out`` (:func:`descriptor`) that ``run_batch`` was given, or None. ``fail_fast``: stop
    after the first failed record, its error line written. ``progress(records, failed)`` is
    called after each chunk."""
    write, flush = binary_writer(out)
    total = failed = 0
    for chunk in chunks:
        if fail_fast and chunk.failed:
            keep = chunk.failed[0] + 1  # up to and including the first bad record
            write(b"".join(chunk.text.splitlines(keepends=True)[:keep]))
            total, failed = total + keep, failed + 1
            break
        if chunk.text:
            write(chunk.text)
            if sink is not None:  # before a chunk spliced straight to the descriptor
                flush()
        total, failed = total + chunk.records, failed + len(chunk.failed)
        if progress is not None:
            progress(total, failed)
    flush()
    return total, failed


def binary_writer(out: Any) -> tuple[Callable[[bytes], Any], Callable[[], Any]]:
    """(write, flush) for batch output (ASCII bytes): to the stream's buffer, or as text when it
    has none."""
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        return (lambda data: out.write(data.decode("ascii"))), out.flush
    out.flush()
    return buffer.write, buffer.flush


def descriptor(out: Any) -> int | None:
    """The file descriptor under a binary-capable stream (stdout, an output file), or None
    (a test's StringIO)."""
    buffer = getattr(out, "buffer", None)
    try:
        return int(buffer.fileno()) if buffer is not None else None
    except (AttributeError, OSError, ValueError):
        return None
