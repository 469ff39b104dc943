"""Write every output ketacost gives for a fixed set of inputs into a folder, to diff two versions.

A refactoring that must not change any output (issue 22) is checked by running this before and
after and comparing the folders (``diff -r before after``): every command's ``--help``, the
README's console examples, the hostile command lines of ``tests/corpus/cli.csv``, each command
in each format, and a batch of 20,000 random scenarios (``benchmarks/workload.py``).

    python scripts/output_snapshot.py OUT_DIR [--records 20000]

Each case is a file ``NAME.out`` holding the exit code, stderr and stdout. Runs in a temporary
folder with the terminal width fixed at 80 and colour off.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import random
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from workload import mixed_scenario  # noqa: E402

ENV = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb", "KETACOST_NO_CACHE": "1"}
ENV.pop("FORCE_COLOR", None)

COMMANDS = (
    [], ["estimate"], ["compare"], ["sensitivity"], ["gfe"], ["gfe", "notice"], ["schema"],
    ["init"], ["batch"], ["pricing"], ["pricing", "show"], ["pricing", "sources"],
    ["pricing", "validate"], ["clinic"], ["clinic", "init"], ["clinic", "check"],
)  # fmt: skip
SPRAVATO = ("--route spravato --deductible 1500 --coinsurance 20 --oop-max 4000 "
            "--start 2027-01-04 --fsa 1000 --income 85000 --location TX")  # fmt: skip
CASES = {
    "estimate_default": "estimate --start 2027-01-04",
    "estimate_spravato": f"estimate {SPRAVATO}",
    "estimate_spravato_schedule": f"estimate {SPRAVATO} --schedule",
    "estimate_oon": "estimate --route iv --location 60614 --coverage out-of-network "
    "--oon-deductible 1000 --oon-coinsurance 40 --oon-allowed 70 --start 2027-01-04",
    "estimate_finance": "estimate --start 2027-01-04 --finance-months 12 --apr 17.99",
    "estimate_hdhp": "estimate --route spravato --hdhp --deductible 3400 --copay 40 "
    "--oop-max 7000 --hsa 3000 --income 120000 --filing joint --children 2 --location NY "
    "--start 2026-11-02 --plan-year-start 01-01",
    "estimate_fsa_loss": "estimate --start 2027-01-04 --fsa 1000 --income 24000 --filing head "
    "--children 2",
    "estimate_hospital": "estimate --provider hospital --location CA --start 2027-01-04",
    "estimate_oral": "estimate --route oral --start 2027-01-04 --boosters 4",
    "estimate_clinic": "estimate --clinic {repo}/tests/clinic/sunrise.yaml --start 2027-01-04",
    "compare_default": "compare --start 2027-01-04",
    "compare_plan": f"compare {SPRAVATO.replace('--route spravato ', '')}",
    "compare_providers": "compare --providers clinic,hospital --start 2027-01-04",
    "compare_locations": "compare --locations CA,TX,60614 --start 2027-01-04",
    "sensitivity_default": "sensitivity --start 2027-01-04",
    "sensitivity_plan": f"sensitivity {SPRAVATO}",
    "gfe": "gfe --clinic {repo}/tests/clinic/sunrise.yaml --patient-name 'Ana Diaz' "
    "--patient-dob 1980-02-03 --diagnosis F33.2 --start 2027-01-04",
    "schema_estimate": "schema estimate",
    "schema_scenario": "schema scenario",
    "schema_gfe": "schema gfe",
    "pricing_show": "pricing show",
    "pricing_sources": "pricing sources",
    "pricing_validate": "pricing validate {repo}/data/pricing.yaml",
    "version": "--version",
}
FORMATS = {
    "estimate": ("json", "csv", "markdown", "html"),
    "compare": ("json", "csv", "markdown", "html"),
    "sensitivity": ("json", "csv", "markdown", "html"),
    "gfe": ("json", "markdown", "html", "fhir", "pdf"),
}


def run(args: list[str], cwd: Path, stdin: bytes | None = None) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "ketacost", *args], cwd=cwd, env=ENV, input=stdin,
        capture_output=True, timeout=600,
    )  # fmt: skip
    out = proc.stdout
    if out.startswith(b"%PDF"):  # dates inside a PDF change per run: keep its text's digest
        out = b"PDF " + hashlib.sha256(_pdf_text(out)).hexdigest().encode()
    return (
        f"exit {proc.returncode}\n--- stderr\n{proc.stderr.decode(errors='replace')}"
        f"--- stdout\n{out.decode(errors='replace')}"
    )


def _pdf_text(data: bytes) -> bytes:
    try:
        done = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return re.sub(rb"/(CreationDate|ModDate|ID) ?[^/>]*", b"", data)
    return done.stdout


def readme_commands() -> list[str]:
    commands, lines = [], (REPO / "README.md").read_text().splitlines()
    inside = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() == "```console":
            inside = True
        elif line.strip() == "```":
            inside = False
        elif inside and line.startswith("$ ketacost"):
            parts = [line[2:]]
            while parts[-1].rstrip().endswith("\\"):
                parts[-1] = parts[-1].rstrip()[:-1]
                i += 1
                parts.append(lines[i])
            commands.append(" ".join(p.strip() for p in parts))
        i += 1
    return commands


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--records", type=int, default=20_000)
    options = parser.parse_args()
    out: Path = options.out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        jobs: dict[str, tuple[list[str], bytes | None]] = {}
        for words in COMMANDS:
            jobs["help_" + "_".join(words or ["top"])] = ([*words, "--help"], None)
        for name, line in CASES.items():
            jobs[name] = (shlex.split(line.format(repo=REPO)), None)
        for command, formats in FORMATS.items():
            base = shlex.split(CASES["gfe" if command == "gfe" else f"{command}_default"]
                               .format(repo=REPO))  # fmt: skip
            for fmt in formats:
                jobs[f"{command}_format_{fmt}"] = ([*base, "--format", fmt], None)
        for n, line in enumerate(readme_commands()):
            if not re.search(r"[|<>;&`]", line):
                jobs[f"readme_{n:02d}"] = (shlex.split(line)[1:], None)
        text = (REPO / "tests" / "corpus" / "cli.csv").read_text()
        rows = csv.DictReader(io.StringIO("\n".join(
            row for row in text.splitlines() if not row.startswith("#"))))  # fmt: skip
        for n, row in enumerate(rows):
            field = row["args"]
            args = json.loads(field) if field.startswith("[") else shlex.split(field)
            jobs[f"corpus_{n:03d}_{row['name'][:40]}"] = (args, None)
        rng = random.Random(22)
        records = "".join(
            json.dumps(mixed_scenario(rng)) + "\n" for _ in range(options.records)
        ).encode()
        jobs["batch_random"] = (["batch", "-"], records)
        for name, (args, stdin) in jobs.items():
            safe = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
            (out / f"{safe}.out").write_text(run(args, cwd, stdin))
    print(f"{len(jobs)} cases written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
