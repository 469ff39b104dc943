"""The validated-model cache cannot be poisoned, go stale or wedge the tool (issue 13, item 3).

Each case plants something in the cache folder (or edits the pricing file behind the cache's
back) and runs the real CLI: the estimate must come from the pricing file itself, at once, with
exit 0. The planted model prices an IV session at $48,350, as the red team's did.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, run_cli

from ketacost.rules.loader import MAX_CACHE_BYTES, compiled_payload, fingerprint, parse_pricing

BASE = (REPO / "data" / "pricing.yaml").read_bytes()
IV_TYPICAL = b"typical: 600.00"
START = "2026-11-27"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _iv_session_typical(run_out: str) -> str:
    doc = json.loads(run_out, parse_float=str)
    (item,) = [i for i in doc["line_items"] if i["id"] == "induction"]
    return str(item["unit_price"]["typical"])


def _estimate(pricing: Path) -> str:
    run = run_cli("estimate", "--json", "--start", START, "--pricing", str(pricing))
    assert run.code == 0, (run.code, run.err)
    assert "Traceback" not in run.err
    return _iv_session_typical(run.out)


def _poisoned_payload(raw: bytes) -> str:
    """A well-formed cache entry for ``raw``'s key whose model prices IV at $48,350."""
    band = b"typical: 600.00\n        high: 800.00"
    assert raw.count(band) == 1
    evil = raw.replace(band, b"typical: 48350.00\n        high: 48350.00")
    return compiled_payload(fingerprint(raw), parse_pricing(evil, "evil"))


def _forge_crc(text: bytes, target: int, at: int, width: int = 10) -> bytes:
    """``text`` with the ``width`` bytes at ``at`` made letters from @ to O so that its CRC-32 is
    ``target``: CRC-32 is affine over GF(2), so the low 4 bits of each byte are solved for by
    elimination (40 unknowns, 32 equations)."""
    base = bytearray(text)
    base[at : at + width] = b"@" * width
    zero = zlib.crc32(bytes(base))
    rows = []
    for byte in range(width):
        for bit in range(4):
            flipped = bytearray(base)
            flipped[at + byte] ^= 1 << bit
            rows.append((zlib.crc32(bytes(flipped)) ^ zero, 1 << (4 * byte + bit)))
    want, chosen = target ^ zero, 0
    for position in range(32):
        pivot = next((r for r in rows if r[0] >> position & 1), None)
        assert pivot is not None, "no solution at these positions"
        rows.remove(pivot)
        rows = [(v ^ pivot[0], m ^ pivot[1]) if v >> position & 1 else (v, m) for v, m in rows]
        if want >> position & 1:
            want, chosen = want ^ pivot[0], chosen ^ pivot[1]
    for byte in range(width):
        base[at + byte] = 0x40 | (chosen >> (4 * byte) & 0xF)
    return bytes(base)


def test_same_length_same_crc_edit_is_not_served_stale(tmp_path: Path) -> None:
    """Keys were length + CRC-32: an edit of the same length and CRC was estimated from the old
    model (and a now-invalid file was still estimated)."""
    original = BASE + b"# padding: ..........\n"
    pricing = tmp_path / "clinic.yaml"
    pricing.write_bytes(original)
    assert _estimate(pricing) == "600.00"
    edited = original.replace(IV_TYPICAL, b"typical: 650.00")
    at = len(edited) - 11  # the ten dots of the comment
    forged = _forge_crc(edited, zlib.crc32(original), at)
    assert len(forged) == len(original) and zlib.crc32(forged) == zlib.crc32(original)
    pricing.write_bytes(forged)
    assert _estimate(pricing) == "650.00"


Plant = Callable[[Path, Path], None]


def _cache(tmp_path: Path) -> Path:
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    folder.chmod(0o700)
    return folder


def _entry(folder: Path, raw: bytes) -> Path:
    return folder / f"pricing-{fingerprint(raw)}.json"


def plant_world_writable(folder: Path, pricing: Path) -> None:
    _entry(folder, pricing.read_bytes()).write_text(_poisoned_payload(pricing.read_bytes()))
    folder.chmod(0o777)


def plant_group_writable(folder: Path, pricing: Path) -> None:
    _entry(folder, pricing.read_bytes()).write_text(_poisoned_payload(pricing.read_bytes()))
    folder.chmod(0o770)


def plant_symlinked_folder(folder: Path, pricing: Path) -> None:
    elsewhere = folder.parent / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    _entry(elsewhere, pricing.read_bytes()).write_text(_poisoned_payload(pricing.read_bytes()))
    folder.rmdir()
    folder.symlink_to(elsewhere)


def plant_symlinked_entry(folder: Path, pricing: Path) -> None:
    target = folder.parent / "planted.json"
    target.write_text(_poisoned_payload(pricing.read_bytes()))
    _entry(folder, pricing.read_bytes()).symlink_to(target)


