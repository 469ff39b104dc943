"""The console entry point: one error path for every command, and ``estimate`` without typer.

:func:`main` maps every error to one line ``Error: …`` on stderr and the exit code of DESIGN.md.
A plain ``ketacost estimate`` command line (known options only, each ``--name value``,
``--name=value`` or ``--flag``) is read here, from the same FIELDS table that gives typer the
options, and runs the same :func:`ketacost.cli.runs.run_estimate`; anything else (help, a typo,
a positional argument, an option before the command, shell completion, every other command) goes
to typer in ``app.py``. Importing typer and building its command is most of what
``estimate --json`` would otherwise spend starting up.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Callable
from typing import Any

from ..core.errors import KetacostError
from .output import CLOSED_STDOUT, _ClosedOutput, _error


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; map every error to one line on stderr and an exit code."""
    debug = os.environ.get("KETACOST_DEBUG") == "1"
    args = sys.argv[1:] if argv is None else list(argv)
    prog = "ketacost"
    if args[:2] == ["gfe", "notice"]:  # `gfe notice`: a command beside `gfe`'s own options
        args = argv = ["notice", *args[2:]]
        prog = "ketacost gfe"  # so that its help and usage errors say `ketacost gfe notice`
    run = plain_estimate(args)
    if run is None:
        from .app import _command_for

        command = _command_for(args)

        def run() -> Any:
            return command.main(args=argv, prog_name=prog, standalone_mode=False)

    if sys.stdout is None:  # started with standard output closed (`ketacost estimate >&-`)
        sys.stdout = _ClosedOutput()
    if sys.stderr is None:  # `2>&-`: messages go nowhere, the exit code still tells
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    _ascii_fallback()
    try:
        result = run()
        code = result if isinstance(result, int) else 0
    except KetacostError as exc:
        if debug:  # the traceback for a bug report, and still the documented exit code
            import traceback

            traceback.print_exc()
        _error(str(exc))
        code = exc.exit_code
    except KeyboardInterrupt:  # Ctrl-C: 130, quietly, as typer does for the other commands
        code = 130
    except BrokenPipeError:
        code = 0  # `ketacost … | head`: the reader left; nothing to report
        if sys.stderr is not None:
            sys.stderr.close()
    except OSError as exc:
        if debug:
            raise
        if exc.errno != errno.EBADF:
            _error(f"unexpected OSError: {exc} (set KETACOST_DEBUG=1 for details)")
            code = 1
        else:  # standard output open for reading only (`ketacost estimate 1</dev/null`)
            _error(CLOSED_STDOUT)
            code = 2
    except Exception as exc:
        if debug:
            raise
        usage = getattr(exc, "format_message", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and usage is not None:
            sys.stdout.write(usage() + "\n")  # `ketacost` or `ketacost pricing` alone: help
            code = 0
        elif usage is not None and hasattr(exc, "exit_code"):  # a usage error from the parser
            _error(usage().replace("\n", " "))
            code = 2
        else:
            _error(f"unexpected {type(exc).__name__}: {exc} (set KETACOST_DEBUG=1 for details)")
            code = 1
    sys.exit(code)


# --- a plain `estimate` command line, read without typer ----------------------------------------

# estimate's own options (estimates.estimate_command declares the same ones for typer and --help)
_ESTIMATE_VALUED = {"--format": "fmt", "--scenario": "scenario_file", "--pricing": "pricing_file",
                    "--clinic": "clinic_file", "--output": "output"}  # fmt: skip
_ESTIMATE_FLAGS = {"--json": "json_flag", "--schedule": "schedule", "--force": "force"}


def plain_estimate(args: list[str]) -> Callable[[], None] | None:
    """The estimate a plain command line asks for, ready to run; None for typer to handle.

    Read as click reads it: an option's value is the next argument whatever it looks like, the
    last of a repeated option wins, a flag ``--x/--no-x`` is True or False. Anything click would
    treat otherwise, or refuse, is left to typer, so its messages and help stay the only ones.
    """
    if not args or args[0] != "estimate" or "_KETACOST_COMPLETE" in os.environ:
        return None
    from ..inputs.fields import FIELDS

    valued = dict(_ESTIMATE_VALUED)
    flags: dict[str, tuple[str, bool]] = {k: (v, True) for k, v in _ESTIMATE_FLAGS.items()}
    for spec in FIELDS:
        if spec.kind != "flag":
            valued[spec.option] = spec.name
        else:
            flags[spec.option] = (spec.name, True)
            if spec.flag_off:
                flags[spec.flag_off] = (spec.name, False)
    given: dict[str, Any] = {}
    rest = iter(args[1:])
    for arg in rest:
        name, equals, inline = arg.partition("=")
        if name in valued:
            value = inline if equals else next(rest, None)
            if value is None:  # `--route` at the end: click's "requires an argument"
                return None
            given[valued[name]] = value
        elif name in flags and not equals:
            given[flags[name][0]] = flags[name][1]
        else:  # -h, --help, --, a typo, a positional argument, `--json=x`: typer's to say
            return None
    own = {key: given.pop(key) for key in (*_ESTIMATE_VALUED.values(), *_ESTIMATE_FLAGS.values())
           if key in given}  # fmt: skip

    def run() -> None:
        from .runs import run_estimate

        run_estimate(given, **own)

    return run


# What a terminal that is not UTF-8 (PYTHONIOENCODING=ascii, LC_ALL=C without UTF-8 mode) shows
# instead of the characters it cannot encode; anything else becomes "?". One character for one,
# so that tables measured with the original text stay aligned.
_ASCII = {
    "\u2014": "-", "\u2013": "-", "\u2212": "-", "\u2264": "<", "\u2265": ">",
    "\u2026": ".", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
    "\u2192": ">", "\u2022": "*", "\u00b7": "*", "\u00d7": "x", "\u00b1": "~",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u00a7": "S", "\u2588": "#",
    "\u258f": "|", "\u2502": "|", "\u2500": "-", "\u2248": "~", "\u00e9": "e",
}  # fmt: skip


def _ascii_fallback() -> None:
    """Standard output and error that cannot encode Unicode get plain ASCII, not a crash."""
    import codecs

    def replace(exc: UnicodeError) -> tuple[str, int]:
        if not isinstance(exc, UnicodeEncodeError):
            raise exc
        bad = exc.object[exc.start : exc.end]
        return "".join(_ASCII.get(ch, "?") for ch in bad), exc.end

    with contextlib.suppress(LookupError):
        codecs.lookup_error("ketacost-ascii")
        replace = None  # type: ignore[assignment]
    if replace is not None:
        codecs.register_error("ketacost-ascii", replace)
    for stream in (sys.stdout, sys.stderr):
        encoding = str(getattr(stream, "encoding", None) or "utf-8")
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None or encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
            continue
        with contextlib.suppress(LookupError, ValueError, OSError):
            if codecs.lookup(encoding).name != "utf-8":
                reconfigure(errors="ketacost-ascii")
