"""An unbalanced CSV quote swallowed the records after it (issue 26, from round two).

`route,location`, then `iv,"CA`, then 100 good lines gave one error for line 2 and nothing else:
100 records lost without a word. A quote left open to the end of the input, or for
MAX_RECORD_LINES lines, or past the csv module's cell limit, is now an error of its own naming
the line it opened on, and the lines after that one are read on as records; the plain batch and
`batch --dask` read alike (both through ``records.csv_records``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from test_batch_dask import needs_dask

from ketacost.batch.records import MAX_RECORD_LINES

GOOD = "iv,CA\n"

CASES: dict[str, tuple[str, list[int], list[tuple[int, str]]]] = {
    # name: (file, the output's line numbers, (line, words of its error))
    "open_to_the_end_after_100_good_lines": (
        'route,location\niv,"CA\n' + GOOD * 100,
        list(range(2, 103)),
        [(2, "quote opened on line 2 is not closed within 100 lines")],
    ),
    "open_to_the_end_after_3_good_lines": (
        'route,location\niv,"CA\n' + GOOD * 3,
        [2, 3, 4, 5],
        [(2, "quote opened on line 2 is not closed by the end of the input")],
    ),
    "open_after_a_closed_multi_line_cell": (
        'route,location\niv,"T\nX"\niv,"CA\n\nim,NY\n',
        [2, 4, 6],
        [(2, "unknown location"), (4, "quote opened on line 4 is not closed by the end")],
    ),
    "open_quote_opens_on_the_second_line_of_its_record": (
        'route,location,start\niv,"T\nX",2027-01-04,\nim,"NY\nim,NY,2027-01-04\n',
        [2, 4, 5],
        [(2, "more cells"), (4, "quote opened on line 4"), (5, "")],
    ),
    "a_quote_closed_by_the_next_one": (  # as Python's csv reads it: "CA\nim," then NY
        'route,location\niv,"CA\nim,"NY\n' + GOOD * 2,
        [2, 4, 5],
        [(2, "unknown location 'CA\\nim,NY'")],
    ),
    "two_open_quotes": (
        'route,location\niv,"CA\n' + GOOD * 120 + 'im,"NY\n' + GOOD * 2,
        list(range(2, 126)),
        [(2, "opened on line 2 is not closed within 100"), (123, "opened on line 123")],
    ),
    "open_past_the_cell_limit": (
        'route,location\niv,"a\n' + "x" * 140_000 + "\n" + GOOD,
        [2, 3, 4],
        [(2, "not closed within 131,072 characters"), (3, "field larger than field limit")],
    ),
}


def _read(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


def _check(docs: list[dict[str, Any]], lines: list[int], errors: list[tuple[int, str]]) -> None:
    assert [d["line"] for d in docs] == lines
    by_line = {d["line"]: d for d in docs}
    for line, words in errors:
        if not words:
            assert "error" not in by_line[line], by_line[line]
            continue
        assert words in by_line[line]["error"]["message"], by_line[line]
    failed = {line for line, words in errors if words}
    assert all("error" not in d for d in docs if d["line"] not in failed)


@pytest.mark.parametrize("name", list(CASES))
def test_an_open_quote_is_its_own_error_and_loses_no_record(name: str, tmp_path: Path) -> None:
    text, lines, errors = CASES[name]
    path = tmp_path / "s.csv"
    path.write_text(text)
    run = run_cli("batch", str(path))
    assert run.code == 4, (run.code, run.err)
    _check(_read(run.out), lines, errors)


def test_an_open_quote_in_the_header_is_refused() -> None:
    run = run_cli("batch", "-", input='route,"location\niv,CA\n' + GOOD * 3)
    assert run.code == 2
    assert run.err == "Error: CSV header: the quote opened on line 1 is never closed\n"


def test_a_record_may_span_lines_up_to_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text('route,location\niv,"' + "a\n" * (MAX_RECORD_LINES - 1) + 'a"\n' + GOOD)
    docs = _read(run_cli("batch", str(path)).out)
    assert [d["line"] for d in docs] == [2, 2 + MAX_RECORD_LINES]
    assert "quote" not in docs[0]["error"]["message"]  # read as one (too long) cell


@needs_dask
@pytest.mark.parametrize("name", list(CASES))
def test_dask_reads_an_open_quote_as_the_plain_batch(name: str, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(CASES[name][0])
    import datetime as dt

    import dask

    from ketacost.batch import on_dask as dask_batch
    from ketacost.cli.runs import load_model

    pricing, label = load_model(None)
    checked = dask_batch.check_inputs([str(path)], None)
    output = dask_batch.check_output(str(tmp_path / "out"))
    with dask.config.set(scheduler="synchronous"):
        dask_batch.run_dask(None, checked, output, pricing, dt.date.today(), source=label)
    parts = [p.read_text() for p in sorted((tmp_path / "out").iterdir())]
    assert "".join(parts) == run_cli("batch", str(path)).out
