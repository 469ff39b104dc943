"""JSON Schema (2020-12) generated from the models: the estimate document and the scenario file.

The estimate schema walks the :class:`~ketacost.engine.estimate.Estimate` NamedTuples' type hints (a
:class:`~ketacost.core.money.Band` is an object of three exact numbers); the scenario schema
comes from
the :data:`~ketacost.inputs.scenario.FIELDS` table, the same table that makes the CLI options.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from decimal import Decimal
from typing import Any

from .._version import __version__
from ..core.money import Band
from ..inputs.fields import FIELDS, MAX_MONEY, FieldSpec
from ..inputs.scenario import ResolvedScenario

DIALECT = "https://json-schema.org/draft/2020-12/schema"
_BAND = {
    "type": "object",
    "description": "A money figure in dollars at three price edges: the whole estimate is "
    "run once with the low, once with the typical and once with the high prices. The clinic "
    "bill is ordered low ≤ typical ≤ high; other figures need not be (a visit can cost you "
    "less at high prices, when an earlier, dearer visit already met the deductible).",
    "properties": {edge: {"type": "number"} for edge in ("low", "typical", "high")},
    "required": ["low", "typical", "high"],
    "additionalProperties": False,
}


def _field_schema(spec: FieldSpec, *, filled: bool) -> dict[str, Any]:
    kind = spec.kind
    schema: dict[str, Any]
    if kind == "flag":
        schema = {"type": "boolean"}
    elif kind == "choice":
        schema = {"type": "string", "enum": list(spec.choices)}
    elif kind == "count":
        schema = {"type": "integer", "minimum": spec.low, "maximum": spec.high}
    elif kind in ("money", "percent"):
        high = 100 if kind == "percent" else (spec.high or int(MAX_MONEY))
        schema = {"type": "number", "minimum": 0, "maximum": high}
        if not filled:  # a scenario file may also write amounts as text ("1,500")
            schema = {"anyOf": [schema, {"type": "string"}]}
    elif kind == "date":
        schema = {"type": "string", "format": "date"}
    elif kind == "monthday":
        schema = {"type": "string", "pattern": r"^\d{2}-\d{2}$"}
    else:
        schema = {"type": "string", "minLength": 1, "maxLength": 100}
    schema["description"] = spec.help
    if spec.default is not None and not filled:
        schema["default"] = spec.default
    return schema


def scenario_schema(*, filled: bool = False) -> dict[str, Any]:
    """The scenario file (``filled=False``) or the document's filled-in ``scenario``."""
    properties = {}
    always_filled = ("provider", "sessions", "booster_every", "start")
    for spec in FIELDS:
        schema = _field_schema(spec, filled=filled)
        if filled and spec.default is None and spec.name not in always_filled:
            schema = {"anyOf": [schema, {"type": "null"}], "description": schema["description"]}
        properties[spec.name] = schema
    if filled:
        properties["location_as_given"] = {
            "anyOf": [{"type": "string"}, {"type": "null"}],
            "description": "The location as typed (`60614`); `location` is what it resolves to.",
        }
    result: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if filled:
        result["required"] = list(ResolvedScenario._fields)
    else:
        result = {
            "$schema": DIALECT,
            "$id": "https://ketacost.invalid/schema/scenario.json",
            "title": f"ketacost scenario (ketacost {__version__})",
            "description": "Inputs of `ketacost estimate --scenario FILE`: option names in "
            "snake_case; command-line options override the file.",
            **result,
        }
    return result


