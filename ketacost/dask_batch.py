"""Batch on a Dask cluster (the optional ``ketacost[dask]`` extra): ``batch --dask ADDRESS``.

Dask does the distribution; this module only says what a partition is and what to do with it.
Inputs are read with ``dask.bag.read_text`` (local paths, globs, or fsspec URLs such as
``s3://bucket/scenarios-*.jsonl``), JSONL files in blocks of ``blocksize`` bytes, CSV files one
partition each (a CSV header is only at the top of a file). Every record is estimated by the
same pure function as the plain ``batch`` (:func:`ketacost.batch.estimate_record`) and keeps its
line number in its file; each partition is written, in input order, to one output file. Dask is
imported only here, and this module only when ``--dask`` is given.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Iterator
from typing import Any, NamedTuple

from .batch import csv_records, estimate_record
from .errors import InputError
from .model import PricingModel

LOCAL_WORKERS = 2  # `--dask local`: a small cluster on this machine, one thread a worker
BLOCKSIZE = 32 * 2**20  # bytes of JSONL a partition


class DaskResult(NamedTuple):
    records: int
    failed: int
    files: int


@contextlib.contextmanager
def _client(address: str) -> Iterator[Any]:
    """A client of the scheduler at ``address``, or of a LocalCluster for ``local``; closed (and
    the local workers stopped) when the block ends."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise InputError(
            "--dask: needs the dask extra: pip install 'ketacost[dask]'", field="--dask"
        ) from None
    if address == "local":
        with (
            LocalCluster(
                n_workers=LOCAL_WORKERS,
                threads_per_worker=1,
                processes=True,
                memory_limit="1GiB",
                dashboard_address=None,
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    if not address.startswith(("tcp://", "tls://", "ucx://", "inproc://")):
        raise InputError(
            f"--dask: must be local or a scheduler address like tcp://host:8786, not {address!r}",
            field="--dask",
        )
    try:
        client = Client(address, timeout="10s")
    except OSError as exc:
        raise InputError(f"--dask: cannot reach {address}: {exc}", field="--dask") from None
    with client:
        yield client


def run_dask(
    address: str,
    inputs: list[str],
    output: str,
    pricing: PricingModel,
    today: dt.date,
    *,
    source: str = "builtin",
    input_format: str | None = None,
    blocksize: int = BLOCKSIZE,
) -> DaskResult:
    """Estimate every record of ``inputs`` on the cluster; write ``output`` (a path with ``*``,
    replaced by the partition's number, or a folder: ``00000.jsonl``, ``00001.jsonl``, …)."""
    import dask
    import dask.bag as db

    kind = (input_format or _kind_by_name(inputs)).lower()
    if kind not in ("jsonl", "csv"):
        raise InputError(f"--input-format: must be jsonl or csv, not {kind!r}",
                         field="--input-format")  # fmt: skip
    with _client(address):
        try:
            lines = db.read_text(
                inputs,
                blocksize=None if kind == "csv" else blocksize,
                include_path=True,
                errors="replace",
            )
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot read {' '.join(inputs)}: {exc}", field="FILE") from None
        # Line numbers: how many lines each partition holds, then where each one starts in its
        # file (a first, cheap pass; the estimates are the second).
        counts = lines.map_partitions(_count).compute()
        starts: list[int] = []
        path, first = None, 0
        for part_path, count in counts:
            if part_path is not None and part_path != path:
                path, first = part_path, 0
            starts.append(first)
            first += count
        start_bag = db.from_sequence(starts, npartitions=len(starts))
        results = db.map_partitions(
            _estimate_partition, lines, start_bag, dask.delayed(pricing), today, source, kind
        )
        writes = results.pluck(0).to_textfiles(
            output if "*" in output else output.rstrip("/") + "/*.jsonl",
            name_function=lambda i: f"{i:05d}",
            last_endline=True,
            compute=False,
        )
        total = results.count()
        failed = results.pluck(1).filter(_is_false).count()
        *_, total_n, failed_n = dask.compute(*writes, total, failed)
    return DaskResult(int(total_n), int(failed_n), len(writes))


def _kind_by_name(inputs: list[str]) -> str:
    return "csv" if all(name.lower().endswith((".csv", ".csv.gz")) for name in inputs) else "jsonl"


def _count(items: list[tuple[str, str]]) -> list[tuple[str | None, int]]:
    return [(items[0][1] if items else None, len(items))]


def _is_false(value: bool) -> bool:
    return not value


def _estimate_partition(
    items: list[tuple[str, str]],
    starts: list[int],
    pricing: PricingModel,
    today: dt.date,
    source: str,
    kind: str,
) -> list[tuple[str, bool]]:
    """One partition's records, estimated in order: ``(output line, ok)`` for each."""
    (start,) = starts
    lines = [line for line, _ in items]
    if start == 0 and lines:
        lines[0] = lines[0].removeprefix("\ufeff")  # Excel's byte-order mark, as plain batch
    if kind == "csv":
        records: Any = csv_records(lines)
    else:
        records = ((start + i, line) for i, line in enumerate(lines, start=1) if line.strip())
    out = []
    for number, raw in records:
        text, ok = estimate_record(number, raw, pricing, today, source)
        out.append((text.decode("ascii"), ok))
    return out
