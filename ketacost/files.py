"""File input and output for the CLI: scenario files and atomic output.

The calculator never touches files; these helpers are for ``cli.py`` (and batch) only.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from .core.errors import InputError
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
    """The bytes of a small input file (at most MAX_BYTES); empty is an error.

    Capped by the bytes read, not by the size stat reports: /dev/zero and pipes say 0 bytes and
    never end (issue 13, item 4).
    """
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise _input_error(path, f"cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise _input_error(path, f"a {what} may be at most {MAX_BYTES:,} bytes")
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
    from .loader import control_characters

    document = parse_yaml(_read_input(path, "clinic profile"), path, _input_error)
    for problem in control_characters(document):  # a name that clears the screen, or worse
        raise _input_error(path, problem)
    return parse_clinic(document, path, pricing)


def same_file(a: str | Path, b: str | Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve() or os.path.samefile(a, b)
    except OSError:
        return False


def write_atomic(
    path: str, text: str, inputs: list[str], what: str = "--output", *, force: bool = False
) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename: never a partial file.

    Refuses to overwrite any of the ``inputs`` the command read (or a read-only file, unless
    ``force``); ``what`` names the target in error messages. See :func:`output_stream`.
    """
    with output_stream(path, list(inputs), what, force=force) as handle:
        handle.write(text)


def write_new(path: str, text: str, *, force: bool) -> None:
    """Write a file the user asked for, but never over an existing one without ``force``."""
    if os.path.lexists(path) and not force:
        raise InputError(f"{path} already exists; use --force to overwrite it", field=path)
    write_atomic(path, text, [], what=path, force=force)


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


MAX_LINE = 1_048_576  # characters in one batch record; a real one has a few hundred
MAX_SKIP = 16 * MAX_LINE  # an over-long line is skipped up to this, then the input refused


class LineTooLong(str):
    """Stands for an input line over :data:`MAX_LINE` characters, which is skipped unread."""


def open_lines(source: str) -> Iterator[str]:
    """The lines of a file, or of stdin for ``-``; undecodable bytes become U+FFFD and a
    byte-order mark (Excel's CSV) is dropped. A line over :data:`MAX_LINE` characters becomes a
    :class:`LineTooLong` (``batch /dev/zero`` read one endless line until memory ran out)."""
    if source == "-":
        stream = sys.stdin
        if hasattr(stream, "reconfigure"):  # and lines end as in a file: "\r" too (newline="")
            stream.reconfigure(errors="replace", newline="")
        return without_bom(bounded_lines(stream, "standard input"), "standard input")
    try:
        handle = open(source, encoding="utf-8", errors="replace", newline="")  # noqa: SIM115
    except OSError as exc:
        raise InputError(f"{source}: cannot read: {exc.strerror or exc}", field=source) from None
    return without_bom(_closing_lines(handle, source), source)


def _closing_lines(handle: TextIO, label: str) -> Iterator[str]:
    with handle:
        yield from bounded_lines(handle, label)


def bounded_lines(handle: TextIO, label: str, start: int = 0) -> Iterator[str]:
    """Lines ended by "\n", "\r\n" or "\r" (the handle reads with ``newline=""``), each of
    at most MAX_LINE characters before its ending; a longer one is read on in bounded pieces to
    its ending, unkept, and stands as one LineTooLong. ``start``: the lines of the file before
    the handle's (a block of it), for the number in an error."""
    number = start
    split_crlf = False  # an over-long line's "\r" came last: a "\n" right after is its ending
    while True:
        line = handle.readline(MAX_LINE + 2)  # room for MAX_LINE characters and a "\r\n"
        if split_crlf:
            split_crlf = False
            if line == "\n":
                continue
        number += 1
        if not line:
            return
        if len(line) - _ending(line) <= MAX_LINE:
            yield line
            continue
        piece = line
        skipped = len(line)
        while not _ending(piece):  # the rest of the line, in bounded pieces, unkept
            piece = handle.readline(MAX_LINE)
            if not piece:
                break
            skipped += len(piece)
            if skipped > MAX_SKIP:  # /dev/zero, a disk image: no end of line to wait for
                raise runaway(label, number)
        split_crlf = piece.endswith("\r")
        yield LineTooLong(f"line longer than {MAX_LINE:,} characters\n")


def runaway(label: str, number: int) -> InputError:
    """The error for line ``number`` of ``label``, which has no end in sight."""
    return InputError(
        f"{label}: line {number} runs past {MAX_SKIP:,} characters; batch reads JSONL or CSV text",
        field=label,
    )


def _utf16(first: str) -> bool:
    """Whether a first line read as UTF-8 is UTF-16 (Windows' "Unicode" text): its byte-order
    mark, two bytes that are not UTF-8, then NULs; or, without the mark, a NUL for every other
    character (ASCII text in UTF-16)."""
    text = first.rstrip("\r\n")
    if text.startswith("\ufffd\ufffd") and "\x00" in text:
        return True
    return len(text) >= 4 and text.count("\x00") * 2 >= len(text) - 1


def _ending(line: str) -> int:
    """How many characters of ``line`` are its line ending: 2, 1 or 0 (the last line)."""
    if line.endswith("\n"):
        return 2 if line.endswith("\r\n") else 1
    return 1 if line.endswith("\r") else 0


def without_bom(lines: Iterator[str], label: str) -> Iterator[str]:
    """``lines`` without the byte-order mark of the first; a UTF-16 text (``label`` names it)
    is refused."""
    first = next(lines, None)
    if first is None:
        return
    if _utf16(first):  # read as UTF-8 it is every record an error, or a CSV header of noise
        raise InputError(
            f"{label}: looks like UTF-16 text; batch reads UTF-8 (save it as UTF-8)", field=label
        )
    yield first[1:] if first.startswith("\ufeff") else first  # a LineTooLong stays one
    yield from lines


