"""`batch --jobs N`: worker processes give the same bytes as one process, in input order.

The workers' pipes are bounded: a task larger than its pipe waits in the parent while results
are read, and output larger than a pipe is read in pieces; a worker killed from outside stops the
batch with one error line instead of a hang.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import TODAY
from test_batch_signals import TIMEOUT, scenarios, started  # noqa: F401 (a fixture)

from ketacost.batch import pool, records
from ketacost.batch.pool import run_batch
from ketacost.batch.records import CHUNK, jsonl_records
from ketacost.rules.model import PricingModel

GOOD = '{"route": "spravato", "deductible": 1500, "coinsurance": 20, "start": "2026-11-27"}\n'


def _output(lines: list[str], pricing: PricingModel, jobs: int) -> bytes:
    chunks = run_batch(jsonl_records(lines), pricing, TODAY, jobs=jobs)
    return b"".join(chunk.text for chunk in chunks)


def test_workers_give_the_bytes_of_one_process_in_order(pricing: PricingModel) -> None:
    # chunks of every size up to a few, some with errors, the last one short
    lines = [GOOD if i % 7 else '{"route": "xx"}\n' for i in range(5 * CHUNK + 3)]
    one = _output(lines, pricing, 1)
    assert one.count(b"\n") == len(lines)
    assert _output(lines, pricing, 2) == one
    assert _output(lines, pricing, 3) == one


def test_without_fork_the_work_is_done_in_this_process(
    pricing: PricingModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where processes cannot be forked (Windows), --jobs N gives the same bytes, unforked."""
    lines = [GOOD if i % 7 else '{"route": "xx"}\n' for i in range(2 * CHUNK + 3)]
    one = _output(lines, pricing, 1)
    monkeypatch.setattr(pool, "can_fork", lambda: False)
    monkeypatch.setattr(pool, "_Workers", None)  # a worker would fail: None is not callable
    assert _output(lines, pricing, 2) == one


def test_tasks_and_output_larger_than_a_pipe(pricing: PricingModel) -> None:
    """Tasks of a few MB (records near the 1 MiB line limit) and outputs of several MB."""
    big = '{"route": "iv", "unknown": "' + "x" * 1_000_000 + '"}\n'
    lines = [big] * 3 + [GOOD] * (3 * CHUNK) + [big] * 4 + [GOOD] * CHUNK
    one = _output(lines, pricing, 1)
    assert _output(lines, pricing, 2) == one


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
def test_a_killed_worker_stops_the_batch_with_one_error_line(scenarios: Path) -> None:  # noqa: F811
    with started("batch", str(scenarios), "--jobs", "2", stdout=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith(b'{"line":1,')
        deadline = time.monotonic() + TIMEOUT
        while len(_children(proc.pid)) < 2:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        os.kill(_children(proc.pid)[0], signal.SIGKILL)
        out, err = proc.communicate(timeout=TIMEOUT)
        assert proc.returncode == 1
        assert err == (
            b"Error: batch: a worker process was killed by signal 9 before it finished its "
            b"records\n"
        )
        assert b"Traceback" not in out


def test_workers_from_standard_input() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "ketacost", "batch", "-", "--jobs", "2"],
        input=GOOD * 3,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert (run.returncode, run.stderr) == (0, "")
    assert [line[:10] for line in run.stdout.splitlines()] == [f'{{"line":{n},' for n in (1, 2, 3)]


def _batch_to_file(path: Path, target: Path, *args: str, mode: str = "wb") -> bytes:
    with target.open(mode) as out:
        subprocess.run(
            [sys.executable, "-m", "ketacost", "batch", str(path), *args],
            stdout=out,
            stderr=subprocess.DEVNULL,
            timeout=TIMEOUT,
        )
    return target.read_bytes()


