"""Bad records in `ketacost batch`: each becomes an error line, the run goes on, exit 4.

Contract (DESIGN.md): JSONL or CSV scenarios in (keys are the scenario's snake_case option names),
JSONL out: one estimate document per input record with ``"line": N`` (N the record's line in the
input), or ``{"line": N, "error": {"code", "message", "field"}}`` for a bad one; exit 4 if any
record failed; ``--fail-fast`` stops at the first.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import Run, run_cli

GOOD_IV = '{"route": "iv", "start": "2026-11-27"}'
GOOD_SPRAVATO = (
    '{"route": "spravato", "deductible": 1500, "coinsurance": 20, "start": "2026-11-27"}'
)
MIXED = [
    GOOD_IV,  # 1
    '{"coinsurance": 150}',  # 2: a percentage above 100
    "this is not JSON",  # 3
    '{"route": "xx"}',  # 4: no such route
    GOOD_SPRAVATO,  # 5
]


def _documents(run: Run) -> list[dict[str, Any]]:
    assert "Traceback" not in run.err + run.out, run.err
    return [json.loads(line) for line in run.out.splitlines()]


def _assert_one_error_line(run: Run) -> None:
    assert run.err.count("\n") <= 1, run.err
    assert run.err == "" or run.err.startswith("Error: "), run.err


def _error(doc: dict[str, Any]) -> dict[str, Any]:
    assert set(doc) == {"line", "error"}, doc
    error: dict[str, Any] = doc["error"]
    assert set(error) == {"code", "message", "field"}, error
    assert isinstance(error["code"], str) and error["code"], error
    assert isinstance(error["message"], str) and error["message"], error
    assert "\n" not in error["message"]
    return error


def _check_mixed(run: Run) -> None:
    assert run.code == 4, (run.code, run.err)
    docs = _documents(run)
    assert [d["line"] for d in docs] == [1, 2, 3, 4, 5]
    assert "error" not in docs[0] and docs[0]["scenario"]["route"] == "iv"
    coinsurance = _error(docs[1])
    assert coinsurance["code"] == "invalid_input"
    assert coinsurance["field"] == "coinsurance"
    assert "100" in coinsurance["message"]
    not_json = _error(docs[2])
    assert not_json["field"] is None
    route = _error(docs[3])
    assert route["code"] == "invalid_input"
    assert route["field"] == "route"
    assert "xx" in route["message"]
    assert "error" not in docs[4] and docs[4]["scenario"]["route"] == "spravato"
    _assert_one_error_line(run)


def test_mixed_jsonl_file(tmp_path: Path) -> None:
    path = tmp_path / "scenarios.jsonl"
    path.write_text("\n".join(MIXED) + "\n")
    _check_mixed(run_cli("batch", str(path)))


def test_mixed_jsonl_on_stdin() -> None:
    _check_mixed(run_cli("batch", "-", input="\n".join(MIXED) + "\n"))


def test_mixed_jsonl_without_a_final_newline(tmp_path: Path) -> None:
    path = tmp_path / "scenarios.jsonl"
    path.write_text("\n".join(MIXED))
    _check_mixed(run_cli("batch", str(path)))


def test_fail_fast_stops_at_the_first_bad_record(tmp_path: Path) -> None:
    path = tmp_path / "scenarios.jsonl"
    path.write_text("\n".join(MIXED) + "\n")
    run = run_cli("batch", "--fail-fast", str(path))
    assert run.code == 4, (run.code, run.err)
    docs = _documents(run)
    assert [d["line"] for d in docs] == [1, 2]
    assert _error(docs[1])["field"] == "coinsurance"


def test_all_good_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "scenarios.jsonl"
    path.write_text(f"{GOOD_IV}\n{GOOD_SPRAVATO}\n")
    run = run_cli("batch", str(path))
    assert run.code == 0, run.err
    assert [d["line"] for d in _documents(run)] == [1, 2]
    assert "Traceback" not in run.err


def test_blank_lines_keep_the_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "scenarios.jsonl"
    path.write_text(f'{GOOD_IV}\n\n   \n{{"coinsurance": 150}}\n')
    run = run_cli("batch", str(path))
    assert run.code == 4
    docs = _documents(run)
    assert [d["line"] for d in docs] == [1, 4]
    assert _error(docs[1])["field"] == "coinsurance"


HOSTILE_LINES: dict[str, tuple[str, str | None]] = {
    # name: (the line, the field its error must name; None: any or none)
    "a_list": ("[1, 2]", None),
    "null": ("null", None),
    "a_string": ('"route: iv"', None),
    "a_number": ("42", None),
    "trailing_garbage": ('{"route": "iv"} xyz', None),
    "unclosed": ('{"route": "iv"', None),
    "nan": ('{"deductible": NaN}', None),
    "infinity": ('{"deductible": Infinity}', None),
    "nested_100000": ('{"route": ' + "[" * 100_000 + "]" * 100_000 + "}", None),
    "unknown_key": ('{"coinsurence": 20}', "coinsurence"),
    "sessions_list": ('{"sessions": [1, 2]}', "sessions"),
    "sessions_5000": ('{"sessions": 5000}', "sessions"),
    "deductible_text": ('{"deductible": "abc"}', "deductible"),
    "deductible_negative": ('{"deductible": -500}', "deductible"),
    "deductible_1e309": ('{"deductible": 1e309}', "deductible"),
    "met_above_deductible": ('{"deductible": 500, "deductible_met": 600}', "deductible_met"),
    "start_february_30": ('{"start": "2027-02-30"}', "start"),
    "plan_year_start_13_01": ('{"plan_year_start": "13-01"}', "plan_year_start"),
    "location_narnia": ('{"location": "Narnia"}', "location"),
    "location_100000_characters": ('{"location": "' + "x" * 100_000 + '"}', "location"),
    "iv_by_telehealth": ('{"route": "iv", "provider": "telehealth"}', "provider"),
    "apr_without_months": ('{"apr": 9.99}', "apr"),
    "hdhp_text": ('{"hdhp": "maybe"}', "hdhp"),
    "coinsurance_fraction": ('{"coinsurance": 0.2}', "coinsurance"),
    "deductible_comma_cents": ('{"deductible": "1,50"}', "deductible"),
}


@pytest.mark.parametrize("name", list(HOSTILE_LINES))
def test_hostile_line_is_an_error_and_the_run_goes_on(name: str, tmp_path: Path) -> None:
    line, field = HOSTILE_LINES[name]
    path = tmp_path / "scenarios.jsonl"
    path.write_text(f"{GOOD_IV}\n{line}\n{GOOD_SPRAVATO}\n")
    run = run_cli("batch", str(path))
    assert run.code == 4, (run.code, run.err[:300])
    docs = _documents(run)
    assert [d["line"] for d in docs] == [1, 2, 3]
    error = _error(docs[1])
    if field is not None:
        assert error["field"] == field, error
    assert len(error["message"]) < 2_000, "the message should not echo the whole line"
    assert "error" not in docs[2]
    _assert_one_error_line(run)


def test_line_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "scenarios.jsonl"
    bad = '{"route": "iv", "location": "Montr\u00e9al"}'.encode("latin-1")
    path.write_bytes(GOOD_IV.encode() + b"\n" + bad + b"\n" + GOOD_SPRAVATO.encode() + b"\n")
    run = run_cli("batch", str(path))
    assert run.code == 4
    docs = _documents(run)
    assert [d["line"] for d in docs] == [1, 2, 3]
    _error(docs[1])
    assert "error" not in docs[2]


def test_mixed_csv(tmp_path: Path) -> None:
    """CSV: a header of option names; "line" is the row's line in the file (the header is 1)."""
    path = tmp_path / "scenarios.csv"
    path.write_text(
        "route,coinsurance,start\n"
        "iv,,2026-11-27\n"  # 2: good
        "iv,150,2026-11-27\n"  # 3: a percentage above 100
        "xx,,2026-11-27\n"  # 4: no such route
        "iv,20,2026-11-27,extra\n"  # 5: more cells than columns
        "spravato,20,2026-11-27\n"  # 6: good
    )
    run = run_cli("batch", str(path))
    assert run.code == 4, (run.code, run.err)
    docs = _documents(run)
    assert [d["line"] for d in docs] == [2, 3, 4, 5, 6]
    assert "error" not in docs[0]
    assert _error(docs[1])["field"] == "coinsurance"
    assert _error(docs[2])["field"] == "route"
    _error(docs[3])
    assert "error" not in docs[4]


