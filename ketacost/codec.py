"""Dataclasses to and from plain JSON values, without pydantic (it is slow to import).

Used for the estimate document on stdout (Decimal as an exact JSON number) and for the validated
pricing cache (Decimal as text, read back by the field's declared type).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import types
import typing
from decimal import Decimal
from functools import cache
from typing import Any

from .money import Band

_encode_string = json.encoder.encode_basestring_ascii


def to_plain(obj: Any, *, decimal_as: type = str) -> Any:
    """A dataclass or NamedTuple tree as dicts, lists, str, int, bool, None and Decimal."""
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        pairs = zip(obj._fields, obj, strict=True)
        return {name: to_plain(v, decimal_as=decimal_as) for name, v in pairs}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {
            f.name: to_plain(getattr(obj, f.name), decimal_as=decimal_as)
            for f in dataclasses.fields(obj)
        }
    if isinstance(obj, Decimal):
        return obj if decimal_as is Decimal else format(obj, "f")
    if isinstance(obj, datetime.date):
        return obj.isoformat()
    if isinstance(obj, dict):
        return {str(k): to_plain(v, decimal_as=decimal_as) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_plain(v, decimal_as=decimal_as) for v in obj]
    return obj


def dumps(obj: Any, *, indent: int | None = 2) -> str:
    """JSON text of a dataclass tree; a Decimal is written as an exact JSON number."""
    out: list[str] = []
    _write(to_plain(obj, decimal_as=Decimal), out, indent, 0)
    return "".join(out)


def _write(value: Any, out: list[str], indent: int | None, level: int) -> None:
    if isinstance(value, Decimal):
        out.append(format(value, "f"))
    elif isinstance(value, str):
        out.append(_encode_string(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, dict):
        _write_items(
            [(_encode_string(str(k)) + ": ", v) for k, v in value.items()],
            "{}",
            out,
            indent,
            level,
        )
    elif isinstance(value, list):
        _write_items([("", v) for v in value], "[]", out, indent, level)
    else:  # pragma: no cover - every model value is one of the above
        raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _write_items(
    items: list[tuple[str, Any]], brackets: str, out: list[str], indent: int | None, level: int
) -> None:
    if not items:
        out.append(brackets)
        return
    out.append(brackets[0])
    if indent is None:
        sep, pad, end = ", ", "", ""
    else:
        pad = "\n" + " " * (indent * (level + 1))
        sep, end = "," + pad, "\n" + " " * (indent * level)
    out.append(pad)
    for i, (key, item) in enumerate(items):
        if i:
            out.append(sep)
        out.append(key)
        _write(item, out, indent, level + 1)
    out.append(end)
    out.append(brackets[1])


@cache
def _hints(cls: type) -> dict[str, Any]:
    """Field types; read straight from the fields when annotations are not strings (fast)."""
    types_ = {f.name: f.type for f in dataclasses.fields(cls)}
    if any(isinstance(t, str) for t in types_.values()):
        return typing.get_type_hints(cls)
    return types_


def from_plain(tp: Any, value: Any) -> Any:
    """Rebuild a value of type ``tp`` from :func:`to_plain` output (trusted, already validated)."""
    if dataclasses.is_dataclass(tp):
        hints = _hints(tp)  # type: ignore[arg-type]
        return tp(**{name: from_plain(hints[name], v) for name, v in value.items()})  # type: ignore[operator]
    if tp is Decimal:
        return Decimal(value)
    origin = typing.get_origin(tp)
    if origin is tuple:
        (item,) = typing.get_args(tp)[:1]
        return tuple(from_plain(item, v) for v in value)
    if origin is dict:
        key_tp, val_tp = typing.get_args(tp)
        key_cast = int if key_tp is int else (lambda k: k)
        return {key_cast(k): from_plain(val_tp, v) for k, v in value.items()}
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
        return from_plain(inner, value)
    return value


# --- the fast compact writer (batch output: one document per line) --------------------------

_KEYS: dict[type, list[str]] = {}
_BAND = '{"low":%s,"typical":%s,"high":%s}'


def dumps_compact(obj: Any) -> str:
    """Compact JSON of a NamedTuple/dataclass tree, fast: batch writes thousands a second."""
    parts: list[str] = []
    _compact(obj, parts.append)
    return "".join(parts)


def _keys(tp: type, names: tuple[str, ...]) -> list[str]:
    keys = _KEYS.get(tp)
    if keys is None:
        keys = [("{" if i == 0 else ",") + _encode_string(n) + ":" for i, n in enumerate(names)]
        _KEYS[tp] = keys
    return keys


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
        for key, value in zip(_keys(tp, obj._fields), obj, strict=True):
            put(key)
            kind = type(value)  # the common leaves inline: batch writes ~250 values a record
            if kind is Band:
                put(_BAND % value)
            elif kind is str:
                put(_encode_string(value))
            elif kind is int:
                put(str(value))
            elif value is None:
                put("null")
            else:
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
