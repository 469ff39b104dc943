"""One raw value (command-line text, or a YAML/JSON value) checked and converted by its field.

Every message starts with the label of the input (``--coinsurance`` on the command line, the
snake_case name in a file or from Python) and stops at the first problem.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from ..core.errors import InputError
from ..core.words import did_you_mean
from .fields import FIRST_YEAR, LAST_YEAR, MAX_COUNT, MAX_MONEY, FieldSpec


def _fail(label: str, message: str) -> InputError:
    return InputError(f"{label}: {message}", field=label)


def _show(value: Any) -> str:
    """A value for an error message: its repr, cut short (a pasted essay stays out of stderr)."""
    text = str(value)
    if not re.fullmatch(r"[-+0-9.,$%eE]+", text):
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def convert(spec: FieldSpec, raw: Any, label: str) -> Any:
    """One raw value (text, or a YAML/JSON value) checked and converted by its spec."""
    kind = spec.kind
    if kind == "flag":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in ("true", "yes", "1", "false", "no", "0"):
            return raw.strip().lower() in ("true", "yes", "1")
        raise _fail(label, f"must be true or false, not {_show(raw)}")
    if isinstance(raw, (bool, dict | list)):
        raise _fail(label, f"must be a single {kind} value, not {_show(raw)}")
    text = str(raw).strip()
    if kind == "choice":
        lowered = text.lower()
        if lowered not in spec.choices:
            raise _fail(label, f"must be one of {', '.join(spec.choices)}, not {_show(text)}"
                               f"{did_you_mean(lowered, spec.choices)}")  # fmt: skip
        return lowered
    if kind == "text":
        if not text or len(text) > 100:
            raise _fail(label, "must be 1 to 100 characters")
        return text
    if kind == "count":
        if isinstance(raw, float) or not re.fullmatch(r"[+-]?\d+", text):
            raise _fail(label, f"must be a whole number, not {_show(text)}")
        high = spec.high if spec.high is not None else MAX_COUNT
        # at most 9 digits are converted: int() of 100,000 digits is slow (and refused by Python)
        number = int(text) if len(text.lstrip("+-")) <= 9 else None
        if number is None or not spec.low <= number <= high:
            raise _fail(label, f"must be from {spec.low} to {high}, not {_show(text)}")
        return number
    if kind in ("money", "percent"):
        return _number(kind, raw, text, label, spec.high, spec.name)
    if kind == "date":
        return _date(raw, text, label)
    if kind == "monthday":
        match = re.fullmatch(r"(\d{2})-(\d{2})", text)
        try:
            if not match:
                raise ValueError
            dt.date(2001, int(match.group(1)), int(match.group(2)))  # 2001: no Feb 29
        except ValueError:
            if text == "02-29":
                raise _fail(
                    label,
                    "02-29 is not a day of every year, so a plan year cannot start on it; "
                    "use 02-28 or 03-01",
                ) from None
            raise _fail(label, f"must be a day of the year as MM-DD, not {_show(text)}") from None
        return text
    raise AssertionError(kind)  # pragma: no cover


# A comma may only group thousands: "1,500" and "1,500.00" are read, "1,50", "1.500,00" and "2,0"
# could mean two different amounts, so they are refused rather than guessed (issue 12).
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
PERCENT_PLACES = 4  # 7.65 (FICA), 9.99 (APR), 5.125: no rate needs more decimal places


def _number(kind: str, raw: Any, text: str, label: str, spec_high: int | None = None,
            name: str = "") -> Decimal:  # fmt: skip
    if isinstance(raw, float):
        text = repr(raw)  # a JSON/YAML float: its shortest text is what the user wrote
    cleaned = text.removeprefix("$").removesuffix("%").strip()
    if "," in cleaned:
        if not _GROUPED.fullmatch(cleaned):
            raise _fail(
                label,
                f"{_show(text)} is ambiguous: a comma may only group thousands (1,500 or "
                "1,500.00); write the number without it, with a dot for cents (1.50)",
            )
        cleaned = cleaned.replace(",", "")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise _fail(label, f"must be a number, not {_show(text)}") from None
    if not number.is_finite():
        raise _fail(label, f"must be a finite number, not {_show(text)}")
    if number < 0:
        raise _fail(label, f"must not be negative, not {_show(text)}")
    high = Decimal(100) if kind == "percent" else Decimal(spec_high or MAX_MONEY)
    if number > high:
        what = "a percentage from 0 to 100" if kind == "percent" else f"at most {high:,}"
        raise _fail(label, f"must be {what}, not {_show(text)}")
    if kind == "money" and number != number.quantize(Decimal("0.01")):
        raise _fail(label, f"must be whole cents, not {_show(text)}")
    if kind == "percent":
        if number != number.quantize(Decimal(1).scaleb(-PERCENT_PLACES)):
            raise _fail(
                label, f"must have at most {PERCENT_PLACES} decimal places, not {_show(text)}"
            )
        # 0.2 is 20% written as a fraction, not 0.2%: refuse with a hint rather than guess.
        # Not for an APR: promotional financing at 0.99% APR is real.
        if 0 < number < 1 and name != "apr":
            hint = format((number * 100).normalize(), "f")
            raise _fail(
                label,
                f"is a percentage from 0 to 100, and {_show(text)} is below 1%: "
                f"did you mean {hint}?",
            )
    # Exponents normalised away, so the figure is written out as plain, short digits: 1e2 is
    # 100, and 0E-999999999 (a billion zeros written out) or 450.000 keep only the places a
    # figure of this kind has; the value is unchanged (checked above). + 0: -0 becomes 0.
    places = Decimal(1).scaleb(-(PERCENT_PLACES if kind == "percent" else 2))
    if number.as_tuple().exponent < places.as_tuple().exponent:  # type: ignore[operator]
        number = number.quantize(places).normalize()
    return Decimal(format(number + 0, "f"))


def _date(raw: Any, text: str, label: str) -> dt.date:
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        value = raw
    else:
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError
            value = dt.date.fromisoformat(text)
        except ValueError:
            raise _fail(label, f"must be a real date as YYYY-MM-DD, not {_show(text)}") from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise _fail(label, f"must be between {FIRST_YEAR} and {LAST_YEAR}, not {value}")
    return value
