"""A clinic profile: who the clinic is (name, NPI, TIN, address) and its exact self-pay prices.

A front desk writes it by hand (``ketacost clinic init FILE`` writes a commented template). The
prices are the clinic's own: exact (low = typical = high), never scaled by provider type or
location, and need no source (the clinic is the source). ``estimate --clinic``, ``compare
--clinic`` and ``gfe --clinic`` use them; routes, schedules and tax figures still come from the
pricing model.

:func:`parse_clinic` validates the parsed YAML and reports every problem, each naming the file and
the key (exit 2; ``clinic check`` lists them all). Everything here is pure: the CLI reads the
file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from ..core.errors import InputError
from ..core.money import cents
from ..rules.coding import npi_check_digit_ok, pathway_conflict
from ..rules.model import ROUTES, LineItemSpec, PricingModel
from .clinic_billing import TEMPLATE_LINES, RenderingProvider, parse_billing
from .fields import FieldSpec
from .scenario import resolve_location
from .values import convert

SERVICES = ("evaluation", *ROUTES, "integration")
# Which visits of a course an extra item is billed with.
EXTRA_PER = {
    "session": ("induction", "booster"),
    "evaluation": ("consult",),
    "integration": ("integration",),
    "visit": ("consult", "induction", "booster", "integration"),
}
KIND_SERVICE = {"consult": "evaluation", "integration": "integration"}  # else: the route
# CMS place-of-service codes a ketamine course is given in (cms.gov "Place of Service Code Set").
PLACES_OF_SERVICE = {
    "02": "Telehealth provided other than in patient's home",
    "10": "Telehealth provided in patient's home",
    "11": "Office",
    "19": "Off campus-outpatient hospital",
    "22": "On campus-outpatient hospital",
    "49": "Independent clinic",
}
KEYS: tuple[str, ...]
KEYS = ("name", "npi", "tin", "address", "location", "phone", "place_of_service", "taxonomy",
        "prices", "codes", "extras", "contact", "co_providers")  # fmt: skip
KEYS += ("billing_npi", "rendering")  # the superbill's (clinic_billing.py)
REQUIRED = ("name", "npi", "tin", "address", "location", "prices")
_PRICE = FieldSpec("price", "money", "A self-pay price in dollars.")
T = TypeVar("T")
_CODE = re.compile(r"^[A-Z0-9]{4,7}$")  # CPT 99214, HCPCS J3490 / G2082, with modifiers apart


class ExtraItem(NamedTuple):
    """An item the clinic bills with some visits, e.g. a monitoring fee with every session."""

    service: str
    code: str | None
    price: Decimal
    per: str  # a key of EXTRA_PER


class Contact(NamedTuple):
    """The person a patient asks about the estimate (the CMS form's provider contact)."""

    name: str | None
    phone: str | None
    email: str | None

    def text(self) -> str:
        return ", ".join(part for part in self if part)


class CoItem(NamedTuple):
    """An item a co-provider furnishes over the period of care (45 CFR 149.610(c)(1)(iii)(B))."""

    service: str
    code: str | None
    quantity: int
    unit_charge: Decimal


class CoProvider(NamedTuple):
    """A provider who bills separately for items customarily given with the clinic's (a
    therapist, an anaesthesiologist): listed on the GFE with its own items and total."""

    name: str
    npi: str
    tin: str
    address: str
    items: tuple[CoItem, ...]
    phone: str | None = None
    taxonomy: str | None = None  # NUCC code: the FHIR packet needs one for every provider


class ClinicProblems(InputError):
    """Every problem of a clinic profile; the message shows the first, ``problems`` all."""

    def __init__(self, source: str, problems: list[str]) -> None:
        extra = len(problems) - 1
        more = (f" (and {extra} more problem{'s' if extra > 1 else ''}: `ketacost clinic check "
                f"{source}` lists them)") if extra else ""  # fmt: skip
        super().__init__(problems[0] + more, field=source)
        self.problems = problems


class ClinicProfile(NamedTuple):
    """A validated clinic profile."""

    source: str  # the file it came from, for messages
    name: str
    npi: str
    tin: str
    address: str
    location: str  # as written: a state code or name, or a ZIP
    state: str  # the two-letter state it resolves to
    phone: str | None
    place_of_service: str
    prices: dict[str, Decimal]
    codes: dict[str, tuple[str, ...]]
    extras: tuple[ExtraItem, ...]
    taxonomy: str | None = None  # NUCC provider taxonomy code (the FHIR GFE carries it)
    contact: Contact | None = None
    co_providers: tuple[CoProvider, ...] = ()
    billing_npi: str | None = None  # CMS-1500 item 33a when not ``npi`` (clinic_billing.py)
    rendering: tuple[RenderingProvider, ...] = ()  # the clinicians (items 24J, 31)

    @property
    def routes(self) -> tuple[str, ...]:
        """The routes this clinic prices, in the model's order."""
        return tuple(r for r in ROUTES if r in self.prices)


class Service(NamedTuple):
    """One priced service of a visit: the visit's own service, or an extra billed with it."""

    id: str
    label: str
    codes: tuple[str, ...]
    unit_price: Decimal
    extra: bool


def _fail(source: str, key: str, message: str) -> InputError:
    where = f"{source}: {key}"
    return InputError(f"{where}: {message}", field=where)


def _text(document: dict[str, Any], key: str, source: str, limit: int = 200) -> str | None:
    value = document.get(key)
    if value is None:
        return None
    if isinstance(value, (dict, list, bool)):
        raise _fail(source, key, "must be text")
    text = " ".join(str(value).split())
    if not text:
        raise _fail(source, key, "must not be empty")
    if len(text) > limit:
        raise _fail(source, key, f"must be at most {limit} characters")
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in text):
        raise _fail(source, key, "must not contain control characters")
    return text


