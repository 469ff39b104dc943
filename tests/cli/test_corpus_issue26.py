"""Hostile input, round three (issue 26): the cases that failed before it, beside the corpus.

Each test names the defect it holds down; the shared checks are ``corpus_checks``'s.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import REPO, run_cli
from corpus_checks import assert_rejected, timed_run

ONE_MIB = 1_048_576
BASE = (REPO / "data" / "pricing.yaml").read_text(encoding="utf-8")


# --- the values guard: a pricing file within 1 MiB loads; the message names the key -----------


def many_sources(count: int) -> str:
    """The built-in pricing file with ``count`` more sources (each about 118 bytes)."""
    extra = "".join(
        f"  x{i:05d}:\n    title: T{i}\n    url: https://e.org/{i}\n    date: 2026-01-01\n"
        f"    accessed: 2026-11\n    supports: s\n"
        for i in range(count)
    )
    at = BASE.index("\nsources:\n") + len("\nsources:\n")
    return BASE[:at] + extra + BASE[at:]


def test_pricing_file_of_8800_sources_within_1_mib_loads(tmp_path: Path) -> None:
    """Refused before by the 10,000-values guard ("line 5020: more than 10,000 values"). As
    many sources as fit within 1 MiB beside the built-in file (about 8,800)."""
    path = tmp_path / "pricing.yaml"
    count = 9_000
    while len(many_sources(count).encode()) > ONE_MIB:
        count -= 100
    path.write_text(many_sources(count), encoding="utf-8")
    assert ONE_MIB - 10_000 < path.stat().st_size <= ONE_MIB
    assert count > 8_000
    start = time.process_time()
    run = run_cli("pricing", "validate", str(path))
    assert run.code == 0, run.err
    assert f"{count + BASE.count(chr(10) + '    supports:')} sources" in run.out, run.out
    assert time.process_time() - start < 5  # about 1 s of CPU


@pytest.mark.parametrize(
    ("content", "key"),
    [
        (b"route: [" + b"1," * 20_000 + b"1]\n", "route.9997"),
        (b"a:\n  b: {" + b", ".join(b"k%d: 1" % i for i in range(6_000)) + b"}\n", "a.b.k4997"),
        (b"a: [{x: [1, {y: [" + b"1," * 20_000 + b"1]}]}]\n", "a.0.x.1.y.9990"),
    ],
)
def test_values_guard_names_the_key_in_a_scenario_file(
    content: bytes, key: str, tmp_path: Path
) -> None:
    """`s_flow.yaml: line 1: more than 10,000 values` named a line but not the key."""
    path = tmp_path / "s.yaml"
    path.write_bytes(content)
    run, elapsed = timed_run("estimate", "--json", "--scenario", str(path))
    assert_rejected(run, 2, f"{key}: more than 10,000 values", elapsed, file=path)


def test_values_guard_names_the_key_in_a_pricing_file(tmp_path: Path) -> None:
    path = tmp_path / "pricing.yaml"
    room = (ONE_MIB - len(BASE.encode()) - 100) // 2  # as many values as fit within 1 MiB
    assert room > 262_144
    path.write_text(BASE + "deep: [" + "1," * room + "1]\n", encoding="utf-8")
    run, elapsed = timed_run("pricing", "validate", str(path))
    assert run.code == 3, run.err
    assert "deep.2" in run.err and "more than 262,144 values" in run.err, run.err
    assert elapsed < 2.0  # counted on the parser's events, before anything is composed