@pytest.mark.parametrize("how", ["stdout", "append", "output", "fail-fast"])
def test_output_spliced_to_a_file_is_the_bytes_of_one_process(how: str, tmp_path: Path) -> None:
    """Chunks without errors (here every other one) go from the workers' pipes straight to the
    file (Linux splice), the others through the parent: in order either way; a file opened to
    append takes no splice and gets the same bytes."""
    path = tmp_path / "in.jsonl"
    path.write_text("".join(GOOD if (i + 1) % 97 else "nope\n" for i in range(8 * CHUNK)))
    args = ["--fail-fast"] if how == "fail-fast" else []
    expected = _batch_to_file(path, tmp_path / "one.jsonl", "--jobs", "1", *args)
    assert expected.count(b"\n") == (97 if how == "fail-fast" else 8 * CHUNK)
    target = tmp_path / "two.jsonl"
    if how == "output":
        _batch_to_file(path, tmp_path / "unused", "--jobs", "2", "--output", str(target))
        assert target.read_bytes() == expected
    elif how == "append":
        target.write_bytes(b"before\n")
        assert _batch_to_file(path, target, "--jobs", "2", mode="ab") == b"before\n" + expected
    else:
        assert _batch_to_file(path, target, "--jobs", "2", *args) == expected


def test_fresh_workers_take_over_in_order(
    pricing: PricingModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker serves SERVED chunks, then a fresh one is forked in its place; the chunks it
    still owes are read first, and the output is the same bytes."""
    lines = [GOOD if i % 11 else '{"route": "xx"}\n' for i in range(9 * CHUNK + 7)]
    one = _output(lines, pricing, 1)
    monkeypatch.setattr(pool, "SERVED", 1)
    assert _output(lines, pricing, 2) == one
    monkeypatch.setattr(pool, "SERVED", 2)
    assert _output(lines, pricing, 3) == one


def test_a_bug_in_a_worker_is_the_error_one_process_gives(
    pricing: PricingModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a traceback from the worker and "a worker stopped": the error itself, as --jobs 1
    raises it (the CLI prints it as `Error: unexpected TypeError: …`)."""

    def boom(*args: object) -> tuple[bytes, bool]:
        raise TypeError("simulated bug")

    monkeypatch.setattr(records, "estimate_record", boom)  # the forked workers have it too
    for jobs in (1, 2):
        with pytest.raises(TypeError, match=r"^simulated bug$"):
            _output([GOOD] * (3 * CHUNK), pricing, jobs)


def test_a_worker_gone_after_its_last_chunk_is_not_an_error(pricing: PricingModel) -> None:
    workers = pool._Workers(2, pricing, TODAY, "builtin")
    gone = workers.workers[0].process
    gone.kill()
    gone.join()
    workers.stop()  # sending it the stop message fails: nothing was owed, nothing is lost


def test_many_workers_leave_the_pipe_allowance_alone(pricing: PricingModel) -> None:
    """Enlarged pipes count against the user's allowance for all programs: only up to
    ENLARGED_JOBS workers get one."""
    fcntl = pytest.importorskip("fcntl")
    if not hasattr(fcntl, "F_GETPIPE_SZ"):
        pytest.skip("the pipe size cannot be read here")
    workers = pool._Workers(pool.ENLARGED_JOBS + 1, pricing, TODAY, "builtin")
    try:
        sizes = {fcntl.fcntl(w.results, fcntl.F_GETPIPE_SZ) for w in workers.workers}
    finally:
        workers.stop()
    assert max(sizes) < pool.PIPE_SIZE


def test_bytes_waiting_in_a_pipe() -> None:
    read, write = os.pipe()
    try:
        os.write(write, b"x" * 1000)
        assert pool._waiting(read) == 1000
    finally:
        os.close(read)
        os.close(write)


def _to_sink(lines: list[str], pricing: PricingModel, target: Path) -> int:
    """Run with workers writing to ``target`` as the sink; the chunks that came back with text."""
    with target.open("wb") as out:
        texts = 0
        for chunk in run_batch(jsonl_records(lines), pricing, TODAY, jobs=2, sink=out.fileno()):
            assert chunk.written or chunk.failed
            out.write(chunk.text)
            out.flush()
            texts += not chunk.written
    return texts


def test_output_not_yet_whole_in_its_pipe_is_passed_on_in_pieces(
    pricing: PricingModel, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A chunk whose worker is still writing it is copied to the sink as it comes, in pieces of
    STREAM bytes and whole lines, rather than read whole into the parent (the parent's peak
    memory grew by a chunk, up to 1 MB, 40% of the time); chunks with an error still come back
    as text."""
    lines = [GOOD if i % 97 else "nope\n" for i in range(6 * CHUNK)]
    one = _output(lines, pricing, 1)
    monkeypatch.setattr(pool, "_waiting", lambda pipe: 0)  # never all there: no splice
    monkeypatch.setattr(pool, "STREAM", 1000)  # lines of about 15 KB: cut in pieces
    target = tmp_path / "out.jsonl"
    assert _to_sink(lines, pricing, target) == 4  # the chunks of lines 1, 98, 195, 292
    assert target.read_bytes() == one


def test_a_worker_dying_mid_chunk_leaves_whole_lines(
    pricing: PricingModel, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    parent = os.getpid()
    write_all = pool._write_all

    def dies_halfway(fd: int, parts: list[bytes]) -> None:
        if os.getpid() == parent:
            write_all(fd, parts)
            return
        data = b"".join(parts)
        write_all(fd, [data[: len(data) // 2]])  # the header, the first lines, half of one
        os._exit(9)

    monkeypatch.setattr(pool, "_write_all", dies_halfway)  # the forked workers have it too
    monkeypatch.setattr(pool, "_waiting", lambda pipe: 0)
    target = tmp_path / "out.jsonl"
    with pytest.raises(pool.WorkerDied):
        _to_sink([GOOD] * (2 * CHUNK), pricing, target)
    written = target.read_bytes()
    assert written.endswith(b"\n") and written.count(b"\n") > 1
    assert [line[:9] for line in written.splitlines()][:2] == [b'{"line":1', b'{"line":2']


def test_output_waits_in_its_pipe_until_its_turn(
    pricing: PricingModel, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A worker ahead of its turn leaves its output in its pipe: the parent read it whole and
    held it (40% of chunks, up to 1 MB each). Every chunk is spliced in turn."""
    lines = [GOOD] * (8 * CHUNK)
    one = _output(lines, pricing, 1)
    read = pool._Workers._read
    sizes: list[int] = []

    def watched(self: pool._Workers, worker: pool._Worker, size: int) -> bytes:
        sizes.append(size)
        return read(self, worker, size)

    monkeypatch.setattr(pool._Workers, "_read", watched)
    target = tmp_path / "out.jsonl"
    assert _to_sink(lines, pricing, target) == 0
    assert target.read_bytes() == one
    assert sizes == [pool._RESULT.size] * 8  # only the chunks' headers were read


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc")
def test_retired_workers_leave_no_open_files(
    pricing: PricingModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker retired after its chunks had all been read stayed on the retired list: its
    process, and the pipe multiprocessing watches it by, were never let go. About one open
    file more every 3,300 records: with the usual limit of 1,024, a batch of some 3 million
    records stopped with "Too many open files" (with 48, after 80,050 records)."""
    monkeypatch.setattr(pool, "SERVED", 1)  # a fresh worker every chunk
    before = len(os.listdir("/proc/self/fd"))
    counts = []
    for _ in run_batch(jsonl_records([GOOD] * (12 * CHUNK)), pricing, TODAY, jobs=2):
        counts.append(len(os.listdir("/proc/self/fd")) - before)
    assert max(counts) <= 8  # two workers' pipes and sentinels, one being replaced
    assert len(os.listdir("/proc/self/fd")) == before
