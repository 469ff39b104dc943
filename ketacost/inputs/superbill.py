"""A superbill's inputs: the patient file (YAML) and the visits file (CSV or a YAML list).

The shapes are DESIGN.md's (Contract additions v3, "The clinic's paperwork"); the fields follow
the CMS-1500 (02/12) items they fill (research/superbill.md d.2). Each value is checked here for
its own shape, and every problem names the file and the key (exit 2); the rules that tie values
together (pointers into the diagnoses, one Spravato pathway a date, J0013 units, NDCs for J3490)
are the document's, in :mod:`ketacost.documents.superbill`. Pure: :mod:`.files` reads the bytes.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, NamedTuple

from ..core.errors import InputError
from ..rules.coding import NDC_UNITS, PLACES_OF_SERVICE
from .fields import FieldSpec
from .values import convert

PATIENT_KEYS = ("name", "dob", "sex", "address", "member_id", "group_number", "plan_name",
                "diagnoses", "insured")  # fmt: skip
NAME_KEYS = ("last", "first", "middle")
ADDRESS_KEYS = ("line", "city", "state", "zip")
INSURED_KEYS = ("name", "dob", "relationship")
RELATIONSHIPS = ("self", "spouse", "child", "other")  # CMS-1500 item 6
SEXES = ("M", "F")  # CMS-1500 item 3
VISIT_KEYS = ("date", "code", "modifiers", "units", "charge", "pointers", "pos", "ndc",
              "ndc_quantity", "ndc_unit", "paid", "minutes")  # fmt: skip
VISIT_REQUIRED = ("date", "code", "charge", "pointers", "pos")
MAX_MODIFIERS = 4  # CMS-1500 item 24D: up to four modifiers
MAX_POINTERS = 4  # item 24E: up to four diagnosis pointers, primary first
MAX_VISITS = 600  # 100 CMS-1500 pages of six lines
_CODE = re.compile(r"[0-9]{4}[0-9A-Z]|[A-Z][0-9]{4}")  # CPT 96365 / 0591T, HCPCS J3490
_MODIFIER = re.compile(r"[0-9A-Z]{2}")
_POINTERS = re.compile(r"[A-L]{1,4}")
_MONEY = FieldSpec("charge", "money", "Dollars and cents.")
_UNITS = FieldSpec("units", "count", "Service units.", low=1, high=9999)
_MINUTES = FieldSpec("minutes", "count", "Infusion minutes.", low=1, high=1440)
_DATE = FieldSpec("date", "date", "A date.")


class PersonName(NamedTuple):
    last: str
    first: str
    middle: str | None


class Address(NamedTuple):
    line: str
    city: str
    state: str
    zip: str


class Insured(NamedTuple):
    name: str
    dob: dt.date | None
    relationship: str


class PatientFile(NamedTuple):
    """The patient file: CMS-1500 items 1a, 2, 3, 4, 5, 6, 11, 11c and 21."""

    name: PersonName
    dob: dt.date
    sex: str
    address: Address
    member_id: str
    group_number: str | None
    plan_name: str | None
    diagnoses: tuple[str, ...]  # as written; the document checks them against ICD-10-CM
    insured: Insured | None


class VisitLine(NamedTuple):
    """One row of the visits file: a CMS-1500 service line (item 24)."""

    row: int  # 1 for the first visit, for messages
    date: dt.date
    code: str
    modifiers: tuple[str, ...]
    units: int
    charge: Decimal
    pointers: str
    pos: str
    ndc: str | None
    ndc_quantity: Decimal | None
    ndc_unit: str | None
    paid: Decimal
    minutes: int | None  # an infusion's length, for 96366


def _fail(where: str, message: str) -> InputError:
    return InputError(f"{where}: {message}", field=where)


def _text(value: Any, where: str, limit: int = 100, *, required: bool = True) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _fail(where, "missing")
        return None
    if isinstance(value, (dict, list, bool)):
        raise _fail(where, "must be text")
    text = " ".join(str(value).split())
    if len(text) > limit:
        raise _fail(where, f"must be at most {limit} characters")
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in text):
        raise _fail(where, "must not contain control characters")
    return text


def _mapping(value: Any, where: str, keys: tuple[str, ...], sep: str = ".") -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(where, f"must be a mapping with {', '.join(keys)}")
    for key in value:
        if key not in keys:
            raise _fail(f"{where}{sep}{str(key)[:40]}", f"unknown key (known: {', '.join(keys)})")
    return value


def _date(value: Any, where: str, today: dt.date) -> dt.date:
    if isinstance(value, dt.date):
        day = value
    else:
        text = _text(value, where, 20) or ""
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise _fail(where, f"must be a date as YYYY-MM-DD, not {text!r}")
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise _fail(where, f"must be a real date, not {text!r}") from None
    if day > today:
        raise _fail(where, f"{day} is in the future (today is {today})")
    if day.year < 1900:
        raise _fail(where, f"{day} is before 1900")
    return day


def parse_patient(document: Any, source: str, today: dt.date) -> PatientFile:
    """Validate a parsed patient file; the first problem raises :class:`InputError`."""
    doc = _mapping(document, source, PATIENT_KEYS, ": ")
    for key in ("name", "dob", "sex", "address", "member_id", "diagnoses"):
        if doc.get(key) is None:
            raise _fail(f"{source}: {key}", "missing")
    raw_name = _mapping(doc["name"], f"{source}: name", NAME_KEYS)
    name = PersonName(
        _text(raw_name.get("last"), f"{source}: name.last") or "",
        _text(raw_name.get("first"), f"{source}: name.first") or "",
        _text(raw_name.get("middle"), f"{source}: name.middle", required=False),
    )
    dob = _date(doc["dob"], f"{source}: dob", today)
    sex = (_text(doc["sex"], f"{source}: sex", 10) or "").upper()[:1]
    if sex not in SEXES:
        raise _fail(f"{source}: sex", f"must be M or F (CMS-1500 item 3), not {doc['sex']!r}")
    address = _address(doc["address"], f"{source}: address")
    member_id = _text(doc["member_id"], f"{source}: member_id", 30) or ""
    group = _text(doc.get("group_number"), f"{source}: group_number", 30, required=False)
    plan = _text(doc.get("plan_name"), f"{source}: plan_name", 60, required=False)
    raw_codes = doc["diagnoses"]
    if isinstance(raw_codes, (str, int)):
        raw_codes = [raw_codes]
    if not isinstance(raw_codes, list) or not raw_codes:
        raise _fail(f"{source}: diagnoses", "must be a list of ICD-10-CM codes (F33.2, F41.1)")
    codes = tuple(_text(c, f"{source}: diagnoses[{n}]", 10) or "" for n, c in enumerate(raw_codes))
    insured = None
    if doc.get("insured") is not None:
        raw = _mapping(doc["insured"], f"{source}: insured", INSURED_KEYS)
        relationship = (_text(raw.get("relationship"), f"{source}: insured.relationship", 10)
                        or "").lower()  # fmt: skip
        if relationship not in RELATIONSHIPS:
            raise _fail(
                f"{source}: insured.relationship",
                f"must be one of {', '.join(RELATIONSHIPS)}, not {relationship!r}",
            )
        insured_dob = None
        if raw.get("dob") is not None:
            insured_dob = _date(raw["dob"], f"{source}: insured.dob", today)
        insured = Insured(_text(raw.get("name"), f"{source}: insured.name") or "", insured_dob,
                          relationship)  # fmt: skip
    return PatientFile(name, dob, sex, address, member_id, group, plan, codes, insured)


def _address(value: Any, where: str) -> Address:
    raw = _mapping(value, where, ADDRESS_KEYS)
    state = (_text(raw.get("state"), f"{where}.state", 2) or "").upper()
    if not re.fullmatch(r"[A-Z]{2}", state):
        raise _fail(f"{where}.state", f"must be a two-letter state code, not {state!r}")
    zip_code = _text(raw.get("zip"), f"{where}.zip", 10) or ""
    if not re.fullmatch(r"\d{5}(-\d{4})?", zip_code):
        raise _fail(f"{where}.zip", f"must be a ZIP code (78701 or 78701-1234), not {zip_code!r}")
    return Address(_text(raw.get("line"), f"{where}.line") or "",
                   _text(raw.get("city"), f"{where}.city", 60) or "", state, zip_code)  # fmt: skip


def parse_visits(rows: list[Any], source: str, today: dt.date) -> tuple[VisitLine, ...]:
    """Validate the visits file's rows (mappings); the first problem raises :class:`InputError`."""
    if not rows:
        raise _fail(source, "no visits: one row per service line (date, code, charge, …)")
    if len(rows) > MAX_VISITS:
        raise _fail(source, f"at most {MAX_VISITS} service lines")
    return tuple(_visit(row, n, source, today) for n, row in enumerate(rows, start=1))


