"""Batch on a Dask cluster (the optional ``ketacost[dask]`` extra): ``batch --dask ADDRESS``.

Dask does the distribution; this module only says what a partition is and what to do with it.
Everything a user can get wrong is checked here before a cluster starts (:func:`check_address`,
:func:`check_output`, :func:`check_inputs`), with fsspec, so URLs (``s3://…``) work too.

Inputs are read as bytes with ``dask.bytes.read_bytes`` (local paths, globs, fsspec URLs):
JSONL files in blocks of ``blocksize`` bytes cut after a line feed, CSV files (and compressed
or empty ones) one block each (a CSV header is only at the top of a file). Each file's format is
decided as the plain ``batch`` decides it for its one file (:func:`ketacost.batch.sniff`), and a
block's lines are read by the very function that reads the plain batch's file, so both give the
same records: lines end in LF, CRLF or a bare CR, a byte-order mark is dropped, a line over
``MAX_LINE`` characters is its record's error. Every record is estimated by the same pure
function as the plain ``batch`` (:func:`ketacost.batch.estimate_record`) with its line number in
its file; each block is written, in input order, to one output file, empty when it holds no
record, so the files joined in name order are the plain batch's output byte for byte.

The output is only ever new files: a new or empty folder, or a ``*`` name nothing matches yet.
A run that fails or is stopped removes what it wrote. Dask is imported only here, and this
module only when ``--dask`` is given.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import io
import logging
import posixpath
import sys
from collections.abc import Iterator
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from ..core.errors import InputError, KetacostError, printable
from ..files.lines import LineTooLong, bounded_lines, runaway, without_bom
from ..rules.model import PricingModel
from .records import csv_records, estimate_record, jsonl_records, sniff

LOCAL_WORKERS = 2  # `--dask local`: a small cluster on this machine, one thread a worker
BLOCKSIZE = 32 * 2**20  # bytes of JSONL a partition
SCHEMES = ("tcp", "tls", "ucx")  # scheduler addresses distributed connects to


class DaskResult(NamedTuple):
    records: int
    failed: int
    files: int


class Source(NamedTuple):
    """One input file, checked: how fsspec names it, how messages name it, how to read it."""

    path: str  # as fsspec names it (an absolute local path, or a URL)
    label: str  # as the user gave it (the file matched, for a glob)
    kind: str  # jsonl | csv
    size: int
    compression: str | None  # gzip…, by the name, as dask reads it


class Output(NamedTuple):
    """Where the parts go: ``pattern`` with one ``*`` for the part's number."""

    given: str
    pattern: str
    folder: str | None  # a folder this run creates, removed with the parts if the run fails


def require_dask() -> None:
    """Refuse ``--dask`` without the extra, before anything else needs it."""
    import importlib.util

    if any(importlib.util.find_spec(name) is None for name in ("dask", "distributed", "fsspec")):
        raise InputError(
            "--dask: needs the dask extra: pip install 'ketacost[dask]'", field="--dask"
        )


def check_address(address: str) -> None:
    """``local``, or ``tcp://host:port`` (also ``tls://``, ``ucx://``): refused before any
    connection is tried when it cannot be a scheduler's address."""
    if address == "local":
        return
    example = "give local or a scheduler address like tcp://host:8786"
    parts = urlsplit(address)
    if parts.scheme not in SCHEMES or "://" not in address:
        raise InputError(f"--dask: {address!r} is not an address; {example}", field="--dask")
    if not parts.hostname:
        raise InputError(f"--dask: {address} names no host; {example}", field="--dask")
    raw = parts.netloc.rpartition("]")[2].rpartition(":")[2] if ":" in parts.netloc else ""
    if not raw:
        raise InputError(f"--dask: {address} names no port; {example}", field="--dask")
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise InputError(
            f"--dask: {address}: the port must be a number from 1 to 65535, not {raw}",
            field="--dask",
        )
    if parts.path.strip("/") or parts.query or parts.fragment:
        raise InputError(f"--dask: {address} has more than host:port; {example}", field="--dask")


