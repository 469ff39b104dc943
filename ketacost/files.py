"""File input and output for the CLI: scenario files and atomic output.

The calculator never touches files; these helpers are for ``cli.py`` (and batch) only.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from .errors import InputError
from .loader import MAX_BYTES, parse_yaml


def _input_error(label: str, message: str) -> Exception:
    return InputError(f"{label}: {message}", field=label)


def parse_json_mapping(text: str, label: str) -> dict[str, Any]:
    """One JSON object (a scenario); numbers with a fraction become Decimal, not float."""
    try:
        value = loads_json(text)
    except RecursionError:
        raise _input_error(label, "nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise _input_error(
            label, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except ValueError as exc:
        raise _input_error(label, str(exc)) from None
    return _mapping(value, label)


def loads_json(text: str) -> Any:
    """JSON with exact decimals; NaN/Infinity and duplicate keys are errors (ValueError)."""
    return json.loads(
        text, parse_float=Decimal, parse_constant=_no_constant, object_pairs_hook=_unique_keys
    )


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _mapping(value: Any, label: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        kind = "empty" if value is None else type(value).__name__
        raise _input_error(label, f"must be a mapping of option names to values, not {kind}")
    for key in value:
        if not isinstance(key, str):
            raise _input_error(label, f"keys must be option names, not {key!r}")
    return value


def _read_input(path: str, what: str) -> bytes:
    """The bytes of a small input file (at most MAX_BYTES); empty is an error."""
    file = Path(path)
    try:
        if file.stat().st_size > MAX_BYTES:
            raise _input_error(path, f"a {what} may be at most {MAX_BYTES:,} bytes")
        raw = file.read_bytes()
    except OSError as exc:
        raise _input_error(path, f"cannot read: {exc.strerror or exc}") from None
    if not raw.strip():
        raise _input_error(path, f"the {what} is empty")
    return raw


def read_scenario_file(path: str) -> dict[str, Any]:
    """Read a YAML or JSON scenario file into a mapping of snake_case option names."""
    file = Path(path)
    raw = _read_input(path, "scenario file")
    if file.suffix.lower() == ".json":
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _input_error(path, f"not UTF-8 text (byte {exc.start})") from None
        return parse_json_mapping(text, path)
    return _mapping(parse_yaml(raw, path, _input_error), path)


def read_clinic_file(path: str, pricing: Any) -> Any:
    """Read and validate a clinic profile (YAML); problems name the file and the key (exit 2)."""
    from .clinic import parse_clinic

    return parse_clinic(parse_yaml(_read_input(path, "clinic profile"), path, _input_error),
                        path, pricing)  # fmt: skip


def same_file(a: str | Path, b: str | Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve() or os.path.samefile(a, b)
    except OSError:
        return False


def write_atomic(path: str, text: str, inputs: list[str], what: str = "--output") -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename: never a partial file.

    Refuses to overwrite any of the ``inputs`` the command read; ``what`` names the target in
    error messages.
    """
    with output_stream(path, list(inputs), what) as handle:
        handle.write(text)


def write_new(path: str, text: str, *, force: bool) -> None:
    """Write a file the user asked for, but never over an existing one without ``force``."""
    if os.path.lexists(path) and not force:
        raise InputError(f"{path} already exists; use --force to overwrite it", field=path)
    write_atomic(path, text, [], what=path)


def scenario_template() -> str:
    """A commented scenario file listing every option, with the route set."""
    from .scenario import EXAMPLES, FIELDS

    lines = [
        "# ketacost scenario: `ketacost estimate --scenario FILE` (also compare and batch).",
        "# Keys are the options of `ketacost estimate` in snake_case; options given on the",
        "# command line override this file. Uncomment and edit what applies to you.",
        "# Schema: `ketacost schema scenario`.",
    ]
    group = None
    for spec in FIELDS:
        if spec.group != group:
            group = spec.group
            lines += ["", f"# --- {group} ---"]
        choices = f" ({' | '.join(spec.choices)})" if spec.choices else ""
        lines.append(f"# {spec.help}{choices}")
        if spec.name == "route":
            lines.append("route: iv")
            continue
        if spec.kind == "flag":
            example = "true" if spec.default else "false"
        else:
            example = EXAMPLES.get(spec.name, str(spec.default))
        if spec.kind == "monthday":
            example = f'"{example}"'
        lines.append(f"# {spec.name}: {example}")
    return "\n".join(lines) + "\n"


def open_lines(source: str) -> Iterator[str]:
    """The lines of a file, or of stdin for ``-``; undecodable bytes become U+FFFD and a
    byte-order mark (Excel's CSV) is dropped."""
    if source == "-":
        stream = sys.stdin
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
        return _without_bom(iter(stream))
    try:
        handle = open(source, encoding="utf-8", errors="replace", newline="")  # noqa: SIM115
    except OSError as exc:
        raise InputError(f"{source}: cannot read: {exc.strerror or exc}", field=source) from None
    return _without_bom(_closing_lines(handle))


def _closing_lines(handle: TextIO) -> Iterator[str]:
    with handle:
        yield from handle


def _without_bom(lines: Iterator[str]) -> Iterator[str]:
    first = next(lines, None)
    if first is None:
        return
    yield first.removeprefix("\ufeff")
    yield from lines


@contextlib.contextmanager
def output_stream(
    path: str | None, inputs: list[str | None], what: str = "--output", *, binary: bool = False
) -> Iterator[Any]:
    """stdout, or a temporary file renamed over ``path`` when the block finishes.

    The file gets the usual permissions (0666 less the umask), not mkstemp's private 0600.
    """
    if path is None:
        yield sys.stdout
        return
    for source in inputs:
        if source and same_file(path, source):
            raise InputError(
                f"{what}: refusing to overwrite {source}, which this command reads", field=what
            )
    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                   dir=target.parent if str(target.parent) else ".")  # fmt: skip
    except OSError as exc:
        raise InputError(f"{what}: cannot write {path}: {exc.strerror or exc}",
                         field=what) from None  # fmt: skip
    try:
        opened = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
        with opened as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise InputError(
                f"{what}: cannot write {path}: {exc.strerror or exc}", field=what
            ) from None
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
