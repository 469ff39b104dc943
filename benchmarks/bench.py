"""ketacost benchmarks: each figure printed as a ratio against a baseline measured in the same run.

    python benchmarks/bench.py            # everything (about a minute and a half)
    python benchmarks/bench.py startup    # only the start-up figures

Figures and targets (issue 7):
- start-up: median wall time of `ketacost estimate --json` ≤ 10× `python -c pass`, and of the
  table output ≤ 15×;
- batch rate: scenarios per second through `ketacost batch` (target ≥ 5,000/s);
- batch memory: peak RSS for 1,000,000 lines within 10% of that for 10,000 lines.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
KETACOST = shutil.which("ketacost", path=str(Path(PYTHON).parent)) or "ketacost"
RUNS = int(os.environ.get("BENCH_RUNS", "40"))


def median_wall(argv: list[str], runs: int = RUNS) -> float:
    """Median wall-clock seconds of running ``argv`` (output discarded), after one warm-up."""
    env = {**os.environ, "NO_COLOR": "1"}
    subprocess.run(argv, stdout=subprocess.DEVNULL, check=True, env=env)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, check=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def startup() -> list[tuple[str, float, float, str]]:
    base = median_wall([PYTHON, "-c", "pass"])
    json_time = median_wall([KETACOST, "estimate", "--json"])
    table_time = median_wall([KETACOST, "estimate"])
    print(f"baseline  python -c pass                 {base * 1000:7.1f} ms")
    print(f"startup   ketacost estimate --json        {json_time * 1000:7.1f} ms"
          f"  = {json_time / base:5.1f}x baseline (target <= 10x)")  # fmt: skip
    print(f"startup   ketacost estimate (table)       {table_time * 1000:7.1f} ms"
          f"  = {table_time / base:5.1f}x baseline (target <= 15x)")  # fmt: skip
    return [
        ("startup_json", json_time / base, 10.0, "<="),
        ("startup_table", table_time / base, 15.0, "<="),
    ]


SCENARIOS = [
    {"route": "iv"},
    {"route": "spravato", "deductible": 1500, "coinsurance": 20, "oop_max": 4000},
    {"route": "im", "location": "CA", "fsa": 1000, "tax_rate": 30},
    {"route": "oral", "boosters": 6},
    {"route": "iv", "coverage": "out-of-network", "oon_allowed": 70, "oon_coinsurance": 40},
    {"route": "spravato", "boosters": 8, "hsa": 2000, "income": 90000, "hdhp": True,
     "deductible": 3000},
]  # fmt: skip


def write_lines(path: Path, count: int) -> None:
    lines = [json.dumps({**s, "start": "2026-01-05"}) + "\n" for s in SCENARIOS]
    with path.open("w") as handle:
        block = "".join(lines[i % len(lines)] for i in range(600))
        for _ in range(count // 600):
            handle.write(block)
        handle.writelines(lines[i % len(lines)] for i in range(count % 600))


def run_batch(path: Path) -> tuple[float, int]:
    """(seconds, peak RSS in KiB of the batch process and its workers)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [KETACOST, "batch", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, rusage = os.wait4(proc.pid, 0)[1:]
    elapsed = time.perf_counter() - start
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(rusage.ru_maxrss, children)


def batch() -> list[tuple[str, float, float, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        small, large = Path(tmp) / "10k.jsonl", Path(tmp) / "200k.jsonl"
        write_lines(small, 10_000)
        write_lines(large, 200_000)
        seconds_small, _ = run_batch(small)
        seconds_large, _ = run_batch(large)
        rate = 190_000 / (seconds_large - seconds_small)
        print(
            f"batch     10,000 lines {seconds_small:6.2f} s; 200,000 lines {seconds_large:6.2f} s"
        )
        print(f"batch     rate {rate:9,.0f} scenarios/s (marginal, start-up excluded)"
              f"  = {rate / 5000:5.2f}x target of 5,000/s")  # fmt: skip
    return [("batch_rate", rate / 5000, 1.0, ">=")]


def memory() -> list[tuple[str, float, float, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        small, large = Path(tmp) / "10k.jsonl", Path(tmp) / "1m.jsonl"
        write_lines(small, 10_000)
        write_lines(large, 1_000_000)
        peaks = []
        for path in (small, large):
            code = (
                "import resource, subprocess, sys;"
                f"subprocess.run([{KETACOST!r}, 'batch', {str(path)!r}],"
                " stdout=subprocess.DEVNULL, check=False);"
                "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
            )
            out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True)
            peaks.append(int(out.stdout.strip()))
        ratio = peaks[1] / peaks[0]
        print(f"memory    peak RSS 10,000 lines {peaks[0] / 1024:6.1f} MiB; "
              f"1,000,000 lines {peaks[1] / 1024:6.1f} MiB  = {ratio:4.2f}x "
              "(target <= 1.10x)")  # fmt: skip
    return [("batch_memory", ratio, 1.10, "<=")]


def main() -> int:
    which = sys.argv[1:] or ["startup", "batch", "memory"]
    print(
        f"machine   {platform.platform()}; {os.cpu_count()} cores; "
        f"Python {platform.python_version()}"
    )
    results = []
    for name in which:
        results += {"startup": startup, "batch": batch, "memory": memory}[name]()
    failed = [r for r in results if (r[1] > r[2] if r[3] == "<=" else r[1] < r[2])]
    for name, value, target, op in failed:
        print(f"MISSED    {name}: {value:.2f} (target {op} {target})")
    print("all targets met" if not failed else f"{len(failed)} target(s) missed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
