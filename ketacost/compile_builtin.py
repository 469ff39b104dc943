"""Refresh the compiled built-in pricing model: ``python -m ketacost.compile_builtin``.

Run it after editing data/pricing.yaml; a test fails while the compiled copy is stale (the
loader then parses the YAML instead, which is correct but slower).
"""

from __future__ import annotations

from pathlib import Path

from .loader import COMPILED, builtin_path, compiled_payload, fingerprint, parse_pricing


def compile_builtin() -> Path:
    """Validate the built-in pricing file and write its compiled form into the package."""
    path = builtin_path()
    raw = path.read_bytes()
    model = parse_pricing(raw, str(path))
    COMPILED.parent.mkdir(parents=True, exist_ok=True)
    COMPILED.write_text(compiled_payload(fingerprint(raw), model) + "\n", encoding="utf-8")
    return COMPILED


if __name__ == "__main__":
    print(compile_builtin())
