"""``ketacost sweep GRID.yaml``: a grid of options estimated as their cross product into a tidy
table (CSV, JSONL or Parquet); its options, checks and messages. The grid is
``ketacost.inputs.grid``'s, the rows ``ketacost.batch.sweep``'s.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Iterator
from typing import Annotated, Any

import typer

from ..core.errors import InputError
from ..core.words import plural
from .batch_run import _stop_on_sigterm
from .options import ForceOpt, OutputOpt, PricingOpt
from .output import _reader_left, console
from .runs import load_model, pricing_path

LARGE = 1_000_000  # rows: a larger grid runs only with --yes
LONG = 20_000  # rows: a grid this long shows a progress bar on a terminal
_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}


def sweep_command(
    grid_file: Annotated[
        str,
        typer.Argument(
            metavar="GRID.yaml",
            help="A YAML mapping of option names (as in a scenario file) to lists of values; "
            "location: all is every state and DC, route: all every route.",
            show_default=False,
        ),
    ],
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="csv|jsonl|parquet",
            help="Table format [default: by the --output suffix, else csv]. parquet needs "
            "pip install 'ketacost[parquet]' and --output.",
            show_default=False,
        ),
    ] = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    pricing_file: PricingOpt = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", help="Worker processes [default: all cores].", min=1, max=64),
    ] = None,
    yes: Annotated[
        bool,
        typer.Option("--yes", help=f"Run a grid of more than {LARGE:,} rows."),
    ] = False,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            metavar="ADDRESS",
            help="Run on a Dask cluster: local (two workers here) or tcp://host:port. Needs "
            "pip install 'ketacost[dask]' and --output (one file per 100,000 rows, each with "
            "its header).",
        ),
    ] = None,
) -> None:
    """Estimate every combination of a grid of options: one row per scenario, its inputs, then
    the low, typical and high of every total (gross_low, gross_typical, gross_high, ...), the
    financing interest and the warning codes.

    Example: ketacost sweep grid.yaml --output sweep.csv   (grid.yaml: route: all,
    location: all, deductible: [500, 1500, 3000], start: 2027-01-04)
    """
    from ..batch import sweep
    from ..inputs.grid import parse_grid, read_grid_file

    named = dask is None or os.path.splitext(output or "")[1].lower() in _SUFFIXES
    kind = _format(output_format, output if named else None)  # a --dask folder: csv
    if dask is not None:
        _check_dask(dask, kind, output, jobs, force)
    if kind == "parquet":
        from ..batch.parquet import require_pyarrow

        require_pyarrow()
        if output is None or output == "-":
            raise InputError("--format parquet: needs --output FILE (Parquet is not text for a "
                             "terminal or a pipe)", field="--output")  # fmt: skip
    pricing, label = load_model(pricing_file)
    today = dt.date.today()
    grid = parse_grid(read_grid_file(grid_file), pricing, today, grid_file)
    size = grid.size
    if size > LARGE and not yes:
        raise InputError(f"the grid has {size:,} rows, more than {LARGE:,}: add --yes to run it",
                         field=grid_file)  # fmt: skip
    if dask is not None and output is not None:  # (checked: --dask has an --output)
        _dask_sweep(dask, grid, output, pricing, today, label, kind)
        return
    from ..batch.pool import run_batch
    from ..batch.stream import descriptor
    from ..files.output import output_stream

    job = sweep.sweep_job(grid, pricing, today, label, kind)
    workers = jobs or os.cpu_count() or 1
    inputs = [grid_file, pricing_path(pricing_file)]
    parquet = kind == "parquet"
    with _stop_on_sigterm(), _progress(size) as advance, \
            output_stream(output, inputs, force=force, binary=parquet) as out:  # fmt: skip
        sink = None if parquet else descriptor(out)
        chunks = run_batch(sweep.blocks(size), pricing, today, jobs=workers, source=label,
                           sink=sink, job=job)  # fmt: skip
        try:
            if parquet:
                from ..batch.parquet import write_parquet

                pieces = ((c.text, c.text.count(b"\n")) for c in chunks)
                write_parquet(grid, pieces, out.buffer if hasattr(out, "buffer") else out,
                              advance)  # fmt: skip
            else:
                header = sweep.csv_header(grid) if kind == "csv" else b""
                _write_text(chunks, out, sink, header, _by_block(advance, size))
        except BrokenPipeError:  # `ketacost sweep grid.yaml | head`: the reader has what it wanted
            _reader_left()
        finally:
            chunks.close()  # stops the workers now if the loop was left early
    if output not in (None, "-"):
        sys.stderr.write(f"{plural(size, 'row')} written to {output}\n")


def _check_dask(address: str, kind: str, output: str | None, jobs: int | None,
                force: bool) -> None:  # fmt: skip
    """`sweep --dask`: everything the user gave, checked before the grid is read."""
    from ..batch import on_dask

    if output is None or output == "-":
        raise InputError("--dask needs --output PATH: a folder, or a name with * for the part "
                         "number", field="--output")  # fmt: skip
    if kind == "parquet":
        raise InputError("--format parquet: not with --dask, which writes csv or jsonl parts",
                         field="--format")  # fmt: skip
    for flag, given, why in (("--jobs", jobs is not None, "whose workers make the rows"),
                             ("--force", force, "which writes only new files")):  # fmt: skip
        if given:
            raise InputError(f"{flag}: not with --dask, {why}", field=flag)
    on_dask.check_address(address)
    on_dask.require_dask()


def _dask_sweep(address: str, grid: Any, output: str, pricing: Any, today: dt.date, label: str,
                kind: str) -> None:  # fmt: skip
    from ..batch import on_dask
    from ..batch.sweep_dask import run_sweep_dask

    target = on_dask.check_output(output)
    if "*" not in output:  # a folder: its parts are named for their format
        target = target._replace(pattern=target.pattern.removesuffix(".jsonl") + "." + kind)
    with _stop_on_sigterm():
        result = run_sweep_dask(address, grid, target, pricing, today, source=label, form=kind)
    sys.stderr.write(
        f"{plural(result.records, 'row')} written into {plural(result.files, 'file')} at {output}\n"
    )


def _by_block(
    advance: Callable[[int], None] | None, size: int
) -> Callable[[int, int], None] | None:
    """The batch stream's progress (records, failed), where a record is a block of rows."""
    if advance is None:
        return None
    from ..batch.sweep import BLOCK

    return lambda blocks, _failed: advance(min(blocks * BLOCK, size))


