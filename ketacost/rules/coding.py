"""Billing-code facts a claim line is checked against (research/superbill.md, d.2 and d.3).

These are the code sets' own definitions, not prices: the CMS place-of-service set, which codes
are evaluation-and-management (E/M) visits, the Medicare esketamine bundles, and the drug codes.
"""

from __future__ import annotations

import re

# CMS Place of Service Code Set (cms.gov/medicare/coding-billing/place-of-service-codes/code-sets),
# the codes in use; 02 and 10 are telehealth (10, the patient's home, since 2022-01-01, CR 12427).
PLACES_OF_SERVICE = {
    "01": "Pharmacy", "02": "Telehealth provided other than in patient's home",
    "03": "School", "04": "Homeless shelter", "05": "Indian Health Service free-standing facility",
    "06": "Indian Health Service provider-based facility",
    "07": "Tribal 638 free-standing facility", "08": "Tribal 638 provider-based facility",
    "09": "Prison/correctional facility", "10": "Telehealth provided in patient's home",
    "11": "Office", "12": "Home", "13": "Assisted living facility", "14": "Group home",
    "15": "Mobile unit", "16": "Temporary lodging", "17": "Walk-in retail health clinic",
    "18": "Place of employment-worksite", "19": "Off campus-outpatient hospital",
    "20": "Urgent care facility", "21": "Inpatient hospital", "22": "On campus-outpatient hospital",
    "23": "Emergency room-hospital", "24": "Ambulatory surgical center", "25": "Birthing center",
    "26": "Military treatment facility", "27": "Outreach site/street",
    "31": "Skilled nursing facility", "32": "Nursing facility",
    "33": "Custodial care facility", "34": "Hospice", "41": "Ambulance-land",
    "42": "Ambulance-air or water", "49": "Independent clinic",
    "50": "Federally qualified health center", "51": "Inpatient psychiatric facility",
    "52": "Psychiatric facility-partial hospitalization",
    "53": "Community mental health center",
    "54": "Intermediate care facility/individuals with intellectual disabilities",
    "55": "Residential substance abuse treatment facility",
    "56": "Psychiatric residential treatment center",
    "57": "Non-residential substance abuse treatment facility",
    "58": "Non-residential opioid treatment facility", "60": "Mass immunization center",
    "61": "Comprehensive inpatient rehabilitation facility",
    "62": "Comprehensive outpatient rehabilitation facility",
    "65": "End-stage renal disease treatment facility", "66": "Programs of All-Inclusive Care "
    "for the Elderly (PACE) center", "71": "Public health clinic", "72": "Rural health clinic",
    "81": "Independent laboratory", "99": "Other place of service",
}  # fmt: skip
TELEHEALTH_PLACES = ("02", "10")
TELEHEALTH_MODIFIER = "95"  # synchronous audio-video telemedicine (most commercial payers)
# Medicare's esketamine bundles: drug, E/M and 2-hour observation in one code, so no separate
# E/M or J0013 on the same date (G2082 up to 56 mg, G2083 over 56 mg).
ESKETAMINE_BUNDLES = ("G2082", "G2083")
ESKETAMINE_DRUG = "J0013"  # Esketamine, nasal spray, 1 mg: units are milligrams
ESKETAMINE_DOSES = (56, 84)  # mg in one Spravato session (2 or 3 devices of 28 mg)
UNLISTED_DRUG = "J3490"  # unclassified drug (ketamine): needs an NDC, quantity and unit
INFUSION_ADD_ON = "96366"  # each additional hour: only when an infusion runs over 90 minutes
EVALUATION_WITHOUT_MEDICAL = "90791"  # a prescriber bills 90792 (with medical services)
# NDC units of measure on a claim (NCPDP): international unit, gram, milliliter, unit
NDC_UNITS = ("F2", "GR", "ML", "UN")
# Prescribers (NUCC taxonomy prefixes): allopathic and osteopathic physicians 20…, nurse
# practitioners 363L, physician assistants 363A.
PRESCRIBER_TAXONOMY = re.compile(r"^(20|363L|363A)")
_EVALUATION_AND_MANAGEMENT = re.compile(r"^99(20[2-5]|21[1-5]|24[1-5]|41[5-7])$")


def is_evaluation_and_management(code: str) -> bool:
    """Office E/M visits 99202–99215, consults 99241–99245 and the prolonged-service codes
    99415–99417 (they extend an E/M visit, so they too never go with a G2082/G2083 bundle)."""
    return bool(_EVALUATION_AND_MANAGEMENT.fullmatch(code))


def pathway_conflict(codes: list[str] | tuple[str, ...]) -> str | None:
    """Why these codes cannot be billed on one date, or None: the Medicare bundle G2082/G2083
    replaces J0013 and the E/M visit (research/superbill.md d.3)."""
    bundles = [c for c in codes if c in ESKETAMINE_BUNDLES]
    others = [c for c in codes if c == ESKETAMINE_DRUG or is_evaluation_and_management(c)]
    if bundles and others:
        return (
            f"{'/'.join(bundles)} (Medicare's esketamine bundle: drug, visit and observation) "
            f"is never billed with {', '.join(others)} on the same date; pick one pathway"
        )
    return None


def npi_check_digit_ok(npi: str) -> bool:
    """The NPI check digit: Luhn over the 10 digits with the card-issuer prefix 80840.

    CMS, "Requirements for constructing the NPI check digit" (the Luhn formula for ISO 7812
    identifiers; the prefix 80840 adds the constant 24 to the doubled-digit sum).
    """
    if not re.fullmatch(r"\d{10}", npi):
        return False
    total = 0
    for position, char in enumerate(reversed("80840" + npi)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            digit = digit - 9 if digit > 9 else digit
        total += digit
    return total % 10 == 0
