"""Read a pricing file: safe YAML, exact numbers, strict validation, every problem located.

- Only plain YAML: no tags (``!!python/...``), no aliases (so no "billion laughs"), no mapping
  nested deeper than :data:`MAX_DEPTH`, no duplicate keys, no file larger than :data:`MAX_BYTES`.
- Numbers with a fraction become ``Decimal`` from their text, never via float; dates stay text.
- The parsed document is validated into :class:`ketacost.rules.model.PricingModel` by pydantic; each
  problem is reported as ``path.inside.file: message``.
- A validated model is cached as JSON keyed by a BLAKE2b hash of the file, the model code and
  the version (the built-in model ships its compiled form), so YAML and pydantic are imported
  only when the cache is stale; only a private cache folder and this user's own regular files
  in it are trusted.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from functools import cache
from typing import TYPE_CHECKING, Any

from .._version import __version__
from ..core.codec import from_plain, to_plain
from ..core.errors import PricingError
from . import Rules
from .compiled_law import TaxLaw
from .model import PricingModel

if TYPE_CHECKING:  # paths are str here: pathlib costs `estimate --json` about 10 ms to import
    from pathlib import Path

    from .gfe_rules import GfeRules
    from .taxlaw import TaxLawFile
from ..files.strict_yaml import MAX_BYTES, MAX_PRICING_NODES, control_characters, parse_yaml

_PACKAGE = os.path.dirname(os.path.realpath(__file__))
_COMPILED = os.path.join(_PACKAGE, "data", "pricing.compiled.json")
_CACHE_FORMAT = 2
MAX_CACHE_BYTES = 8 * 1_048_576  # a cached model is about the size of its YAML


def compiled_path() -> Path:
    """The compiled built-in model (``python -m ketacost.rules.compile`` writes it)."""
    from pathlib import Path

    return Path(_COMPILED)


def __getattr__(name: str) -> Any:
    if name == "COMPILED":  # as it was before it became a function
        return compiled_path()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def builtin_path() -> Path:
    """The built-in pricing file: inside the installed package, else the checkout's data/."""
    from pathlib import Path

    return Path(_builtin_file())


def _builtin_file() -> str:
    packaged = os.path.join(_PACKAGE, "data", "pricing.yaml")
    if os.path.exists(packaged):
        return packaged
    return os.path.join(os.path.dirname(os.path.dirname(_PACKAGE)), "data", "pricing.yaml")


def fingerprint(raw: bytes) -> str:
    """A key for a pricing file's bytes, the model code that validated them and the version.

    A cryptographic hash (BLAKE2b): with a length and a CRC-32, a same-length edit with the same
    CRC was served stale (issue 13, item 3). ``_blake2`` is imported, not ``hashlib``, whose
    OpenSSL import alone costs about 11 ms of every start.
    """
    try:
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - an interpreter without the built-in module
        from hashlib import blake2b
    digest = blake2b(digest_size=32, person=b"ketacost-pricing")
    with open(os.path.join(_PACKAGE, "model.py"), "rb") as handle:
        code = handle.read()
    for part in (__version__.encode(), code, raw):
        digest.update(len(part).to_bytes(8, "big"))  # lengths first: no two splits collide
        digest.update(part)
    return f"{digest.hexdigest()}-{_CACHE_FORMAT}"


def read_bytes(path: str | Path, label: str) -> bytes:
    try:
        size = os.stat(path).st_size
        if size > MAX_BYTES:
            raise PricingError(
                label, [f"file is {size:,} bytes; a pricing file may be at most {MAX_BYTES:,}"]
            )
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise PricingError(label, [f"cannot read: {exc.strerror or exc}"]) from None
    if len(raw) > MAX_BYTES:
        raise PricingError(label, [f"file is larger than {MAX_BYTES:,} bytes"])
    return raw