def parse_clinic(document: Any, source: str, pricing: PricingModel) -> ClinicProfile:
    """Validate a parsed clinic profile; its problems raise :class:`ClinicProblems`, all of them
    (each ``FILE: key: message``)."""
    if not isinstance(document, dict):
        kind = "empty" if document is None else type(document).__name__
        raise InputError(f"{source}: a clinic profile must be a mapping (key: value), not {kind}",
                         field=source)  # fmt: skip
    problems: list[str] = []

    def check(parse: Callable[[], T], default: T) -> T:
        try:
            return parse()
        except InputError as exc:
            problems.extend(getattr(exc, "problems", None) or [exc.message])
            return default

    for key in document:
        if key not in KEYS:
            problems.append(_fail(source, str(key)[:40],
                                  f"unknown key (known: {', '.join(KEYS)})").message)  # fmt: skip
    for key in REQUIRED:
        if document.get(key) is None:
            problems.append(_fail(source, key, "missing").message)
    name = check(lambda: _text(document, "name", source), None)
    npi = check(lambda: _npi(document.get("npi"), source, "npi"), "")
    tin = check(lambda: _tin(document.get("tin"), source, "tin"), "")
    address = check(lambda: _text(document, "address", source), None) or ""
    location, state = check(lambda: _location(document, source, pricing), ("", ""))
    phone = check(lambda: _text(document, "phone", source, 40), None)
    place = check(lambda: _place(document, source), "11")
    taxonomy = check(lambda: _taxonomy(document.get("taxonomy"), source, "taxonomy"), None)
    prices: dict[str, Decimal] = check(lambda: _prices(document.get("prices"), source), {})
    codes: dict[str, tuple[str, ...]] = check(lambda: _codes(document.get("codes"), source), {})
    no_extras: tuple[ExtraItem, ...] = ()
    extras = check(lambda: _extras(document.get("extras"), source), no_extras)
    contact = check(lambda: _contact(document.get("contact"), source), None)
    no_co_providers: tuple[CoProvider, ...] = ()
    co_providers = check(
        lambda: _co_providers(document.get("co_providers"), source), no_co_providers
    )
    billing: dict[str, Any] = check(lambda: parse_billing(document, source), {})
    if problems:
        raise ClinicProblems(source, list(dict.fromkeys(problems)))
    profile = ClinicProfile(source, name or "", npi, tin, address, location, state, phone, place,
                            prices, codes, extras, taxonomy, contact, co_providers)  # fmt: skip
    return profile._replace(**billing)