def _filesystem(url: str, label: str) -> tuple[Any, str]:
    """fsspec's file system for ``url`` and the path in it; a missing library (s3fs, gcsfs)
    is the user's to install, in fsspec's own words."""
    from fsspec.core import url_to_fs

    try:
        fs, path = url_to_fs(url)
    except ImportError as exc:
        raise InputError(f"{label}: {exc}", field=label) from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{label}: {url}: {exc}", field=label) from None
    return fs, str(path)


def check_output(output: str) -> Output:
    """The output, if it names only new files: a new or empty folder (parts ``00000.jsonl``,
    ``00001.jsonl``, …), or a name with one ``*`` that no file matches yet. A file a user wrote
    is never overwritten, and no part of an earlier run is left among this run's."""
    label = "--output"
    stars = output.count("*")
    if stars > 1:
        raise InputError(
            f"--output: takes at most one * (where the part's number goes), not {stars}: {output}",
            field=label,
        )
    fs, path = _filesystem(output, label)
    if stars:
        folder = posixpath.dirname(path)
        if "*" in folder:
            raise InputError(
                f"--output: the * goes in the file name, not in a folder: {output}", field=label
            )
        taken = sorted(fs.glob(_literally(path)))
        if taken:
            raise InputError(
                f"--output: {taken[0]} exists; batch --dask writes its parts only as new files "
                "(remove the old ones or choose another name)",
                field=label,
            )
        pattern = output
    else:
        folder = path.rstrip("/") or path
        if fs.isfile(folder):
            raise InputError(
                f"--output: {output} is a file; give a folder (new or empty) or a name with * "
                "for the part's number",
                field=label,
            )
        if fs.isdir(folder) and fs.ls(folder, detail=False):
            raise InputError(
                f"--output: {output} is not empty; batch --dask writes its parts into a new or "
                "empty folder",
                field=label,
            )
        pattern = output.rstrip("/") + "/*.jsonl"
    return Output(output, pattern, _first_missing(fs, folder))


def _literally(pattern: str) -> str:
    """A glob matching the names ``pattern`` makes with its ``*`` and nothing else: fsspec
    reads ``?`` and ``[…]`` as wildcards too (``res[1]/part-*`` matched no ``res[1]/part-0``,
    and a user's file there was overwritten)."""
    before, star, after = pattern.partition("*")
    return glob.escape(before) + star + glob.escape(after)


def _first_missing(fs: Any, folder: str) -> str | None:
    """The outermost folder of ``folder``'s path that does not exist yet (the run makes it, and
    removes it if it fails); None when ``folder`` exists."""
    missing = None
    while folder and not fs.exists(folder):
        missing = folder
        parent = posixpath.dirname(folder.rstrip("/"))
        if parent == folder:
            break
        folder = parent
    return missing


def check_inputs(sources: list[str], input_format: str | None) -> list[Source]:
    """Every file the inputs name (globs and URLs expanded), each readable, with its format:
    ``input_format`` for all, or each file's own, as the plain batch decides it."""
    from fsspec.core import get_fs_token_paths

    files = []
    for source in sources:
        fs, _ = _filesystem(source, source)
        try:
            _, _, paths = get_fs_token_paths(source, mode="rb")
        except (OSError, ValueError) as exc:
            raise InputError(f"{source}: cannot read: {exc}", field=source) from None
        if not paths:
            raise InputError(f"{source}: no file matches it", field=source)
        expanded = "*" in source  # fsspec's one wildcard in reading; a match is named as found
        for path in paths:
            files.append(_check_file(fs, path, path if expanded else source, input_format))
    return files


