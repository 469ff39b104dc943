"""The worker pool of a batch: chunks of records estimated in forked worker processes, yielded
in input order.

Streaming with flat memory: records are read lazily, sent to worker processes in chunks with a
bounded number of chunks in flight, and written as soon as the chunk before them is done. What a
worker does with a chunk is ``records.py``'s (:func:`~ketacost.batch.records._outputs`).
"""

from __future__ import annotations

import array
import contextlib
import datetime as dt
import errno
import multiprocessing
import os
import pickle
import select
import signal
import struct
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from typing import Any

from ..core.errors import KetacostError
from ..rules.model import PricingModel
from .records import Chunk, Record, _chunks, _init_worker, _outputs, _work


def run_batch(
    records: Iterable[Record],
    pricing: PricingModel,
    today: dt.date,
    *,
    jobs: int = 1,
    source: str = "builtin",
    sink: int | None = None,
) -> Generator[Chunk, None, None]:
    """Yield the output of every record, chunk by chunk, in input order.

    ``sink``: a file descriptor the output goes to. With workers, a chunk in which no record
    failed then goes from the worker's pipe to it: moved by the kernel (Linux ``splice``), never
    read nor copied by this process, when the whole chunk is waiting in the pipe; else copied in
    whole lines as it comes. It comes back ``written``, with no text. The caller must
    have written everything before it to the descriptor (flushed). With workers, leaving early
    (an exception in the caller, Ctrl-C, the generator closed) kills them at once (see
    :class:`_Workers`).
    """
    if jobs <= 1 or not can_fork():  # no fork (Windows): the same work, in this process
        _init_worker(pricing, today, source)
        for chunk in _chunks(records):
            yield _work(chunk)
        return
    _own_mappings()
    workers = _Workers(jobs, pricing, today, source)
    workers.sink = sink
    finished = False
    try:
        yield from workers.run(_chunks(records))
        finished = True
    finally:
        if finished:
            workers.stop()
        else:
            workers.kill()


def can_fork() -> bool:
    """Workers are forked (they inherit the model and their pipes) and watched with poll()."""
    return "fork" in multiprocessing.get_all_start_methods() and hasattr(select, "poll")


_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
# Chunks a worker serves before a fresh one, forked from the parent, takes its place: a worker's
# memory grows with the records it has seen (caches, a fragmented heap: 22 MB after 500 records,
# 24 after 10,000, 26 after 30,000) and then no further than 5,000 records take it. A fork costs
# a few ms, a chunk about 30.
SERVED = 100
STREAM = 2**16  # bytes: the pieces in which output that cannot be spliced whole is passed on
PIPE_SIZE = 2**20  # bytes: a chunk's output (about 800 KB) crosses in one write and one read
ENLARGED_JOBS = 8  # up to this many workers get a result pipe of PIPE_SIZE (8 MiB in all)
_BROKEN = 2**32 - 1  # in place of an output size: the worker failed; its pickled error follows
_TASK = struct.Struct("<I")  # bytes of the pickled records that follow; 0: stop
_RESULT = struct.Struct("<III")  # bytes of output, records, failed records (their indexes follow)


class WorkerDied(KetacostError):
    """A worker process ended before it sent its chunk back (killed from outside, out of
    memory): the batch cannot be completed in order."""


class _Worker:
    """The parent's side of one worker process."""

    def __init__(self, process: Any, tasks: int, results: int) -> None:
        self.process = process  # multiprocessing.Process
        self.tasks = tasks  # the parent's end of the task pipe: non-blocking
        self.results = results  # the parent's end of the result pipe
        self.unsent: deque[memoryview] = deque()  # task bytes the pipe had no room for yet
        self.owed = 0  # chunks sent and not yet read back
        self.served = 0  # chunks sent
        self.done: deque[Chunk] = deque()  # chunks read back, not yet yielded


