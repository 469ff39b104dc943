"""Refresh the compiled built-in pricing model and tax law: ``python -m ketacost.rules.compile``.

Run it after editing data/pricing.yaml or data/tax.yaml; a test fails while a compiled copy is
stale (the loader then parses the YAML instead, which is correct but slower).
"""

from __future__ import annotations

from pathlib import Path

from . import taxlaw
from .loader import (
    builtin_path,
    builtin_tax_law_path,
    compiled_path,
    compiled_payload,
    compiled_text,
    fingerprint,
    parse_pricing,
    parse_tax_law,
    tax_law_compiled_path,
)


def compile_builtin() -> Path:
    """Validate the built-in pricing file and write its compiled form into the package."""
    path = builtin_path()
    raw = path.read_bytes()
    model = parse_pricing(raw, str(path))
    compiled = compiled_path()
    compiled.parent.mkdir(parents=True, exist_ok=True)
    compiled.write_text(compiled_payload(fingerprint(raw), model) + "\n", encoding="utf-8")
    return compiled


def tax_law_key(raw: bytes) -> str:
    """A key for the tax-law bytes and the code that validated them (see loader.fingerprint)."""
    import zlib

    code = Path(taxlaw.__file__).read_bytes()
    return f"{len(raw):x}-{zlib.crc32(raw):08x}-{zlib.crc32(code):08x}"


def compile_tax_law() -> Path:
    """Validate data/tax.yaml and write its compiled form into the package."""
    path = builtin_tax_law_path()
    raw = path.read_bytes()
    law = parse_tax_law(raw, str(path))
    compiled = tax_law_compiled_path()
    compiled.write_text(compiled_text(law, tax_law_key(raw)) + "\n", encoding="utf-8")
    return compiled


if __name__ == "__main__":
    print(compile_builtin())
    print(compile_tax_law())
