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

from ketacost import batch
from ketacost.batch import CHUNK, jsonl_records, run_batch
from ketacost.model import PricingModel

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
    monkeypatch.setattr(batch, "can_fork", lambda: False)
    monkeypatch.setattr(batch, "_Workers", None)  # a worker would fail: None is not callable
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
    monkeypatch.setattr(batch, "SERVED", 1)
    assert _output(lines, pricing, 2) == one
    monkeypatch.setattr(batch, "SERVED", 2)
    assert _output(lines, pricing, 3) == one


def test_a_bug_in_a_worker_is_the_error_one_process_gives(
    pricing: PricingModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a traceback from the worker and "a worker stopped": the error itself, as --jobs 1
    raises it (the CLI prints it as `Error: unexpected TypeError: …`)."""

    def boom(*args: object) -> tuple[bytes, bool]:
        raise TypeError("simulated bug")

    monkeypatch.setattr(batch, "estimate_record", boom)  # the forked workers have it too
    for jobs in (1, 2):
        with pytest.raises(TypeError, match=r"^simulated bug$"):
            _output([GOOD] * (3 * CHUNK), pricing, jobs)


def test_a_worker_gone_after_its_last_chunk_is_not_an_error(pricing: PricingModel) -> None:
    workers = batch._Workers(2, pricing, TODAY, "builtin")
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
    workers = batch._Workers(batch.ENLARGED_JOBS + 1, pricing, TODAY, "builtin")
    try:
        sizes = {fcntl.fcntl(w.results, fcntl.F_GETPIPE_SZ) for w in workers.workers}
    finally:
        workers.stop()
    assert max(sizes) < batch.PIPE_SIZE


def test_bytes_waiting_in_a_pipe() -> None:
    read, write = os.pipe()
    try:
        os.write(write, b"x" * 1000)
        assert batch._waiting(read) == 1000
    finally:
        os.close(read)
        os.close(write)
