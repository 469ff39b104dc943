"""Checks shared by the bad-input corpus tests: how a rejected input must look to the user."""

from __future__ import annotations

import csv
import json
import re
import shlex
import time
from pathlib import Path
from typing import Any

from conftest import Run, run_cli

CORPUS = Path(__file__).resolve().parent / "corpus"
TIME_LIMIT = 2.0  # seconds per case; cases take milliseconds, the bound only catches hangs
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # stderr may hold no escape sequences


def read_manifest(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV manifest; blank lines and lines starting with ``#`` are comments."""
    lines = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return list(csv.DictReader(lines))


def split_args(text: str) -> list[str]:
    """Shell-style words, or a JSON list when the text starts with ``[``."""
    if text.startswith("["):
        args: list[str] = json.loads(text)
        return args
    return shlex.split(text)


def timed_run(*args: str, input: str | None = None) -> tuple[Run, float]:
    start = time.perf_counter()
    run = run_cli(*args, input=input)
    return run, time.perf_counter() - start


def assert_rejected(
    run: Run, code: int, word: str, elapsed: float = 0.0, *, file: Path | None = None
) -> None:
    """Exit ``code``; stderr is one line ``Error: …`` containing ``word``; stdout is empty.

    With ``file``: the word ``{file}`` means "names the file", and any other word must appear
    outside the file's name (``coinsurance_150.json`` must not count as naming ``coinsurance``).
    """
    detail = f"exit {run.code}, stderr {run.err!r}, stdout {run.out[:200]!r}"
    assert "Traceback" not in run.err + run.out, detail
    assert run.code == code, detail
    assert run.out == "", detail
    assert run.err.startswith("Error: "), detail
    assert run.err.endswith("\n") and run.err.count("\n") == 1, f"not one line: {detail}"
    assert not _CONTROL.search(run.err[:-1]), f"control character in stderr: {detail}"
    if file is not None and word == "{file}":
        assert str(file) in run.err, f"the file is not named: {detail}"
    else:
        message = run.err.replace(str(file), "") if file is not None else run.err
        assert word in message, f"{word!r} not named: {detail}"
    assert elapsed < TIME_LIMIT, f"took {elapsed:.2f} s"


def assert_accepted(run: Run, word: str, elapsed: float = 0.0) -> Any:
    """Exit 0, ``word`` in stdout, no traceback; returns the JSON document on stdout."""
    detail = f"exit {run.code}, stderr {run.err!r}"
    assert "Traceback" not in run.err + run.out, detail
    assert run.code == 0, detail
    assert word in run.out, f"{word!r} not in stdout: {run.out[:300]!r}"
    assert elapsed < TIME_LIMIT, f"took {elapsed:.2f} s"
    return run.json()
