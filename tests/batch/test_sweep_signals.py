"""A sweep stops cleanly, as batch does: Ctrl-C and SIGTERM leave no output file, temporary or
whole, no worker and no traceback; `sweep | head -1` exits 0. Real processes, bounded in time."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from test_batch_signals import KETACOST, TIMEOUT, group_is_gone, started

pytestmark = pytest.mark.skipif(not hasattr(os, "killpg"), reason="POSIX signals only")
LONG = "route: all\nlocation: all\ndeductible: [" + ", ".join(str(100 * i) for i in range(1, 60)) \
    + "]\ncoinsurance: [10, 20, 30]\nstart: 2027-01-04\n"  # fmt: skip


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM])
def test_a_stopped_sweep_leaves_no_output_file(tmp_path: Path, how: signal.Signals) -> None:
    grid = tmp_path / "grid.yaml"
    grid.write_text(LONG)
    out = tmp_path / "out" / "sweep.csv"
    out.parent.mkdir()
    with started("sweep", str(grid), "--jobs", "2", "--output", str(out)) as proc:
        deadline = time.monotonic() + TIMEOUT
        while not any(p.stat().st_size for p in out.parent.glob(".sweep.csv.*.tmp")):
            assert time.monotonic() < deadline, "no output was being written"
            time.sleep(0.05)
        if how == signal.SIGINT:
            os.killpg(proc.pid, how)  # a terminal's Ctrl-C reaches every process
        else:
            os.kill(proc.pid, how)
        _, err = proc.communicate(timeout=TIMEOUT)
        assert (proc.returncode, err) == (128 + how, b"")
        assert group_is_gone(proc.pid)
    assert list(out.parent.iterdir()) == []


def test_a_reader_that_leaves_early_is_not_an_error(tmp_path: Path) -> None:
    grid = tmp_path / "grid.yaml"
    grid.write_text(LONG)
    command = " ".join([*KETACOST, "sweep", str(grid), "--jobs", "2"])
    run = subprocess.run(["bash", "-c", f"set -o pipefail; {command} | head -1"],
                         capture_output=True, timeout=TIMEOUT, start_new_session=True)  # fmt: skip
    assert (run.returncode, run.stderr) == (0, b"")
    assert run.stdout.startswith(b"route,location,deductible,coinsurance,start,gross_low,")
