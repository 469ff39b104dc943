"""JSON with exact decimals: fractions become Decimal; NaN and duplicate keys are errors."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from ..core.errors import InputError


def input_error(label: str, message: str) -> InputError:
    """The error for a problem in the input ``label`` (a file or an option): exit 2."""
    return InputError(f"{label}: {message}", field=label)


def parse_json_mapping(text: str, label: str) -> dict[str, Any]:
    """One JSON object (a scenario); numbers with a fraction become Decimal, not float."""
    try:
        value = loads_json(text)
    except RecursionError:
        raise input_error(label, "nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise input_error(
            label, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except ValueError as exc:
        raise input_error(label, str(exc)) from None
    return _mapping(value, label)


def loads_json(text: str) -> Any:
    """JSON with exact decimals; NaN/Infinity and duplicate keys are errors (ValueError)."""
    return json.loads(
        text, parse_float=Decimal, parse_constant=_no_constant, object_pairs_hook=_unique_keys
    )


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _mapping(value: Any, label: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        kind = "empty" if value is None else type(value).__name__
        raise input_error(label, f"must be a mapping of option names to values, not {kind}")
    for key in value:
        if not isinstance(key, str):
            raise input_error(label, f"keys must be option names, not {key!r}")
    return value