def _visit(raw: Any, n: int, source: str, today: dt.date) -> VisitLine:
    where = f"{source}: row {n}"
    row = _mapping(raw, where, VISIT_KEYS, ": ")
    row = {k: (None if isinstance(v, str) and not v.strip() else v) for k, v in row.items()}
    for key in VISIT_REQUIRED:
        if row.get(key) is None:
            raise _fail(f"{where}: {key}", "missing")
    day = _date(row["date"], f"{where}: date", today)
    code = (_text(row["code"], f"{where}: code", 10) or "").upper()
    if not _CODE.fullmatch(code):
        raise _fail(f"{where}: code", f"{code!r} is not a CPT (96365) or HCPCS (J3490) code")
    raw_modifiers = row.get("modifiers") or ""
    if isinstance(raw_modifiers, list):  # YAML: [25, 95]
        raw_modifiers = " ".join(str(m) for m in raw_modifiers)
    modifiers = tuple(str(raw_modifiers).upper().replace(",", " ").split())
    if len(modifiers) > MAX_MODIFIERS:
        raise _fail(
            f"{where}: modifiers",
            f"at most {MAX_MODIFIERS} a line (CMS-1500 item 24D), not {len(modifiers)}",
        )
    for modifier in modifiers:
        if not _MODIFIER.fullmatch(modifier):
            raise _fail(f"{where}: modifiers", f"{modifier!r} is not a two-character modifier")
    units = 1 if row.get("units") is None else convert(_UNITS, row["units"], f"{where}: units")
    charge = convert(_MONEY, row["charge"], f"{where}: charge")
    paid = Decimal("0.00")
    if row.get("paid") is not None:
        paid = convert(_MONEY, row["paid"], f"{where}: paid")
    raw_pointers = row["pointers"]
    if isinstance(raw_pointers, list):  # YAML: [A, B]
        raw_pointers = "".join(str(x) for x in raw_pointers)
    pointers = (_text(raw_pointers, f"{where}: pointers", 20) or "").upper().replace(" ", "")
    pointers = pointers.replace(",", "")
    if len(pointers) > MAX_POINTERS and re.fullmatch(r"[A-L]+", pointers):
        raise _fail(
            f"{where}: pointers",
            f"at most {MAX_POINTERS} a line (CMS-1500 item 24E), not {pointers!r}",
        )
    if not _POINTERS.fullmatch(pointers) or len(set(pointers)) != len(pointers):
        raise _fail(f"{where}: pointers",
                    f"must be 1 to {MAX_POINTERS} different letters A–L written together "
                    f"(AB), not {pointers!r}")  # fmt: skip
    pos = _place(row["pos"], f"{where}: pos")
    ndc, quantity, unit = _ndc(row, where)
    minutes = None
    if row.get("minutes") is not None:
        minutes = convert(_MINUTES, row["minutes"], f"{where}: minutes")
    return VisitLine(n, day, code, modifiers, units, charge, pointers, pos, ndc, quantity, unit,
                     paid, minutes)  # fmt: skip