@contextlib.contextmanager
def output_stream(
    path: str | None,
    inputs: list[str | None],
    what: str = "--output",
    *,
    binary: bool = False,
    force: bool = False,
) -> Iterator[Any]:
    """stdout, or ``path``: a regular file is replaced atomically when the block finishes.

    Nothing the user has is lost or loosened (issue 13, item 1):
    - never over a file the command reads, whatever its spelling, nor over the file on standard
      input when ``-`` is among the ``inputs`` (``batch - --output in.jsonl < in.jsonl``);
    - a target that is not a regular file (``/dev/null``, a FIFO, ``/dev/stdout``) is written in
      place: renaming over it would replace the device or pipe with a file;
    - a replaced file keeps its permissions (a 0600 file stays private); a new one gets the
      usual 0666 less the umask, not mkstemp's 0600; a read-only file is replaced only with
      ``force``; a symbolic link stays a link, the file it points to is replaced;
    - Ctrl-C or SIGTERM while writing leaves no temporary file behind.
    """
    if path is None or path == "-":  # `-` is standard output wherever a file is named
        yield sys.stdout
        return
    existing = _check_target(path, inputs, what, force)
    if existing is None:
        yield from _replace(path, None, what, binary)
    elif not stat.S_ISREG(existing.st_mode) or _special(path):
        yield from _in_place(path, what, binary)
    else:
        yield from _replace(os.path.realpath(path), existing, what, binary)


def _fail_output(what: str, path: str, why: str) -> InputError:
    return InputError(f"{what}: cannot write {path}: {why}", field=what)


def _check_target(
    path: str, inputs: list[str | None], what: str, force: bool
) -> os.stat_result | None:
    """Refuse a target that is an input, a folder or read-only; its stat if it exists."""
    if not path.strip():
        raise InputError(f"{what}: needs a file name", field=what)
    if path.endswith(("/", os.sep)):
        raise _fail_output(what, path, "it ends with a slash, so it names a folder, not a file")
    if os.path.isdir(path):
        raise _fail_output(what, path, "it is a folder, not a file")
    for source in inputs:
        if source == "-":
            if _is_stdin(path):
                raise InputError(
                    f"{what}: refusing to overwrite {path}, which is this command's standard input",
                    field=what,
                )
        elif source and same_file(path, source):
            raise InputError(
                f"{what}: refusing to overwrite {source}, which this command reads", field=what
            )
    try:
        existing = os.stat(path)
    except OSError:
        return None
    read_only = not existing.st_mode & 0o222 or not os.access(path, os.W_OK)
    if stat.S_ISREG(existing.st_mode) and read_only and not force:
        raise InputError(f"{what}: {path} is read-only; use --force to replace it", field=what)
    return existing


def _is_stdin(path: str) -> bool:
    try:
        here, there = os.fstat(sys.stdin.fileno()), os.stat(path)
    except (OSError, ValueError, AttributeError):  # no stdin, a test's StringIO, no target
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def _special(path: str) -> bool:
    """/dev/stdout and /proc/self/fd/1 may point at a regular file the shell opened: write
    through them, never rename over them."""
    special = ("/dev/", "/proc/")
    return os.path.abspath(path).startswith(special) or os.path.realpath(path).startswith(special)


def _open(target: str | int, binary: bool) -> Any:
    if binary:
        return open(target, "wb")
    return open(target, "w", encoding="utf-8", newline="")


def _in_place(path: str, what: str, binary: bool) -> Iterator[Any]:
    try:
        handle = _open(path, binary)
    except OSError as exc:
        raise _fail_output(what, path, exc.strerror or str(exc)) from None
    try:
        with handle:
            yield handle
    except OSError as exc:
        raise _fail_output(what, path, exc.strerror or str(exc)) from None


def _replace(
    target: str, existing: os.stat_result | None, what: str, binary: bool
) -> Iterator[Any]:
    with _removed_on_sigterm():
        yield from _replace_via_temporary(target, existing, what, binary)


def _replace_via_temporary(
    target: str, existing: os.stat_result | None, what: str, binary: bool
) -> Iterator[Any]:
    folder = os.path.dirname(target) or "."
    name = os.path.basename(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _fail_output(what, target, exc.strerror or str(exc)) from None
    try:
        opened = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
        with opened as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if existing is None:
            os.chmod(tmp, 0o666 & ~_umask())
        else:
            os.chmod(tmp, stat.S_IMODE(existing.st_mode))
            if hasattr(os, "chown") and os.geteuid() == 0:  # root keeps the owner too
                with contextlib.suppress(OSError):
                    os.chown(tmp, existing.st_uid, existing.st_gid)
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _fail_output(what, target, exc.strerror or str(exc)) from None
        raise


class Terminated(SystemExit):
    """SIGTERM while a file was being written: unwind (removing the temporary file), exit 143."""


@contextlib.contextmanager
def _removed_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into an exception while the block runs, so ``finally`` clauses clean up.

    Only in the main thread and only over the default handler; a forked worker that inherits
    the handler dies the default way, it has no temporary file of its own.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    owner = os.getpid()

    def terminate(signum: int, _frame: Any) -> None:
        if os.getpid() != owner:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise Terminated(128 + signum)

    previous = signal.getsignal(signal.SIGTERM)
    if previous is not signal.SIG_DFL:
        yield
        return
    signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
