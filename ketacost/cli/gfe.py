"""``ketacost gfe``: a No Surprises Act Good Faith Estimate for a self-pay patient, and the GFE
rules it is built with."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Annotated, Any

import typer

from ..core.errors import InputError
from .options import ForceOpt, PricingOpt, _choices, scenario_options
from .output import emit, emit_document
from .runs import build_scenario, load_clinic, load_rules, pricing_path

GFE_FORMATS = ("html", "pdf", "markdown", "json", "fhir")
GFE_SUFFIXES = {".html": "html", ".htm": "html", ".pdf": "pdf", ".md": "markdown",
                ".markdown": "markdown", ".json": "json"}  # fmt: skip
# The suffixes each format may be written to (a FHIR packet is JSON too).
FORMAT_SUFFIXES = {"html": (".html", ".htm"), "pdf": (".pdf",), "markdown": (".md", ".markdown"),
                   "json": (".json",), "fhir": (".json",)}  # fmt: skip
COURSE_FIELDS = ("route", "sessions", "boosters", "booster_every", "start", "consult",
                 "integration")  # fmt: skip


@scenario_options(
    names=COURSE_FIELDS, defaults={"route": "iv, else the first route the clinic prices"}
)
def gfe_command(
    clinic_file: Annotated[
        str | None,
        typer.Option(
            "--clinic", help="The clinic profile (`ketacost clinic init`).", metavar="FILE"
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option("--patient-name", help="The patient's full name.", metavar="TEXT"),
    ] = None,
    dob: Annotated[
        str | None,
        typer.Option("--patient-dob", help="The patient's date of birth.", metavar="YYYY-MM-DD"),
    ] = None,
    diagnoses: Annotated[
        list[str] | None,
        typer.Option(
            "--diagnosis",
            help="An ICD-10-CM diagnosis code, valid and billable (repeat for more; the first "
            "is the primary).",
            metavar="ICD10",
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="Output: html, pdf, markdown, json, or fhir (a Da Vinci PCT GFE Packet, FHIR "
            "R4 JSON). [default: from --output's suffix, else html]",
            metavar="|".join(GFE_FORMATS),
            autocompletion=_choices(GFE_FORMATS),
        ),
    ] = None,
    pricing_file: PricingOpt = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output", help="Write the GFE to FILE, atomically (- for stdout).", metavar="FILE"
        ),
    ] = None,
    force: ForceOpt = False,
    given: Annotated[
        str | None,
        typer.Option(
            "--patient-given",
            help="The patient's given name(s), for the FHIR "
            'packet\'s structured name (or write --patient-name as "Family, Given").',
            metavar="TEXT",
        ),
    ] = None,
    family: Annotated[
        str | None,
        typer.Option("--patient-family", help="The patient's family name.", metavar="TEXT"),
    ] = None,
    address: Annotated[
        str | None,
        typer.Option(
            "--patient-address",
            help='The patient\'s address, e.g. "12 Elm St, Austin, TX 78701".',
            metavar="TEXT",
        ),
    ] = None,
    patient_id: Annotated[
        str | None,
        typer.Option(
            "--patient-id", help="The clinic's patient identification number.", metavar="TEXT"
        ),
    ] = None,
    phone: Annotated[
        str | None, typer.Option("--patient-phone", help="The patient's phone.", metavar="TEXT")
    ] = None,
    email: Annotated[
        str | None, typer.Option("--patient-email", help="The patient's email.", metavar="TEXT")
    ] = None,
    replaces: Annotated[
        str | None,
        typer.Option(
            "--replaces",
            help="The GFE number this estimate re-issues (a change of scope, or a new 12 months).",
            metavar="GFE-ID",
        ),
    ] = None,
    allow_past: Annotated[
        bool,
        typer.Option(
            "--allow-past", help="Allow a --start before today (a re-issue for a course under way)."
        ),
    ] = False,
    **values: Any,
) -> None:
    """A No Surprises Act Good Faith Estimate (45 CFR 149.610) for a self-pay patient.

    The course is priced at the clinic's own prices; one estimate covers at most 12 months
    from the first visit (later sessions are listed as needing a new estimate).

    The notice of the right to an estimate, to post and hand out: ketacost gfe notice.

    Example: ketacost gfe --clinic clinic.yaml --patient-name "Ana Diaz" --patient-dob 1990-04-12
    --diagnosis F33.2 --sessions 6 --boosters 4 --format pdf --output gfe.pdf
    """
    from ..documents.gfe import build_gfe
    from ..render.gfe import render

    kind = (fmt or "").lower() or _suffix_format(output) or GFE_FORMATS[0]
    if not fmt and output not in (None, "-") and _suffix_format(output) is None:
        known = ", ".join(GFE_SUFFIXES)
        raise InputError(f"--output: the suffix of {output!r} names no format here ({known}); "
                         "give --format", field="--output")  # fmt: skip
    if kind not in GFE_FORMATS:
        raise InputError(f"--format: must be one of {', '.join(GFE_FORMATS)}, not {fmt!r}",
                         field="--format")  # fmt: skip
    to_stdout = output in (None, "-")
    _check_suffix(output, kind, fmt)
    if kind == "pdf" and to_stdout and sys.stdout.isatty():
        raise InputError("--format pdf: not writing a PDF to a terminal; use --output FILE.pdf "
                         "(or redirect: > gfe.pdf)", field="--format")  # fmt: skip
    if clinic_file is None:
        raise InputError("--clinic: required: the clinic profile (ketacost clinic init FILE)",
                         field="--clinic")  # fmt: skip
    today = dt.date.today()
    rules = load_rules(pricing_file, gfe=True)
    pricing = rules.pricing
    clinic = load_clinic(clinic_file, pricing)
    scenario = build_scenario(values, None, pricing, clinic)
    document = build_gfe(
        clinic, scenario, rules, name=name, date_of_birth=dob,
        diagnoses=diagnoses or [], issued=today, given=given, family=family, address=address,
        patient_id=patient_id, phone=phone, email=email, replaces=replaces,
        allow_past=allow_past,
    )  # fmt: skip
    result = render(document, kind)
    inputs = [clinic_file, pricing_path(pricing_file)]
    emit_document(result, output, inputs, force=force)


def _check_suffix(output: str | None, kind: str, fmt: str | None) -> None:
    """``--output out.docx`` is not a GFE file: an unknown suffix, or another format's, is
    refused rather than written with the wrong contents."""
    if output is None or output == "-":
        return
    import pathlib

    suffix = pathlib.Path(output).suffix.lower()
    if not suffix or suffix in FORMAT_SUFFIXES[kind]:
        return
    wanted = " or ".join(FORMAT_SUFFIXES[kind])
    if fmt is None:
        raise InputError(
            f"--output: {suffix!r} is not a GFE format's suffix (.html, .pdf, .md, "
            ".json); give --format, or name the file for it",
            field="--output",
        )
    raise InputError(f"--output: a {kind} GFE is written to a {wanted} file, not {suffix!r}",
                     field="--output")  # fmt: skip


def _suffix_format(output: str | None) -> str | None:
    if output is None or output == "-":
        return None
    import pathlib

    return GFE_SUFFIXES.get(pathlib.Path(output).suffix.lower())


NOTICE_FORMATS = ("html", "pdf", "markdown")


def gfe_notice_command(
    clinic_file: Annotated[
        str | None,
        typer.Option(
            "--clinic",
            help="A clinic profile: the notice names the clinic and whom to ask.",
            metavar="FILE",
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="Output: html, pdf or markdown. [default: from --output's suffix, else html]",
            metavar="|".join(NOTICE_FORMATS),
            autocompletion=_choices(NOTICE_FORMATS),
        ),
    ] = None,
    pricing_file: PricingOpt = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output", help="Write the notice to FILE, atomically (- for stdout).", metavar="FILE"
        ),
    ] = None,
    force: ForceOpt = False,
) -> None:
    """The "Right to Receive a Good Faith Estimate" notice (45 CFR 149.610(b)), which a clinic
    posts in its office and on its website and gives to self-pay patients.

    Example: ketacost gfe notice --clinic clinic.yaml --output notice.pdf
    """
    from ..documents.gfe_notice import build_notice
    from ..render import gfe_notice as render

    kind = (fmt or "").lower() or _suffix_format(output) or NOTICE_FORMATS[0]
    if kind not in NOTICE_FORMATS:
        raise InputError(f"--format: must be one of {', '.join(NOTICE_FORMATS)}, not "
                         f"{fmt or kind!r}", field="--format")  # fmt: skip
    _check_suffix(output, kind, fmt)
    to_stdout = output in (None, "-")
    if kind == "pdf" and to_stdout and sys.stdout.isatty():
        raise InputError("--format pdf: not writing a PDF to a terminal; use --output FILE.pdf",
                         field="--format")  # fmt: skip
    rules = load_rules(pricing_file, gfe=True)
    clinic = load_clinic(clinic_file, rules.pricing)
    assert rules.gfe is not None
    notice = build_notice(rules.gfe, clinic)
    inputs = [clinic_file, pricing_path(pricing_file)]
    if kind == "pdf":
        result = render.to_pdf(notice, dt.date.today())
        if to_stdout:
            sys.stdout.buffer.write(result)
            sys.stdout.flush()
            return
        from ..files.output import output_stream

        with output_stream(output, inputs, binary=True, force=force) as handle:
            handle.write(result)
        return
    text = render.to_markdown(notice) if kind == "markdown" else render.to_html(notice)
    emit(text, None if to_stdout else output, inputs, force=force)