def _place(value: Any, where: str) -> str:
    text = _text(str(value) if isinstance(value, int) else value, where, 10) or ""
    place = text.zfill(2) if text.isdigit() else text
    if place not in PLACES_OF_SERVICE:
        raise _fail(where, f"{text!r} is not a CMS place-of-service code (11 office, "
                           "02/10 telehealth, 49 independent clinic, …)")  # fmt: skip
    return place


def _ndc(row: dict[str, Any], where: str) -> tuple[str | None, Decimal | None, str | None]:
    """The drug's NDC in the 11-digit 5-4-2 claim form, its quantity and its unit."""
    ndc = None
    if row.get("ndc") is not None:
        text = _text(str(row["ndc"]), f"{where}: ndc", 20) or ""
        ndc = text.replace("-", "").replace(" ", "")
        if not re.fullmatch(r"\d{11}", ndc):
            raise _fail(f"{where}: ndc", f"must be the 11-digit NDC (5-4-2, zero-filled: "
                                         f"00409-2051-05), not {text!r}")  # fmt: skip
    quantity = None
    if row.get("ndc_quantity") is not None:
        text = str(row["ndc_quantity"]).strip()
        if not re.fullmatch(r"\d{1,7}(\.\d{1,3})?", text) or Decimal(text) == 0:
            raise _fail(
                f"{where}: ndc_quantity",
                f"must be a positive quantity (at most 3 decimals), not {text[:20]!r}",
            )
        quantity = Decimal(text)
    unit = None
    if row.get("ndc_unit") is not None:
        unit = (_text(row["ndc_unit"], f"{where}: ndc_unit", 2) or "").upper()
        if unit not in NDC_UNITS:
            raise _fail(f"{where}: ndc_unit",
                        f"must be one of {', '.join(NDC_UNITS)} (ML milliliter, UN unit, GR gram, "
                        f"F2 international unit), not {unit!r}")  # fmt: skip
    return ndc, quantity, unit


