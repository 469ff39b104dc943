"""Build-time: compile the ICD-10-CM code set into ketacost/rules/data/icd10cm.tsv.gz.

    pip install simple-icd-10-cm==1.5.0   # the CMS code set (MIT), build time only
    python scripts/icd10cm_codes.py

Diagnoses on a Good Faith Estimate or a superbill must be valid, billable codes of the current
ICD-10-CM code set (CMS/NCHS, FY2026, April 1 2026 update as packaged by simple-icd-10-cm).
Importing that package parses a 10 MB XML file (seconds), so ketacost reads this compiled list
instead, only when a diagnosis is checked. One line per code, without its dot:
``code<TAB>B|H<TAB>description``: B billable (a leaf), H a category or subcategory header.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import simple_icd_10_cm as icd  # type: ignore[import-untyped]

TARGET = Path(__file__).resolve().parent.parent / "ketacost" / "rules" / "data" / "icd10cm.tsv.gz"
RELEASE = "2026-04-01"  # the code set the package version carries (its data file's name)


def lines() -> list[str]:
    out = [f"#release\t{RELEASE}\tICD-10-CM tabular list (CMS/NCHS) via simple-icd-10-cm"]
    for code in icd.get_all_codes(with_dots=False):
        if icd.is_chapter_or_block(code):
            continue
        kind = "B" if icd.is_leaf(code) else "H"
        description = " ".join(icd.get_description(code).split())
        out.append(f"{code}\t{kind}\t{description}")
    return out


def main() -> None:
    text = "\n".join(lines()) + "\n"
    # mtime=0: the same code set gives the same bytes
    TARGET.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    print(TARGET, len(text.splitlines()) - 1, "codes")


if __name__ == "__main__":
    main()