def _type_schema(tp: Any) -> dict[str, Any]:
    if tp is Band:
        return dict(_BAND)
    if tp is ResolvedScenario:
        return scenario_schema(filled=True)
    if tp is Decimal:
        return {"type": "number"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is str:
        return {"type": "string"}
    if tp is dt.date:
        return {"type": "string", "format": "date"}
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        return {"enum": list(typing.get_args(tp))}
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_type_schema(a) for a in typing.get_args(tp)]}
    if tp is type(None):
        return {"type": "null"}
    if origin is dict:
        return {"type": "object", "additionalProperties": _type_schema(typing.get_args(tp)[1])}
    if origin in (tuple, list):
        return {"type": "array", "items": _type_schema(typing.get_args(tp)[0])}
    if hasattr(tp, "_fields"):
        hints = typing.get_type_hints(tp)
        return {
            "type": "object",
            "properties": {name: _type_schema(hints[name]) for name in tp._fields},
            "required": list(tp._fields),
            "additionalProperties": False,
        }
    raise TypeError(f"no JSON Schema for {tp!r}")  # pragma: no cover


def estimate_schema() -> dict[str, Any]:
    from ..engine.estimate import Estimate

    body = _type_schema(Estimate)
    return {
        "$schema": DIALECT,
        "$id": "https://ketacost.invalid/schema/estimate.json",
        "title": f"ketacost estimate document (schema_version 1, ketacost {__version__})",
        "description": "`ketacost estimate --json`. Money is a JSON number in dollars, exact to "
        "the cent; every price-dependent figure is a band.",
        **body,
    }


def sensitivity_schema() -> dict[str, Any]:
    """``ketacost sensitivity --json``: the baseline and one row per input, largest swing first."""
    from ..documents.sensitivity import Sensitivity

    body = _type_schema(Sensitivity)
    row = body["properties"]["rows"]["items"]
    described = {
        "input": "The scenario field varied (snake_case), or evaluation_price/"
        "integration_price for those line items' prices.",
        "low": "The input's low value: a number in `unit` (dollars, percent 0–100, a count), "
        "or a state code when `unit` is `state`.",
        "high": "The input's high value, like `low`.",
        "baseline": "The input's value in the estimate, like `low`.",
        "net_cost_low": "Typical net cost (dollars) with this input at `low`, all else held.",
        "net_cost_high": "Typical net cost (dollars) with this input at `high`, all else held.",
        "swing": "|net_cost_high − net_cost_low|; rows are sorted by it, largest first.",
        "basis": "Why the range is what it is, in words.",
    }
    for name, text in described.items():
        row["properties"][name]["description"] = text
    body["properties"]["baseline"]["description"] = (
        "The typical net cost of the scenario, as `ketacost estimate` reports it."
    )
    return {
        "$schema": DIALECT,
        "$id": "https://ketacost.invalid/schema/sensitivity.json",
        "title": f"ketacost sensitivity document (schema_version 1, ketacost {__version__})",
        "description": "`ketacost sensitivity --json`: one-at-a-time swings of the typical net "
        "cost. Money is a JSON number in dollars, exact to the cent.",
        **body,
    }


def gfe_schema() -> dict[str, Any]:
    """The Good Faith Estimate document (``ketacost gfe --format json``)."""
    from ..documents.gfe import GoodFaithEstimate

    body = _type_schema(GoodFaithEstimate)
    return {
        "$schema": DIALECT,
        "$id": "https://ketacost.invalid/schema/gfe.json",
        "title": f"ketacost Good Faith Estimate (schema_version 1, ketacost {__version__})",
        "description": "`ketacost gfe --format json`: a No Surprises Act Good Faith Estimate "
        "(45 CFR 149.610). Money is a JSON number in dollars, exact to the cent.",
        **body,
    }


def superbill_schema() -> dict[str, Any]:
    """The superbill document (``ketacost superbill --format json``)."""
    from ..documents.superbill import Superbill

    body = _type_schema(Superbill)
    return {
        "$schema": DIALECT,
        "$id": "https://ketacost.invalid/schema/superbill.json",
        "title": f"ketacost superbill (schema_version 1, ketacost {__version__})",
        "description": "`ketacost superbill --format json`: an itemized bill for an "
        "out-of-network claim, in the CMS-1500's order. Money is a JSON number in dollars, "
        "exact to the cent.",
        **body,
    }
