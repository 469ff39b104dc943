"""`batch --dask local`: the same answers as the plain batch, partitioned by Dask (issue 16)."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, run_cli

KETACOST = [sys.executable, "-m", "ketacost"]


def _dask_missing() -> str | None:
    if importlib.util.find_spec("dask") is None:
        return "dask is not installed (pip install 'ketacost[dask]')"
    if importlib.util.find_spec("distributed") is None:
        return "dask.distributed is not installed (pip install 'ketacost[dask]')"
    return None


needs_dask = pytest.mark.skipif(
    _dask_missing() is not None and os.environ.get("KETACOST_REQUIRE_TOOLS") != "1",
    reason=str(_dask_missing()),
)


def _mixed(count: int, seed: int) -> list[str]:
    spec = importlib.util.spec_from_file_location("workload", REPO / "benchmarks" / "workload.py")
    assert spec is not None and spec.loader is not None
    workload = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(workload)
    return list(workload.mixed_lines(count, seed=seed))


@needs_dask
def test_dask_local_gives_the_same_answers_as_batch(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    first = _mixed(60, 1)
    first[10] = '{"route": "x"}\n'  # a bad record stays a per-record error
    first[20] = "\n"  # blank lines still count as lines
    (inputs / "a.jsonl").write_text("".join(first))
    (inputs / "b.jsonl").write_text("".join(_mixed(40, 2)))
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [*KETACOST, "batch", "--dask", "local", str(inputs / "*.jsonl"), "--output", str(out),
         "--blocksize", "4096"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        _, err = proc.communicate(timeout=120)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 4, err  # one record failed, as in the plain batch
    assert err.decode().endswith("Error: 1 of 99 records failed; see their error lines\n")
    files = sorted(out.iterdir())
    assert len(files) > 2  # the files were split into several partitions
    plain = (
        run_cli("batch", str(inputs / "a.jsonl")).out
        + run_cli("batch", str(inputs / "b.jsonl")).out
    )
    assert "".join(f.read_text() for f in files) == plain  # same lines, same order, same bytes
    deadline = time.monotonic() + 5  # the local cluster's workers are gone too
    while True:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        left = subprocess.run(["ps", "-o", "pid,args", "-g", str(proc.pid)], capture_output=True)
        assert time.monotonic() < deadline, left.stdout.decode()
        time.sleep(0.1)


def test_dask_is_imported_only_for_dask(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"route": "im"}\n')
    code = (
        "import sys\nfrom ketacost.cli import main\ntry:\n    main(['batch', sys.argv[1]])\n"
        "except SystemExit:\n    pass\nprint(sorted(m for m in sys.modules if m.startswith(("
        "'dask', 'distributed'))))"
    )
    run = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True)
    assert run.stdout.splitlines()[-1] == "[]"


def test_dask_needs_an_output_and_files(cli: object) -> None:
    run = run_cli("batch", "--dask", "local", "x.jsonl")
    assert (run.code, run.err) == (
        2,
        "Error: --output: --dask needs --output PATH: a folder, or a name with * for the "
        "partition number\n",
    )
    run = run_cli("batch", "a.jsonl", "b.jsonl")
    assert run.code == 2 and "need --dask" in run.err
