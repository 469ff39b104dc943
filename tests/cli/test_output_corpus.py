"""--output never loses or loosens what the user has; a closed stdout or stderr is not a crash.

Issue 13, items 1 and 5. The target cases are data (``corpus/output.csv``); the cases that need
a real process (standard input is the target, closed descriptors, SIGTERM) are below.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import run_cli
from corpus_checks import CORPUS, assert_rejected, read_manifest, split_args

START = "2026-11-27"
OLD = "the previous estimate\n"
CASES = read_manifest(CORPUS / "output.csv")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _prepare(kind: str, target: Path) -> None:
    if kind.startswith("file:"):
        target.write_text(OLD)
        target.chmod(int(kind[5:], 8))
    elif kind.startswith("symlink:"):
        real = target.parent / "real.out"
        real.write_text(OLD)
        real.chmod(int(kind[8:], 8))
        target.symlink_to(real.name)
    elif kind.startswith("link:"):
        target.symlink_to(kind[5:])
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    else:
        assert kind == "none", kind


def _drain(fifo: Path, into: list[bytes]) -> threading.Thread:
    """A reader for the FIFO, as `cat` would be: the writer blocks until one opens it."""

    def read() -> None:
        with open(fifo, "rb") as handle:
            into.append(handle.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_output_target(case: dict[str, str], tmp_path: Path) -> None:
    kind = case["target"]
    target = tmp_path / "estimate.out"
    _prepare(kind, target)
    source = tmp_path / "in.jsonl"
    source.write_text(f'{{"route": "iv", "start": "{START}"}}\n')
    args = [
        a.replace("{target}", str(target)).replace("{input}", str(source))
        for a in split_args(case["args"])
    ]
    if "estimate" in args or "compare" in args:
        args += ["--start", START]
    received: list[bytes] = []
    reader = _drain(target, received) if kind == "fifo" else None
    before = {p.name for p in tmp_path.iterdir()}
    run = run_cli(*args)
    if reader is not None:
        reader.join(timeout=10)
    if int(case["exit"]):
        assert_rejected(run, int(case["exit"]), case["word"])
    else:
        assert run.code == 0, (run.code, run.err)
        assert run.out == ""
    left = {p.name for p in tmp_path.iterdir()} - {target.name}
    assert left == before - {target.name}, "a temporary file was left"
    _check_after(case["after"], target, received)


def _check_after(after: str, target: Path, received: list[bytes]) -> None:
    if after == "unchanged":
        assert target.read_text() == OLD
    elif after == "absent":
        assert not os.path.lexists(target)
    elif after == "folder":
        assert target.is_dir() and list(target.iterdir()) == []
    elif after == "fifo":
        assert stat.S_ISFIFO(target.lstat().st_mode), "the FIFO was replaced by a file"
        assert received and b'"totals"' in received[0]
    elif after == "chardev":
        assert target.is_symlink(), "the link was replaced by a file"
        assert stat.S_ISCHR(target.stat().st_mode)
    elif after.startswith("symlink:"):
        assert target.is_symlink(), "the link was replaced by a file"
        real = target.parent / os.readlink(target)
        assert real.read_text() != OLD
        assert stat.S_IMODE(real.stat().st_mode) == int(after[8:], 8)
    else:
        assert after.startswith("mode:"), after
        mode = 0o666 & ~_umask() if after == "mode:umask" else int(after[5:], 8)
        assert target.is_file() and not target.is_symlink()
        assert target.read_text() not in ("", OLD)
        assert stat.S_IMODE(target.stat().st_mode) == mode, oct(target.stat().st_mode)


def test_output_corpus_names_are_unique() -> None:
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names))


# --- real processes: standard input, closed descriptors, SIGTERM --------------------------------


def _environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KETACOST_", "XDG_"))}
    env.update(HOME=str(home), NO_COLOR="1", PYTHONDONTWRITEBYTECODE="1")
    return env


def _ketacost(*args: str, cwd: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "ketacost", *args],
        cwd=cwd,
        env=_environment(cwd),
        capture_output=True,
        text=True,
        timeout=60,
        **kwargs,
    )


def test_batch_output_onto_its_own_standard_input(tmp_path: Path) -> None:
    """`batch - --output in.jsonl < in.jsonl` emptied the input before reading it."""
    source = tmp_path / "in.jsonl"
    text = f'{{"route": "iv", "start": "{START}"}}\n'
    source.write_text(text)
    with open(source) as stdin:
        done = _ketacost("batch", "-", "--output", "in.jsonl", cwd=tmp_path, stdin=stdin)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("Error: --output:") and "standard input" in done.stderr
    assert done.stderr.count("\n") == 1
    assert source.read_text() == text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def _closed(fd: int) -> None:
    os.close(fd)


@pytest.mark.parametrize("args", [["--json"], []], ids=["json", "table"])
def test_closed_standard_output_is_an_error(args: list[str], tmp_path: Path) -> None:
    """`estimate --json >&-` crashed with AttributeError; `estimate >&-` exited 0 silently."""
    done = subprocess.run(
        [sys.executable, "-m", "ketacost", "estimate", "--start", START, *args],
        cwd=tmp_path,
        env=_environment(tmp_path),
        stdout=None,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        preexec_fn=lambda: _closed(1),
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("Error: standard output is closed")
    assert done.stderr.count("\n") == 1


def test_closed_standard_output_with_an_output_file_is_fine(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ketacost", "estimate", "--json", "--output", "out.json"],
        cwd=tmp_path,
        env=_environment(tmp_path),
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        preexec_fn=lambda: _closed(1),
    )
    assert done.returncode == 0, done.stderr
    assert '"totals"' in (tmp_path / "out.json").read_text()


@pytest.mark.parametrize(
    ("args", "code"),
    [(["estimate", "--coinsurance", "150"], 2), (["batch", "bad.jsonl"], 4),
     (["pricing", "validate", "bad.yaml"], 3)],
    ids=["estimate", "batch", "validate"],
)  # fmt: skip
def test_closed_standard_error_keeps_the_exit_code(
    args: list[str], code: int, tmp_path: Path
) -> None:
    """With stderr closed, exit 2 became 1 (the message could not be written), and batch and
    `pricing validate` crashed on their own stderr lines."""
    (tmp_path / "bad.jsonl").write_text('{"coinsurance": 150}\n')
    (tmp_path / "bad.yaml").write_text("- not a mapping\n")
    done = subprocess.run(
        [sys.executable, "-m", "ketacost", *args],
        cwd=tmp_path,
        env=_environment(tmp_path),
        stdout=subprocess.PIPE,
        timeout=60,
        preexec_fn=lambda: _closed(2),
    )
    assert done.returncode == code


def test_sigterm_during_batch_output_leaves_no_temporary_file(tmp_path: Path) -> None:
    """SIGTERM in the middle of `batch --output` left a temp file of up to 356 MB."""
    source = tmp_path / "in.jsonl"
    line = f'{{"route": "spravato", "start": "{START}", "boosters": 100}}\n'
    source.write_text(line * 5_000)
    process = subprocess.Popen(
        [sys.executable, "-m", "ketacost", "batch", "in.jsonl", "--jobs", "1",
         "--output", "out.jsonl"],
        cwd=tmp_path,
        env=_environment(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(
        p.name.endswith(".tmp") for p in tmp_path.iterdir()
    ):
        time.sleep(0.02)
    time.sleep(0.3)  # into the estimates
    process.send_signal(signal.SIGTERM)
    assert process.stderr is not None
    err = process.stderr.read().decode()
    code = process.wait(timeout=30)
    assert code == 128 + signal.SIGTERM, (code, err)
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


@pytest.mark.parametrize(
    "args",
    [["estimate", "--schedule"], ["estimate", "--format", "markdown"], ["pricing", "sources"]],
    ids=["table", "markdown", "sources"],
)
def test_standard_output_that_is_not_utf8_gets_ascii(args: list[str], tmp_path: Path) -> None:
    """PYTHONIOENCODING=ascii (or LC_ALL=C without UTF-8 mode) crashed with UnicodeEncodeError."""
    env = _environment(tmp_path)
    env.update(PYTHONIOENCODING="ascii", PYTHONUTF8="0", LC_ALL="C", COLUMNS="100")
    if args[0] != "pricing":
        args = [*args, "--start", START]
    done = subprocess.run(
        [sys.executable, "-m", "ketacost", *args], cwd=tmp_path, env=env, capture_output=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    text = done.stdout.decode("ascii")  # plain ASCII, or this raises
    assert "$" in text and "?" * 3 not in text


def test_batch_output_dash_is_standard_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`batch --output -` wrote a file named "-" (DESIGN v2: `-` is standard output)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.jsonl").write_text(f'{{"route": "iv", "start": "{START}"}}\n')
    run = run_cli("batch", "in.jsonl", "--output", "-")
    assert run.code == 0, run.err
    assert run.out.startswith('{"line":1,')
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]
