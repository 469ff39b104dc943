"""docs/analysis.md stays true: its grid is swept with the real CLI and its Python blocks run
in order, in a fresh folder (where pandas and matplotlib are installed: the test extra)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REPO, run_cli

DOC = REPO / "docs" / "analysis.md"


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_the_analysis_page_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pandas", reason="pandas is not installed (pip install 'ketacost[test]')")
    pytest.importorskip("matplotlib", reason="matplotlib is not installed (the test extra)")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    (grid,) = _blocks("yaml")
    (tmp_path / "grid.yaml").write_text(grid)
    command = _blocks("sh")[0].split("#")[0].split()
    assert command[:2] == ["ketacost", "sweep"]
    run = run_cli(*command[1:])
    assert run.code == 0, run.err
    namespace: dict[str, object] = {}
    for block in _blocks("python"):
        exec(compile(block, str(DOC), "exec"), namespace)  # the page's own code
    table = namespace["table"]
    assert len(table) == 4 * 51 * 3  # type: ignore[arg-type]
    assert (tmp_path / "net_cost_by_state.png").stat().st_size > 10_000
