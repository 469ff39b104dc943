"""Files and the environment: atomic --output, never over an input, read-only homes, debug mode.

DESIGN.md: ``--output FILE`` writes "atomically"; the CLI only reads files, the environment and
the terminal; no traceback unless ``KETACOST_DEBUG=1``.
"""

from __future__ import annotations

import errno
import importlib
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, run_cli
from corpus_checks import assert_rejected

START = "2026-11-27"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- --output never leaves a partial file --------------------------------------------------------


def _fail_replace(*_: Any, **__: Any) -> None:
    raise OSError(errno.EXDEV, "Invalid cross-device link")


class _HalfWriter(io.TextIOWrapper):
    """A file that writes half of what it is given, then finds the disk full."""

    def write(self, text: str) -> int:
        super().write(text[: len(text) // 2])
        self.flush()
        raise OSError(errno.ENOSPC, "No space left on device")


class _FailingClose(io.TextIOWrapper):
    """A file whose buffered data fails to reach the disk at close (quota, NFS)."""

    def close(self) -> None:
        if not self.closed:
            self.buffer.write(b"partial")
            super().close()
            raise OSError(errno.EDQUOT, "Disk quota exceeded")


class _InterruptedWriter(io.TextIOWrapper):
    """Ctrl-C in the middle of the write."""

    def write(self, text: str) -> int:
        super().write(text[: len(text) // 2])
        self.flush()
        raise KeyboardInterrupt


def _fdopen_as(cls: type[io.TextIOWrapper]) -> Any:
    def fdopen(fd: int, *args: Any, **kwargs: Any) -> io.TextIOWrapper:
        return cls(io.FileIO(fd, "w"), encoding=kwargs.get("encoding", "utf-8"))

    return fdopen


FAILURES = {
    "rename_fails": ("replace", _fail_replace),
    "disk_full_mid_write": ("fdopen", _fdopen_as(_HalfWriter)),
    "close_fails": ("fdopen", _fdopen_as(_FailingClose)),
}


@pytest.mark.parametrize("fmt", ["json", "table"])
@pytest.mark.parametrize("failure", list(FAILURES))
@pytest.mark.parametrize("existing", [True, False], ids=["over_old_file", "new_file"])
def test_failed_output_write_leaves_no_partial_file(
    failure: str, fmt: str, existing: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "estimate.out"
    if existing:
        target.write_text("the previous estimate\n")
    name, replacement = FAILURES[failure]
    monkeypatch.setattr(os, name, replacement)
    run = run_cli("estimate", "--format", fmt, "--start", START, "--output", str(target))
    monkeypatch.undo()
    assert _listing(tmp_path) == (["estimate.out"] if existing else []), "a temp file was left"
    if existing:
        assert target.read_text() == "the previous estimate\n"
    assert_rejected(run, 2, "--output")  # a user's disk, not a bug: exit 2 naming --output


def test_interrupted_output_write_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "estimate.json"
    target.write_text("old\n")

    monkeypatch.setattr(os, "fdopen", _fdopen_as(_InterruptedWriter))
    run = run_cli("estimate", "--json", "--start", START, "--output", str(target))
    monkeypatch.undo()
    assert run.code == 130, run.err
    assert "Traceback" not in run.err
    assert _listing(tmp_path) == ["estimate.json"]
    assert target.read_text() == "old\n"


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown", "table"])
def test_output_writes_only_the_target(fmt: str, tmp_path: Path) -> None:
    target = tmp_path / "estimate.out"
    target.write_text("old\n")
    run = run_cli("estimate", "--format", fmt, "--start", START, "--output", str(target))
    assert run.code == 0, run.err
    assert run.out == ""
    assert _listing(tmp_path) == ["estimate.out"]
    assert target.read_text() not in ("", "old\n")


def test_output_into_a_missing_folder(tmp_path: Path) -> None:
    run = run_cli("estimate", "--json", "--output", str(tmp_path / "no" / "such" / "out.json"))
    assert_rejected(run, 2, "--output")
    assert _listing(tmp_path) == []


def test_output_onto_a_folder(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    run = run_cli("estimate", "--json", "--output", str(tmp_path / "folder"))
    assert _listing(tmp_path) == ["folder"]
    assert _listing(tmp_path / "folder") == []
    assert_rejected(run, 2, "--output")


# --- --output never overwrites an input ----------------------------------------------------------

SCENARIO = "route: spravato\ncoinsurance: 20\ndeductible: 1500\n"


def _same_file_spellings(path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    yield "same_path", str(path)
    monkeypatch.chdir(path.parent)
    yield "relative", path.name
    yield "dot_slash", f"./{path.name}"
    yield "dot_dot", f"../{path.parent.name}/{path.name}"
    link = path.parent / "symlink"
    link.symlink_to(path)
    yield "symlink", str(link)
    hard = path.parent / "hardlink"
    os.link(path, hard)
    yield "hard_link", str(hard)


def test_output_refuses_to_overwrite_the_scenario(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    scenario = folder / "scenario.yaml"
    scenario.write_text(SCENARIO)
    for spelling, output in _same_file_spellings(scenario, monkeypatch):
        before = _listing(folder)
        run = run_cli("estimate", "--json", "--scenario", str(scenario), "--output", output)
        assert run.code == 2, (spelling, run.err)
        assert_rejected(run, 2, "--output")
        assert scenario.read_text() == SCENARIO, spelling
        assert _listing(folder) == before, spelling


def test_output_refuses_to_overwrite_the_pricing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    pricing = folder / "clinic.yaml"
    shutil.copyfile(REPO / "data" / "pricing.yaml", pricing)
    original = pricing.read_bytes()
    for spelling, output in _same_file_spellings(pricing, monkeypatch):
        before = _listing(folder)
        run = run_cli("estimate", "--json", "--pricing", str(pricing), "--output", output)
        assert_rejected(run, 2, "--output")
        assert pricing.read_bytes() == original, spelling
        assert _listing(folder) == before, spelling


def test_output_refuses_to_overwrite_the_pricing_file_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pricing = tmp_path / "clinic.yaml"
    shutil.copyfile(REPO / "data" / "pricing.yaml", pricing)
    original = pricing.read_bytes()
    monkeypatch.setenv("KETACOST_PRICING", str(pricing))
    run = run_cli("estimate", "--json", "--output", str(pricing))
    assert_rejected(run, 2, "--output")
    assert pricing.read_bytes() == original


# --- the installed program in a read-only world --------------------------------------------------


def _environment(home: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KETACOST_", "XDG_")) and k not in ("FORCE_COLOR", "PYTHONPATH")
    }
    env.update(HOME=str(home), NO_COLOR="1", PYTHONDONTWRITEBYTECODE="1", **extra)
    return env


def _ketacost(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ketacost", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _snapshot(*roots: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under ``roots`` with its size and modification time."""
    found = {}
    for root in roots:
        for path in [root, *root.rglob("*")]:
            stat = path.lstat()
            found[str(path)] = (stat.st_size, stat.st_mtime_ns)
    return found


@pytest.fixture
def read_only_world(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A read-only HOME and a read-only working folder (as root, chmod stops nothing: the tests
    then compare listings instead)."""
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    home.mkdir()
    cwd.mkdir()
    (cwd / "readme.txt").write_text("a file that was here before\n")
    for folder in (home, cwd):
        folder.chmod(0o555)
    try:
        yield home, cwd
    finally:
        for folder in (home, cwd):
            folder.chmod(0o755)


@pytest.mark.parametrize(
    "args",
    [
        ["estimate", "--json", "--start", START],
        ["estimate", "--start", START, "--schedule"],
        ["estimate", "--format", "csv", "--route", "spravato", "--deductible", "1500"],
        ["estimate", "--coinsurance", "150"],
        ["--version"],
    ],
    ids=["json", "table", "csv", "invalid_input", "version"],
)
def test_read_only_home_and_cwd_write_nothing(
    args: list[str], read_only_world: tuple[Path, Path]
) -> None:
    home, cwd = read_only_world
    before = _snapshot(home, cwd)
    done = _ketacost(*args, cwd=cwd, env=_environment(home))
    assert "Traceback" not in done.stderr
    assert done.returncode == (2 if "150" in args else 0), done.stderr
    assert _snapshot(home, cwd) == before, "wrote into HOME or the working folder"


def test_read_only_home_with_a_pricing_file(
    read_only_world: tuple[Path, Path], tmp_path: Path
) -> None:
    """A user pricing file is cached under ~/.cache when it can be; a read-only home only costs
    speed. Nothing may be written anywhere else."""
    home, cwd = read_only_world
    pricing = tmp_path / "clinic.yaml"
    shutil.copyfile(REPO / "data" / "pricing.yaml", pricing)
    before = _snapshot(home, cwd)
    done = _ketacost(
        "estimate", "--json", "--pricing", str(pricing), cwd=cwd, env=_environment(home)
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    after = _snapshot(home, cwd)
    new = sorted(set(after) - set(before))
    changed = sorted(p for p in before if after.get(p) != before[p])
    cache = str(home / ".cache")
    if IS_ROOT:  # chmod does not stop root: the cache may appear, but only there
        assert all(p.startswith(cache) for p in new), new
        assert all(p == str(home) or p.startswith(cache) for p in changed), changed
    else:
        assert new == [] and changed == []


# --- KETACOST_DEBUG ------------------------------------------------------------------------------


def test_debug_shows_a_traceback_and_default_does_not(tmp_path: Path) -> None:
    args = ("estimate", "--coinsurance", "150")
    plain = _ketacost(*args, cwd=tmp_path, env=_environment(tmp_path))
    assert plain.returncode == 2
    assert "Traceback" not in plain.stderr
    assert plain.stderr.startswith("Error: ") and plain.stderr.count("\n") == 1
    debug = _ketacost(*args, cwd=tmp_path, env=_environment(tmp_path, KETACOST_DEBUG="1"))
    assert debug.returncode != 0
    assert "Traceback" in debug.stderr
    assert "coinsurance" in debug.stderr


def test_debug_zero_is_not_debug(tmp_path: Path) -> None:
    done = _ketacost(
        "estimate",
        "--coinsurance",
        "150",
        cwd=tmp_path,
        env=_environment(tmp_path, KETACOST_DEBUG="0"),
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_unexpected_error_is_one_line_without_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("a bug in the calculator")

    monkeypatch.setattr(importlib.import_module("ketacost.engine.estimate"), "estimate", broken)
    run = run_cli("estimate", "--json")
    assert_rejected(run, 1, "RuntimeError")
    monkeypatch.setenv("KETACOST_DEBUG", "1")
    with pytest.raises(RuntimeError, match="a bug in the calculator"):
        run_cli("estimate", "--json")


# --- a reader that leaves early ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_closed_pipe_is_quiet(fmt: str, tmp_path: Path) -> None:
    """`ketacost estimate … | head -c 100`: no traceback, no "Exception ignored", exit 0."""
    args = ["estimate", "--format", fmt, "--start", START, "--schedule"]
    args += ["--sessions", "200", "--boosters", "200", "--integration", "200"]  # > a pipe buffer
    process = subprocess.Popen(
        [sys.executable, "-m", "ketacost", *args],
        cwd=tmp_path,
        env=_environment(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(100)
    process.stdout.close()
    err = process.stderr.read().decode()
    code = process.wait(timeout=60)
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert code == 0, (code, err)
