"""A sweep: every point of a grid estimated into one row of a tidy table, streamed in order.

A row is the point's inputs (as given in the grid), then the low, typical and high of every
total and of the financing interest (:data:`~ketacost.engine.summary.FIGURE_COLUMNS`), then the
warning codes. The grid's points are cut into blocks of :data:`BLOCK` rows; the batch's worker
pool (:func:`~ketacost.batch.pool.run_batch`) makes each block's rows in a worker and yields
them in order, so memory stays flat however large the grid. Only a block's first and last
index cross the pipe: every worker has the grid (inherited through the fork).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from ..core.errors import KetacostError
from ..engine.summary import FIGURE_COLUMNS, Summary, figure_values, summarize
from ..inputs.grid import Grid
from ..rules import Rules
from ..rules.loader import builtin_tax_law
from ..rules.model import PricingModel
from .pool import Job

FORMATS = ("csv", "jsonl", "parquet")
BLOCK = 200  # rows a task: about 90 KB of CSV, enough to amortise the pipe
WARNINGS = "warnings"  # the last column: the warning codes, space-separated in CSV


def columns(grid: Grid) -> list[str]:
    """The table's columns: the grid's keys, the figures, the warning codes."""
    return [axis.name for axis in grid.axes] + list(FIGURE_COLUMNS) + [WARNINGS]


def csv_header(grid: Grid) -> bytes:
    return (",".join(columns(grid)) + "\n").encode("ascii")


def blocks(size: int, block: int = BLOCK) -> Iterator[tuple[int, int]]:
    """The grid's points as (first, end) ranges of at most ``block`` rows."""
    for start in range(0, size, block):
        yield start, min(start + block, size)


# --- cells -----------------------------------------------------------------------------------


def _csv_text(value: Any) -> str:
    """A value as a CSV cell. A place is a state, a state's name, a ZIP or US (checked by the
    grid), so no cell can start like a spreadsheet formula."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if any(c in text for c in ',"\r\n') or text != text.strip():
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow([text])
        text = out.getvalue()
    return text


def _json_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return '"' + value.isoformat() + '"'
    return json.dumps(str(value))


def csv_figures(summary: Summary) -> str:
    """The figure and warning cells of a row (without the inputs)."""
    cells = ["" if v is None else f"{v:.2f}" for v in figure_values(summary)]
    cells.append(" ".join(summary.warnings))
    return ",".join(cells)


_JSON_KEYS = [json.dumps(name) + ":" for name in FIGURE_COLUMNS]


def json_figures(summary: Summary) -> str:
    """The figure and warning members of a row's JSON object (without the braces)."""
    values = figure_values(summary)
    parts = [key + ("null" if v is None else f"{v:.2f}")
             for key, v in zip(_JSON_KEYS, values, strict=True)]  # fmt: skip
    parts.append('"warnings":' + json.dumps(list(summary.warnings)))
    return ",".join(parts)


# --- the work of a worker --------------------------------------------------------------------

_STATE: dict[str, Any] = {}


def start_worker(grid: Grid, pricing: PricingModel, today: dt.date, source: str, form: str) -> None:
    """A worker's state (also this process's, without workers): the grid, its rules, and each
    axis value's cell text made once."""
    cell = _json_value if form == "jsonl" else _csv_text
    prefix = [json.dumps(axis.name) + ":" if form == "jsonl" else "" for axis in grid.axes]
    cells = [[key + cell(value) for value in axis.given]
             for key, axis in zip(prefix, grid.axes, strict=True)]  # fmt: skip
    _STATE.update(grid=grid, scenario=grid.scenarios(pricing, today), form=form, cells=cells,
                  rules=Rules(pricing, builtin_tax_law(), source=source))  # fmt: skip


def block_rows(chunk: list[tuple[int, int]]) -> tuple[list[bytes], list[int]]:
    """Each block's rows as one text (rows joined by newlines); no row fails (the grid was
    checked), and an error the estimate raises stops the sweep, naming the point."""
    grid: Grid = _STATE["grid"]
    scenario, rules = _STATE["scenario"], _STATE["rules"]
    cells: list[list[str]] = _STATE["cells"]
    jsonl = _STATE["form"] == "jsonl"
    out = []
    for first, end in chunk:
        rows = []
        for index in range(first, end):
            picks = grid.indexes(index)
            try:
                summary = summarize(scenario(picks), rules)
            except KetacostError as exc:
                point = ", ".join(f"{axis.name}={axis.given[i]}"
                                  for axis, i in zip(grid.axes, picks, strict=True))  # fmt: skip
                exc.message = f"{exc} (at {point})"
                raise
            inputs = [column[i] for column, i in zip(cells, picks, strict=True)]
            if jsonl:
                rows.append("{" + ",".join([*inputs, json_figures(summary)]) + "}")
            else:
                rows.append(",".join([*inputs, csv_figures(summary)]))
        out.append("\n".join(rows).encode("utf-8"))
    return out, []


def sweep_job(grid: Grid, pricing: PricingModel, today: dt.date, source: str, form: str) -> Job:
    """The pool's work for a sweep: one block of rows a task."""
    return Job(start_worker, (grid, pricing, today, source, form), block_rows, size=1)
