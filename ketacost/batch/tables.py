"""Batch output for tables: a record's ``id``, ``batch --brief`` and ``batch --format csv``.

- ``id`` (text or a whole number, at most :data:`MAX_ID` characters, one line) is taken out of
  a record before its scenario is read, and echoed in its output line.
- ``--brief``: only ``line``, ``id``, ``scenario``, ``totals``, ``tax`` and the warning codes.
- ``--format csv``: the sweep's columns (:data:`~ketacost.engine.summary.FIGURE_COLUMNS`, the
  warning codes) after ``line`` and ``id``, one row a record; a bad record's row has only its
  ``error``.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from ..core.codec import dumps_compact
from ..core.errors import InputError
from ..core.words import csv_cell
from ..engine.estimate import Estimate
from ..engine.summary import FIGURE_COLUMNS, Summary, figure_values

FORMS = ("full", "brief", "csv")
MAX_ID = 200
CSV_COLUMNS = ("line", "id", *FIGURE_COLUMNS, "warnings", "error")


def take_id(values: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """(the record's id or None, the record without it); InputError naming ``id``."""
    if "id" not in values:
        return None, values
    raw = values["id"]
    rest = {k: v for k, v in values.items() if k != "id"}
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise InputError("id: must be text or a whole number", field="id")
    text = str(raw)
    if not text.strip() or len(text) > MAX_ID:
        raise InputError(f"id: must be 1 to {MAX_ID} characters", field="id")
    if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or c in "\u2028\u2029" for c in text):
        raise InputError("id: must be one line of text, without control characters", field="id")
    return text, rest


def id_member(record_id: str | None) -> bytes:
    """``"id":"…",`` for a JSON line, or nothing without an id (the line stays as before)."""
    return b"" if record_id is None else b'"id":' + _json_text(record_id) + b","


def _json_text(text: str) -> bytes:
    return json.dumps(text).encode("ascii")


def brief_line(number: int, record_id: str | None, document: Estimate) -> bytes:
    """The brief output line of an estimate."""
    brief = {
        "line": number,
        "id": record_id,
        "scenario": document.scenario,
        "totals": document.totals,
        "tax": document.tax,
        "warnings": [caution.code for caution in document.warnings],
    }
    return dumps_compact(brief)


def csv_header() -> bytes:
    return (",".join(CSV_COLUMNS) + "\n").encode("ascii")


def _csv_cells(*cells: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()


def _id_cell(record_id: str | None) -> str:
    if record_id is None:
        return ""
    return _csv_cells(str(csv_cell(record_id)))


def csv_row(number: int, record_id: str | None, summary: Summary) -> bytes:
    """A record's row: its line, id, figures (cents) and warning codes."""
    figures = ["" if v is None else f"{v:.2f}" for v in figure_values(summary)]
    row = [str(number), _id_cell(record_id), *figures, " ".join(summary.warnings), ""]
    return ",".join(row).encode("utf-8")


def csv_error_row(number: int, record_id: str | None, code: str, message: str) -> bytes:
    """A bad record's row: its line, id and ``code: message``; no figures."""
    empty = [""] * (len(FIGURE_COLUMNS) + 1)
    error = _csv_cells(f"{code}: {message}".replace("\n", " "))
    return ",".join([str(number), _id_cell(record_id), *empty, error]).encode("utf-8")
