"""Every ```console example in README.md is run, and its output must match the README.

A console block holds one or more commands, each a line starting ``$ ketacost`` (a line ending in
``\\`` continues on the next), followed by the output the reader is promised. A last output line
``…`` (or one starting with it) means "the output continues": the lines above it must be the
start of the real output. Trailing spaces are ignored (Rich pads table titles to the width);
everything else must match exactly, at 80 columns and without colour.

A command with a pipe or a redirection runs in a shell (its other tools must be installed); the
rest run in-process through the real entry point. Commands run in a fresh folder, so an example
may write a file and read it in a later command of the same block. `estimate` and `compare`
examples must fix their dates (``--start``, or a ``--scenario`` file): the README must not go
stale on a new day. Use ```sh blocks for commands shown without their output.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

if __name__ == "__main__":  # run as a script: the shared fixtures are one folder up
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from conftest import REPO, run_cli

README = REPO / "README.md"
WIDTH = 80
CONTINUES = "…"
SHELL_CHARS = re.compile(r"[|<>;&`]|\$\(")
DATED = ("estimate", "compare", "sensitivity", "gfe")


class Example(NamedTuple):
    line: int  # where the command starts in README.md
    command: str  # without the leading "$ ", continuations joined
    expected: list[str]
    partial: bool  # the README shows only the start of the output


def console_blocks(text: str) -> list[tuple[int, list[str]]]:
    """(first line number, lines) of every ```console block."""
    blocks: list[tuple[int, list[str]]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```console":
            start, body = i + 2, []
            i += 1
            while i < len(lines) and lines[i].strip() != "```":
                body.append(lines[i])
                i += 1
            blocks.append((start, body))
        i += 1
    return blocks


def examples(text: str) -> list[Example]:
    found: list[Example] = []
    for start, body in console_blocks(text):
        i = 0
        while i < len(body):
            if not body[i].startswith("$ "):
                raise AssertionError(
                    f"README.md:{start + i}: a console block must start with a `$ ` command line"
                )
            line_no, parts = start + i, [body[i][2:]]
            while parts[-1].rstrip().endswith("\\") and i + 1 < len(body):
                parts[-1] = parts[-1].rstrip()[:-1]
                i += 1
                parts.append(body[i])
            i += 1
            output: list[str] = []
            while i < len(body) and not body[i].startswith("$ "):
                output.append(body[i])
                i += 1
            partial = bool(output) and output[-1].strip().startswith(CONTINUES)
            if partial:
                output = output[:-1]
            command = " ".join(part.strip() for part in parts)
            found.append(Example(line_no, command, output, partial))
    return found


ALL = examples(README.read_text(encoding="utf-8"))
KETACOST = [e for e in ALL if e.command.split()[:1] == ["ketacost"]]


def normalise(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def run_example(example: Example, folder: Path) -> str:
    """Run one example in ``folder``; its stdout then its stderr, as the reader's terminal shows."""
    if SHELL_CHARS.search(example.command):
        tools = {word for word in re.findall(r"\|\s*(\w[\w.-]*)", example.command)}
        missing = sorted(t for t in tools if t != "ketacost" and shutil.which(t) is None)
        if missing:
            if os.environ.get("KETACOST_REQUIRE_TOOLS") == "1":
                pytest.fail(f"README.md:{example.line} needs {', '.join(missing)}")
            pytest.skip(f"README.md:{example.line} needs {', '.join(missing)}, not installed")
        env = {**os.environ, "COLUMNS": str(WIDTH), "NO_COLOR": "1"}
        env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
        done = subprocess.run(
            ["bash", "-c", "set -o pipefail; " + example.command], cwd=folder, env=env,
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        return done.stdout + done.stderr
    args = shlex.split(example.command, comments=True)[1:]
    run = run_cli(*args)
    return run.out + run.err


def test_the_readme_has_console_examples() -> None:
    assert len(KETACOST) >= 2
    assert all(e.expected for e in KETACOST), "every console example shows its output"


@pytest.mark.parametrize("example", KETACOST, ids=lambda e: f"README.md:{e.line}")
def test_console_example_prints_what_the_readme_shows(
    example: Example, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    words = shlex.split(example.command, comments=True)
    undated = words[1:3] == ["gfe", "notice"]  # the notice has no date
    if len(words) > 1 and words[1] in DATED and "--help" not in words and not undated:
        assert "--start" in words or "--scenario" in words, (
            f"README.md:{example.line}: give a fixed --start so the example does not go stale"
        )
    if "superbill" in words and "--clinic" in words:  # a statement dated today would go stale
        assert "--date" in words, f"README.md:{example.line}: give a fixed --date"
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    monkeypatch.chdir(tmp_path)
    actual = normalise(run_example(example, tmp_path))
    expected = normalise("\n".join(example.expected))
    if example.partial:
        actual = actual[: len(expected)]
    assert actual == expected, f"README.md:{example.line}: `{example.command}` prints otherwise"


def test_parser_reads_continuations_and_partial_output() -> None:
    text = "\n".join([
        "```console",
        "$ ketacost estimate --route iv \\",
        "    --start 2027-01-04",
        "line one",
        "…and the rest",
        "$ ketacost --version",
        "ketacost 1",
        "```",
    ])  # fmt: skip
    first, second = examples(text)
    assert first == Example(2, "ketacost estimate --route iv --start 2027-01-04", ["line one"],
                            True)  # fmt: skip
    assert second == Example(6, "ketacost --version", ["ketacost 1"], False)


def update_readme() -> int:
    """Rewrite each console example's output with what the tool prints now (keeping a partial
    example's length and its `…` line); review the diff before committing it."""
    import tempfile

    os.environ.update(COLUMNS=str(WIDTH), NO_COLOR="1")
    lines = README.read_text(encoding="utf-8").splitlines()
    changed = 0
    for example in sorted(KETACOST, key=lambda e: e.line, reverse=True):
        first = example.line - 1  # the command line, 0-based
        end = first + 1
        while lines[end - 1].rstrip().endswith("\\"):
            end += 1
        with tempfile.TemporaryDirectory() as folder:
            cwd = os.getcwd()
            os.chdir(folder)
            try:
                actual = normalise(run_example(example, Path(folder)))
            finally:
                os.chdir(cwd)
        shown = len(example.expected)
        if example.partial:
            actual = actual[:shown]
        tail = [lines[end + shown]] if example.partial else []
        block = actual + tail
        if lines[end : end + shown + len(tail)] != block:
            lines[end : end + shown + len(tail)] = block
            changed += 1
    README.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"examples updated in {README}: {changed}")
    return 0


if __name__ == "__main__":  # python tests/cli/test_readme.py --update
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python tests/cli/test_readme.py --update")
    sys.exit(update_readme())