def load_pricing(path: str | Path | None = None, *, use_cache: bool = True) -> PricingModel:
    """Load and validate a pricing file (the built-in one when ``path`` is None)."""
    file = os.fspath(path) if path is not None else _builtin_file()
    if len(file) > 1 and file.endswith(os.sep):  # `pricing.yaml/`, read as pathlib read it
        file = file.rstrip(os.sep) or os.sep
    label = str(path) if path is not None else "builtin pricing"
    raw = read_bytes(file, label)
    key = fingerprint(raw)
    if use_cache:
        cached = _read_cache(key, builtin=path is None)
        if cached is not None:
            return cached
    model = parse_pricing(raw, label)
    if use_cache and path is not None:
        _write_cache(key, model)
    return model


def parse_pricing(raw: bytes, label: str) -> PricingModel:
    """Validate pricing-file bytes; raise :class:`PricingError` with every problem found."""
    document = parse_yaml(raw, label, max_nodes=MAX_PRICING_NODES)
    if not isinstance(document, dict):
        raise PricingError(label, ["the file must be a YAML mapping (key: value) at the top"])
    unprintable = list(control_characters(document))
    if unprintable:
        raise PricingError(label, unprintable)
    import pydantic

    from .model import PricingModel as Model

    try:
        return pydantic.TypeAdapter(Model).validate_python(document)
    except pydantic.ValidationError as exc:
        raise PricingError(label, [_problem(err) for err in exc.errors()]) from None


def _problem(err: Any) -> str:
    path = ".".join(str(part) for part in err["loc"]) or "(top)"
    message = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "unexpected_keyword_argument":
        message = "unknown key"
    elif err["type"] in ("missing", "missing_keyword_argument", "missing_argument"):
        message = "missing"
    return f"{path}: {message}"


# --- the validated cache ---------------------------------------------------------------------


