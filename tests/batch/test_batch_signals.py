"""Batch stops cleanly (issue 13, item 2): real processes, real signals, bounded in time.

Ctrl-C (SIGINT to the whole process group, as a terminal sends it) and SIGTERM stop `batch
--jobs N` at once, print no traceback, leave no process and no temporary output file behind;
`batch | head -1` exits 0, so `set -o pipefail` scripts work.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO

pytestmark = pytest.mark.skipif(not hasattr(os, "killpg"), reason="POSIX signals only")
KETACOST = [sys.executable, "-m", "ketacost"]
TIMEOUT = 20  # seconds; a deadlock fails the test instead of hanging the suite


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A batch long enough to be still running when the signal comes."""
    spec = importlib.util.spec_from_file_location("workload", REPO / "benchmarks" / "workload.py")
    assert spec is not None and spec.loader is not None
    workload = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(workload)
    path = tmp_path_factory.mktemp("signals") / "scenarios.jsonl"
    path.write_text("".join(workload.mixed_lines(1000)) * 40)
    return path


@contextlib.contextmanager
def started(*args: str, **kwargs: object) -> Iterator[subprocess.Popen[bytes]]:
    """Run ketacost in its own process group; whatever happens, nothing of it outlives the test."""
    proc = subprocess.Popen(
        [*KETACOST, *args],
        stderr=subprocess.PIPE,
        start_new_session=True,
        **kwargs,  # type: ignore[call-overload]
    )
    try:
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=TIMEOUT)


def group_is_gone(pgid: int) -> bool:
    """True when no process of the group is left (workers included), within a second."""
    deadline = time.monotonic() + 1
    while True:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def test_ctrl_c_stops_every_worker_at_once_and_quietly(scenarios: Path) -> None:
    with started("batch", str(scenarios), "--jobs", "4", stdout=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith(b'{"line":1,')  # workers are busy now
        os.killpg(proc.pid, signal.SIGINT)  # the terminal's Ctrl-C reaches every process
        _, err = proc.communicate(timeout=TIMEOUT)
        assert proc.returncode == 130
        assert err == b""  # no KeyboardInterrupt or BrokenPipeError traceback from any worker
        assert group_is_gone(proc.pid)


def test_sigterm_stops_workers_and_removes_the_temporary_output(
    scenarios: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out.jsonl"
    with started("batch", str(scenarios), "--jobs", "2", "--output", str(target)) as proc:
        deadline = time.monotonic() + TIMEOUT
        while not any(p.stat().st_size for p in tmp_path.glob(".out.jsonl.*.tmp")):
            assert time.monotonic() < deadline, "no output was being written"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGTERM)  # to the parent only, as `kill PID` does
        _, err = proc.communicate(timeout=TIMEOUT)
        assert (proc.returncode, err) == (143, b"")
        assert group_is_gone(proc.pid)
    assert list(tmp_path.iterdir()) == []  # neither the target nor a temporary file


def test_a_reader_that_leaves_early_is_not_an_error(scenarios: Path) -> None:
    command = " ".join([*KETACOST, "batch", str(scenarios), "--jobs", "2"])
    run = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {command} | head -1"],
        capture_output=True,
        timeout=TIMEOUT,
        start_new_session=True,
    )
    assert (run.returncode, run.stderr) == (0, b"")
    assert run.stdout.startswith(b'{"line":1,') and run.stdout.count(b"\n") == 1