def test_csv_unknown_column_names_it(tmp_path: Path) -> None:
    path = tmp_path / "scenarios.csv"
    path.write_text("route,coinsurence\niv,20\n")
    run = run_cli("batch", str(path))
    assert run.code == 4
    (doc,) = _documents(run)
    assert doc["line"] == 2
    assert _error(doc)["field"] == "coinsurence"


def test_missing_input_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.jsonl"
    run = run_cli("batch", str(path))
    assert run.code == 2
    assert run.out == ""
    assert str(path) in run.err and run.err.startswith("Error: ")
    assert "Traceback" not in run.err


def test_empty_input_is_no_records() -> None:
    run = run_cli("batch", "-", input="")
    assert run.code == 0, run.err
    assert run.out == ""


def test_bad_pricing_file_stops_before_any_record(tmp_path: Path) -> None:
    pricing = tmp_path / "pricing.yaml"
    pricing.write_text("- not a mapping\n")
    run = run_cli("batch", "--pricing", str(pricing), "-", input=GOOD_IV + "\n")
    assert run.code == 3
    assert run.out == ""
    assert str(pricing) in run.err


def test_fraction_for_a_percentage_gets_a_hint(tmp_path: Path) -> None:
    """Issue 12 item 1: 0.2 in a record is refused with "did you mean 20?", in JSONL and CSV."""
    jsonl = tmp_path / "scenarios.jsonl"
    jsonl.write_text('{"coinsurance": 0.2, "deductible": 1500}\n')
    csv_file = tmp_path / "scenarios.csv"
    csv_file.write_text("coinsurance,deductible\n0.2,1500\n")
    for path in (jsonl, csv_file):
        run = run_cli("batch", str(path))
        assert run.code == 4, (run.code, run.err)
        (doc,) = _documents(run)
        error = _error(doc)
        assert error["field"] == "coinsurance"
        assert "did you mean 20?" in error["message"], error


