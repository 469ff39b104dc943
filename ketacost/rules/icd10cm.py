"""The ICD-10-CM code set: is a diagnosis code valid and billable, and what does it say.

A diagnosis on a Good Faith Estimate (45 CFR 149.610(c)(1)(iv)) or on a claim (CMS-1500 item 21)
must be a code of the current ICD-10-CM code set at its highest specificity: a billable leaf, not
a category header such as F33 or F43.1 (payers reject those). The code set is compiled at build
time from the maintained ``simple-icd-10-cm`` package (``scripts/icd10cm_codes.py``) into
``data/icd10cm.tsv.gz`` beside this module, and read only when a diagnosis is checked, so it is
off the start-up path.
"""

from __future__ import annotations

import functools
import os
import re
from typing import NamedTuple

_DATA = os.path.join(os.path.dirname(os.path.realpath(__file__)), "data", "icd10cm.tsv.gz")
# The shape of an ICD-10-CM code: a letter, a digit, a letter or digit, then up to 4 more
_SHAPE = re.compile(r"[A-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?")


class Diagnosis(NamedTuple):
    """A billable ICD-10-CM code, dotted (F41.1), and its description from the code set."""

    code: str
    description: str


class CodeSet(NamedTuple):
    release: str  # the code set's release date, e.g. 2026-04-01
    codes: dict[str, tuple[bool, str]]  # undotted code -> (billable, description)


@functools.cache
def code_set() -> CodeSet:
    """The compiled code set (about 98,000 codes, read once)."""
    import gzip

    with gzip.open(_DATA, "rt", encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        codes = {}
        for line in handle:
            code, kind, description = line.rstrip("\n").split("\t", 2)
            codes[code] = (kind == "B", description)
    return CodeSet(header[1], codes)


def dotted(code: str) -> str:
    """F411 -> F41.1 (an ICD-10-CM code's dot follows its third character)."""
    code = code.replace(".", "")
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def lookup(text: str) -> Diagnosis:
    """The billable diagnosis ``text`` names (dotted or not, any case).

    Raises ``ValueError`` with the reason, worded to follow the code in a message: "is not ...".
    """
    raw = text.strip().upper()
    if not _SHAPE.fullmatch(raw) or (len(raw) > 3 and "." in raw and raw[3] != "."):
        raise ValueError(
            "is not an ICD-10-CM code (a letter, a digit, a letter or digit, then a dot and up "
            "to 4 more: F33.2, F32.A)"
        )
    codes = code_set()
    key = raw.replace(".", "")
    entry = codes.codes.get(key)
    if entry is None:
        raise ValueError(f"is not in the ICD-10-CM code set ({codes.release} release)")
    billable, description = entry
    if not billable:
        children = sorted(c for c in codes.codes if c.startswith(key) and len(c) == len(key) + 1)
        shown = ", ".join(dotted(c) for c in children[:6]) + (", …" if len(children) > 6 else "")
        raise ValueError(
            f"is a category header ({description}), not a billable code; use a more specific "
            f"code: {shown}"
        )
    return Diagnosis(dotted(key), description)
