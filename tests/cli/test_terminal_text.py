"""User-supplied text reaches the terminal escaped, by every command (issue 26, item 1).

Six commands printed a file name's raw escape sequences (`clinic init`, `clinic check`, the
`estimate --clinic` table's "Prices: …" line, the `batch --dask` summary, `pricing validate`,
`estimate --format markdown --pricing`). One escaper (``core.errors.printable``) now serves
every way text reaches the terminal: ``cli.output.say`` for status lines, ``cli.output.show``
for rich output, ``render.markdown.escape_markdown`` and the HTML environment's finalize. The
cases are data (``corpus/terminal.csv``); the rich markup of labels is tested here too.
"""

from __future__ import annotations

import contextlib
import importlib.util
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, run_cli
from corpus_checks import CORPUS, read_manifest

EVIL = "n\x1b[31mRED\x1b[0m\x1b]8;;https:evil\x07link\x1b]8;;\x07\u202eexe.\r\x1b[2Jz"
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
ESCAPED = "n\\x1b[31mRED\\x1b[0m"  # how the name starts when shown
CASES = read_manifest(CORPUS / "terminal.csv")
CLINIC = (REPO / "tests" / "clinic" / "sunrise.yaml").read_text(encoding="utf-8")
PRICING = (REPO / "data" / "pricing.yaml").read_text(encoding="utf-8")


needs_dask = pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None, reason="dask is not installed"
)


def _assert_no_raw_control(text: str, where: str) -> None:
    found = RAW.search(text)
    assert found is None, f"raw {found.group()!r} in {where}: {text[:300]!r}"


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_a_file_name_reaches_the_terminal_escaped(case: dict[str, str], tmp_path: Path) -> None:
    evil = tmp_path / f"{EVIL}.yaml"
    if case["setup"] == "clinic":
        evil.write_text(CLINIC, encoding="utf-8")
    elif case["setup"] == "pricing":
        evil.write_text(PRICING, encoding="utf-8")
    words = shlex.split(
        case["args"].replace("{dir}/{evil}.yaml", "EVIL").replace("{dir}", str(tmp_path))
    )
    args = [str(evil) if w == "EVIL" else w for w in words]
    run = run_cli(*args)
    assert run.code == int(case["exit"]), run.err
    _assert_no_raw_control(run.out, "stdout")
    _assert_no_raw_control(run.err, "stderr")
    if case["stream"] != "none":
        shown = run.out if case["stream"] == "stdout" else run.err
        joined = "".join(shown.split())  # a table may wrap the name over lines
        unescaped = re.sub(r"\\([\\\[\]])", r"\1", joined)  # Markdown's \\ and \[
        assert ESCAPED in joined or ESCAPED in unescaped, shown[:500]
    for written in tmp_path.glob("out.*"):
        _assert_no_raw_control(written.read_text(encoding="utf-8"), written.name)


def test_every_case_name_is_unique() -> None:
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names))


@contextlib.contextmanager
def _no_cluster() -> Iterator[Any]:
    yield None


@needs_dask
def test_batch_dask_summary_names_the_output_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The summary ("1 record estimated into 1 file at …") printed the name raw."""
    import dask

    from ketacost.batch import on_dask

    monkeypatch.setattr(on_dask, "_client", lambda address: _no_cluster())
    source = tmp_path / "in.csv"
    source.write_text("route,location\niv,CA\n")
    with dask.config.set(scheduler="synchronous"):
        run = run_cli("batch", "--dask", "local", str(source), "--output", str(tmp_path / EVIL))
    assert run.code == 0, run.err
    _assert_no_raw_control(run.err, "stderr")
    assert ESCAPED in run.err and "1 record estimated into 1 file" in run.err


# --- rich markup in labels: text, never markup ----------------------------------------------


def test_rich_markup_in_pricing_labels_is_text(tmp_path: Path) -> None:
    """A route label "IV [/oops]" made `pricing show` exit 1 (MarkupError); "[link=…]" in a
    line item's label became a terminal hyperlink in the estimate table."""
    path = tmp_path / "pricing.yaml"
    text = PRICING.replace("label: IV infusion\n", 'label: "IV [/oops] [bold]x"\n', 1)
    text = text.replace("label: IV ketamine infusion\n", 'label: "[link=http://x]IV[/link]"\n', 1)
    path.write_text(text, encoding="utf-8")
    shown = run_cli("pricing", "show", str(path))
    assert shown.code == 0, shown.err
    assert "[/oops]" in shown.out and "[bold]x" in shown.out
    table = run_cli("estimate", "--pricing", str(path), "--start", "2026-11-27")
    assert table.code == 0, table.err
    assert "[link=" in table.out and "[/link]" in table.out


# --- Markdown made from a pricing file: every member through render/markdown.py -------------


def test_markdown_from_a_pricing_file_has_no_live_markup(tmp_path: Path) -> None:
    """A source's URL `https://x>[click](javascript:…)` ended its autolink and became a live
    link; labels and titles go through escape_markdown (checked here as well)."""
    path = tmp_path / "pricing.yaml"
    text = PRICING.replace(
        "url: https://thervo.com/costs/ketamine-therapy-cost\n",
        'url: "https://thervo.com/x>[click](javascript:alert(1))<b>x y"\n',
        1,
    )
    text = text.replace("label: IV ketamine infusion\n", 'label: "<img src=x> [a](b) | *c*"\n', 1)
    assert text.count("javascript") == 1 and text.count("<img") == 1
    path.write_text(text, encoding="utf-8")
    run = run_cli("estimate", "--pricing", str(path), "--format", "markdown")
    assert run.code == 0, run.err
    assert "<https://thervo.com/x%3E[click](javascript:alert(1))%3Cb%3Ex%20y>" in run.out
    assert not re.search(r"(?<!\\)(<img|\]\(b\)|<b>)", run.out)  # none unescaped
    assert "\\<img src=x\\> \\[a\\](b) \\| \\*c\\*" in run.out
