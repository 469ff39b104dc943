"""Atomic output: never a partial file, nor over an input or a read-only file unasked."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..core.errors import InputError


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