class _Workers:
    """Worker processes, each with a task pipe and a result pipe of its own; no thread here.

    multiprocessing.Pool cost the parent about 55 µs a record, more than the reading and
    writing: its worker-handler thread waits on the shared result pipe, so it spins while a
    result is being read, and its result-handler thread reads 64 KB at a time and unpickles.
    Here the parent sends chunk N to worker N mod jobs and yields the chunks in that order,
    as raw bytes, never pickled. A worker ahead of its turn leaves its output in its pipe (and
    waits there if the pipe is full): read whole into the parent, 40% of chunks were, and the
    parent's peak memory grew with them. Task pipes are written without blocking (a task waits
    in the parent when its pipe is full), so neither side can wait on the other forever. After
    :data:`SERVED` chunks a worker is told to stop and a fresh one takes its slot.
    """

    def __init__(self, jobs: int, pricing: PricingModel, today: dt.date, source: str) -> None:
        self.state = (pricing, today, source)
        # Enlarged pipes count against the user's pipe allowance (64 MiB by default), shared by
        # every program the user runs: only a few workers' result pipes get one.
        self.enlarge = jobs <= ENLARGED_JOBS
        self.workers: list[_Worker] = []  # one a slot; chunk N goes to slot N mod jobs
        self.retired: list[_Worker] = []  # told to stop, still owing chunks
        self.sink: int | None = None  # see run_batch
        self.splicing = hasattr(os, "splice")  # until the sink refuses it
        try:
            for _ in range(jobs):
                self.workers.append(self._start())
        except BaseException:
            self.kill()
            raise

    def _start(self) -> _Worker:
        context = multiprocessing.get_context("fork")  # the pipes' numbers are inherited
        _trim()  # the worker inherits what is resident here: the free heap need not be
        task_read, task_write = os.pipe()
        result_read, result_write = os.pipe()
        if self.enlarge:  # tasks are small (50 input lines): their pipes keep the default
            _enlarge(result_write)
        inherited = [fd for w in self._everyone() for fd in (w.tasks, w.results) if fd >= 0]
        # A worker starts with SIGINT and SIGTERM blocked and sets its own handlers before
        # unblocking them: a Ctrl-C during the fork cannot reach it running the parent's.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
        process = context.Process(
            target=_serve,
            args=(task_read, result_write, [*inherited, task_write, result_read], self.state,
                  blocked),
            daemon=True,
        )  # fmt: skip
        try:
            process.start()
        except BaseException:
            os.close(task_write)
            os.close(result_read)
            raise
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            os.close(task_read)
            os.close(result_write)
        os.set_blocking(task_write, False)
        return _Worker(process, task_write, result_read)

    def _everyone(self) -> list[_Worker]:
        return [*self.workers, *self.retired]

    def run(self, chunks: Iterator[list[Record]]) -> Iterator[Chunk]:
        order: deque[_Worker] = deque()  # the worker of each chunk in flight, oldest first
        for number, chunk in enumerate(chunks):
            slot = number % len(self.workers)
            worker = self.workers[slot]
            if worker.served >= SERVED:
                self._send(worker, _TASK.pack(0))  # after the chunks it has: no more
                self.retired.append(worker)
                while order:  # fork from a parent that holds no output: the child would too
                    yield self._next(order.popleft())
                self._end(self.retired)  # they owe nothing now: each has its stop message
                self.retired = []
                worker = self.workers[slot] = self._start()
            payload = pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL)
            self._send(worker, _TASK.pack(len(payload)) + payload)
            worker.owed += 1
            worker.served += 1
            order.append(worker)
            if len(order) >= 2 * len(self.workers):  # bounded: two chunks a worker
                yield self._next(order.popleft())
        while order:
            yield self._next(order.popleft())

    def _next(self, worker: _Worker) -> Chunk:
        while not worker.done:
            self._pump(worker)
        return worker.done.popleft()

    def _send(self, worker: _Worker, data: bytes) -> None:
        worker.unsent.append(memoryview(data))
        self._flush(worker)

    def _flush(self, worker: _Worker) -> None:
        while worker.unsent:
            try:
                sent = os.write(worker.tasks, worker.unsent[0])
            except BlockingIOError:
                return
            except BrokenPipeError:  # it is gone: it may have sent back why (a bug in it)
                raise self._died(worker, why=True) from None
            if sent < len(worker.unsent[0]):
                worker.unsent[0] = worker.unsent[0][sent:]
            else:
                worker.unsent.popleft()

    def _pump(self, head: _Worker) -> None:
        """Wait until ``head``, which owes the next chunk in order, has output or a task pipe
        has room; read the one, fill the other. A worker that has begun to write its chunk
        finishes it: reading the whole chunk with blocking reads waits only for that."""
        poller = select.poll()
        everyone = self._everyone()
        poller.register(head.results, select.POLLIN)  # the others' output waits in their pipes
        for w in everyone:
            if w.unsent:
                poller.register(w.tasks, select.POLLOUT)
        ready = dict(poller.poll())
        for w in everyone:
            if w.tasks in ready and w.unsent:
                self._flush(w)
        if head.results in ready:
            head.done.append(self._receive(head))
            head.owed -= 1

    def _receive(self, worker: _Worker) -> Chunk:
        """The next chunk of ``worker``, whose turn it is."""
        size, records, failed = _RESULT.unpack(self._read(worker, _RESULT.size))
        if size == _BROKEN:  # a bug or no memory in the worker: the same error as --jobs 1
            raise pickle.loads(self._read(worker, failed))
        indexes = array.array("I", self._read(worker, 4 * failed)) if failed else ()
        if not failed and self.sink is not None:
            # All of it waiting: moved by the kernel (a worker killed mid-chunk must not leave
            # half a line in the output). Else passed on as it comes, whole lines at a time,
            # rather than held whole here (up to a few MB: the parent's peak memory).
            whole = self.splicing and _waiting(worker.results) >= size
            if not (whole and self._splice(worker, size)):
                self._stream(worker, size)
            return Chunk(b"", records, (), written=True)
        return Chunk(self._read(worker, size), records, tuple(indexes))

    def _splice(self, worker: _Worker, size: int) -> bool:
        """Move ``size`` bytes of output from the worker's pipe to the sink; False (and no more
        splicing) when the sink cannot take it that way (a terminal, a file opened to append):
        it is then copied (:meth:`_stream`)."""
        assert self.sink is not None
        left = size
        while left:
            try:
                moved = os.splice(worker.results, self.sink, left)
            except OSError as exc:
                if exc.errno == errno.EINVAL and left == size:
                    self.splicing = False
                    return False
                raise
            if not moved:
                raise self._died(worker)
            left -= moved
        return True

    def _stream(self, worker: _Worker, size: int) -> None:
        """Copy ``size`` bytes of output from the worker's pipe to the sink, in pieces of at most
        STREAM bytes, writing only whole lines: a worker that dies mid-chunk leaves the output
        at the end of a record."""
        assert self.sink is not None
        left, tail = size, b""
        while left:
            piece = os.read(worker.results, min(left, STREAM))
            if not piece:
                raise self._died(worker)
            left -= len(piece)
            data = tail + piece if tail else piece
            end = data.rfind(b"\n") + 1
            if end:
                _write_all(self.sink, [memoryview(data)[:end]])
            tail = data[end:]

    def _read(self, worker: _Worker, size: int) -> bytes:
        data = os.read(worker.results, size)
        if len(data) == size:
            return data
        parts = [data]
        while size > sum(map(len, parts)):
            part = os.read(worker.results, size - sum(map(len, parts)))
            if not part:
                raise self._died(worker)
            parts.append(part)
        return b"".join(parts)

    def _died(self, worker: _Worker, *, why: bool = False) -> Exception:
        """The error to stop on: with ``why`` (its result pipe is between two chunks), the error
        the worker sent back before it exited, if it did; else that it died."""
        worker.process.join(timeout=5)
        code = worker.process.exitcode
        if why and code is not None:
            sent = _sent_error(worker.results)
            if sent is not None:
                return sent
        how = f"was killed by signal {-code}" if code is not None and code < 0 else "stopped"
        return WorkerDied(f"batch: a worker process {how} before it finished its records")

    def stop(self) -> None:
        """Every task is done: each worker reads its stop message and exits."""
        for worker in self.workers:
            with contextlib.suppress(WorkerDied):  # gone after its last chunk: nothing is lost
                self._send(worker, _TASK.pack(0))
        self._end(self._everyone())
        self.workers = self.retired = []

    def _end(self, workers: list[_Worker]) -> None:
        """Wait for stopped workers to exit (each has its stop message, maybe still unsent)."""
        for worker in workers:
            with contextlib.suppress(OSError, WorkerDied):  # one that is gone needs no message
                os.set_blocking(worker.tasks, True)
                self._flush(worker)
        for worker in workers:
            worker.process.join()
            _close(worker)

    def kill(self) -> None:
        """SIGKILL every worker and reap each (bounded)."""
        everyone = self._everyone()
        for worker in everyone:
            with contextlib.suppress(Exception):
                worker.process.kill()
        for worker in everyone:
            with contextlib.suppress(Exception):
                worker.process.join(timeout=5)
            _close(worker)
        self.workers = self.retired = []


