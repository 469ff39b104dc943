"""The entry point reads a plain `estimate` command line itself, without typer: it must answer
exactly as typer does (same output, same error, same exit code), and leave everything else to it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import Run, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketacost.cli import entry

REPO = Path(__file__).resolve().parents[2]
SCENARIO = "route: spravato\ndeductible: 1500\ncoinsurance: 20\n"

# (arguments, whether the entry point reads them itself)
LINES: list[tuple[list[str], bool]] = [
    (["estimate"], True),
    (["estimate", "--json"], True),
    (["estimate", "--route", "spravato", "--deductible", "1500", "--coinsurance", "20"], True),
    (["estimate", "--route=im", "--sessions=4", "--format", "csv"], True),
    (["estimate", "--format", "markdown", "--route", "oral", "--location", "10001"], True),
    (["estimate", "--hdhp", "--deductible", "3400", "--hsa", "2000", "--tax-rate", "22"], True),
    (["estimate", "--no-consult", "--consult", "--no-copay-program", "--json"], True),
    (["estimate", "--no-hdhp"], False),  # no such option
    (["estimate", "--sessions", "4", "--sessions", "5", "--json"], True),  # the last one wins
    (["estimate", "--apr", "-5", "--finance-months", "12"], True),  # a value may start with -
    (["estimate", "--route", "--json"], True),  # ... even one that looks like an option
    (["estimate", "--sessions", "abc"], True),
    (["estimate", "--coinsurance", "0.2"], True),
    (["estimate", "--route", "ivv"], True),
    (["estimate", "--json", "--format", "csv"], True),
    (["estimate", "--format", "xml"], True),
    (["estimate", "--schedule", "--sessions", "2"], True),
    (["estimate", "--pricing", "/nonexistent/pricing.yaml"], True),
    (["estimate", "--scenario", "{scenario}", "--sessions", "3", "--json"], True),
    (["estimate", "--json", "--output", "-"], True),
    (["estimate", "--rout", "iv"], False),  # a typo: click's "did you mean"
    (["estimate", "--help"], False),
    (["estimate", "-h"], False),
    (["estimate", "--sessions"], False),  # a value missing at the end
    (["estimate", "--json=yes"], False),  # a flag given a value
    (["estimate", "extra"], False),  # a positional argument
    (["estimate", "--", "--json"], False),
    (["--version"], False),
    (["compare", "--json"], False),
    ([], False),
]


def _typer_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(entry, "plain_estimate", lambda args: None)


def _run(args: list[str], tmp_path: Path) -> Run:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(SCENARIO)
    return run_cli(*(a.replace("{scenario}", str(scenario)) for a in args))


@pytest.mark.parametrize(("args", "plain"), LINES, ids=[" ".join(a) or "-" for a, _ in LINES])
def test_a_plain_estimate_line_is_read_without_typer_and_answers_as_typer_does(
    args: list[str], plain: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (entry.plain_estimate(args) is not None) is plain
    mine = _run(args, tmp_path)
    _typer_only(monkeypatch)
    theirs = _run(args, tmp_path)
    assert (mine.code, mine.out, mine.err) == (theirs.code, theirs.out, theirs.err)


def test_output_and_force_behave_the_same_on_both_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--output writes atomically; a read-only file is replaced only with --force."""
    results: list[tuple[Any, ...]] = []
    for typer_only in (False, True):
        if typer_only:
            _typer_only(monkeypatch)
        target = tmp_path / f"out-{typer_only}.json"
        target.write_text("keep")
        target.chmod(0o444)
        refused = run_cli("estimate", "--json", "--output", str(target))
        kept = target.read_text()
        forced = run_cli("estimate", "--json", "--output", str(target), "--force")
        results.append((refused.code, refused.err.replace(str(target), "T"), kept,
                        forced.code, target.read_text()))  # fmt: skip
    assert results[0] == results[1]
    assert results[0][0] == 2 and results[0][2] == "keep"
    if os.geteuid() != 0:  # root may write a read-only file anyway; the code still matches
        assert "--force" in results[0][1]
    assert results[0][3] == 0 and results[0][4].startswith("{\n")


