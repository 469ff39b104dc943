"""`batch --dask local`: the same answers as the plain batch, partitioned by Dask (issue 16)."""

from __future__ import annotations

import contextlib
import datetime as dt
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
        "import sys\nfrom ketacost.cli.entry import main\ntry:\n    main(['batch', sys.argv[1]])\n"
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


# --- what is checked before a cluster starts (in-process: no cluster, no seconds) -------------


@pytest.mark.parametrize(
    ("flag", "message"),
    [
        (["--fail-fast"], "--fail-fast: not with --dask, which estimates every record"),
        (["--jobs", "2"], "--jobs: not with --dask, whose workers run the records"),
        (["--force"], "--force: not with --dask, which writes only new files"),
    ],
)
def test_dask_refuses_the_plain_batch_options(
    flag: list[str], message: str, tmp_path: Path
) -> None:
    """--fail-fast, --jobs and --force were silently ignored: every record was estimated and
    written all the same."""
    (tmp_path / "a.jsonl").write_text('{"route": "xx"}\n')
    run = run_cli("batch", "--dask", "local", str(tmp_path / "a.jsonl"), "--output",
                  str(tmp_path / "out"), *flag)  # fmt: skip
    assert (run.code, run.out, run.err) == (2, "", f"Error: {message}\n")
    assert not (tmp_path / "out").exists()


def test_blocksize_without_dask_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"route": "iv"}\n')
    run = run_cli("batch", str(tmp_path / "a.jsonl"), "--blocksize", "4096")
    assert (run.code, run.out, run.err) == (
        2, "", "Error: --blocksize: only with --dask (the bytes of a partition)\n"
    )  # fmt: skip


ADDRESS_HINT = "give local or a scheduler address like tcp://host:8786"


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("tcp://127.0.0.1:notaport",
         "tcp://127.0.0.1:notaport: the port must be a number from 1 to 65535, not notaport"),
        ("tcp://127.0.0.1:99999",
         "tcp://127.0.0.1:99999: the port must be a number from 1 to 65535, not 99999"),
        ("tcp://", f"tcp:// names no host; {ADDRESS_HINT}"),
        ("tcp://127.0.0.1", f"tcp://127.0.0.1 names no port; {ADDRESS_HINT}"),
        ("scheduler:8786", f"'scheduler:8786' is not an address; {ADDRESS_HINT}"),
    ],
)  # fmt: skip
def test_dask_refuses_a_malformed_address(address: str, message: str, tmp_path: Path) -> None:
    """A bad address was exit 1 "unexpected" (or, port 99999, a 10 s wait for a timeout)."""
    (tmp_path / "a.jsonl").write_text('{"route": "iv"}\n')
    run = run_cli("batch", "--dask", address, str(tmp_path / "a.jsonl"), "--output",
                  str(tmp_path / "out"))  # fmt: skip
    assert (run.code, run.err) == (2, f"Error: --dask: {message}\n")


@needs_dask
def test_dask_output_names_only_new_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parts went over whatever was there: an input inside the output folder, a user's
    00000.jsonl, or, with fewer partitions, left the old run's parts among the new ones."""
    monkeypatch.chdir(tmp_path)
    record = '{"route": "iv"}\n'
    Path("inp").mkdir()
    Path("inp/00000.jsonl").write_text(record)
    Path("parts-00003.jsonl").write_text("mine\n")

    def refused(*args: str) -> str:
        run = run_cli("batch", "--dask", "local", *args)
        assert (run.code, run.out) == (2, ""), run.err
        return run.err

    assert refused("inp/00000.jsonl", "--output", "inp/") == (
        "Error: --output: inp/ is not empty; batch --dask writes its parts into a new or empty "
        "folder\n"
    )
    assert refused("inp/00000.jsonl", "--output", "inp/00000.jsonl") == (
        "Error: --output: inp/00000.jsonl is a file; give a folder (new or empty) or a name "
        "with * for the part's number\n"
    )
    assert refused("inp/00000.jsonl", "--output", "parts-*.jsonl") == (
        f"Error: --output: {tmp_path}/parts-00003.jsonl exists; batch --dask writes its parts "
        "only as new files (remove the old ones or choose another name)\n"
    )
    assert refused("inp/00000.jsonl", "--output", "a*b*.jsonl") == (
        "Error: --output: takes at most one * (where the part's number goes), not 2: a*b*.jsonl\n"
    )
    assert Path("inp/00000.jsonl").read_text() == record  # nothing was touched
    assert Path("parts-00003.jsonl").read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inp", "parts-00003.jsonl"]