def _check_file(fs: Any, path: str, label: str, input_format: str | None) -> Source:
    from fsspec.utils import infer_compression

    def unreadable(why: str) -> InputError:
        return InputError(f"{label}: cannot read: {why}", field=label)

    try:
        info = fs.info(path)
    except OSError as exc:
        raise unreadable(exc.strerror or str(exc)) from None
    if info["type"] == "directory":
        raise unreadable("Is a directory")
    if info["type"] != "file":
        raise unreadable("not a regular file; batch --dask reads files")
    compression = infer_compression(path)
    name = path.rsplit(".", 1)[0] if compression else path  # x.jsonl.gz is JSONL
    try:
        with (
            fs.open(path, "rb", compression=compression) as raw,
            io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="") as text,
        ):
            head = _head(without_bom(bounded_lines(text, label), label))
    except OSError as exc:
        raise unreadable(exc.strerror or str(exc)) from None
    kind = (input_format or sniff(head, name)).lower()
    if kind not in ("jsonl", "csv"):
        raise InputError(f"--input-format: must be jsonl or csv, not {kind!r}",
                         field="--input-format")  # fmt: skip
    if kind == "csv":  # its header, checked here rather than in a task on the cluster
        for _ in csv_records(head):
            pass
    return Source(path, label, kind, int(info.get("size") or 0), compression)


def _head(lines: Iterator[str]) -> list[str]:
    """The lines up to the first one that can be a record: what :func:`sniff` decides by."""
    head = []
    for line in lines:
        head.append(line)
        if line.strip() and not isinstance(line, LineTooLong):
            return head
    return head