def _write_text(chunks: Any, out: Any, sink: int | None, header: bytes,
                progress: Callable[[int, int], None] | None) -> None:  # fmt: skip
    from ..batch.stream import binary_writer, write_chunks

    write, flush = binary_writer(out)
    if header:
        write(header)
        flush()
    write_chunks(chunks, out, sink, progress=progress)


def _format(given: str | None, output: str | None) -> str:
    if given is not None:
        kind = given.strip().lower()
        if kind not in ("csv", "jsonl", "parquet"):
            raise InputError(f"--format: must be csv, jsonl or parquet, not {given!r}",
                             field="--format")  # fmt: skip
        return kind
    if output is None or output == "-":
        return "csv"
    suffix = os.path.splitext(output)[1].lower()
    if suffix not in _SUFFIXES:
        raise InputError(f"--output: {output!r} has no suffix of a table (.csv, .jsonl or "
                         ".parquet); give --format", field="--output")  # fmt: skip
    return _SUFFIXES[suffix]


class _NoProgress:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _progress(size: int) -> Any:
    """A progress bar on stderr for a long grid when stderr is a terminal; its ``advance(rows
    done)`` (None otherwise)."""
    if size < LONG or not sys.stderr.isatty():
        return _NoProgress()
    return _bar(size)


def _bar(size: int) -> Any:
    import contextlib

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    @contextlib.contextmanager
    def bar() -> Iterator[Callable[[int], None]]:
        progress = Progress("estimating", BarColumn(), MofNCompleteColumn(),
                            TimeRemainingColumn(), console=console(stderr=True),
                            transient=True)  # fmt: skip
        task = progress.add_task("sweep", total=size)
        with progress:
            yield lambda done: progress.update(task, completed=done)

    return bar()
