"""A sweep on a Dask cluster (the ``ketacost[dask]`` extra): ``sweep --dask ADDRESS``.

The grid is cut into parts of :data:`PART` rows; each part's rows are made on a worker by the
same function as the plain sweep's (:func:`~ketacost.batch.sweep.block_rows`) and written, in
order, to a file of its own (``00000.csv``, … in a folder, or the ``*`` of the ``--output``
name), each with the header of its format, so every part reads alone and the parts put together
in name order are the whole table. Output and cleanup are ``on_dask``'s: new files only, and a
run that fails or is stopped removes what it wrote.
"""

from __future__ import annotations

import datetime as dt
import sys

from ..core.errors import KetacostError
from ..inputs.grid import Grid
from ..rules.model import PricingModel
from .on_dask import DaskResult, Output, _client, _part_name, _quiet_when_stopped, _remove_output
from .sweep import block_rows, blocks, csv_header, start_worker

PART = 100_000  # rows a part: about 45 MB of CSV


def run_sweep_dask(
    address: str | None,
    grid: Grid,
    output: Output,
    pricing: PricingModel,
    today: dt.date,
    *,
    source: str = "builtin",
    form: str = "csv",
    part: int = PART,
) -> DaskResult:
    """Every row of ``grid`` on the cluster at ``address`` into ``output``'s parts; the rows,
    no failures (a grid is checked whole before), and the number of parts."""
    try:
        with _client(address), _quiet_when_stopped():
            import dask
            import dask.bag as db

            shared = dask.delayed((grid, pricing))
            results = db.from_delayed([
                dask.delayed(_sweep_part)(shared, today, source, form, first, end)
                for first, end in blocks(grid.size, part)
            ])  # fmt: skip
            writes = results.pluck(0).to_textfiles(
                output.pattern, name_function=_part_name, last_endline=False, compute=False
            )
            *_, rows = dask.compute(*writes, results.pluck(1).sum())
            return DaskResult(int(rows), 0, len(writes))
    except BaseException as exc:
        if _remove_output(output):
            note = f"the unfinished output at {output.given} was removed"
            if isinstance(exc, KetacostError):
                exc.message = f"{exc.message} ({note})"
            else:
                sys.stderr.write(f"sweep --dask stopped; {note}\n")
        raise


def _sweep_part(
    shared: tuple[Grid, PricingModel], today: dt.date, source: str, form: str, first: int,
    end: int,
) -> list[tuple[str, int]]:  # fmt: skip
    """One part: its header (CSV) and rows, each line ended; (text, rows)."""
    grid, pricing = shared
    start_worker(grid, pricing, today, source, form)
    header = csv_header(grid).decode("ascii") if form == "csv" else ""
    lines, _ = block_rows([(first, end)])
    return [(header + lines[0].decode("utf-8") + "\n", end - first)]