def cache_dir() -> Path | None:
    """Where validated models of user pricing files are cached (None: caching is off)."""
    if os.environ.get("KETACOST_NO_CACHE"):
        return None
    from pathlib import Path

    configured = os.environ.get("KETACOST_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ketacost"


def _read_cache(key: str, *, builtin: bool) -> PricingModel | None:
    """The cached model for ``key``, or None: missing, stale, broken or not trustworthy.

    Only a private folder is used (owned by this user, writable by no one else: another user's
    planted model priced IV at $48,350), and only a regular file of this user's, size-capped and
    opened without blocking (a planted FIFO hung every run). Any problem with an entry means
    rebuilding it from the YAML, never an error (issue 13, item 3).
    """
    candidate: str | Path
    if builtin:
        candidate, private = _COMPILED, False  # shipped in the package, owned by its installer
    else:
        directory = cache_dir()
        if directory is None or not _private_folder(directory):
            return None
        candidate, private = directory / f"pricing-{key}.json", True
    try:
        payload = json.loads(_read_regular(candidate, private=private))
        if payload.get("key") != key or payload.get("version") != __version__:
            return None
        model: PricingModel = from_plain(PricingModel, payload["model"])
        return model
    except Exception:  # missing, stale or corrupt: rebuild from the YAML
        return None


def _private_folder(directory: Path) -> bool:
    """A real folder (not a link), owned by this user and writable by no one else."""
    try:
        info = os.lstat(directory)
    except OSError:
        return False
    owner = os.geteuid() if hasattr(os, "geteuid") else info.st_uid
    return stat.S_ISDIR(info.st_mode) and info.st_uid == owner and not info.st_mode & 0o022


def _read_regular(path: str | Path, *, private: bool) -> bytes:
    """A regular file's bytes, at most MAX_CACHE_BYTES; with ``private``, only this user's."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        owner = os.geteuid() if hasattr(os, "geteuid") else info.st_uid
        if not stat.S_ISREG(info.st_mode) or (private and info.st_uid != owner):
            raise ValueError("not a regular file of this user's")
        if info.st_size > MAX_CACHE_BYTES:
            raise ValueError("too large")
        raw = handle.read(MAX_CACHE_BYTES + 1)
    if len(raw) > MAX_CACHE_BYTES:
        raise ValueError("too large")
    return raw


def compiled_payload(key: str, model: PricingModel) -> str:
    """The JSON text of a validated model, keyed by the fingerprint of the bytes it came from."""
    payload = {"key": key, "version": __version__, "model": to_plain(model)}
    return json.dumps(payload, separators=(",", ":"))


def _write_cache(key: str, model: PricingModel) -> None:
    directory = cache_dir()
    if directory is None:
        return
    import tempfile

    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _private_folder(directory):
            return  # someone else's, or open to others: not ours to fill
        fd, tmp = tempfile.mkstemp(prefix=".pricing-", suffix=".tmp", dir=directory)
    except OSError:
        return  # a read-only or full disk only costs speed
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(compiled_payload(key, model))
        os.replace(tmp, directory / f"pricing-{key}.json")
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


# --- the tax law ------------------------------------------------------------------------------


def tax_law_compiled_path() -> Path:
    """The compiled built-in tax law (``python -m ketacost.rules.compile`` writes it)."""
    from pathlib import Path

    return Path(_PACKAGE) / "data" / "tax.compiled.json"


def builtin_tax_law_path() -> Path:
    """The built-in tax-law file: inside the installed package, else the checkout's data/."""
    return builtin_path().with_name("tax.yaml")


def parse_tax_law(raw: bytes, label: str) -> TaxLawFile:
    """Validate tax-law bytes; raise :class:`PricingError` with every problem."""
    import pydantic

    from .taxlaw import TaxLawFile

    document = parse_yaml(raw, label)
    if not isinstance(document, dict):
        raise PricingError(label, ["the file must be a YAML mapping (key: value) at the top"])
    try:
        return pydantic.TypeAdapter(TaxLawFile).validate_python(document)
    except pydantic.ValidationError as exc:
        raise PricingError(label, [_problem(err) for err in exc.errors()]) from None


def compiled_text(law: TaxLawFile, key: str) -> str:
    payload = {"key": key, "version": __version__, "law": to_plain(law)}
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


@cache
def builtin_tax_law() -> TaxLaw:
    """The built-in tax law, from its compiled JSON (the YAML when the JSON is missing)."""
    try:
        # a str path: pathlib is not imported on the way to `estimate --json` (about 3 ms)
        with open(os.path.join(_PACKAGE, "data", "tax.compiled.json"), "rb") as handle:
            payload = json.loads(handle.read())
        return TaxLaw(payload["law"])
    except (OSError, ValueError, KeyError):
        path = builtin_tax_law_path()
        return TaxLaw(to_plain(parse_tax_law(path.read_bytes(), str(path))))


# --- the GFE rules and the whole set ----------------------------------------------------------


@cache
def builtin_gfe_rules() -> GfeRules:
    """The legal figures of a Good Faith Estimate, from the data file beside the pricing model."""
    from .gfe_rules import parse_rules

    path = builtin_path().with_name("gfe.yaml")
    label = "builtin GFE rules"
    return parse_rules(parse_yaml(read_bytes(path, label), label), label)


def load_rules(pricing: str | Path | None = None, *, gfe: bool = False) -> Rules:
    """The rules with the pricing file at ``pricing`` (the built-in one when None), the built-in
    tax law and, with ``gfe``, the built-in GFE rules (their YAML costs start-up time, so only
    the commands that need them load them)."""
    return Rules(
        load_pricing(pricing),
        builtin_tax_law(),
        builtin_gfe_rules() if gfe else None,
        source="builtin" if pricing is None else os.fspath(pricing),
    )


@cache
def builtin_rules() -> Rules:
    """The built-in rules: pricing model, tax law and GFE rules, loaded once."""
    return load_rules(gfe=True)
