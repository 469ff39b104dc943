"""File input and output for the CLI: scenario files and atomic output.

The calculator never touches files; these helpers are for ``cli.py`` (and batch) only.
"""

from __future__ import annotations

import json
import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from .errors import InputError
from .loader import MAX_BYTES, parse_yaml


def _input_error(label: str, message: str) -> Exception:
    return InputError(f"{label}: {message}", field=label)


def parse_json_mapping(text: str, label: str) -> dict[str, Any]:
    """One JSON object (a scenario); numbers with a fraction become Decimal, not float."""
    try:
        value = json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise _input_error(label, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}")
    except ValueError as exc:
        raise _input_error(label, str(exc)) from None
    return _mapping(value, label)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _mapping(value: Any, label: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        kind = "empty" if value is None else type(value).__name__
        raise _input_error(label, f"must be a mapping of option names to values, not {kind}")
    for key in value:
        if not isinstance(key, str):
            raise _input_error(label, f"keys must be option names, not {key!r}")
    return value


def read_scenario_file(path: str) -> dict[str, Any]:
    """Read a YAML or JSON scenario file into a mapping of snake_case option names."""
    file = Path(path)
    try:
        if file.stat().st_size > MAX_BYTES:
            raise _input_error(path, f"a scenario file may be at most {MAX_BYTES:,} bytes")
        raw = file.read_bytes()
    except OSError as exc:
        raise _input_error(path, f"cannot read: {exc.strerror or exc}") from None
    if not raw.strip():
        raise _input_error(path, "the scenario file is empty")
    if file.suffix.lower() == ".json":
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _input_error(path, f"not UTF-8 text (byte {exc.start})") from None
        return parse_json_mapping(text, path)
    return _mapping(parse_yaml(raw, path, _input_error), path)


def same_file(a: str | Path, b: str | Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve() or os.path.samefile(a, b)
    except OSError:
        return False


def write_atomic(path: str, text: str, inputs: list[str]) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename: never a partial file.

    Refuses to overwrite any of the ``inputs`` the command read.
    """
    for source in inputs:
        if same_file(path, source):
            raise InputError(
                f"--output: refusing to overwrite {source}, which this command reads",
                field="--output",
            )
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise InputError(f"--output: cannot write {path}: {exc.strerror or exc}", field="--output")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise InputError(
                f"--output: cannot write {path}: {exc.strerror or exc}", field="--output"
            ) from None
        raise