def _npi(value: Any, source: str, key: str) -> str:
    if value is None:
        raise _fail(source, key, "missing")
    npi = str(value) if isinstance(value, int) and not isinstance(value, bool) else (
        _text({key: value}, key, source, 10) or "")  # fmt: skip
    # ASCII digits only: Python's \d also matches Arabic-Indic and full-width digits
    if not re.fullmatch(r"[0-9]{10}", npi):
        raise _fail(source, key, f"must be 10 digits 0-9, not {npi[:20]!r}")
    if not npi_check_digit_ok(npi):
        raise _fail(source, key, f"{npi} fails the NPI check digit (Luhn with prefix 80840)")
    return npi


def _tin(value: Any, source: str, key: str) -> str:
    if value is None:
        raise _fail(source, key, "missing")
    tin = _text({key: value}, key, source, 20) or ""
    digits = re.sub(r"[ -]", "", tin)
    if not re.fullmatch(r"[0-9]{9}", digits):
        raise _fail(source, key, f"must be 9 digits 0-9 (EIN 12-3456789), not {tin!r}")
    if re.fullmatch(r"[0-9]{3}-[0-9]{2}-[0-9]{4}", tin):  # an SSN-style TIN stays as written
        return tin
    return f"{digits[:2]}-{digits[2:]}"


def _location(document: dict[str, Any], source: str, pricing: PricingModel) -> tuple[str, str]:
    location = _text(document, "location", source, 60)
    if location is None:
        return "", ""  # reported as missing
    state = resolve_location(location, pricing)
    if state is None or state == "US":
        raise _fail(source, "location",
                    f"must be a state code or name, or a ZIP, not {location!r}")  # fmt: skip
    territory = pricing.locations.territories.get(state)
    if territory is not None:  # every estimate, GFE and comparison at this clinic would fail
        raise _fail(source, "location",
                    f"{location!r} is in {territory.name}: US territories and military post "
                    "offices have no regional price parity, so ketacost cannot price care there "
                    "(a clinic in one of the 50 states or DC)")  # fmt: skip
    return location, state


def _place(document: dict[str, Any], source: str) -> str:
    raw = document.get("place_of_service")
    place = f"{raw:02d}" if isinstance(raw, int) and not isinstance(raw, bool) else (
        _text(document, "place_of_service", source, 2) or "11")  # fmt: skip
    if place not in PLACES_OF_SERVICE:
        raise _fail(source, "place_of_service",
                    f"must be a CMS place-of-service code ({', '.join(PLACES_OF_SERVICE)}), "
                    f"not {place!r}")  # fmt: skip
    return place


def _taxonomy(value: Any, source: str, key: str) -> str | None:
    taxonomy = _text({key: value}, key, source, 10)
    if taxonomy is not None and not re.fullmatch(r"[0-9]{3}[0-9A-Z]{6}X", taxonomy.upper()):
        raise _fail(source, key,
                    f"must be a NUCC taxonomy code like 2084P0800X, not {taxonomy!r}")  # fmt: skip
    return taxonomy and taxonomy.upper()


def _field(raw: dict[str, Any], key: str, where: str, source: str, limit: int = 200) -> str | None:
    """The text at ``where.key``, its errors naming that path."""
    return _text({f"{where}.{key}": raw.get(key)}, f"{where}.{key}", source, limit)


def _email(value: Any, source: str, key: str) -> str | None:
    email = _text({key: value}, key, source, 254)
    if email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise _fail(source, key, f"must be an email address, not {email[:40]!r}")
    return email


