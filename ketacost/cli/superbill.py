"""``ketacost superbill``: the itemized bill a patient files as an out-of-network claim, and
``superbill init DIR``: the patient and visits templates."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Annotated

import typer

from ..core.errors import InputError
from .options import ForceOpt, PricingOpt, _choices
from .output import emit_document
from .runs import load_clinic, load_model, pricing_path

FORMATS = ("pdf", "html", "markdown", "json", "cms1500")
SUFFIXES = {".pdf": "pdf", ".html": "html", ".htm": "html", ".md": "markdown", ".json": "json"}


def superbill_command(
    ctx: typer.Context,
    clinic_file: Annotated[
        str | None,
        typer.Option(
            "--clinic", help="The clinic profile (`ketacost clinic init`).", metavar="FILE"
        ),
    ] = None,
    patient_file: Annotated[
        str | None,
        typer.Option(
            "--patient", help="The patient file (YAML; `ketacost superbill init`).", metavar="FILE"
        ),
    ] = None,
    visits_file: Annotated[
        str | None,
        typer.Option(
            "--visits", help="The visits: CSV with a header row, or a YAML list.", metavar="FILE"
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="Output: pdf, html, markdown, json, or cms1500 (JSON keyed "
            "by CMS-1500 item number, six service lines a page). [default: from "
            "--output's suffix, else html]",
            metavar="|".join(FORMATS),
            autocompletion=_choices(FORMATS),
        ),
    ] = None,
    statement_date: Annotated[
        str | None,
        typer.Option("--date", help="The statement date. [default: today]", metavar="YYYY-MM-DD"),
    ] = None,
    rendering: Annotated[
        str | None,
        typer.Option(
            "--rendering",
            help="The NPI of the clinician who gave the care, from the "
            "profile's rendering list. [default: the first]",
            metavar="NPI",
        ),
    ] = None,
    pricing_file: PricingOpt = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            help="Write the superbill to FILE, atomically (- for stdout).",
            metavar="FILE",
        ),
    ] = None,
    force: ForceOpt = False,
) -> None:
    """An itemized superbill for an out-of-network claim, in the CMS-1500's order.

    Coding rules are checked (ICD-10-CM codes, pointers, modifiers, place of service, Spravato's
    one billing pathway, J0013 units, NDCs for J3490, amount paid); warnings go to stderr.

    Example: ketacost superbill --clinic clinic.yaml --patient patient.yaml --visits visits.csv
    --output superbill.pdf
    """
    if ctx.invoked_subcommand is not None:
        return
    from ..documents.superbill import build_superbill
    from ..inputs.files import read_patient_file, read_visits_file
    from ..render.superbill import render

    kind = _format(fmt, output)
    to_stdout = output in (None, "-")
    if kind == "pdf" and to_stdout and sys.stdout.isatty():
        raise InputError("--format pdf: not writing a PDF to a terminal; use --output FILE.pdf",
                         field="--format")  # fmt: skip
    for option, value in (("--clinic", clinic_file), ("--patient", patient_file),
                          ("--visits", visits_file)):  # fmt: skip
        if value is None:
            hint = (
                "ketacost clinic init FILE"
                if option == "--clinic"
                else "ketacost superbill init DIR"
            )
            raise InputError(f"{option}: required ({hint} writes a template)", field=option)
    today = _statement_date(statement_date)
    pricing, _ = load_model(pricing_file)
    clinic = load_clinic(clinic_file, pricing)
    patient = read_patient_file(patient_file, today)  # type: ignore[arg-type]
    visits = read_visits_file(visits_file, today)  # type: ignore[arg-type]
    bill = build_superbill(clinic, patient, visits, patient_source=str(patient_file),
                           visits_source=str(visits_file), issued=today,
                           rendering_npi=rendering)  # fmt: skip
    for note in bill.warnings:
        sys.stderr.write(f"Warning: {note.message}\n")
    result = render(bill, kind)
    inputs = [clinic_file, patient_file, visits_file, pricing_path(pricing_file)]
    emit_document(result, output, inputs, force=force)


def _format(fmt: str | None, output: str | None) -> str:
    """--format, else --output's suffix, else html; a suffix that is not the format is refused."""
    import pathlib

    suffix = pathlib.Path(output).suffix.lower() if output not in (None, "-") else ""
    by_suffix = SUFFIXES.get(suffix)
    if fmt is not None:
        kind = fmt.strip().lower()
        if kind not in FORMATS:
            raise InputError(f"--format: must be one of {', '.join(FORMATS)}, not {fmt!r}",
                             field="--format")  # fmt: skip
        expected = "json" if kind == "cms1500" else kind
        if suffix and by_suffix != expected:
            raise InputError(f"--output: {output} does not end in the suffix of --format {kind}",
                             field="--output")  # fmt: skip
        return kind
    if suffix:
        if by_suffix is None:
            raise InputError(f"--output: cannot tell the format from {suffix!r}; give --format "
                             f"({', '.join(FORMATS)})", field="--output")  # fmt: skip
        return by_suffix
    return "html"


def _statement_date(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"--date: must be a date as YYYY-MM-DD, not {text!r}",
                         field="--date") from None  # fmt: skip


def superbill_init(
    target: Annotated[str, typer.Argument(metavar="DIR", help="The folder to write them in.")] = (
        "."
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
) -> None:
    """Write patient.yaml and visits.csv templates into DIR (never over existing files without
    --force).

    Example: ketacost superbill init billing/ana-diaz
    """
    import os

    from ..files.output import write_new
    from ..inputs.superbill import PATIENT_TEMPLATE, VISITS_TEMPLATE

    if os.path.exists(target) and not os.path.isdir(target):
        raise InputError(f"{target}: not a folder", field=target)
    os.makedirs(target, exist_ok=True)
    files = {"patient.yaml": PATIENT_TEMPLATE, "visits.csv": VISITS_TEMPLATE}
    paths = {name: os.path.join(target, name) for name in files}
    if not force:
        for path in paths.values():
            if os.path.lexists(path):
                raise InputError(f"{path} already exists; use --force to overwrite it", field=path)
    for name, path in paths.items():
        write_new(path, files[name], force=force)
    sys.stderr.write(
        f"Wrote {paths['patient.yaml']} and {paths['visits.csv']}; edit them, then: ketacost "
        f"superbill --clinic clinic.yaml --patient {paths['patient.yaml']} --visits "
        f"{paths['visits.csv']} --output superbill.pdf\n"
    )
