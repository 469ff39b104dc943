"""Batch records: JSONL or CSV scenarios read lazily, each estimated into one JSON line.

A bad record becomes ``{"line": N, "error": {"code", "message", "field"}}`` and the run goes on.
The caller (the CLI) opens the files; this module only maps lines to lines, a chunk of records at
a time. The worker processes that run the chunks are ``pool.py``'s.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
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


def csv_records(lines: Iterable[str]) -> Iterator[Record]:
    """CSV rows with a header of option names; an empty cell means "not given". A row is
    numbered by the line it starts on (a quoted cell may hold line breaks)."""
    cut: list[int] = []  # numbers of the lines too long to read (LineTooLong)
    start: list[int] = []  # the first non-blank line the reader has taken since the last row

    def watched() -> Iterator[str]:
        for number, line in enumerate(lines, start=1):
            if isinstance(line, LineTooLong):
                cut.append(number)
            if not start and line.strip("\r\n"):
                start.append(number)
            yield line

    reader = csv.DictReader(watched())
    try:
        header = reader.fieldnames or []
        if cut and cut[0] == reader.line_num:
            raise csv.Error(f"line longer than {MAX_LINE:,} characters")
        # `plan-year-start` or `--plan-year-start` as a header too
        header = reader.fieldnames = [option_name(name) for name in header]
    except csv.Error as exc:
        raise InputError(f"CSV header: {exc}") from None
    twice = [name for i, name in enumerate(header) if name in header[:i]]
    if twice:  # DictReader would silently keep the last cell of the two
        raise InputError(f"CSV header: column {twice[0]!r} appears twice")
    rows = iter(reader)
    start.clear()
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:  # a cell over 131,072 characters aborted the whole batch
            yield start.pop() if start else reader.line_num, {"__unreadable__": f"CSV: {exc}"}
            continue
        first = start.pop() if start else reader.line_num
        values = {k: v for k, v in row.items() if k is not None and v not in (None, "")}
        if None in row:
            values = {"__extra_cells__": row[None]}
        if cut and cut[-1] >= first:
            values = {"__unreadable__": f"line longer than {MAX_LINE:,} characters"}
        yield first, values


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
