"""Batch estimates: JSONL or CSV scenarios in, one JSON line out per record, in input order.

Streaming with flat memory: records are read lazily, sent to worker processes in chunks with a
bounded number of chunks in flight, and written as soon as the chunk before them is done. A bad
record becomes ``{"line": N, "error": {"code", "message", "field"}}`` and the run goes on.
The caller (the CLI) opens the files; this module only maps lines to lines.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import multiprocessing
import multiprocessing.pool
import signal
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from typing import Any, NamedTuple

from .codec import dumps_compact
from .errors import InputError, KetacostError
from .estimate import estimate
from .files import MAX_LINE, LineTooLong, loads_json
from .model import PricingModel
from .scenario import parse_scenario

# Records per task: enough to amortise the pipe (a task costs well under 1% of 50 records'
# work), few enough that the chunks in flight stay small: a record's output is about 15 KB, and
# with 250 a record the parent's peak memory was 41 MB at 10,000 lines against 27 MB with 50.
CHUNK = 50

Record = tuple[int, Any]  # (line number, raw JSON text or a CSV row mapping)


def csv_records(lines: Iterable[str]) -> Iterator[Record]:
    """CSV rows with a header of option names; an empty cell means "not given"."""
    cut: list[int] = []  # numbers of the lines too long to read (LineTooLong)

    def watched() -> Iterator[str]:
        for number, line in enumerate(lines, start=1):
            if isinstance(line, LineTooLong):
                cut.append(number)
            yield line

    reader = csv.DictReader(watched())
    try:
        header = reader.fieldnames or []
        # `plan-year-start` or `--plan-year-start` as a header too
        header = reader.fieldnames = [option_name(name) for name in header]
    except csv.Error as exc:
        raise InputError(f"CSV header: {exc}") from None
    twice = [name for i, name in enumerate(header) if name in header[:i]]
    if twice:  # DictReader would silently keep the last cell of the two
        raise InputError(f"CSV header: column {twice[0]!r} appears twice")
    rows, done = iter(reader), reader.line_num
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:  # a cell over 131,072 characters aborted the whole batch
            done += 1  # the reader does not count the line it gave up on
            yield done, {"__unreadable__": f"CSV: {exc}"}
            continue
        values = {k: v for k, v in row.items() if k is not None and v not in (None, "")}
        if None in row:
            values = {"__extra_cells__": row[None]}
        if cut and cut[-1] > done:
            values = {"__unreadable__": f"line longer than {MAX_LINE:,} characters"}
        done = reader.line_num
        yield done, values


def option_name(header: str) -> str:
    """A CSV header as a scenario key: ``--plan-year-start`` and ``plan-year-start`` are
    ``plan_year_start``."""
    return header.strip().lstrip("-").replace("-", "_")


def jsonl_records(lines: Iterable[str]) -> Iterator[Record]:
    """Non-blank JSON lines, numbered by their line in the input."""
    for number, line in enumerate(lines, start=1):
        if isinstance(line, LineTooLong):
            yield number, {"__unreadable__": line.strip()}
        elif line.strip():
            yield number, line


def sniff(first: str) -> str:
    """``csv`` unless the first non-blank line looks like a JSON object."""
    return "jsonl" if first.lstrip().startswith("{") else "csv"


def _error_line(number: int, code: str, message: str, field: str | None) -> bytes:
    error = {"line": number, "error": {"code": code, "message": message, "field": field}}
    return json.dumps(error).encode("ascii")


def estimate_record(
    number: int, raw: Any, pricing: PricingModel, today: dt.date, source: str
) -> tuple[bytes, bool]:
    """One record to one output line; ``(line, ok)``. Never raises for bad input."""
    if isinstance(raw, str):
        try:
            values = loads_json(raw)
        except RecursionError:
            return _error_line(number, "invalid_json", "nested too deeply", None), False
        except ValueError as exc:
            return _error_line(number, "invalid_json", f"not a JSON object: {exc}", None), False
        if not isinstance(values, dict):
            return _error_line(
                number, "invalid_input", "a record must be a JSON object", None
            ), False
    else:
        values = raw
    if "__extra_cells__" in values:
        return _error_line(number, "invalid_input", "more cells than header columns", None), False
    if "__unreadable__" in values:
        return _error_line(number, "invalid_input", values["__unreadable__"], None), False
    try:
        scenario = parse_scenario(values, pricing, today)
        document = dumps_compact(estimate(scenario, pricing, pricing_source=source))
    except KetacostError as exc:
        return _error_line(number, exc.code, str(exc), exc.field), False
    return b'{"line":%d,' % number + document[1:], True


# --- workers ---------------------------------------------------------------------------------

_STATE: dict[str, Any] = {}


def _init_worker(pricing: PricingModel, today: dt.date, source: str) -> None:
    _STATE.update(pricing=pricing, today=today, source=source)


class Chunk(NamedTuple):
    """Output of consecutive records: their lines as one text, and which of them failed."""

    text: bytes  # ASCII JSON lines, each ending in a newline
    records: int
    failed: tuple[int, ...]  # indexes within the chunk


def _work(chunk: list[Record]) -> Chunk:
    pricing, today, source = _STATE["pricing"], _STATE["today"], _STATE["source"]
    lines = []
    failed = []
    for i, (number, raw) in enumerate(chunk):
        line, ok = estimate_record(number, raw, pricing, today, source)
        lines.append(line)
        if not ok:
            failed.append(i)
    lines.append(b"")
    return Chunk(b"\n".join(lines), len(chunk), tuple(failed))  # one bytes crosses the pipe


def _chunks(records: Iterable[Record]) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_batch(
    records: Iterable[Record],
    pricing: PricingModel,
    today: dt.date,
    *,
    jobs: int = 1,
    source: str = "builtin",
) -> Generator[Chunk, None, None]:
    """Yield the output of every record, chunk by chunk, in input order.

    With workers, leaving early (an exception in the caller, Ctrl-C, the generator closed) kills
    them and never waits on the pool's own teardown, which can hang (see :func:`_kill_pool`).
    """
    if jobs <= 1:
        _init_worker(pricing, today, source)
        for chunk in _chunks(records):
            yield _work(chunk)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    # Workers start with SIGINT and SIGTERM blocked and set their own handlers before unblocking
    # them: a Ctrl-C during the fork cannot reach a worker still running the parent's handlers.
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        pool = context.Pool(
            jobs, initializer=_init_worker_process, initargs=(pricing, today, source, blocked)
        )
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    finished = False
    try:
        pending: deque[Any] = deque()
        for chunk in _chunks(records):
            pending.append(pool.apply_async(_work, (chunk,)))
            if len(pending) >= 2 * jobs:  # bounded: a task running and one queued per worker
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
        finished = True
    finally:
        if finished:
            pool.close()  # every task is done: the workers read their sentinel and exit
            pool.join()
        else:
            _kill_pool(pool)


_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _init_worker_process(
    pricing: PricingModel, today: dt.date, source: str, mask: set[signal.Signals]
) -> None:
    """A worker ignores Ctrl-C (the parent stops it) and dies quietly on SIGTERM."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    _init_worker(pricing, today, source)


def _kill_pool(pool: Any) -> None:
    """Stop the workers now and reap them, without ``Pool.terminate``.

    terminate() drains the task pipe under a lock an idle worker holds while it waits for work,
    and joins threads that can be blocked on pipes no one will write again: it can wait forever
    (seen in 2 of 12 Ctrl-Cs on ``--jobs 4``). So: stop the thread that replaces dead workers,
    SIGKILL every worker, reap each (bounded), and cancel the pool's exit-time finalizer, which
    would run the same teardown. The pool's other threads are daemons and end with the process.
    """
    handler = getattr(pool, "_worker_handler", None)
    if handler is not None:
        handler._state = multiprocessing.pool.TERMINATE  # start no new worker
        with contextlib.suppress(Exception):
            pool._change_notifier.put(None)  # wake it to see that
        handler.join(timeout=5)
    workers = list(getattr(pool, "_pool", []))
    for worker in workers:
        with contextlib.suppress(Exception):
            worker.kill()
    for worker in workers:
        with contextlib.suppress(Exception):
            worker.join(timeout=5)
    finalizer = getattr(pool, "_terminate", None)
    if finalizer is not None and hasattr(finalizer, "cancel"):
        finalizer.cancel()
