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
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from typing import Any

from .money import ZERO_BAND, Band

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


def dumps(obj: Any, *, indent: int | None = 2, compact: bool = False) -> str:
    """JSON text of a dataclass tree; a Decimal is written as an exact JSON number.

    ``compact``: no spaces, and a Decimal as :func:`dumps_compact` writes it (the fallback of
    that function).
    """
    out: list[str] = []
    number = _compact_number if compact else _positional
    _write(to_plain(obj, decimal_as=Decimal), out, None if compact else indent, 0, number)
    return "".join(out)


def _positional(value: Decimal) -> str:
    return format(value, "f")


def _compact_number(value: Decimal) -> str:
    return str(value) if value.as_tuple().exponent >= -28 else format(value, "f")  # type: ignore[operator]


def _write(
    value: Any, out: list[str], indent: int | None, level: int, number: Any = _positional
) -> None:
    if isinstance(value, Decimal):
        out.append(number(value))
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
        colon = ":" if number is _compact_number else ": "
        _write_items(
            [(_encode_string(str(k)) + colon, v) for k, v in value.items()],
            "{}",
            out,
            indent,
            level,
            number,
        )
    elif isinstance(value, list):
        _write_items([("", v) for v in value], "[]", out, indent, level, number)
    else:  # pragma: no cover - every model value is one of the above
        raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _write_items(
    items: list[tuple[str, Any]],
    brackets: str,
    out: list[str],
    indent: int | None,
    level: int,
    number: Any,
) -> None:
    if not items:
        out.append(brackets)
        return
    out.append(brackets[0])
    if indent is None:
        sep, pad, end = ("," if number is _compact_number else ", "), "", ""
    else:
        pad = "\n" + " " * (indent * (level + 1))
        sep, end = "," + pad, "\n" + " " * (indent * level)
    out.append(pad)
    for i, (key, item) in enumerate(items):
        if i:
            out.append(sep)
        out.append(key)
        _write(item, out, indent, level + 1, number)
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


# --- the compact writer (batch output: one document per line) --------------------------------
#
# One function per record type, generated from its fields on first sight: it unpacks the record
# once and fills one format string; a Band (136 of them in a mixed document, 408 of its 413
# numbers) is one more format string, except the shared zero band (a third of the bands of a
# self-pay course: nothing from a plan, a program or an account), written once for all. So a
# field or a record type added to the document just works. A Decimal is written as str()
# (exponent below -28: in positional form); every text is escaped as json.dumps(ensure_ascii=True)
# escapes it, so the output is ASCII.
#
# This replaced msgspec (ketacost 0.1.x): msgspec writes a NamedTuple as an array, so each
# record had to become a dict first, and it writes a Decimal more slowly than %s formats one.
# On the benchmark's mixed workload (2,000 documents, 15.7 KB each) msgspec with that conversion
# took 170 us a document, this writer 111 us (tests/core/test_codec.py: the same bytes).

_BAND = '{"low":%s,"typical":%s,"high":%s}'
_TEXTS: dict[str, str] = {}
_WRITERS: dict[type, Callable[[Any], str]] = {}


def dumps_compact(obj: Any) -> bytes:
    """Compact JSON (ASCII bytes) of a NamedTuple/dataclass tree, fast: batch writes thousands
    a second."""
    return _compact(obj).encode("ascii")


def _string(value: str) -> str:
    """A text's JSON, remembered: the documents repeat the same labels, dates, notes and
    sources. At most TEXTS of them: each record also brings texts of its own (its course and
    tax notes), and with 65,536 a batch worker's memory grew by 21 MiB over 60,000 records."""
    text = _TEXTS.get(value)
    if text is None:
        text = _encode_string(value)
        if len(_TEXTS) >= TEXTS:  # start afresh: the texts every document has come back first
            _TEXTS.clear()
        _TEXTS[value] = text
    return text


TEXTS = 2048


def _compact(obj: Any) -> str:
    tp = type(obj)
    if tp is str:
        return _TEXTS.get(obj) or _string(obj)
    if tp is Band:
        band: str = _BAND % obj
        return band
    if obj is None:
        return "null"
    if tp is bool:
        return "true" if obj else "false"
    if tp is int:
        return str(obj)
    if tp is Decimal:
        return _compact_number(obj)
    if tp is datetime.date:
        date: str = '"' + obj.isoformat() + '"'
        return date
    if tp is tuple or tp is list:
        return "[" + ",".join([_compact(v) for v in obj]) + "]"
    if tp is dict:
        return "{" + ",".join([_string(str(k)) + ":" + _compact(v) for k, v in obj.items()]) + "}"
    write = _WRITERS.get(tp)
    if write is None:
        write = _WRITERS[tp] = _writer(tp)
    text: str = write(obj)
    return text


def _writer(tp: type) -> Callable[[Any], str]:
    """A function from an instance of ``tp`` (a NamedTuple or a dataclass) to its JSON text,
    generated once from the type's fields: one format string for the whole record."""
    names: tuple[str, ...] | None = getattr(tp, "_fields", None)
    if names is not None:
        get = "".join(f"a{i}, " for i in range(len(names))) + "= obj"  # unpack the tuple once
    elif dataclasses.is_dataclass(tp):
        names = tuple(f.name for f in dataclasses.fields(tp))
        get = "\n    ".join(f"a{i} = obj.{name}" for i, name in enumerate(names))
    else:
        raise TypeError(f"cannot write {tp.__name__} as JSON")
    if not names:
        return lambda obj: "{}"
    template = "{" + ",".join(_encode_string(n) + ":%s" for n in names) + "}"
    # Each field's type is looked at per value, not trusted from annotations: a string or a
    # band inline (most of the document), anything else through _compact.
    values = ", ".join(
        f"(W(a{i}) or T(a{i})) if type(a{i}) is S else ZERO if a{i} is ZERO_BAND else "
        f"BAND_TEXT % a{i} if type(a{i}) is BAND else "
        f"'null' if a{i} is None else C(a{i})"
        for i in range(len(names))
    )
    source = f"def write(obj):\n    {get}\n    return {template!r} % ({values},)\n"
    namespace: dict[str, Any] = {
        "S": str, "W": _TEXTS.get, "T": _string, "BAND": Band, "BAND_TEXT": _BAND, "C": _compact,
        "ZERO_BAND": ZERO_BAND, "ZERO": _BAND % ZERO_BAND,
    }  # fmt: skip
    exec(source, namespace)  # field names are identifiers, quoted by json: safe code
    write: Callable[[Any], str] = namespace["write"]
    return write