@contextlib.contextmanager
def _client(address: str | None) -> Iterator[Any]:
    """A client of the scheduler at ``address``, or of a LocalCluster for ``local``; closed (and
    the local workers stopped) when the block ends. None: no client."""
    if address is None:
        yield None
        return
    from dask.distributed import Client, LocalCluster

    if address == "local":
        with (
            LocalCluster(
                n_workers=LOCAL_WORKERS,
                threads_per_worker=1,
                processes=True,
                memory_limit="1GiB",
                dashboard_address=None,
                # a task's error (a line with no end) comes back to the client and is
                # reported in one line; the workers' own logs of it would be a traceback
                silence_logs=logging.CRITICAL,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = Client(address, timeout="10s")
    except OSError as exc:
        raise InputError(f"--dask: cannot reach {address}: {exc}", field="--dask") from None
    with client:
        yield client


def run_dask(
    address: str | None,
    inputs: list[Source],
    output: Output,
    pricing: PricingModel,
    today: dt.date,
    *,
    source: str = "builtin",
    blocksize: int = BLOCKSIZE,
) -> DaskResult:
    """Estimate every record of ``inputs`` on the cluster at ``address`` (None: the scheduler
    dask is set to use) into ``output``'s parts. If the run fails or is stopped (Ctrl-C,
    SIGTERM), the parts written so far are removed, and the folder if this run made it: never
    half a result."""
    try:
        with _client(address), _quiet_when_stopped():
            import dask
            import dask.bag as db

            shared_pricing = dask.delayed(pricing)
            results = db.from_delayed([
                dask.delayed(_estimate_block)(
                    block, first, start, file.kind, file.label, shared_pricing, today, source
                )
                for file, first, start, block in _blocks(inputs, blocksize)
            ])  # fmt: skip
            writes = results.pluck(0).to_textfiles(
                output.pattern, name_function=_part_name, last_endline=False, compute=False
            )
            total, failed = results.pluck(1).sum(), results.pluck(2).sum()
            *_, total_n, failed_n = dask.compute(*writes, total, failed)
            return DaskResult(int(total_n), int(failed_n), len(writes))
    except BaseException as exc:
        if _remove_output(output):  # after the client: a local cluster's workers are gone
            note = f"the unfinished output at {output.given} was removed"
            if isinstance(exc, KetacostError):
                exc.message = f"{exc.message} ({note})"
            else:
                sys.stderr.write(printable(f"batch --dask stopped; {note}") + "\n")
        raise


@contextlib.contextmanager
def _quiet_when_stopped() -> Iterator[None]:
    """Ctrl-C or SIGTERM while the client waits: the client's pending waits, cancelled as it
    closes, would each log a traceback ("Task exception was never retrieved") on the way out."""
    try:
        yield
    except (KeyboardInterrupt, SystemExit):
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
        raise


def _blocks(inputs: list[Source], blocksize: int) -> list[tuple[Source, bool, int, Any]]:
    """Every file's blocks in order: ``(file, first in the file, lines before it, its bytes)``.
    Line numbers go on across a file's blocks: the lines of every block but a file's last are
    counted first (a cheap pass; the estimates are the second)."""
    import dask
    from dask.bytes import read_bytes

    blocks: list[tuple[Source, int, Any]] = []  # (file, the block's index in it, its bytes)
    for file in inputs:
        cut = file.kind == "jsonl" and file.compression is None and file.size > 0
        _, (file_blocks,) = read_bytes(file.path, delimiter=b"\n", sample=False,
                                       blocksize=blocksize if cut else None,
                                       compression=file.compression)  # fmt: skip
        blocks += [(file, i, block) for i, block in enumerate(file_blocks)]
    counted = [
        k for k, (file, _, _) in enumerate(blocks)
        if k + 1 < len(blocks) and blocks[k + 1][0] is file
    ]  # fmt: skip
    counts = dask.compute(*(
        dask.delayed(_count_lines)(blocks[k][2], blocks[k][1] == 0, blocks[k][0].label)
        for k in counted
    ))  # fmt: skip
    lines_in = dict(zip(counted, counts, strict=True))
    out = []
    start = 0
    for k, (file, i, block) in enumerate(blocks):
        start = 0 if i == 0 else start + lines_in[k - 1][0]
        count, ran_away = lines_in.get(k, (0, False))
        if ran_away:
            raise runaway(file.label, start + count)
        out.append((file, i == 0, start, block))
    return out


def _part_name(number: int) -> str:
    return f"{number:05d}"


def _remove_output(output: Output) -> bool:
    """Remove what a run wrote to ``output`` (every file its pattern matches: the checks made
    sure none was there before), and the folders it made; whether there was something, and
    it all went."""
    fs, path = _filesystem(output.pattern, "--output")
    parts = fs.glob(_literally(path))
    for part in parts:
        with contextlib.suppress(OSError):
            fs.rm_file(part)
    folder, top = posixpath.dirname(path), output.folder
    if not parts and (top is None or not fs.exists(top)):
        return False  # it had written nothing
    while top is not None:  # innermost first, up to the one it made, each if empty
        with contextlib.suppress(OSError):
            fs.rmdir(folder)
        parent = posixpath.dirname(folder.rstrip("/"))
        if folder.rstrip("/") == top.rstrip("/") or parent == folder:
            break
        folder = parent
    return not fs.glob(_literally(path))


def _block_lines(block: bytes, first: bool, label: str, start: int = 0) -> Iterator[str]:
    """A block's lines, read as the plain batch reads a file (``files.open_lines``): ended by
    LF, CRLF or a bare CR, over-long ones as ``LineTooLong``, the byte-order mark dropped at the
    start of the file. A block ends after a line feed, so it ends where a line does. ``start``:
    the lines before the block in its file."""
    text = io.StringIO(block.decode("utf-8", errors="replace"), newline="")
    lines = bounded_lines(text, label, start)
    return without_bom(lines, label) if first else lines


def _count_lines(block: bytes, first: bool, label: str) -> tuple[int, bool]:
    """The lines of a block; (n, True) when its line n runs past MAX_SKIP characters (the error
    is raised once the block's place in its file is known: it names the line in the file)."""
    count = 0
    try:
        for _ in _block_lines(block, first, label):
            count += 1
    except InputError:  # a runaway line (a UTF-16 file was refused before the cluster)
        return count + 1, True
    return count, False


def _estimate_block(
    block: bytes,
    first: bool,
    start: int,
    kind: str,
    label: str,
    pricing: PricingModel,
    today: dt.date,
    source: str,
) -> list[tuple[str, int, int]]:
    """One block's records, estimated in order: one element ``(output text, records, failed)``,
    the text empty when the block holds no record."""
    lines = _block_lines(block, first, label, start)
    records = csv_records(lines) if kind == "csv" else jsonl_records(lines)
    out = []
    failed = 0
    for number, raw in records:
        text, ok = estimate_record(start + number, raw, pricing, today, source)
        out.append(text + b"\n")
        failed += not ok
    return [(b"".join(out).decode("ascii"), len(out), failed)]