def test_csv_header_naming_a_column_twice_is_refused(tmp_path: Path) -> None:
    """`route,route` would silently keep the last cell: refused before any record (exit 2)."""
    path = tmp_path / "scenarios.csv"
    path.write_text("route,coinsurance,route\niv,20,spravato\n")
    run = run_cli("batch", str(path))
    assert run.code == 2, (run.code, run.err)
    assert run.out == ""
    assert run.err == "Error: CSV header: column 'route' appears twice\n"


# --- bounded reads (issue 13, item 4) ------------------------------------------------------------


def test_csv_cell_over_the_csv_limit_is_one_error_line(tmp_path: Path) -> None:
    """A 131,073-character cell aborted the whole batch with exit 1."""
    path = tmp_path / "scenarios.csv"
    path.write_text(f"route,location\niv,{'x' * 131_073}\nspravato,NY\n")
    run = run_cli("batch", str(path))
    assert run.code == 4, (run.code, run.err)
    docs = _documents(run)
    assert [d["line"] for d in docs] == [2, 3]
    assert "CSV" in _error(docs[0])["message"]
    assert docs[1]["scenario"]["route"] == "spravato"


@pytest.mark.parametrize("kind", ["jsonl", "csv"])
def test_line_over_one_mib_is_one_error_line(kind: str, tmp_path: Path) -> None:
    """A record line is capped at 1 MiB: read no further, reported, and the run goes on."""
    path = tmp_path / f"scenarios.{kind}"
    huge = "y" * 1_100_000
    if kind == "jsonl":
        path.write_text(f'{GOOD_IV}\n{{"location": "{huge}"}}\n{GOOD_SPRAVATO}\n')
        lines = [1, 2, 3]
    else:
        path.write_text(f"route,start\niv,2026-11-27\niv,{huge}\nspravato,2026-11-27\n")
        lines = [2, 3, 4]
    run = run_cli("batch", str(path))
    assert run.code == 4, (run.code, run.err)
    docs = _documents(run)
    assert [d["line"] for d in docs] == lines
    assert _error(docs[1])["message"] == "line longer than 1,048,576 characters"
    assert "error" not in docs[0] and "error" not in docs[2]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_batch_of_dev_zero_stops() -> None:
    """`batch /dev/zero` (stat says 0 bytes) read one endless line until memory ran out."""
    run = run_cli("batch", "/dev/zero")
    assert run.code == 2, (run.code, run.err[:200])
    assert run.err.startswith("Error: /dev/zero: line 1 runs past")
    assert run.err.count("\n") == 1


