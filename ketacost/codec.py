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


def dumps(obj: Any, *, indent: int | None = 2, compact: bool = False) -> str:
    """JSON text of a dataclass tree; a Decimal is written as an exact JSON number.

    ``compact``: no spaces, and a Decimal as :func:`dumps_compact` writes it (the fallback of
    that function for text msgspec cannot write).
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


# --- the compact writer (batch output: one document per line), by msgspec ------------------
#
# msgspec writes JSON in C and writes a Decimal as a JSON number (its str(), exact digits), but
# it writes a NamedTuple as an array. So each record type gets a small converter, generated once
# from the type's fields on first sight, that turns an instance into a dict; the converters are
# generic (no list of types here), so a field or a record type added to the document just works.
# Today's digits are kept: a Decimal is written as str() unless its exponent is below -28, where
# it is written in full positional form, as before; non-ASCII characters (and DEL) are written as
# \u escapes, as ``json.dumps`` does.

_LEAVES = frozenset({int, bool, type(None), datetime.date})
_CONVERTERS: dict[type, Any] = {}
_ENCODER: Any = None


def dumps_compact(obj: Any) -> bytes:
    """Compact JSON (ASCII bytes) of a NamedTuple/dataclass tree, fast: batch writes thousands
    a second."""
    global _ENCODER
    if _ENCODER is None:
        import msgspec  # only batch pays for the import; `estimate --json` starts without it

        _ENCODER = msgspec.json.Encoder(decimal_format="number")
    try:
        raw: bytes = _ENCODER.encode(_plain(obj))
    except (UnicodeEncodeError, _KeyNeedsEscapes):  # a key to escape (values go through _text)
        return dumps(obj, indent=None, compact=True).encode("ascii")
    return raw


def _text(value: str) -> Any:
    """A string as msgspec writes it when it is printable ASCII; otherwise json.dumps's own
    escapes (\u00e9, \u2014, \u007f, surrogate pairs). Remembered: the documents repeat the
    same labels, dates and notes, and the converters look a string up before calling this."""
    written: Any = value
    if not value.isascii() or "\x7f" in value:
        import msgspec

        written = msgspec.Raw(_encode_string(value).encode("ascii"))
    if len(_TEXTS) >= 65536:  # a bound: user text can bring any number of strings
        _TEXTS.clear()
    _TEXTS[value] = written
    return written


_TEXTS: dict[str, Any] = {}


def _plain(obj: Any) -> Any:
    tp = type(obj)
    if tp in _LEAVES:
        return obj
    if tp is str:
        return _TEXTS.get(obj) or _text(obj)
    convert = _CONVERTERS.get(tp)
    if convert is None:
        convert = _CONVERTERS[tp] = _converter(tp)
    return convert(obj)


class _KeyNeedsEscapes(Exception):
    """A dict key msgspec would write unescaped (non-ASCII or DEL): json's writer is used."""


def _mapping(obj: dict[Any, Any]) -> dict[str, Any]:
    out = {}
    for key, value in obj.items():
        text = str(key)
        if not text.isascii() or "\x7f" in text:
            raise _KeyNeedsEscapes(text)
        out[text] = _plain(value)
    return out


def _decimal(value: Decimal) -> Any:
    if value.as_tuple().exponent >= -28:  # type: ignore[operator]
        return value  # msgspec writes str(value)
    import msgspec

    return msgspec.Raw(_compact_number(value).encode("ascii"))


def _converter(tp: type) -> Any:
    """A function from an instance of ``tp`` to plain values msgspec writes as we want."""
    if tp is Decimal:
        return _decimal
    if tp is str:
        return _text
    if tp is tuple or tp is list:
        return lambda obj: [_plain(v) for v in obj]
    if tp is dict:
        return _mapping
    names: tuple[str, ...] | None = getattr(tp, "_fields", None)
    if names is not None:
        get = "".join(f"a{i}, " for i in range(len(names))) + "= obj"  # unpack the tuple once
    elif dataclasses.is_dataclass(tp):
        names = tuple(f.name for f in dataclasses.fields(tp))
        get = "\n    ".join(f"a{i} = obj.{name}" for i, name in enumerate(names))
    else:
        raise TypeError(f"cannot write {tp.__name__} as JSON")
    if not names:
        return lambda obj: {}
    # Each field: a leaf as it is; a Band (most of the document) as a dict, inline; anything
    # else through _plain. The field's type is looked at per value, not trusted from annotations.
    items = ",\n        ".join(
        f"{json.dumps(name)}: (a{i} if type(a{i}) in L else (W(a{i}) or T(a{i})) "
        f"if type(a{i}) is S else "
        f"{{'low': a{i}[0], 'typical': a{i}[1], 'high': a{i}[2]}} if type(a{i}) is B else P(a{i}))"
        for i, name in enumerate(names)
    )
    source = f"def convert(obj):\n    {get}\n    return {{\n        {items}\n    }}\n"
    namespace: dict[str, Any] = {
        "L": _LEAVES,
        "B": Band,
        "P": _plain,
        "S": str,
        "T": _text,
        "W": _TEXTS.get,
    }
    exec(source, namespace)  # field names are identifiers, quoted by json.dumps: safe code
    return namespace["convert"]