def _close(worker: _Worker) -> None:
    for fd in (worker.tasks, worker.results):
        with contextlib.suppress(OSError):
            os.close(fd)
    # Its numbers are free for new pipes: a worker forked later must not be told to close them
    # (it would close its own), nor a second _close close someone else's.
    worker.tasks = worker.results = -1
    with contextlib.suppress(ValueError):  # its sentinel pipe too, once it has exited
        worker.process.close()


def _own_mappings() -> None:
    """Large blocks (128 KiB and up: a chunk's output is about 800 KB) get a mapping of their
    own, unmapped when freed (glibc; elsewhere nothing). glibc would raise that threshold to
    the size of the first large block freed and keep later ones on the heap, whose top stays
    resident: the parent grew 1.6 MB over 100,000 records, and a worker forked from it later
    starts with that much more in its RSS."""
    with contextlib.suppress(OSError, AttributeError, TypeError):
        import ctypes

        ctypes.CDLL(None).mallopt(-3, 128 * 1024)  # M_MMAP_THRESHOLD in glibc's malloc.h


def _trim() -> None:
    """Give free heap memory back to the system (glibc's malloc_trim; elsewhere nothing)."""
    with contextlib.suppress(OSError, AttributeError, TypeError):
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)


def _enlarge(pipe: int) -> None:
    """Give a pipe room for a whole chunk where the system allows it (Linux; up to
    /proc/sys/fs/pipe-max-size), so that the worker writes it in one go and the parent reads it
    in one read, without a context switch every 64 KB."""
    with contextlib.suppress(ImportError, AttributeError, OSError):
        import fcntl

        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, PIPE_SIZE)