# --- line endings and the 1 MiB limit ------------------------------------------------------------

LIMIT = 1_048_576


def _lines_of(path: Path) -> list[str]:
    from ketacost.files.lines import LineTooLong, open_lines

    lines = open_lines(str(path))
    return ["<too long>" if isinstance(line, LineTooLong) else line for line in lines]


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_records_after_an_over_long_line_are_all_read(end: str, tmp_path: Path) -> None:
    """An over-long line ended by a bare CR (an old Mac file) swallowed the records after it:
    the rest of the line was read up to the next "\\n"."""
    path = tmp_path / "scenarios.jsonl"
    path.write_bytes(f"a{end}{'y' * 1_100_000}{end}b{end}c{end}d".encode())
    assert _lines_of(path) == [f"a{end}", "<too long>", f"b{end}", f"c{end}", "d"]


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_the_limit_counts_the_characters_before_the_line_ending(end: str, tmp_path: Path) -> None:
    """A line of exactly 1,048,576 characters was refused with a CRLF ending, kept with LF."""
    path = tmp_path / "scenarios.jsonl"
    path.write_bytes(f"{'x' * LIMIT}{end}{'x' * (LIMIT + 1)}{end}b{end}".encode())
    assert _lines_of(path) == ["x" * LIMIT + end, "<too long>", f"b{end}"]


def test_a_crlf_cut_between_its_two_characters_is_one_ending(tmp_path: Path) -> None:
    """One character over the limit with CRLF: the bounded read stops between "\\r" and "\\n";
    that "\\n" is not a line of its own (it would shift every line number after it)."""
    path = tmp_path / "scenarios.jsonl"
    path.write_bytes(f"{'x' * (LIMIT + 1)}\r\n\r\nb\r\n".encode())
    assert _lines_of(path) == ["<too long>", "\r\n", "b\r\n"]


def test_an_over_long_first_line_after_a_byte_order_mark(tmp_path: Path) -> None:
    """Dropping the BOM turned the first line's LineTooLong into plain text, read as JSON."""
    path = tmp_path / "scenarios.jsonl"
    path.write_bytes(f"\ufeff{'y' * 1_100_000}\n{GOOD_IV}\n".encode())
    run = run_cli("batch", str(path))
    assert run.code == 4, (run.code, run.err)
    docs = _documents(run)
    assert [d["line"] for d in docs] == [1, 2]
    assert _error(docs[0])["message"] == "line longer than 1,048,576 characters"
    assert docs[1]["scenario"]["route"] == "iv"


def test_standard_input_ends_lines_as_a_file_does(tmp_path: Path) -> None:
    """stdin split only on "\\n": a file with bare-CR endings was one record on stdin, and
    three from a path."""
    import subprocess
    import sys

    data = f"{GOOD_IV}\r{GOOD_SPRAVATO}\r{GOOD_IV}\r".encode()
    path = tmp_path / "scenarios.jsonl"
    path.write_bytes(data)
    runs = [
        subprocess.run([sys.executable, "-m", "ketacost", "batch", *where], input=data,
                       capture_output=True, check=False)
        for where in (["-"], [str(path)])
    ]  # fmt: skip
    for proc in runs:
        assert proc.returncode == 0, proc.stderr
    lines = [[json.loads(line)["line"] for line in p.stdout.splitlines()] for p in runs]
    assert lines == [[1, 2, 3], [1, 2, 3]]
    assert runs[0].stdout == runs[1].stdout


def test_an_over_long_first_record_does_not_make_the_file_csv(tmp_path: Path) -> None:
    """The format was guessed from the over-long line's stand-in text: CSV, with that text as
    its header, and every record after it failed."""
    path = tmp_path / "scenarios.jsonl"
    path.write_text(f'\n{{"location": "{"y" * 1_100_000}"}}\n{GOOD_IV}\n')
    docs = _documents(run_cli("batch", str(path)))
    assert [d["line"] for d in docs] == [2, 3]
    assert _error(docs[0])["message"] == "line longer than 1,048,576 characters"
    assert docs[1]["scenario"]["route"] == "iv"
    only = tmp_path / "only.jsonl"
    only.write_text(f"{'y' * 1_100_000}\n\n")
    run = run_cli("batch", str(only))
    assert [_error(d)["message"] for d in _documents(run)] == [
        "line longer than 1,048,576 characters"
    ]