def _contact(raw: Any, source: str) -> Contact | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise _fail(source, "contact", "must be a mapping with name, phone and email")
    for key in raw:
        if key not in ("name", "phone", "email"):
            raise _fail(source, f"contact.{str(key)[:40]}",
                        "unknown key (known: name, phone, email)")  # fmt: skip
    contact = Contact(_field(raw, "name", "contact", source),
                      _field(raw, "phone", "contact", source, 40),
                      _email(raw.get("email"), source, "contact.email"))  # fmt: skip
    if not any(contact):
        raise _fail(source, "contact", "give at least one of name, phone and email")
    return contact


CO_KEYS = ("name", "npi", "tin", "address", "phone", "taxonomy", "items")
CO_ITEM_KEYS = ("service", "code", "quantity", "unit_charge")


def _co_providers(raw: Any, source: str) -> tuple[CoProvider, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise _fail(source, "co_providers", "must be a list (- name: …, npi: …, items: […])")
    out = []
    for n, entry in enumerate(raw):
        where = f"co_providers[{n}]"
        if not isinstance(entry, dict):
            raise _fail(source, where, f"must be a mapping with {', '.join(CO_KEYS)}")
        for key in entry:
            if key not in CO_KEYS:
                raise _fail(source, f"{where}.{str(key)[:40]}",
                            f"unknown key (known: {', '.join(CO_KEYS)})")  # fmt: skip
        for key in ("name", "npi", "tin", "address", "items"):
            if entry.get(key) is None:
                raise _fail(source, f"{where}.{key}", "missing")
        items = entry["items"]
        if not isinstance(items, list) or not items:
            raise _fail(source, f"{where}.items", "must be a list of at least one item")
        out.append(CoProvider(
            _field(entry, "name", where, source) or "",
            _npi(entry["npi"], source, f"{where}.npi"),
            _tin(entry["tin"], source, f"{where}.tin"),
            _field(entry, "address", where, source) or "",
            tuple(_co_item(item, source, f"{where}.items[{k}]") for k, item in enumerate(items)),
            _field(entry, "phone", where, source, 40),
            _taxonomy(entry.get("taxonomy"), source, f"{where}.taxonomy"),
        ))  # fmt: skip
    return tuple(out)


def _co_item(item: Any, source: str, where: str) -> CoItem:
    if not isinstance(item, dict):
        raise _fail(source, where, f"must be a mapping with {', '.join(CO_ITEM_KEYS)}")
    for key in item:
        if key not in CO_ITEM_KEYS:
            raise _fail(source, f"{where}.{str(key)[:40]}",
                        f"unknown key (known: {', '.join(CO_ITEM_KEYS)})")  # fmt: skip
    for key in ("service", "quantity", "unit_charge"):
        if item.get(key) is None:
            raise _fail(source, f"{where}.{key}", "missing")
    quantity = item["quantity"]
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= 999:
        raise _fail(source, f"{where}.quantity", f"must be a whole number 1 to 999, not "
                    f"{str(quantity)[:20]!r}")  # fmt: skip
    code = None
    if item.get("code") is not None:
        code = _code_list(item["code"], source, f"{where}.code")[0]
    return CoItem(
        _text(item, "service", f"{source}: {where}") or "",
        code,
        quantity,
        cents(convert(_PRICE, item["unit_charge"], f"{source}: {where}.unit_charge")),
    )


def _prices(raw: Any, source: str) -> dict[str, Decimal]:
    if raw is None:
        return {}  # reported as missing
    if not isinstance(raw, dict):
        raise _fail(source, "prices", "must be a mapping of service to dollars per unit")
    prices = {}
    for key, value in raw.items():
        if key not in SERVICES:
            raise _fail(source, f"prices.{str(key)[:40]}",
                        f"unknown service (known: {', '.join(SERVICES)})")  # fmt: skip
        label = f"{source}: prices.{key}"
        if value is None:
            raise _fail(source, f"prices.{key}", "missing a price")
        prices[key] = cents(convert(_PRICE, value, label))
    if not any(route in prices for route in ROUTES):
        raise _fail(source, "prices", f"must price at least one route ({', '.join(ROUTES)})")
    return prices


def _code_list(raw: Any, source: str, key: str) -> tuple[str, ...]:
    items = raw if isinstance(raw, list) else [raw]
    codes = []
    for item in items:
        if isinstance(item, (dict, list, bool)) or item is None:
            raise _fail(source, key, "must be a code or a list of codes")
        code = str(item).strip().upper()
        if not _CODE.fullmatch(code):
            raise _fail(source, key, f"{code[:20]!r} is not a CPT or HCPCS code")
        codes.append(code)
    if not codes:
        raise _fail(source, key, "must name at least one code")
    return tuple(codes)


def _codes(raw: Any, source: str) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _fail(source, "codes", "must be a mapping of service to codes")
    out = {}
    for key, value in raw.items():
        if key not in SERVICES:
            raise _fail(source, f"codes.{str(key)[:40]}",
                        f"unknown service (known: {', '.join(SERVICES)})")  # fmt: skip
        out[key] = _code_list(value, source, f"codes.{key}")
        conflict = pathway_conflict(out[key])  # one Spravato billing pathway (rules/coding.py)
        if conflict:
            raise _fail(source, f"codes.{key}", conflict)
    return out


def _extras(raw: Any, source: str) -> tuple[ExtraItem, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise _fail(source, "extras", "must be a list of items (- service: …, price: …)")
    out = []
    for n, item in enumerate(raw):
        where = f"extras[{n}]"
        if not isinstance(item, dict):
            raise _fail(source, where, "must be a mapping with service, price and per")
        for key in item:
            if key not in ("service", "code", "price", "per"):
                raise _fail(source, f"{where}.{str(key)[:40]}",
                            "unknown key (known: service, code, price, per)")  # fmt: skip
        for key in ("service", "price"):
            if item.get(key) is None:
                raise _fail(source, f"{where}.{key}", "missing")
        service = _text(item, "service", f"{source}: {where}") or ""
        price = cents(convert(_PRICE, item["price"], f"{source}: {where}.price"))
        code = None
        if item.get("code") is not None:
            code = _code_list(item["code"], source, f"{where}.code")[0]
        per = str(item.get("per", "session")).strip().lower()
        if per not in EXTRA_PER:
            raise _fail(source, f"{where}.per",
                        f"must be one of {', '.join(EXTRA_PER)}, not {per[:20]!r}")  # fmt: skip
        out.append(ExtraItem(service, code, price, per))
    return tuple(out)


# --- prices for a course ---------------------------------------------------------------------


def route_for(clinic: ClinicProfile, route: str | None, label: str = "--route") -> str:
    """The route asked for, which the clinic must price; or the clinic's first priced route."""
    if route is None:
        return clinic.routes[0]
    if route not in clinic.prices:
        raise InputError(
            f"{label}: {clinic.name} ({clinic.source}) does not price the {route} route; "
            f"it prices {', '.join(clinic.routes)}",
            field=label,
        )
    return route


def course_values(
    values: dict[str, Any], clinic: ClinicProfile, labels: dict[str, str], *, route: bool = True
) -> dict[str, Any]:
    """Scenario values for a course at this clinic: its state unless a location is given (the
    state's tax rules still apply to the patient), and a route it prices (``route=False``: leave
    the route to the caller, as compare does)."""
    out = dict(values)
    if out.get("location") is None:
        out["location"] = clinic.state
    if route:
        out["route"] = route_for(clinic, out.get("route"), labels.get("route", "--route"))
    return out


def _spec(pricing: PricingModel, route: str, kind: str) -> tuple[str, LineItemSpec]:
    service = KIND_SERVICE.get(kind, route)
    if service in ("evaluation", "integration"):
        return service, pricing.line_items[service]  # type: ignore[index]
    return service, pricing.routes[route].session  # type: ignore[index]


def visit_services(
    clinic: ClinicProfile,
    pricing: PricingModel,
    route: str,
    kinds: set[str],
    default_codes: dict[str, tuple[str, ...]] | None = None,
) -> dict[str, tuple[Service, ...]]:
    """The priced services of each kind of visit in ``kinds``: its own service, then extras.

    Codes: the profile's, else ``default_codes`` of the service, else the pricing model's. A
    visit kind the course has but the clinic does not price is an error naming the key.
    """
    route = route_for(clinic, route)
    out: dict[str, tuple[Service, ...]] = {}
    for kind in ("consult", "induction", "booster", "integration"):
        if kind not in kinds:
            continue
        service, spec = _spec(pricing, route, kind)
        if service not in clinic.prices:
            hint = {"evaluation": " (or --no-consult)", "integration": " (or --integration 0)"}
            message = f"missing: the course has {kind} visits{hint.get(service, '')}"
            raise _fail(clinic.source, f"prices.{service}", message)
        label = spec.label + (" (maintenance)" if kind == "booster" else "")
        codes = clinic.codes.get(service) or (default_codes or {}).get(service) or spec.codes
        own = Service(service if kind != "booster" else f"{service}-booster", label, codes,
                      clinic.prices[service], False)  # fmt: skip
        extras = [
            Service(f"extra-{n + 1}", extra.service, (extra.code,) if extra.code else (),
                    extra.price, True)
            for n, extra in enumerate(clinic.extras)
            if kind in EXTRA_PER[extra.per]
        ]  # fmt: skip
        out[kind] = (own, *extras)
    return out


def prices_note(clinic: ClinicProfile) -> str:
    """The assumption an estimate priced by this clinic states."""
    return (
        f"Prices: {clinic.name}'s own self-pay prices ({clinic.source}), exact; not scaled by "
        "provider type or location."
    )


# --- the template ----------------------------------------------------------------------------

TEMPLATE = """\
# ketacost clinic profile: `ketacost estimate --clinic FILE`, `ketacost gfe --clinic FILE`.
# Your clinic's identity and its self-pay prices. The prices are used exactly as written (not
# scaled by location); they are what a Good Faith Estimate quotes to an uninsured or self-pay
# patient (45 CFR 149.610: the cash price, reflecting any discount).

name: Sunrise Ketamine Clinic
npi: "1234567893"           # the billing NPI: 10 digits (the last one is a check digit)
tin: "12-3456789"           # the tax identification number (EIN)
address: "100 Main St, Austin, TX 78701"   # where care is given
location: TX                # the state (code or name) or ZIP where care is given
phone: "512-555-0100"
place_of_service: "11"      # CMS place-of-service code: 11 office, 49 independent clinic,
                            # 10 telehealth in the patient's home, 02 telehealth elsewhere
taxonomy: "2084P0800X"      # NUCC provider taxonomy (the FHIR GFE needs it): 2084P0800X
                            # psychiatry, 363LP0808X psychiatric NP, 207L00000X anesthesiology
# contact: {name: "Jane Roe, billing", phone: "512-555-0101", email: "billing@example.com"}

prices:                     # dollars per unit; delete the routes you do not offer
  evaluation: 300           # initial psychiatric evaluation
  iv: 550                   # one IV ketamine infusion
  im: 400                   # one IM ketamine injection session
  # spravato: 900           # one Spravato session (drug + 2-hour observation)
  # oral: 150               # one at-home oral/sublingual session (telehealth)
  integration: 180          # one integration psychotherapy session

# Optional: the codes your GFE shows per service (default: the usual CPT/HCPCS codes).
# codes:
#   evaluation: ["90791"]
#   iv: ["96365", "J3490"]
#   spravato: ["G2082"]

# Optional: items billed with some visits. per: session (each dosing session), evaluation,
# integration or visit (every visit).
# extras:
#   - service: Vital-signs monitoring
#     code: "99211"
#     price: 40
#     per: session

# Optional: providers who bill separately for care given with yours (a therapist, say); the
# GFE lists their items and a total for each.
# co_providers:
#   - name: Hill Country Therapy Group
#     npi: "1245319599"
#     tin: "74-1234567"
#     address: "200 Oak St, Austin, TX 78701"
#     taxonomy: "101YM0800X"   # mental health counselor (the FHIR GFE needs it)
#     items:
#       - {service: Integration psychotherapy, code: "90837", quantity: 2, unit_charge: 180}
""" + TEMPLATE_LINES