def _serve(
    tasks: int,
    results: int,
    inherited: list[int],
    state: tuple[PricingModel, dt.date, str],
    mask: set[signal.Signals],
) -> None:
    """A worker: chunks of records in, their output out, until the stop message.

    It ignores Ctrl-C (the parent stops it) and dies quietly on SIGTERM; a parent that is gone
    (a closed pipe) ends it quietly too.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    for fd in inherited:  # the parent's ends of this and earlier workers' pipes
        with contextlib.suppress(OSError):
            os.close(fd)
    _init_worker(*state)
    with contextlib.suppress(OSError, EOFError):
        try:
            while True:
                (size,) = _TASK.unpack(_read_exactly(tasks, _TASK.size))
                if not size:
                    break
                lines, failed = _outputs(pickle.loads(_read_exactly(tasks, size)))
                size = sum(map(len, lines)) + len(lines)  # each line and its newline
                header = _RESULT.pack(size, len(lines), len(failed))
                # the lines as they are, not joined: a joined copy of a chunk's output (up to a
                # few MB for long courses) was the largest block a worker held
                _write_all(results, [header + array.array("I", failed).tobytes(),
                                     *(part for line in lines for part in (line, b"\n"))])
        except Exception as exc:  # not a bad record (those are error lines): a bug, no memory
            _write_all(results, _broken(exc))
            os._exit(1)
    os._exit(0)  # not multiprocessing's exit, which flushes the parent's stdout buffer again


def _sent_error(results: int) -> Exception | None:
    """The error a worker that has exited sent back, after the chunks it wrote before it."""
    with contextlib.suppress(OSError):
        os.set_blocking(results, True)
        data = _read_exactly(results, _waiting(results))  # it has exited: all of it is there
        while len(data) >= _RESULT.size:
            size, _, failed = _RESULT.unpack_from(data)
            data = data[_RESULT.size :]
            if size == _BROKEN:
                error: Exception = pickle.loads(data[:failed])
                return error
            data = data[4 * failed + size :]
    return None


def _broken(exc: Exception) -> list[bytes]:
    """The message that tells the parent to raise ``exc`` (or, if it cannot be pickled, a
    RuntimeError that names it)."""
    try:
        error = pickle.dumps(exc)
        pickle.loads(error)
    except Exception:
        error = pickle.dumps(RuntimeError(f"{type(exc).__name__}: {exc}"))
    return [_RESULT.pack(_BROKEN, 0, len(error)), error]


def _waiting(pipe: int) -> int:
    """Bytes waiting in a pipe (0 where the system cannot tell)."""
    try:
        import fcntl
        import termios

        buffer = array.array("i", [0])
        fcntl.ioctl(pipe, termios.FIONREAD, buffer)
    except (ImportError, OSError):
        return 0
    return buffer[0]


def _read_exactly(fd: int, size: int) -> bytes:
    parts = []
    while size:
        part = os.read(fd, size)
        if not part:
            raise EOFError
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def _write_all(fd: int, parts: list[bytes] | list[memoryview]) -> None:
    views = [memoryview(part) for part in parts if part]
    while views:
        written = os.writev(fd, views)
        while views and written >= len(views[0]):
            written -= len(views.pop(0))
        if written:
            views[0] = views[0][written:]