def csv_rows(text: str, source: str) -> list[dict[str, Any]]:
    """The visits file's CSV rows as mappings; the header names the columns."""
    import csv
    import io

    reader = csv.DictReader(io.StringIO(text))
    header = [(h or "").strip().lower() for h in reader.fieldnames or []]
    for column in header:
        if column not in VISIT_KEYS:
            raise _fail(f"{source}: {column[:40] or '(empty column name)'}",
                        f"unknown column (known: {', '.join(VISIT_KEYS)})")  # fmt: skip
    rows = []
    for n, raw in enumerate(reader, start=1):
        if None in raw:
            raise _fail(f"{source}: row {n}", f"more fields than the {len(header)} columns")
        values = [v.strip() if isinstance(v, str) else v for v in raw.values()]
        if all(not v for v in values):
            continue  # a blank line
        rows.append(dict(zip(header, values, strict=True)))
    return rows


PATIENT_TEMPLATE = """\
# ketacost superbill patient file: `ketacost superbill --patient FILE`.
# Who the patient is and what the plan calls them: CMS-1500 items 1a, 2, 3, 5, 11, 11c and 21.
name:
  last: Diaz
  first: Ana
  middle: M                 # optional
dob: 1988-03-14
sex: F                      # M or F, as on the plan's records (item 3)
address:
  line: 12 Oak St
  city: Austin
  state: TX
  zip: "78702"
member_id: "XYZ123456789"   # the member ID on the insurance card (item 1a)
group_number: "0012345"     # optional (item 11)
plan_name: Example PPO      # optional (item 11c)
# ICD-10-CM codes, at most 12, primary first; the visits point at them by letter: A, B, C…
diagnoses: [F33.2, F41.1]
# Only when the patient is not the policy holder (items 4, 6, 7):
# insured:
#   name: Diaz, Luis
#   dob: 1986-07-01
#   relationship: spouse    # self, spouse, child or other
"""

VISITS_TEMPLATE = """\
date,code,modifiers,units,charge,pointers,pos,ndc,ndc_quantity,ndc_unit,paid,minutes
2026-11-02,90792,,1,300.00,AB,11,,,,300.00,
2026-11-04,96365,,1,450.00,A,11,,,,450.00,50
2026-11-04,J3490,,1,100.00,A,11,00409-2051-05,1,ML,100.00,
"""
