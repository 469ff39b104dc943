"""Batch records: JSONL or CSV scenarios read lazily, each estimated into one JSON line.

A bad record becomes ``{"line": N, "error": {"code", "message", "field"}}`` and the run goes on.
The caller (the CLI) opens the files; this module only maps lines to lines, a chunk of records at
a time. The worker processes that run the chunks are ``pool.py``'s.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from ..core.codec import dumps_compact
from ..core.errors import InputError, KetacostError
from ..engine.estimate import estimate
from ..engine.summary import summarize
from ..files.exact_json import loads_json
from ..files.lines import MAX_LINE, LineTooLong
from ..inputs.scenario import parse_scenario
from ..rules import Rules
from ..rules.loader import builtin_tax_law
from ..rules.model import PricingModel
from . import tables

# Records per task: enough to amortise the pipe (a task costs well under 1% of 50 records'
# work), few enough that the chunks in flight stay small: a record's output is about 15 KB, and
# with 250 a record the parent's peak memory was 41 MB at 10,000 lines against 27 MB with 50.
CHUNK = 50

Record = tuple[int, Any]  # (line number, raw JSON text or a CSV row mapping)


# Lines one CSV record may span. A quoted cell may hold line breaks, but no scenario value holds
# many: a quote that is not closed within this many lines (or by the end of the input) is an
# error of its own, and the lines after the one it opened on are read again as records.
MAX_RECORD_LINES = 100


class _Runaway(Exception):
    """A record ran past :data:`MAX_RECORD_LINES` lines."""


class _Lines:
    """The input's lines as the CSV reader takes them, each remembered with its number until
    the record is done (:attr:`taken`); lines given back (:meth:`again`) are read again."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._rest = enumerate(lines, start=1)
        self._again: deque[tuple[int, str]] = deque()
        self.taken: list[tuple[int, str]] = []
        self.ended = False  # the reader asked for a line after the last one

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if len(self.taken) >= MAX_RECORD_LINES:
            raise _Runaway
        if self._again:
            item = self._again.popleft()
        else:
            try:
                item = next(self._rest)
            except StopIteration:
                self.ended = True
                raise
        self.taken.append(item)
        return item[1]

    def again(self, after: int) -> None:
        """Read the taken lines after line ``after`` again."""
        self._again.extendleft(reversed([item for item in self.taken if item[0] > after]))
        self.ended = False


def _quote_opened(lines: list[tuple[int, str]]) -> int | None:
    """The line on which the quoted cell left open at the end of ``lines`` opened (read as
    Python's csv reader reads: a quote opens a cell only at its start, "" is a quote), or None
    when every quote is closed."""
    opened = None
    state = "start"  # start of a cell, in a plain cell, in quotes, a quote seen in quotes
    for number, line in lines:
        for ch in line:
            if state == "quoted":
                state = "quote" if ch == '"' else "quoted"
            elif ch in "\r\n,":
                state = "start"
            elif state == "start" and ch == '"':
                state, opened = "quoted", number
            elif state == "quote" and ch == '"':
                state = "quoted"
            else:
                state = "plain"
    return opened if state == "quoted" else None


def csv_records(lines: Iterable[str]) -> Iterator[Record]:
    """CSV rows with a header of option names; an empty cell means "not given". A row is
    numbered by the line it starts on (a quoted cell may hold line breaks). A quote left open
    to the end of the input, or for :data:`MAX_RECORD_LINES` lines, is an error naming the line
    it opened on, and the lines after that one are read on as records: none is lost unsaid."""
    source = _Lines(lines)
    reader = csv.reader(source)
    try:
        try:
            header = next(reader)
        except StopIteration:
            header = []
        except _Runaway:
            header = [""]
            source.ended = True
        if any(isinstance(line, LineTooLong) for _, line in source.taken):
            raise csv.Error(f"line longer than {MAX_LINE:,} characters")
        if source.ended and len(source.taken) > 1:
            opened = _quote_opened(source.taken) or source.taken[0][0]
            raise csv.Error(f"the quote opened on line {opened} is never closed")
        # `plan-year-start` or `--plan-year-start` as a header too
        header = [option_name(name) for name in header]
    except csv.Error as exc:
        raise InputError(f"CSV header: {exc}") from None
    twice = [name for i, name in enumerate(header) if name in header[:i]]
    if twice:  # DictReader would silently keep the last cell of the two
        raise InputError(f"CSV header: column {twice[0]!r} appears twice")
    while True:
        source.taken.clear()
        where = "by the end of the input"  # where a quote left open ran to
        try:
            row = next(reader)
            runaway = source.ended
        except StopIteration:
            return
        except _Runaway:
            runaway, row, where = True, [], f"within {MAX_RECORD_LINES} lines"
        except csv.Error as exc:  # a cell over 131,072 characters aborted the whole batch
            if len(_written(source.taken)) < 2:
                yield _first(source.taken), {"__unreadable__": f"CSV: {exc}"}
                continue
            runaway, row, where = True, [], f"within {csv.field_size_limit():,} characters"
        if runaway:  # the lines after the quote are records, read again
            taken = _written(source.taken)
            opened = _quote_opened(taken) or taken[0][0]
            yield (
                taken[0][0],
                {
                    "__unreadable__": f"CSV: the quote opened on line {opened} is "
                    f"not closed {where}; the lines after it are read as records"
                },
            )
            source.again(opened)
            reader = csv.reader(source)
            continue
        if not row:  # a blank line
            continue
        first = _first(source.taken)
        values: dict[str, Any] = {k: v for k, v in zip(header, row, strict=False) if v != ""}
        if len(row) > len(header):
            values = {"__extra_cells__": row[len(header) :]}
        if any(isinstance(line, LineTooLong) for _, line in source.taken):
            values = {"__unreadable__": f"line longer than {MAX_LINE:,} characters"}
        yield first, values