def test_an_over_long_csv_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "scenarios.csv"
    path.write_text(f"route,{'y' * 1_100_000}\niv\n")
    run = run_cli("batch", str(path), "--input-format", "csv")
    assert run.code == 2, (run.code, run.err)
    assert run.err == "Error: CSV header: line longer than 1,048,576 characters\n"
    assert run.out == ""


# --- the input's format and encoding ---------------------------------------------------------


@pytest.mark.parametrize("name", ["scenarios.jsonl", "scenarios.ndjson", "scenarios.JSON"])
def test_a_jsonl_file_with_a_bad_first_record_stays_jsonl(name: str, tmp_path: Path) -> None:
    """A first line that is not JSON made the file CSV, with that line as the header: each
    record after it failed ("more cells than header columns")."""
    path = tmp_path / name
    path.write_text(f"not json\n{GOOD_IV}\n{GOOD_SPRAVATO}\n")
    run = run_cli("batch", str(path))
    assert run.code == 4, (run.code, run.err)
    docs = _documents(run)
    assert [d["line"] for d in docs] == [1, 2, 3]
    assert _error(docs[0])["code"] == "invalid_json"
    assert [d["scenario"]["route"] for d in docs[1:]] == ["iv", "spravato"]


def test_a_json_array_on_stdin_is_jsonl() -> None:
    run = run_cli("batch", "-", input=f"[{GOOD_IV}]\n{GOOD_IV}\n")
    docs = _documents(run)
    assert _error(docs[0])["message"] == "a record must be a JSON object"
    assert docs[1]["scenario"]["route"] == "iv"


def test_a_csv_name_is_csv_whatever_its_first_line(tmp_path: Path) -> None:
    path = tmp_path / "scenarios.csv"
    path.write_text("{route},start\niv,2026-11-27\n")
    run = run_cli("batch", str(path))
    assert run.code == 4, (run.code, run.err)
    assert _error(_documents(run)[0])["field"] == "{route}"


def test_a_csv_record_over_several_lines_is_numbered_by_its_first(tmp_path: Path) -> None:
    """A quoted cell holding a line break: the record was reported at its last line."""
    path = tmp_path / "scenarios.csv"
    path.write_text('route,location,start\n\niv,"T\nX",2027-01-04\nim,TX,2027-01-04\n\n'
                    'iv,"a\n\nb\n",2027-01-04\nspravato,NY,2027-01-04\n')  # fmt: skip
    docs = _documents(run_cli("batch", str(path)))
    assert [d["line"] for d in docs] == [3, 5, 7, 11]
    assert _error(docs[0])["field"] == "location"
    assert docs[1]["scenario"]["route"] == "im"
    assert docs[3]["scenario"]["route"] == "spravato"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_file_is_refused_by_name(encoding: str, tmp_path: Path) -> None:
    """Windows' "Unicode" text read as UTF-8: a CSV header of noise, every record failed."""
    path = tmp_path / "scenarios.jsonl"
    path.write_text(f"{GOOD_IV}\n{GOOD_SPRAVATO}\n", encoding=encoding)
    run = run_cli("batch", str(path))
    assert run.code == 2, (run.code, run.err)
    assert (
        run.err == f"Error: {path}: looks like UTF-16 text; batch reads UTF-8 (save it as UTF-8)\n"
    )
    assert run.out == ""


def test_a_binary_file_is_refused_not_read_line_by_line(tmp_path: Path) -> None:
    """A PDF given to batch was 1,304 error lines and exit 4 (first-hour review): a file whose
    first lines are binary is refused whole, naming it; its first line alone looks like text."""
    path = tmp_path / "gfe.pdf"
    path.write_bytes(b"%PDF-1.6\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\x00\x00\n")
    run = run_cli("batch", str(path))
    assert run.code == 2
    assert run.out == ""
    assert run.err == (f"Error: {path}: not UTF-8 text (a binary file?); batch reads JSONL or "
                       "CSV text\n")  # fmt: skip
