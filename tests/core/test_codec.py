"""The batch writer writes the same bytes as the first hand-written writer of ketacost 0.1.0.

``reference_compact`` below is that writer, kept verbatim as the oracle: generic over NamedTuple
and dataclass trees like the current one (generated per record type), so a field added to the
document is checked too.
"""

from __future__ import annotations

import dataclasses
import datetime
import importlib.util
import json
from decimal import Decimal
from typing import Any, NamedTuple

import pytest
from conftest import REPO, TODAY, rules_of

from ketacost.batch.records import estimate_record
from ketacost.core.codec import dumps, dumps_compact, to_plain
from ketacost.core.money import Band
from ketacost.engine.estimate import estimate
from ketacost.inputs.scenario import parse_scenario
from ketacost.rules.model import PricingModel

_encode_string = json.encoder.encode_basestring_ascii  # type: ignore[attr-defined]
_BAND = '{"low":%s,"typical":%s,"high":%s}'


def reference_compact(obj: Any) -> str:
    """The hand-written compact writer of ketacost 0.1.0 (codec._compact), as it was."""
    parts: list[str] = []
    _compact(obj, parts.append)
    return "".join(parts)


def _compact(obj: Any, put: Any) -> None:
    tp = type(obj)
    if tp is Band:
        put(_BAND % obj)
    elif tp is Decimal:
        put(str(obj) if obj.as_tuple().exponent >= -28 else format(obj, "f"))
    elif tp is str:
        put(_encode_string(obj))
    elif obj is None:
        put("null")
    elif tp is bool:
        put("true" if obj else "false")
    elif tp is int:
        put(str(obj))
    elif tp is datetime.date:
        put('"' + obj.isoformat() + '"')
    elif hasattr(obj, "_fields"):
        if not obj:
            put("{}")
            return
        for i, (name, value) in enumerate(zip(obj._fields, obj, strict=True)):
            put(("{" if i == 0 else ",") + _encode_string(name) + ":")
            _compact(value, put)
        put("}")
    elif tp is tuple or tp is list:
        put("[")
        for i, value in enumerate(obj):
            if i:
                put(",")
            _compact(value, put)
        put("]")
    elif tp is dict:
        put("{")
        for i, (key, value) in enumerate(obj.items()):
            put(("," if i else "") + _encode_string(str(key)) + ":")
            _compact(value, put)
        put("}")
    elif dataclasses.is_dataclass(obj):
        _compact(to_plain(obj, decimal_as=Decimal), put)
    else:  # pragma: no cover
        raise TypeError(f"cannot write {tp.__name__} as JSON")


def _workload() -> Any:
    spec = importlib.util.spec_from_file_location("workload", REPO / "benchmarks" / "workload.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_mixed_workload_is_written_byte_for_byte_as_before(pricing: PricingModel) -> None:
    lines = _workload().mixed_lines(600, seed=13)
    for line in lines:
        scenario = parse_scenario(json.loads(line), pricing, TODAY)
        document = estimate(scenario, rules_of(pricing))
        assert dumps_compact(document) == reference_compact(document).encode("ascii"), line


@pytest.mark.parametrize(
    "record",
    [
        # Decimals the writer must keep digit for digit: exponent forms, odd places, zeros.
        {"route": "iv", "deductible": "1e3", "coinsurance": "2.5E1", "oop_max": 5000},
        {"route": "spravato", "coinsurance": "12.3456", "deductible": 50},
        {"route": "im", "tax_rate": "32.1234", "fsa": "1000.00"},
        {"route": "oral", "income": 90000, "state_tax_rate": "9.30", "hsa": 700,
         "start": "2027-01-01"},
        {"route": "iv", "finance_months": 12, "apr": "1E+1"},
        {"route": "iv", "finance_months": 12, "apr": "0.0001"},
        {"route": "iv", "session_price": "1E+3", "location": "Texas"},
        {"route": "spravato", "plan_type": "medicaid", "deductible": 0, "copay": 0},
    ],
)  # fmt: skip
def test_edge_decimals_are_written_as_before(pricing: PricingModel, record: Any) -> None:
    document = estimate(
        parse_scenario({"start": "2026-03-01", **record}, pricing, TODAY), rules_of(pricing)
    )
    assert dumps_compact(document) == reference_compact(document).encode("ascii")


class _Note(NamedTuple):
    text: str
    amount: Decimal
    band: Band | None
    items: tuple[Any, ...] = ()


@dataclasses.dataclass
class _Extra:
    when: datetime.date
    notes: list[_Note]
    by_year: dict[int, Decimal]


@pytest.mark.parametrize(
    "text",
    ["plain", "× — “quoted” é", "emoji 😀 and 𝄞", 'del \x7f and \x00\x1f\t\n"\\', "", "\u2028"],
)
def test_any_text_and_new_record_types_are_written_as_before(text: str) -> None:
    tree = _Extra(
        datetime.date(2026, 1, 2),
        [_Note(text, Decimal("-0"), Band(Decimal("1.50"), Decimal("2"), Decimal("1E+2"))),
         _Note(text, Decimal("1E-40"), None, (Decimal("3.10"), (), {}, [text]))],
        {2026: Decimal("0.10"), 2027: Decimal("5")},
    )  # fmt: skip
    assert dumps_compact(tree) == reference_compact(tree).encode("ascii")
    assert json.loads(dumps_compact(tree))["notes"][0]["text"] == text


@pytest.mark.parametrize("key", ["é", "a\x7fb", "—", "plain"])
def test_a_dict_key_is_escaped_as_json_does(key: str) -> None:
    """A key is escaped as json.dumps escapes it, like every other text."""
    tree = _Extra(datetime.date(2026, 1, 2), [], {key: Decimal("1.50")})  # type: ignore[dict-item]
    assert dumps_compact(tree) == reference_compact(tree).encode("ascii")
    assert dumps_compact(tree).isascii()


def test_a_lone_surrogate_is_escaped_as_json_does() -> None:
    note = _Note("bad \ud800 text", Decimal("1.00"), None)
    assert dumps_compact(note) == reference_compact(note).encode("ascii")


def test_batch_lines_are_the_estimate_document_with_its_line_number(
    pricing: PricingModel,
) -> None:
    line, ok = estimate_record(7, '{"route": "im", "boosters": 2}', pricing, TODAY, "builtin")
    document = estimate(
        parse_scenario({"route": "im", "boosters": 2}, pricing, TODAY), rules_of(pricing)
    )
    assert ok
    assert json.loads(line) == {"line": 7, **json.loads(dumps(document))}
