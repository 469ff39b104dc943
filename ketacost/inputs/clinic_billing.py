"""The clinic profile's billing keys, for the superbill: ``billing_npi`` and ``rendering``.

CMS-1500 item 33a is the billing provider's NPI (a group's type-2 NPI; without ``billing_npi``
the profile's ``npi``); item 24J and 31 name the clinician who gave the care: ``rendering:`` lists
them, each with name, credentials, NPI (check digit) and NUCC taxonomy.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from ..core.errors import InputError
from ..rules.coding import npi_check_digit_ok

RENDERING_KEYS = ("name", "credentials", "npi", "taxonomy")
TAXONOMY = re.compile(r"\d{3}[0-9A-Z]{6}X")  # NUCC: 2084P0800X psychiatry, 363LP0808X PMHNP


class RenderingProvider(NamedTuple):
    name: str
    credentials: str | None
    npi: str
    taxonomy: str | None


def _fail(source: str, key: str, message: str) -> InputError:
    where = f"{source}: {key}"
    return InputError(f"{where}: {message}", field=where)


def _npi(value: Any, source: str, key: str) -> str:
    text = str(value).strip() if isinstance(value, (str, int)) else ""
    if not re.fullmatch(r"\d{10}", text):
        raise _fail(source, key, f"must be 10 digits, not {str(value)[:20]!r}")
    if not npi_check_digit_ok(text):
        raise _fail(source, key, f"{text} fails the NPI check digit (Luhn with prefix 80840)")
    return text


def _text(value: Any, source: str, key: str, limit: int) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list, bool)):
        raise _fail(source, key, "must be text")
    text = " ".join(str(value).split())
    if not text or len(text) > limit or any(ord(c) < 32 for c in text):
        raise _fail(source, key, f"must be 1 to {limit} characters of text")
    return text


def parse_billing(document: dict[str, Any], source: str) -> dict[str, Any]:
    """The profile's ``billing_npi`` and ``rendering``, as ClinicProfile fields."""
    billing_npi = None
    if document.get("billing_npi") is not None:
        billing_npi = _npi(document["billing_npi"], source, "billing_npi")
    raw = document.get("rendering")
    rendering: list[RenderingProvider] = []
    if raw is not None:
        if not isinstance(raw, list):
            raise _fail(source, "rendering", "must be a list of clinicians (- name: …, npi: …)")
        for n, item in enumerate(raw):
            where = f"rendering[{n}]"
            if not isinstance(item, dict):
                raise _fail(
                    source, where, "must be a mapping with name, credentials, npi, taxonomy"
                )
            for key in item:
                if key not in RENDERING_KEYS:
                    raise _fail(source, f"{where}.{str(key)[:40]}",
                                f"unknown key (known: {', '.join(RENDERING_KEYS)})")  # fmt: skip
            for key in ("name", "npi"):
                if item.get(key) is None:
                    raise _fail(source, f"{where}.{key}", "missing")
            taxonomy = _text(item.get("taxonomy"), source, f"{where}.taxonomy", 10)
            if taxonomy is not None and not TAXONOMY.fullmatch(taxonomy.upper()):
                raise _fail(
                    source,
                    f"{where}.taxonomy",
                    f"must be a NUCC taxonomy code like 2084P0800X, not {taxonomy!r}",
                )
            rendering.append(RenderingProvider(
                _text(item["name"], source, f"{where}.name", 100) or "",
                _text(item.get("credentials"), source, f"{where}.credentials", 30),
                _npi(item["npi"], source, f"{where}.npi"),
                taxonomy and taxonomy.upper(),
            ))  # fmt: skip
    return {"billing_npi": billing_npi, "rendering": tuple(rendering)}


TEMPLATE_LINES = """
# Optional, for `ketacost superbill`: the group's billing NPI (CMS-1500 item 33a; default: npi)
# and the clinicians who give the care (items 24J and 31), with NUCC taxonomy codes.
# billing_npi: "1234567893"
# rendering:
#   - name: Maria Lopez
#     credentials: MD
#     npi: "1245319599"
#     taxonomy: "2084P0800X"
"""