def plant_corrupt_entry(folder: Path, pricing: Path) -> None:
    """One bad byte in a real entry: today every later run exits 1."""
    run_cli("estimate", "--json", "--pricing", str(pricing))  # writes the genuine entry
    entry = _entry(folder, pricing.read_bytes())
    text = entry.read_text()
    assert '"600.00"' in text
    entry.write_text(text.replace('"600.00"', '"6O0.00"', 1))


def plant_truncated_entry(folder: Path, pricing: Path) -> None:
    run_cli("estimate", "--json", "--pricing", str(pricing))
    entry = _entry(folder, pricing.read_bytes())
    entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])


def plant_oversized_entry(folder: Path, pricing: Path) -> None:
    payload = _poisoned_payload(pricing.read_bytes())
    _entry(folder, pricing.read_bytes()).write_text(payload + " " * MAX_CACHE_BYTES)


def plant_foreign_owned_folder(folder: Path, pricing: Path) -> None:
    _entry(folder, pricing.read_bytes()).write_text(_poisoned_payload(pricing.read_bytes()))
    os.chown(folder, 65534, 65534)


def plant_foreign_owned_entry(folder: Path, pricing: Path) -> None:
    entry = _entry(folder, pricing.read_bytes())
    entry.write_text(_poisoned_payload(pricing.read_bytes()))
    os.chown(entry, 65534, 65534)


PLANTS: dict[str, Plant] = {
    "world_writable_folder": plant_world_writable,
    "group_writable_folder": plant_group_writable,
    "symlinked_folder": plant_symlinked_folder,
    "symlinked_entry": plant_symlinked_entry,
    "corrupt_entry": plant_corrupt_entry,
    "truncated_entry": plant_truncated_entry,
    "oversized_entry": plant_oversized_entry,
}
if IS_ROOT:  # only root can give a file away; as a user the cases cannot be set up
    PLANTS |= {
        "foreign_owned_folder": plant_foreign_owned_folder,
        "foreign_owned_entry": plant_foreign_owned_entry,
    }


@pytest.mark.parametrize("name", list(PLANTS))
def test_planted_cache_is_not_used(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pricing = tmp_path / "clinic.yaml"
    shutil.copyfile(REPO / "data" / "pricing.yaml", pricing)
    folder = _cache(tmp_path)
    monkeypatch.setenv("KETACOST_CACHE_DIR", str(folder))
    PLANTS[name](folder, pricing)
    assert _estimate(pricing) == "600.00", "the estimate came from a planted model"
    assert _estimate(pricing) == "600.00", "the second run (cache written or not) differs"


def test_planted_fifo_does_not_hang(tmp_path: Path) -> None:
    """A FIFO in place of the cache entry hung every run (so this runs in a process with a
    timeout, not in the test process)."""
    pricing = tmp_path / "clinic.yaml"
    shutil.copyfile(REPO / "data" / "pricing.yaml", pricing)
    folder = _cache(tmp_path)
    os.mkfifo(_entry(folder, pricing.read_bytes()))
    env = {k: v for k, v in os.environ.items() if not k.startswith("KETACOST_")}
    env.update(KETACOST_CACHE_DIR=str(folder), NO_COLOR="1")
    done = subprocess.run(
        [sys.executable, "-m", "ketacost", "estimate", "--json", "--start", START,
         "--pricing", str(pricing)],
        capture_output=True, text=True, timeout=30, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert _iv_session_typical(done.stdout) == "600.00"


def test_cache_folder_is_created_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "new" / "ketacost"
    monkeypatch.setenv("KETACOST_CACHE_DIR", str(folder))
    pricing = tmp_path / "clinic.yaml"
    shutil.copyfile(REPO / "data" / "pricing.yaml", pricing)
    assert _estimate(pricing) == "600.00"
    assert folder.stat().st_mode & 0o077 == 0
    (entry,) = folder.iterdir()
    assert entry.stat().st_mode & 0o077 == 0


def test_a_figure_in_exponent_form_prints_the_same_from_the_cache(tmp_path: Path) -> None:
    """The first run reads the YAML, the next the cached model: 1.2E+4 is 12000 in both (it
    printed "$1.2E+4" first, then "$12,000")."""
    text = (REPO / "data" / "pricing.yaml").read_text()
    assert text.count("aca_oop_max_self: 12000") == 1
    prices = tmp_path / "prices.yaml"
    prices.write_text(text.replace("aca_oop_max_self: 12000", "aca_oop_max_self: 1.2E+4"))
    args = ("estimate", "--json", "--pricing", str(prices), "--start", "2027-03-01",
            "--route", "spravato", "--deductible", "100")  # fmt: skip
    first, second = run_cli(*args), run_cli(*args)
    assert first.code == second.code == 0
    assert first.out == second.out
    assert any("maximum: $12,000 for the 2027" in note for note in first.json()["assumptions"])
