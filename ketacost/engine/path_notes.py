"""What the estimate assumes about the money's path (issue 23), in words: when a superbill's
reimbursement arrives, whether the plan keeps a savings program's payments out of the
deductible (a copay accumulator) and what the patient's state says about that."""

from __future__ import annotations

from ..inputs.scenario import ResolvedScenario
from ..rules.model import PricingModel
from .insurance import Network


def money_path_notes(
    scenario: ResolvedScenario,
    pricing: PricingModel,
    networks: dict[str, Network],
    program_on: bool,
    reimbursed: bool,
) -> list[str]:
    """The notes on reimbursement timing and the copay accumulator.

    ``reimbursed``: some superbill visit is paid back by the plan; ``program_on``: a savings
    program applies to the scenario's route and plan."""
    out = []
    if reimbursed:
        days = scenario.reimbursement_days
        out.append(
            "Out-of-network: you pay each visit's whole bill at the visit and file the superbill; "
            f"the plan's payment reaches you {days} days later (--reimbursement-days; state "
            "prompt-pay windows of 30–45 days and the 4–6 weeks superbill services quote)."
        )
    insured = any(network != "self-pay" for network in networks.values())
    if not insured:
        return out
    if scenario.accumulator:
        out.append(
            "Copay accumulator assumed (--accumulator, the cautious case): "
            + (
                "the savings program's payments do not count toward your deductible or "
                "out-of-pocket maximum."
                if program_on
                else "no savings program applies here, so it changes nothing."
            )
        )
    else:
        out.append(
            "No copay accumulator (--no-accumulator): "
            + (
                "the savings program's payments count toward your deductible and out-of-pocket "
                "maximum."
                if program_on
                else "no savings program applies here, so it changes nothing."
            )
        )
    law = pricing.accumulator_law(scenario.state)
    if law is not None and scenario.state is not None and program_on:  # where it matters
        name = pricing.locations.states[scenario.state].name
        since = "" if law.effective == "n/d" else f", from {law.effective}"
        tail = (
            "--no-accumulator may apply."
            if scenario.accumulator
            else "that is what --no-accumulator assumes."
        )
        drugs = law.drugs[:1].lower() + law.drugs[1:]
        out.append(
            f"{name} requires the plans it regulates to count manufacturer assistance toward "
            f"the deductible and out-of-pocket maximum ({law.law}{since}; {drugs}); self-funded "
            f"employer plans are not reached. If your plan is state-regulated (fully insured), "
            + tail
        )
    return out
