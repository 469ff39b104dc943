"""``ketacost gfe``: a No Surprises Act Good Faith Estimate for a self-pay patient, and the GFE
rules it is built with."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Annotated, Any

import typer

from ..core.errors import InputError
from .options import ForceOpt, PricingOpt, _choices, scenario_options
from .output import emit
from .runs import build_scenario, load_clinic, load_rules, pricing_path

GFE_FORMATS = ("html", "pdf", "markdown", "json", "fhir")
GFE_SUFFIXES = {".html": "html", ".htm": "html", ".pdf": "pdf", ".md": "markdown",
                ".json": "json"}  # fmt: skip
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
            help="An ICD-10 diagnosis code (repeat for more; the first is the primary).",
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
    **values: Any,
) -> None:
    """A No Surprises Act Good Faith Estimate (45 CFR 149.610) for a self-pay patient.

    The course is priced at the clinic's own prices; one estimate covers at most 12 months
    from the first visit (later sessions are listed as needing a new estimate).

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
        diagnoses=diagnoses or [], issued=today,
    )  # fmt: skip
    result = render(document, kind)
    inputs = [clinic_file, pricing_path(pricing_file)]
    if isinstance(result, bytes):
        if to_stdout:
            sys.stdout.buffer.write(result)
            sys.stdout.flush()
            return
        from ..files.output import output_stream

        with output_stream(output, inputs, binary=True, force=force) as handle:
            handle.write(result)
        return
    emit(result, None if to_stdout else output, inputs, force=force)


def _suffix_format(output: str | None) -> str | None:
    if output is None or output == "-":
        return None
    import pathlib

    return GFE_SUFFIXES.get(pathlib.Path(output).suffix.lower())