def _written(taken: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The lines of a record from its first non-blank one."""
    for k, (_, line) in enumerate(taken):
        if line.strip("\r\n"):
            return taken[k:]
    return taken


def _first(taken: list[tuple[int, str]]) -> int:
    return _written(taken)[0][0] if taken else 0


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


JSONL_NAMES = (".jsonl", ".ndjson", ".json")  # a file named so is read as JSONL, whatever it holds
CSV_NAMES = (".csv",)


def sniff(head: list[str], name: str | None = None) -> str:
    """The format of an input: by its name (``.jsonl``, ``.ndjson``, ``.json``, ``.csv``; a bad
    first record of a JSONL file is then its error, not a CSV header), else by its first
    non-blank line that could be read: ``jsonl`` when it looks like JSON (``{`` or ``[``),
    or when each was too long to read (each becomes an error line); else ``csv``."""
    lowered = (name or "").lower()
    if lowered.endswith(JSONL_NAMES):
        return "jsonl"
    if lowered.endswith(CSV_NAMES):
        return "csv"
    lines = [line for line in head if line.strip()]
    readable = [line for line in lines if not isinstance(line, LineTooLong)]
    if lines and not readable:
        return "jsonl"
    return "jsonl" if readable and readable[0].lstrip().startswith(("{", "[")) else "csv"


def _error_line(
    number: int, code: str, message: str, field: str | None, record_id: str | None = None,
    form: str = "full",
) -> bytes:  # fmt: skip
    if form == "csv":
        return tables.csv_error_row(number, record_id, code, message)
    error = {"line": number, "error": {"code": code, "message": message, "field": field}}
    if record_id is not None:  # echoed, after the line number (a line without one is as before)
        error = {"line": number, "id": record_id, "error": error["error"]}
    return json.dumps(error).encode("ascii")


def estimate_record(
    number: int, raw: Any, pricing: PricingModel, today: dt.date, source: str,
    form: str = "full",
) -> tuple[bytes, bool]:  # fmt: skip
    """One record to one output line; ``(line, ok)``. Never raises for bad input. ``form``:
    ``full`` (the estimate document), ``brief`` or ``csv`` (:mod:`.tables`)."""
    if isinstance(raw, str):
        try:
            values = loads_json(raw)
        except RecursionError:
            return _error_line(number, "invalid_json", "nested too deeply", None, form=form), False
        except ValueError as exc:
            return _error_line(number, "invalid_json", f"not a JSON object: {exc}", None,
                               form=form), False  # fmt: skip
        if not isinstance(values, dict):
            return _error_line(
                number, "invalid_input", "a record must be a JSON object", None, form=form
            ), False
    else:
        values = raw
    if "__extra_cells__" in values:
        return _error_line(number, "invalid_input", "more cells than header columns", None,
                           form=form), False  # fmt: skip
    if "__unreadable__" in values:
        return _error_line(number, "invalid_input", values["__unreadable__"], None,
                           form=form), False  # fmt: skip
    record_id = None
    try:
        record_id, values = tables.take_id(values)
        scenario = parse_scenario(values, pricing, today)
        rules = _rules(pricing, source)
        if form == "csv":
            return tables.csv_row(number, record_id, summarize(scenario, rules)), True
        document = estimate(scenario, rules)
    except KetacostError as exc:
        return _error_line(number, exc.code, str(exc), exc.field, record_id, form), False
    if form == "brief":
        return tables.brief_line(number, record_id, document), True
    document_text = dumps_compact(document)
    return b'{"line":%d,' % number + tables.id_member(record_id) + document_text[1:], True


def _rules(pricing: PricingModel, source: str) -> Rules:
    """The rules of a batch: its pricing model with the built-in tax law (made once)."""
    rules = _STATE.get("rules")
    if rules is None or rules.pricing is not pricing or rules.source != source:
        rules = _STATE["rules"] = Rules(pricing, builtin_tax_law(), source=source)
    return rules


# --- a chunk of records, in a worker or in this process --------------------------------------

_STATE: dict[str, Any] = {}


def _init_worker(pricing: PricingModel, today: dt.date, source: str, form: str = "full") -> None:
    _STATE.update(pricing=pricing, today=today, source=source, form=form)


class Chunk(NamedTuple):
    """Output of consecutive records: their lines as one text, and which of them failed."""

    text: bytes  # ASCII JSON lines, each ending in a newline; empty when ``written``
    records: int
    failed: tuple[int, ...]  # indexes within the chunk
    written: bool = False  # the text went straight to the sink (see pool.run_batch)


def _work(chunk: list[Any], outputs: Any = None) -> Chunk:
    lines, failed = (outputs or _outputs)(chunk)
    lines.append(b"")
    return Chunk(b"\n".join(lines), len(chunk), tuple(failed))


def _outputs(chunk: list[Record]) -> tuple[list[bytes], list[int]]:
    """Each record's output line (without its newline), and the indexes of those that failed."""
    pricing, today, source = _STATE["pricing"], _STATE["today"], _STATE["source"]
    form = _STATE.get("form", "full")
    lines = []
    failed = []
    for i, (number, raw) in enumerate(chunk):
        line, ok = estimate_record(number, raw, pricing, today, source, form)
        lines.append(line)
        if not ok:
            failed.append(i)
    return lines, failed


def _chunks(records: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
