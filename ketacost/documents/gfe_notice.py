"""The "Right to Receive a Good Faith Estimate of Expected Charges" notice (45 CFR 149.610(b)):
what a provider must post in its office and on its website, and give to an uninsured or self-pay
patient who schedules care or asks what it will cost. Its wording follows the CMS model notice
(CMS-10791); the dollar threshold and the help line come from ``data/gfe.yaml``.

Pure: the clinic (optional) only adds whom to ask.
"""

from __future__ import annotations

from typing import NamedTuple

from .._version import __version__
from ..core.money import format_money
from ..inputs.clinic import ClinicProfile
from ..rules.gfe_rules import GfeRules, RuleSource

TITLE = "Your Right to Receive a Good Faith Estimate of Expected Charges"


class RightToEstimateNotice(NamedTuple):
    title: str
    clinic: str | None  # the clinic's name, when the notice is the clinic's
    lead: tuple[str, ...]
    points: tuple[str, ...]
    closing: str
    sources: tuple[RuleSource, ...]
    ketacost_version: str


def build_notice(rules: GfeRules, clinic: ClinicProfile | None = None) -> RightToEstimateNotice:
    """The notice, with ``clinic``'s name and contact when given."""
    threshold = format_money(rules.dispute_threshold, cents=False)
    ask = "your health care provider"
    if clinic is not None:
        who = clinic.contact.text() if clinic.contact else clinic.phone
        ask = clinic.name + (f" ({who})" if who else "")
    return RightToEstimateNotice(
        title=TITLE,
        clinic=clinic.name if clinic else None,
        lead=(
            "You have the right to receive a \u201cGood Faith Estimate\u201d explaining how much "
            "your medical care will cost.",
            "Under the law, health care providers need to give patients who don\u2019t have "
            "insurance or who are not using insurance an estimate of the bill for medical items "
            "and services.",
        ),
        points=(
            "You have the right to receive a Good Faith Estimate for the total expected cost of "
            "any non-emergency items or services. This includes related costs like medical tests, "
            "prescription drugs, equipment, and hospital fees.",
            "Make sure your health care provider gives you a Good Faith Estimate in writing at "
            "least 1 business day before your medical service or item. You can also ask your "
            "health care provider, and any other provider you choose, for a Good Faith Estimate "
            f"before you schedule an item or service. To ask for one here: {ask}.",
            f"If you receive a bill that is at least {threshold} more than your Good Faith "
            "Estimate, you can dispute the bill.",
            "Make sure to save a copy or picture of your Good Faith Estimate.",
        ),
        closing=(
            "For questions or more information about your right to a Good Faith Estimate, visit "
            f"{rules.help_url} or call {rules.help_phone}."
        ),
        sources=rules.sources,
        ketacost_version=__version__,
    )