def test_estimate_json_starts_without_typer_rich_or_pydantic() -> None:
    code = (
        "import sys\nfrom ketacost.cli.entry import main\n"
        "try:\n    main(['estimate', '--json'])\nexcept SystemExit:\n    pass\n"
        "heavy = ('typer', 'click', 'rich', 'pydantic', 'yaml', 'jinja2', 'msgspec')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False, cwd=REPO)  # fmt: skip
    assert done.returncode == 0
    assert done.stderr.strip() == "[]", done.stderr[-400:]
    assert '"schema_version": 1' in done.stdout


def test_the_console_script_and_python_m_are_the_entry_point() -> None:
    import tomllib

    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"ketacost": "ketacost.cli.entry:main"}
    done = subprocess.run([sys.executable, "-m", "ketacost", "estimate", "--sessions", "x"],
                          capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert (done.returncode, done.stderr) == (2, "Error: --sessions: must be a whole number, "
                                              "not 'x'\n")  # fmt: skip


# Any mix of real options (as --x v, --x=v or flags), odd values and unknown options: the
# entry point either leaves the line to typer or answers exactly as typer does.
_VALUED = ["--route", "--sessions", "--boosters", "--deductible", "--coinsurance", "--copay",
           "--location", "--provider", "--fsa", "--income", "--format", "--apr",
           "--finance-months", "--start", "--pricing", "--session-price"]  # fmt: skip
_FLAGS = ["--json", "--schedule", "--hdhp", "--consult", "--no-consult", "--force",
          "--copay-program", "--no-copay-program"]  # fmt: skip
_VALUES = ["iv", "spravato", "ivv", "4", "0", "-5", "1500", "20", "0.2", "abc", "", "json",
           "csv", "10001", "NY", "2027-01-04", "--json", "-", "/nonexistent.yaml",
           "1e3"]  # fmt: skip


@st.composite
def _estimate_lines(draw: Any) -> list[str]:
    args = ["estimate"]
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["valued", "valued=", "flag", "odd"]))
        if kind == "valued":
            args += [draw(st.sampled_from(_VALUED)), draw(st.sampled_from(_VALUES))]
        elif kind == "valued=":
            args.append(f"{draw(st.sampled_from(_VALUED))}={draw(st.sampled_from(_VALUES))}")
        elif kind == "flag":
            args.append(draw(st.sampled_from(_FLAGS)))
        else:
            args.append(draw(st.sampled_from(["--sesions", "-h", "--", "x", "--json=1",
                                              "--route"])))  # fmt: skip
    return args


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(args=_estimate_lines())
def test_any_estimate_line_gets_the_answer_typer_gives(args: list[str]) -> None:
    mine = run_cli(*args)
    original = entry.plain_estimate
    entry.plain_estimate = lambda args: None  # type: ignore[assignment]
    try:
        theirs = run_cli(*args)
    finally:
        entry.plain_estimate = original  # type: ignore[assignment]
    assert (mine.code, mine.out, mine.err) == (theirs.code, theirs.out, theirs.err)


def test_the_plain_reader_knows_exactly_the_options_typer_gives_estimate() -> None:
    """An option added to (or removed from) `ketacost estimate` must be added to (or removed
    from) the entry point's reader too: a missing one falls back to typer, a stale one would
    be accepted where typer refuses it."""
    from ketacost.cli.app import _command_for
    from ketacost.inputs.fields import FIELDS

    command = _command_for(["estimate"]).commands["estimate"]
    typer_valued, typer_flags = set(), set()
    for param in command.params:
        names = {*param.opts, *param.secondary_opts} - {"-h", "--help"}
        (typer_flags if param.is_flag else typer_valued).update(names)
    mine_valued = set(entry._ESTIMATE_VALUED) | {s.option for s in FIELDS if s.kind != "flag"}
    mine_flags = set(entry._ESTIMATE_FLAGS) | {s.option for s in FIELDS if s.kind == "flag"}
    mine_flags |= {s.flag_off for s in FIELDS if s.flag_off}
    assert (mine_valued, mine_flags) == (typer_valued, typer_flags)


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown", "html", "table"])
@pytest.mark.parametrize("typer_path", [False, True], ids=["plain", "typer"])
def test_a_reader_that_left_is_not_an_error_on_either_path(fmt: str, typer_path: bool) -> None:
    """`ketacost estimate --json | head -1` under `set -o pipefail`: exit 0, nothing on stderr.
    (Typer's own handler exited 1; `--` sends the same line to typer.)"""
    read, write = os.pipe()
    os.close(read)  # the reader has gone before the first byte is written
    try:
        done = subprocess.run(
            [sys.executable, "-m", "ketacost", "estimate", "--format", fmt,
             *(["--"] if typer_path else [])],
            stdout=write, stderr=subprocess.PIPE, timeout=60, check=False,
        )  # fmt: skip
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (0, b"")


def test_ctrl_c_is_130_and_quiet_on_either_path(monkeypatch: pytest.MonkeyPatch) -> None:
    import ketacost.cli.runs

    def interrupted(option: str | None) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(ketacost.cli.runs, "load_model", interrupted)
    plain = run_cli("estimate", "--json")
    _typer_only(monkeypatch)
    assert (plain.code, plain.out, plain.err) == (130, "", "")
    typed = run_cli("estimate", "--json")
    assert (typed.code, typed.out, typed.err) == (130, "", "")
