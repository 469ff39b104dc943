"""`sweep --dask`: the same rows as the plain sweep, in parts of their own, each with its header;
everything the user gave checked before a cluster starts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import run_cli
from test_batch_dask import needs_dask

GRID = "route: all\nlocation: [CA, TX, NY]\ndeductible: [500, 3000]\nstart: 2027-01-04\n"


@needs_dask
def test_the_parts_put_together_are_the_plain_sweep(tmp_path: Path) -> None:
    """Parts of 7 rows on the dask scheduler dask is set to use in this process (synchronous):
    the same function as a cluster's workers run."""
    from ketacost.batch.on_dask import check_output
    from ketacost.batch.sweep_dask import run_sweep_dask
    from ketacost.files.strict_yaml import parse_yaml
    from ketacost.inputs.grid import parse_grid
    from ketacost.rules.loader import load_pricing

    pricing = load_pricing()
    today = dt.date(2026, 11, 27)
    grid = parse_grid(parse_yaml(GRID.encode(), "grid"), pricing, today)
    target = check_output(str(tmp_path / "part-*.csv"))
    import dask

    with dask.config.set(scheduler="synchronous"):
        result = run_sweep_dask(None, grid, target, pricing, today, part=7)
    assert (result.records, result.files) == (24, 4)
    parts = sorted(tmp_path.glob("part-*.csv"))
    assert [p.name for p in parts] == ["part-00000.csv", "part-00001.csv", "part-00002.csv",
                                       "part-00003.csv"]  # fmt: skip
    texts = [p.read_text() for p in parts]
    header = texts[0].splitlines()[0]
    assert all(t.splitlines()[0] == header for t in texts)
    (tmp_path / "grid.yaml").write_text(GRID)
    plain = run_cli("sweep", str(tmp_path / "grid.yaml"))
    assert plain.code == 0, plain.err
    assert header + "\n" + "".join(t.split("\n", 1)[1] for t in texts) == plain.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Error: --output: --dask needs --output PATH"),
        (["--output", "x/", "--format", "parquet"], "Error: --format parquet: not with --dask"),
        (["--output", "x/", "--jobs", "2"], "Error: --jobs: not with --dask"),
    ],
)
def test_dask_options_are_checked_before_a_cluster_starts(
    tmp_path: Path, args: list[str], message: str
) -> None:
    (tmp_path / "grid.yaml").write_text(GRID)
    run = run_cli("sweep", str(tmp_path / "grid.yaml"), "--dask", "local", *args)
    assert run.code == 2 and run.err.startswith(message), run.err
