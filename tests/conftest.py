"""Shared fixtures: no test touches the real home, cache or environment."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from ketacost.cli.entry import main
from ketacost.rules import Rules
from ketacost.rules.loader import builtin_tax_law, load_pricing
from ketacost.rules.model import PricingModel

REPO = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    for name in (
        "KETACOST_PRICING",
        "KETACOST_CACHE_DIR",
        "KETACOST_NO_CACHE",
        "KETACOST_DEBUG",
        "FORCE_COLOR",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture(scope="session")
def pricing() -> PricingModel:
    return load_pricing()


def rules_of(pricing: PricingModel) -> Rules:
    """The rules an estimate under ``pricing`` follows: that model and the built-in tax law."""
    return Rules(pricing, builtin_tax_law())


class Run:
    """The result of a CLI run: exit code, stdout, stderr."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def json(self) -> Any:
        return json.loads(self.out)


def run_cli(*args: str, input: str | None = None) -> Run:
    """Run the real CLI entry point (main(): the one error path) in-process."""
    out, err = io.StringIO(), io.StringIO()
    old_in = sys.stdin
    if input is not None:
        sys.stdin = io.StringIO(input)
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(list(args))
            except SystemExit as exc:
                code = int(exc.code or 0)
    finally:
        sys.stdin = old_in
    return Run(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli() -> Any:
    return run_cli


def tool(name: str) -> str:
    """The path of an installed tool (chromium, pdftotext…); skip without it, unless CI
    requires the tools (KETACOST_REQUIRE_TOOLS=1): then fail."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("KETACOST_REQUIRE_TOOLS") == "1":
            pytest.fail(f"{name} is required (KETACOST_REQUIRE_TOOLS=1) but not installed")
        pytest.skip(f"{name} is not installed (Debian: chromium / poppler-utils)")
    return path