@needs_dask
def test_dask_checks_every_input_before_the_cluster(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder gave a worker's multi-line traceback and exit 1; a glob matching nothing, an
    empty file: "No files found"."""
    monkeypatch.chdir(tmp_path)
    Path("adir").mkdir()
    Path("a.jsonl").write_text('{"route": "iv"}\n')

    def refused(source: str) -> str:
        run = run_cli("batch", "--dask", "local", "a.jsonl", source, "--output", "out/")
        assert (run.code, run.out) == (2, ""), run.err
        return run.err

    assert refused("adir") == "Error: adir: cannot read: Is a directory\n"
    assert refused("nope-*.jsonl") == "Error: nope-*.jsonl: no file matches it\n"
    assert refused("nope.jsonl") == "Error: nope.jsonl: cannot read: No such file or directory\n"
    if Path("/dev/zero").exists():
        assert refused("/dev/zero") == (
            "Error: /dev/zero: cannot read: not a regular file; batch --dask reads files\n"
        )
    assert not Path("out").exists()


@needs_dask
@pytest.mark.skipif(importlib.util.find_spec("s3fs") is not None, reason="s3fs is installed")
def test_dask_names_the_library_a_url_needs(tmp_path: Path) -> None:
    """s3:// without s3fs was exit 1, "unexpected ImportError"."""
    (tmp_path / "a.jsonl").write_text('{"route": "iv"}\n')
    run = run_cli("batch", "--dask", "local", "s3://bucket/a.jsonl", "--output",
                  str(tmp_path / "out"))  # fmt: skip
    assert (run.code, run.err) == (2, "Error: s3://bucket/a.jsonl: Install s3fs to access S3\n")
    run = run_cli("batch", "--dask", "local", str(tmp_path / "a.jsonl"), "--output",
                  "s3://bucket/out/")  # fmt: skip
    assert (run.code, run.err) == (2, "Error: --output: Install s3fs to access S3\n")


# --- partitions: the plain batch's records, byte for byte (the synchronous scheduler) ----------

GOOD = ['{"route": "iv", "start": "2027-01-04"}', '{"route": "spravato", "deductible": 1500}',
        '{"route": "oral", "boosters": 3}', '{"coinsurance": 150}']  # fmt: skip


def _awkward_inputs(folder: Path) -> list[Path]:
    """Files the plain batch reads, in every shape it accepts but an over-long line."""
    jsonl = folder / "a.jsonl"  # a BOM, CRLF, bare CR, blank lines, no final line ending
    jsonl.write_bytes(
        ("\ufeff" + "\r\n".join(GOOD * 3) + "\r\n\r\n\n" + "\r".join(GOOD * 3) + "\r"
         + "\n".join(GOOD * 3) + "\n   \n" + GOOD[0]).encode()
    )  # fmt: skip
    old_mac = folder / "b.jsonl"  # no LF at all: one block, and empty ones after it
    old_mac.write_bytes("\r".join(GOOD * 10).encode() + b"\r")
    csv = folder / "c.csv"  # CRLF, a quoted line break, a blank line
    csv.write_bytes(b'route,location,start\r\niv,"T\r\nX",2027-01-04\r\n\r\nim,TX,2027-01-04\r\n'
                    b"spravato,NY,\r\n")  # fmt: skip
    sniffed = folder / "d.txt"  # by its first line: CSV
    sniffed.write_text("route,sessions\nim,4\niv,99999\n")
    empty = folder / "e.jsonl"
    empty.write_bytes(b"")
    return [jsonl, old_mac, csv, sniffed, empty]


def _over_long_input(folder: Path) -> Path:
    """A line over 1 MiB between records ended by CR and CRLF: the plain batch makes it one
    error line and numbers the records after it on."""
    path = folder / "long.jsonl"
    path.write_bytes(("\r".join(GOOD) + "\r" + '{"location": "' + "y" * 1_100_000 + '"}\r\n'
                      + "\r\n".join(GOOD * 2)).encode())  # fmt: skip
    return path


def _estimate_parts(inputs: list[Path], out: Path, blocksize: int) -> tuple[object, list[str]]:
    """The whole of ``batch --dask`` but the cluster: the same graph, run in this process."""
    import dask

    from ketacost.batch import on_dask as dask_batch
    from ketacost.cli.runs import load_model

    pricing, label = load_model(None)
    checked = dask_batch.check_inputs([str(p) for p in inputs], None)
    output = dask_batch.check_output(str(out))
    with dask.config.set(scheduler="synchronous"):
        result = dask_batch.run_dask(
            None, checked, output, pricing, dt.date.today(), source=label, blocksize=blocksize
        )
    parts = sorted(out.iterdir())
    assert [p.name for p in parts[:2]] == ["00000.jsonl", "00001.jsonl"]
    return result, [p.read_text() for p in parts]


def _plain(inputs: list[Path]) -> str:
    return "".join(run_cli("batch", str(p)).out for p in inputs)


@needs_dask
def test_dask_partitions_hold_the_plain_batch_records(tmp_path: Path) -> None:
    """CSV given with JSONL was read as JSONL; lines ended by a bare CR were one line, their
    numbers wrong; an empty partition was written as a lone newline; an empty file refused."""
    from ketacost.batch.on_dask import check_inputs

    inputs = _awkward_inputs(tmp_path)
    assert [f.kind for f in check_inputs([str(p) for p in inputs], None)] == [
        "jsonl", "jsonl", "csv", "csv", "jsonl"
    ]  # fmt: skip
    assert [f.kind for f in check_inputs([str(inputs[2])], "jsonl")] == ["jsonl"]
    result, parts = _estimate_parts(inputs, tmp_path / "out", blocksize=256)
    assert "" in parts and "\n" not in parts  # a partition with no record is an empty file
    assert "".join(parts) == _plain(inputs)
    # records 37 + 40 + 3 + 2; failed: coinsurance 150 in a (9) and b (10), "T\r\nX", 99999
    assert result == (82, 21, 12)


@needs_dask
def test_dask_partitions_make_an_over_long_line_an_error(tmp_path: Path) -> None:
    """A line over 1,048,576 characters was estimated under --dask, an error in the plain
    batch."""
    inputs = [_over_long_input(tmp_path)]
    result, parts = _estimate_parts(inputs, tmp_path / "out", blocksize=65536)
    plain = _plain(inputs)
    assert '{"line": 5, "error": {"code": "invalid_input", "message": "line longer than ' in plain
    assert "".join(parts) == plain
    assert result == (13, 4, 16)  # records 4 + 1 + 8; failed: coinsurance 150 twice, the line


@needs_dask
@pytest.mark.parametrize("stop", ["interrupt", "error"])
def test_dask_removes_what_a_stopped_run_wrote(
    stop: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """After SIGTERM, Ctrl-C or a failure, the folder held some of the parts, and nothing said
    it was incomplete."""
    from ketacost.batch import on_dask as dask_batch
    from ketacost.cli.runs import load_model
    from ketacost.core.errors import InputError

    inputs = _awkward_inputs(tmp_path)[:2]
    estimate_block = dask_batch._estimate_block
    done: list[int] = []

    def fails_third(*args: object) -> object:
        done.append(1)
        if len(done) == 3:  # two parts are written by then (the synchronous scheduler)
            raise KeyboardInterrupt if stop == "interrupt" else InputError("line 1: broken")
        return estimate_block(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(dask_batch, "_estimate_block", fails_third)
    pricing, label = load_model(None)
    checked = dask_batch.check_inputs([str(p) for p in inputs], None)
    kept = tmp_path / "kept"  # a folder the user made: it stays, empty
    kept.mkdir()
    import dask

    for out in (tmp_path / "new", kept):
        output = dask_batch.check_output(str(out))
        done.clear()
        with dask.config.set(scheduler="synchronous"), pytest.raises(BaseException) as raised:
            dask_batch.run_dask(
                None, checked, output, pricing, dt.date.today(), source=label, blocksize=256
            )
        note = f"the unfinished output at {out} was removed"
        if stop == "interrupt":
            assert raised.type is KeyboardInterrupt
            assert capsys.readouterr().err == f"batch --dask stopped; {note}\n"
        else:
            assert str(raised.value) == f"line 1: broken ({note})"
    assert not (tmp_path / "new").exists()
    assert list(kept.iterdir()) == []


@needs_dask
def test_dask_output_with_wildcard_characters_in_its_name(tmp_path: Path) -> None:
    """fsspec reads ? and [...] as wildcards: `res[1]/part-*.jsonl` matched no existing
    `res[1]/part-00000.jsonl`, which was overwritten; and a failed run into `st[2]` left its
    parts there, saying they were removed."""
    taken = tmp_path / "res[1]" / "part-00000.jsonl"
    taken.parent.mkdir()
    taken.write_text("precious\n")
    (tmp_path / "a.jsonl").write_text(GOOD[0] + "\n")
    run = run_cli("batch", "--dask", "local", str(tmp_path / "a.jsonl"), "--output",
                  str(tmp_path / "res[1]" / "part-*.jsonl"))  # fmt: skip
    assert (run.code, run.err) == (
        2,
        f"Error: --output: {taken} exists; batch --dask writes its parts only as new files "
        "(remove the old ones or choose another name)\n",
    )
    assert taken.read_text() == "precious\n"
    from ketacost.batch import on_dask as dask_batch

    for given in ("st[2]?", "nested/a[1]/b/part-*.jsonl"):  # folders this run makes
        output = dask_batch.check_output(str(tmp_path / given))
        made = tmp_path / given.split("/")[0]
        (Path(output.pattern.replace("*", "00000")).parent).mkdir(parents=True)
        Path(output.pattern.replace("*", "00000")).write_text("a part\n")
        Path(output.pattern.replace("*", "00007")).write_text("a part\n")
        assert dask_batch._remove_output(output) is True
        assert not made.exists()
    output = dask_batch.check_output(str(tmp_path / "never"))
    assert dask_batch._remove_output(output) is False  # nothing written, nothing to say


@needs_dask
def test_dask_errors_name_the_line_in_the_file_and_come_before_the_cluster(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A line with no end (over 16 MiB) in a file's second block was named by its number in the
    block (8, not 301); a CSV header naming a column twice failed in a task, the workers' logs
    of it a traceback on stderr."""
    import dask

    from ketacost.batch import on_dask as dask_batch
    from ketacost.cli.runs import load_model
    from ketacost.core.errors import InputError
    from ketacost.files import lines as files

    monkeypatch.setattr(files, "MAX_SKIP", 4 * files.MAX_LINE)  # the same, smaller
    path = tmp_path / "skip.jsonl"
    path.write_text((GOOD[0] + "\n") * 300 + "x" * (5 * files.MAX_LINE) + "\n")
    plain = run_cli("batch", str(path))
    expected = (
        f"Error: {path}: line 301 runs past 4,194,304 characters; batch reads JSONL or CSV text\n"
    )
    assert (plain.code, plain.err) == (2, expected)
    pricing, label = load_model(None)
    checked = dask_batch.check_inputs([str(path)], None)
    for blocksize in (4096, 2**30):  # the line in a block counted first, in the last block
        output = dask_batch.check_output(str(tmp_path / f"out{blocksize}"))
        with dask.config.set(scheduler="synchronous"), pytest.raises(InputError) as raised:
            dask_batch.run_dask(None, checked, output, pricing, dt.date.today(), source=label,
                                blocksize=blocksize)  # fmt: skip
        assert f"Error: {raised.value}".startswith(expected[:-1])  # (and what was removed)
        assert not (tmp_path / f"out{blocksize}").exists()
    csv = tmp_path / "dup.csv"
    csv.write_text("route,route\niv,iv\n")
    run = run_cli("batch", "--dask", "local", str(csv), "--output", str(tmp_path / "dup"))
    assert (run.code, run.err) == (2, "Error: CSV header: column 'route' appears twice\n")
    assert not (tmp_path / "dup").exists()


@needs_dask
def test_dask_local_mixes_formats_and_line_endings(tmp_path: Path) -> None:
    """The user's first hour, on a real local cluster: CSV with JSONL, every line ending, a BOM,
    an over-long line, empty partitions; the parts joined are the plain batch's output."""
    a, b, c, d, e = _awkward_inputs(tmp_path)
    inputs = [a, b, e, _over_long_input(tmp_path), c, d]  # *.jsonl in name order, then the rest
    out = tmp_path / "out"
    proc = subprocess.run(
        [*KETACOST, "batch", "--dask", "local", str(tmp_path / "*.jsonl"), str(c), str(d),
         "--output", str(out), "--blocksize", "65536"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 4, proc.stderr
    assert proc.stderr.splitlines()[-2:] == [
        f"95 records estimated into 21 files at {out}",
        "Error: 25 of 95 records failed; see their error lines",
    ]
    parts = sorted(out.iterdir())
    assert "".join(p.read_text() for p in parts) == _plain(inputs)
    assert sum(p.stat().st_size == 0 for p in parts) == 15  # e.jsonl, 14 blocks of the long line


@needs_dask
def test_dask_local_sigterm_removes_the_parts(tmp_path: Path) -> None:
    """SIGTERM during a run left a random subset of the parts, and nothing said so."""
    source = tmp_path / "many.jsonl"
    source.write_text((GOOD[1] + "\n") * 12_000)
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [*KETACOST, "batch", "--dask", "local", str(source), "--output", str(out),
         "--blocksize", "32768"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not (out.exists() and any(out.iterdir())):  # the first part is written
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr
            time.sleep(0.02)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert (proc.returncode, err.decode()) == (
        143, f"batch --dask stopped; the unfinished output at {out} was removed\n"
    )  # fmt: skip
    assert not out.exists()
