"""``ketacost batch``: many scenarios in, one JSON estimate a line out, with the worker pool or on
Dask; its options, checks and messages. The records, the pool and the output stream are
``ketacost.batch``'s.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from collections.abc import Callable, Iterator
from typing import Annotated, Any

import typer

from ..core.errors import InputError
from ..core.words import plural
from .options import ForceOpt, OutputOpt, PricingOpt
from .output import _reader_left, console, say
from .runs import load_model, pricing_path


def batch_command(
    ctx: typer.Context,
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[FILE|-]...",
            help="JSONL or CSV scenarios; - (default) reads stdin. With --dask: any number of "
            "files, globs or URLs (s3://…).",
            show_default=False,
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", help="Worker processes [default: all cores].", min=1, max=64),
    ] = None,
    fail_fast: Annotated[
        bool, typer.Option("--fail-fast", help="Stop at the first bad record.")
    ] = False,
    input_format: Annotated[
        str | None,
        typer.Option(
            "--input-format",
            metavar="jsonl|csv",
            help="Input format [default: by the name, .jsonl or .csv; else the first line].",
        ),
    ] = None,
    pricing_file: PricingOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            metavar="ADDRESS",
            help="Run on a Dask cluster: local (two workers here) or tcp://host:port. Needs "
            "pip install 'ketacost[dask]' and --output (one file per partition).",
        ),
    ] = None,
    brief: Annotated[
        bool,
        typer.Option("--brief", help="Only line, id, scenario, totals, tax and the warning "
                     "codes of each estimate."),
    ] = False,
    output_format: Annotated[
        str | None,
        typer.Option("--format", metavar="jsonl|csv", show_default=False,
                     help="Output: jsonl (an estimate a line) or csv (one row a record: line, id, "
                     "then the low, typical and high of every total, the warning codes, the "
                     "error) [default: jsonl]."),
    ] = None,
    blocksize: Annotated[
        int | None,
        typer.Option(
            "--blocksize",
            metavar="BYTES",
            min=1024,
            help="With --dask: JSONL bytes a partition [default: 33554432, 32 MiB].",
        ),
    ] = None,
) -> None:
    """Estimate many scenarios: JSONL or CSV in, one JSON estimate per line out, in order.

    A bad record becomes {"line": N, "error": {...}} and the run goes on; exit 4 if any failed.

    A record may carry an id (text, up to 200 characters), echoed in its output.

    Example: ketacost batch scenarios.jsonl --jobs 2 | jq .totals.net_cost.typical
    """
    from ..batch.pool import record_job, run_batch
    from ..batch.records import csv_records, jsonl_records, sniff
    from ..batch.stream import descriptor, write_chunks
    from ..core.errors import BatchIncomplete
    from ..files.lines import LineTooLong, open_lines
    from ..files.output import output_stream

    sources = sources or ["-"]
    form = _form(brief, output_format)
    if dask is not None:
        _dask_batch(dask, sources, output, pricing_file, input_format, blocksize,
                    refused=[("--fail-fast", fail_fast, "which estimates every record"),
                             ("--jobs", jobs is not None, "whose workers run the records"),
                             ("--force", force, "which writes only new files"),
                             ("--brief", brief, "which writes whole estimates"),
                             ("--format", output_format is not None,
                              "which writes JSONL estimates")])  # fmt: skip
        return
    if blocksize is not None:  # it was silently ignored
        raise InputError("--blocksize: only with --dask (the bytes of a partition)",
                         field="--blocksize")  # fmt: skip
    if len(sources) > 1:
        raise InputError(
            "batch reads one FILE (or -); several files, globs or URLs need --dask", field="FILE"
        )
    source = sources[0]
    if source == "-" and sys.stdin is None:  # `ketacost batch - <&-`
        raise InputError("FILE: - is standard input, which is closed; give a file or pipe "
                         "scenarios in", field="FILE")  # fmt: skip
    if source == "-" and sys.stdin.isatty():  # nothing piped in: say how, rather than wait
        sys.stderr.write(ctx.get_help() + "\n\n")
        raise InputError("batch: give a FILE, or pipe scenarios in (… | ketacost batch -)",
                         field="FILE")  # fmt: skip
    pricing, label = load_model(pricing_file)
    lines = open_lines(source)
    head: list[str] = []  # blank and over-long lines before the first record still count
    for line in lines:
        head.append(line)
        if line.strip() and not isinstance(line, LineTooLong):
            break
    kind = (input_format or sniff(head, None if source == "-" else source)).lower()
    if kind not in ("jsonl", "csv"):
        raise InputError(f"--input-format: must be jsonl or csv, not {kind!r}",
                         field="--input-format")  # fmt: skip
    import itertools

    everything = itertools.chain(head, lines)
    records = csv_records(everything) if kind == "csv" else jsonl_records(everything)
    workers = jobs or os.cpu_count() or 1
    failed = total = 0
    progress = _progress()
    inputs = [source, pricing_path(pricing_file)]
    with _stop_on_sigterm(), output_stream(output, inputs, force=force) as out:
        sink = descriptor(out)
        if form == "csv":
            from ..batch.tables import csv_header

            out.write(csv_header().decode("ascii"))
            out.flush()
        job = record_job(pricing, dt.date.today(), label, form)
        chunks = run_batch(records, pricing, dt.date.today(), jobs=workers, source=label, sink=sink,
                           job=job)  # fmt: skip
        try:
            total, failed = write_chunks(chunks, out, sink, fail_fast=fail_fast, progress=progress)
        except BrokenPipeError:  # `ketacost batch … | head -1`: the reader has what it wanted
            _reader_left()  # before typer's own EPIPE handler, which would exit 1
        finally:
            chunks.close()  # stops the workers now if the loop was left early
    if failed:
        raise BatchIncomplete(
            f"{failed} of {plural(total, 'record')} failed; see their error lines"
        )


def _form(brief: bool, output_format: str | None) -> str:
    """The form of each output line: full, brief or csv."""
    kind = (output_format or "jsonl").strip().lower()
    if kind not in ("jsonl", "csv"):
        raise InputError(f"--format: must be jsonl or csv, not {output_format!r}",
                         field="--format")  # fmt: skip
    if kind == "csv":
        if brief:
            raise InputError("--brief: not with --format csv, whose rows are brief already",
                             field="--brief")  # fmt: skip
        return "csv"
    return "brief" if brief else "full"


def _dask_batch(
    address: str,
    sources: list[str],
    output: str | None,
    pricing_file: str | None,
    input_format: str | None,
    blocksize: int | None,
    refused: list[tuple[str, bool, str]],
) -> None:
    """`batch --dask`: the same estimates, partitioned by Dask; one output file a partition.
    Everything the user gave is checked before a cluster starts."""
    from ..core.errors import BatchIncomplete

    if output is None or output == "-":
        raise InputError(
            "--dask needs --output PATH: a folder, or a name with * for the partition number",
            field="--output",
        )
    if "-" in sources:
        raise InputError("--dask reads files, globs or URLs, not standard input", field="FILE")
    for flag, given, why in refused:  # each was silently ignored
        if given:
            raise InputError(f"{flag}: not with --dask, {why}", field=flag)
    from ..batch import on_dask as dask_batch

    dask_batch.check_address(address)
    dask_batch.require_dask()
    target = dask_batch.check_output(output)
    inputs = dask_batch.check_inputs(sources, input_format)
    pricing, label = load_model(pricing_file)
    with _stop_on_sigterm():
        result = dask_batch.run_dask(address, inputs, target, pricing, dt.date.today(),
                                     source=label,
                                     blocksize=blocksize or dask_batch.BLOCKSIZE)  # fmt: skip
    say(f"{plural(result.records, 'record')} estimated into {plural(result.files, 'file')} "
        f"at {output}")  # fmt: skip
    if result.failed:
        raise BatchIncomplete(
            f"{result.failed} of {plural(result.records, 'record')} failed; see their error lines"
        )


@contextlib.contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """SIGTERM during a whole batch (not only while a file is written) unwinds like Ctrl-C:
    the workers are stopped, a temporary output file is removed, exit 143."""
    import signal

    from ..files.output import Terminated

    def stop(signum: int, frame: Any) -> None:
        raise Terminated(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread (an embedding program): leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _progress() -> Callable[[int, int], None] | None:
    """A counter on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        return None
    err = console(stderr=True)
    status = err.status("estimating…")
    status.start()
    import atexit

    atexit.register(status.stop)

    def update(done: int, failed: int) -> None:
        status.update(f"{done:,} estimated, {failed:,} failed")

    return update
