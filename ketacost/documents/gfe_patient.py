"""The patient block of a Good Faith Estimate: name (as written, and given/family when known),
date of birth, address, the clinic's patient ID, phone and email (the CMS form's patient fields).

The family name is never guessed from the last word ("María de los Ángeles García", "王小明"): it
is known from ``--patient-given``/``--patient-family``, or from a name written "Family, Given".
Text a patient or front desk typed may not hold control characters or bidirectional overrides
(U+202E would reorder what a reader sees), as a clinic profile's text may not.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from ..core.errors import InputError, printable

OLDEST_BIRTH_YEAR = 1900


class Patient(NamedTuple):
    name: str
    date_of_birth: dt.date
    given: tuple[str, ...] = ()  # empty when only the whole name is known
    family: str | None = None
    address: str | None = None
    id: str | None = None  # the clinic's patient identification number
    phone: str | None = None
    email: str | None = None


def _clean(text: str | None, label: str, limit: int, what: str) -> str | None:
    if text is None:
        return None
    cleaned = " ".join(text.split())
    if not cleaned:
        raise InputError(f"{label}: must not be empty ({what})", field=label)
    if len(cleaned) > limit:
        raise InputError(f"{label}: must be at most {limit} characters", field=label)
    if printable(cleaned) != cleaned:
        raise InputError(f"{label}: must not contain control characters or bidirectional "
                         f"overrides: {printable(cleaned)[:60]}", field=label)  # fmt: skip
    return cleaned


def patient_name(text: str | None, label: str = "--patient-name") -> str:
    if text is None or not text.strip():
        raise InputError(f"{label}: required: the patient's full name", field=label)
    return _clean(text, label, 200, "the patient's full name") or ""


def name_parts(
    name: str | None, given: str | None, family: str | None
) -> tuple[str, tuple[str, ...], str | None]:
    """The name as printed, its given names and its family name (None when not known)."""
    given_text = _clean(given, "--patient-given", 100, "the given name(s)")
    family_text = _clean(family, "--patient-family", 100, "the family name")
    if given_text is None and family_text is None:
        whole = patient_name(name)
        if whole.count(",") == 1:  # "García López, María de los Ángeles"
            last, first = (part.strip() for part in whole.split(","))
            if last and first:
                return whole, tuple(first.split()), last
        return whole, (), None
    parts = [p for p in (given_text, family_text) if p]
    whole = patient_name(name) if name is not None else " ".join(parts)
    return whole, tuple((given_text or "").split()), family_text


def birth_date(text: str | None, issued: dt.date, label: str = "--patient-dob") -> dt.date:
    if text is None or not text.strip():
        raise InputError(f"{label}: required: the patient's date of birth, YYYY-MM-DD",
                         field=label)  # fmt: skip
    cleaned = text.strip()
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", cleaned):
            raise ValueError
        day = dt.date.fromisoformat(cleaned)
    except ValueError:
        raise InputError(f"{label}: must be a real date as YYYY-MM-DD, not {cleaned[:20]!r}",
                         field=label) from None  # fmt: skip
    if day > issued:
        raise InputError(f"{label}: {day} is in the future (the estimate is dated {issued})",
                         field=label)  # fmt: skip
    if day.year < OLDEST_BIRTH_YEAR:
        raise InputError(f"{label}: {day} is before {OLDEST_BIRTH_YEAR}", field=label)
    return day


def contact_details(
    address: str | None, patient_id: str | None, phone: str | None, email: str | None
) -> tuple[str | None, str | None, str | None, str | None]:
    """The patient's address, ID, phone and email, each checked (``None``: not given)."""
    address = _clean(address, "--patient-address", 200, "the patient's address")
    patient_id = _clean(patient_id, "--patient-id", 64, "the clinic's patient ID")
    phone = _clean(phone, "--patient-phone", 40, "a phone number")
    if phone is not None and not re.fullmatch(r"[0-9+()./ x-]{7,40}", phone.lower()):
        raise InputError(f"--patient-phone: must be a phone number (digits 0-9, spaces, + ( ) - "
                         f". x), not {phone[:40]!r}", field="--patient-phone")  # fmt: skip
    email = _clean(email, "--patient-email", 254, "an email address")
    if email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise InputError(f"--patient-email: must be an email address, not {email[:40]!r}",
                         field="--patient-email")  # fmt: skip
    return address, patient_id, phone, email


def replaced_id(text: str | None) -> str | None:
    """The identifier of the GFE this one replaces (``--replaces``)."""
    if text is None:
        return None
    cleaned = text.strip()
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", cleaned):
        raise InputError(f"--replaces: must be the earlier estimate's GFE number, e.g. "
                         f"GFE-20270104-1A2B3C4D, not {printable(cleaned)[:40]!r}",
                         field="--replaces")  # fmt: skip
    return cleaned
