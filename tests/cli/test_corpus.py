"""The bad-input corpus: hostile and broken command lines, scenario files and pricing files.

Every case runs the real entry point in-process and must fail the way DESIGN.md promises: the
exit code (2 invalid input, 3 invalid pricing file), one line ``Error: …`` on stderr naming the
field (or the file and the path inside it), nothing on stdout, never a traceback, in
milliseconds. The cases are data: ``corpus/cli.csv``, ``corpus/scenarios.csv`` with the files in
``corpus/scenarios/``; pricing files are made here from ``data/pricing.yaml`` with one change each.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO
from corpus_checks import (
    CORPUS,
    TIME_LIMIT,
    assert_accepted,
    assert_rejected,
    read_manifest,
    split_args,
    timed_run,
)

ONE_MIB = 1_048_576

# --- command lines ------------------------------------------------------------------------------

CLI_CASES = read_manifest(CORPUS / "cli.csv")


@pytest.mark.parametrize("case", CLI_CASES, ids=[c["name"] for c in CLI_CASES])
def test_command_line(case: dict[str, str]) -> None:
    run, elapsed = timed_run("estimate", *split_args(case["args"]))
    if int(case["exit"]) == 0:
        assert_accepted(run, case["word"], elapsed)
    else:
        assert_rejected(run, int(case["exit"]), case["word"], elapsed)


def test_cli_corpus_names_are_unique() -> None:
    names = [c["name"] for c in CLI_CASES]
    assert len(names) == len(set(names))


GENERATED_CLI = {
    # name: (args, exit, word)
    "deductible_100000_digits": (["--deductible", "9" * 100_000], 2, "--deductible"),
    "sessions_100000_digits": (["--sessions", "9" * 100_000], 2, "--sessions"),
    "location_100000_characters": (["--location", "x" * 100_000], 2, "--location"),
    "start_100000_characters": (["--start", "2026-11-27" * 10_000], 2, "--start"),
}


@pytest.mark.parametrize("name", list(GENERATED_CLI))
def test_command_line_huge_values(name: str) -> None:
    args, code, word = GENERATED_CLI[name]
    run, elapsed = timed_run("estimate", *args)
    assert_rejected(run, code, word, elapsed)
    assert len(run.err) < 2_000, "the message should not echo 100,000 characters back"


# --- scenario files -----------------------------------------------------------------------------

SCENARIO_CASES = read_manifest(CORPUS / "scenarios.csv")


def test_every_scenario_file_is_in_the_manifest() -> None:
    files = {p.name for p in (CORPUS / "scenarios").iterdir()}
    listed = [c["file"] for c in SCENARIO_CASES]
    assert len(listed) == len(set(listed))
    assert files == set(listed)


@pytest.mark.parametrize("case", SCENARIO_CASES, ids=[c["file"] for c in SCENARIO_CASES])
def test_scenario_file(case: dict[str, str]) -> None:
    path = CORPUS / "scenarios" / case["file"]
    run, elapsed = timed_run("estimate", "--json", "--scenario", str(path))
    if int(case["exit"]) == 0:
        assert_accepted(run, case["word"], elapsed)
    else:
        assert_rejected(run, int(case["exit"]), case["word"], elapsed, file=path)


GENERATED_SCENARIOS: dict[str, tuple[str, Callable[[], bytes], str]] = {
    # name: (file name, content, word)
    "nested_lists_10000_yaml": (
        "deep.yaml",
        lambda: b"route: " + b"[" * 10_000 + b"]" * 10_000 + b"\n",
        "{file}",
    ),
    "nested_mappings_10000_yaml": (
        "deep_map.yaml",
        lambda: b"route: " + b"{a: " * 10_000 + b"1" + b"}" * 10_000,
        "{file}",
    ),
    "nested_lists_100000_json": (
        "deep.json",
        lambda: b'{"route": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        "{file}",
    ),
    "nested_objects_100000_json": (
        "deep_obj.json",
        lambda: b'{"a": ' * 100_000 + b"1" + b"}" * 100_000,
        "{file}",
    ),
    "over_1_mib_yaml": (
        "big.yaml",
        lambda: b"route: iv\n" + b"# padding\n" * (ONE_MIB // 10 + 1),
        "{file}",
    ),
    "over_1_mib_json": ("big.json", lambda: b'{"route": "iv"}' + b" " * ONE_MIB, "{file}"),
    "one_huge_line_yaml": ("huge_line.yaml", lambda: b"location: " + b"x" * 900_000, "location"),
    # a 1 MiB flow list: 11 s and 370 MB before; nodes are counted now (issue 13 item 4)
    "flow_list_1_mib_yaml": ("flow.yaml", lambda: b"route: [" + b"1," * 500_000 + b"1]", "values"),
    "flow_mappings_900_kib_yaml": ("maps.yaml", lambda: b"- {a: 1}\n" * 100_000, "values"),
    # Python refuses int() of more than 4,300 digits (ValueError, exit 1 before)
    "integer_5000_digits_yaml": ("digits.yaml", lambda: b"sessions: " + b"9" * 5000, "sessions"),
    "money_5000_digits_yaml": ("money.yaml", lambda: b"deductible: " + b"9" * 5000, "deductible"),
}


@pytest.mark.parametrize("name", list(GENERATED_SCENARIOS))
def test_generated_scenario_file(name: str, tmp_path: Path) -> None:
    filename, make, word = GENERATED_SCENARIOS[name]
    path = tmp_path / filename
    path.write_bytes(make())
    run, elapsed = timed_run("estimate", "--json", "--scenario", str(path))
    assert_rejected(run, 2, word, elapsed, file=path)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
@pytest.mark.parametrize(("option", "code"), [("--scenario", 2), ("--pricing", 3), ("--clinic", 2)])
def test_endless_file_is_capped_by_bytes_read(option: str, code: int) -> None:
    """`--scenario /dev/zero` read until memory ran out: stat says 0 bytes, the reads never end."""
    run, elapsed = timed_run("estimate", "--json", option, "/dev/zero")
    assert_rejected(run, code, "/dev/zero", elapsed)
    assert "1,048,576" in run.err


def test_scenario_file_is_a_folder(tmp_path: Path) -> None:
    run, elapsed = timed_run("estimate", "--json", "--scenario", str(tmp_path))
    assert_rejected(run, 2, "{file}", elapsed, file=tmp_path)


def test_python_tag_in_scenario_runs_nothing(tmp_path: Path) -> None:
    sentinel = tmp_path / "pwned"
    path = tmp_path / "evil.yaml"
    path.write_text(f'route: !!python/object/apply:os.system ["touch {sentinel}"]\n')
    run, elapsed = timed_run("estimate", "--json", "--scenario", str(path))
    assert_rejected(run, 2, "python/object/apply", elapsed)
    assert not sentinel.exists()


# --- pricing files ------------------------------------------------------------------------------

BASE = (REPO / "data" / "pricing.yaml").read_text(encoding="utf-8")
IV_BAND = """\
        unit: USD per session
        low: 400.00
        typical: 600.00
        high: 800.00
        reference: [thervo, kan, rejuvenate, luxurypsych]
        date: 2025-11-20
"""
CLINIC_FACTOR = """\
      unit: multiplier
      value: 1
      reference: [thervo, kan, rejuvenate]
"""
IV_PROTOCOL = """\
      induction_sessions: 6
      sessions_per_week: 2
      booster_every_weeks: 4
      evaluation_lead_days: 7
      standard_boosters: 0
      reference: [psychable, dreamscape, thirdnature]
"""
ALIAS_BOMB = """
lol_a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
lol_b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
lol_c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
lol_d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
lol_e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
lol_f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
lol_g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
lol_h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
lol_i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def change(old: str, new: str, within: str | None = None) -> Callable[[Path], str]:
    """The built-in pricing file with ``old`` (found exactly once) replaced by ``new``.

    With ``within``, the replacement happens inside that snippet (itself found exactly once).
    """

    def make(_: Path) -> str:
        snippet = within if within is not None else old
        assert BASE.count(snippet) == 1, f"data/pricing.yaml changed: {snippet[:60]!r} not unique"
        assert snippet.count(old) == 1
        return BASE.replace(snippet, snippet.replace(old, new))

    return make


def append(text: str) -> Callable[[Path], str]:
    return lambda _: BASE + text


def whole(content: str | bytes) -> Callable[[Path], str | bytes]:
    return lambda _: content


def python_apply(tmp: Path) -> str:
    return change(
        "currency: USD", f'currency: !!python/object/apply:os.system ["touch {tmp}/pwned"]'
    )(tmp)


@dataclass(frozen=True)
class PricingCase:
    make: Callable[[Path], str | bytes]
    word: str


PRICING_CASES: dict[str, PricingCase] = {
    # --- YAML level: duplicate keys, tags, aliases, nesting, size, encoding ---
    "duplicate_top_level_key": PricingCase(append("currency: USD\n"), "currency"),
    "duplicate_key_in_band": PricingCase(
        change("typical: 600.00\n", "typical: 600.00\n        typical: 650.00\n", IV_BAND),
        "typical",
    ),
    "alias_bomb": PricingCase(append(ALIAS_BOMB), "alias"),
    "python_object_apply_tag": PricingCase(python_apply, "python/object/apply"),
    "python_object_new_tag": PricingCase(
        change("currency: USD", 'currency: !!python/object/new:subprocess.Popen [["true"]]'),
        "python/object/new",
    ),
    "nested_lists_10000": PricingCase(
        append("deep: " + "[" * 10_000 + "]" * 10_000 + "\n"), "nested"
    ),
    "nested_mappings_10000": PricingCase(
        append("deep: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n"), "nested"
    ),
    # about 1 MiB with the built-in file (which grows: room left for it)
    "flow_list_1_mib": PricingCase(append("deep: [" + "1," * 450_000 + "1]\n"), "values"),
    "over_1_mib": PricingCase(append("# padding\n" * (ONE_MIB // 10 + 1)), "bytes"),
    "not_utf8": PricingCase(lambda _: BASE.encode("utf-8") + "# café\n".encode("latin-1"), "UTF-8"),
    "nul_byte": PricingCase(append("colour: bl\x00ue\n"), "{file}"),
    "escape_character": PricingCase(append("colour: \x1b[31mred\n"), "{file}"),
    "empty_file": PricingCase(whole(""), "mapping"),
    "a_list": PricingCase(whole("- iv\n- im\n"), "mapping"),
    "tab_indentation": PricingCase(change("  thervo:\n    title:", "  thervo:\n\ttitle:"), "line"),
    # --- the model: every figure sourced, unit and date; bands ordered and not negative ---
    "reference_to_unknown_source": PricingCase(
        change("[thervo, kan, rejuvenate, luxurypsych]", "[thervo, no_such_source]"),
        "no_such_source",
    ),
    "band_missing_unit": PricingCase(
        change("        unit: USD per session\n", "", IV_BAND), "routes.iv.session.price.unit"
    ),
    "band_missing_reference": PricingCase(
        change("        reference: [thervo, kan, rejuvenate, luxurypsych]\n", "", IV_BAND),
        "routes.iv.session.price.reference",
    ),
    "band_missing_date": PricingCase(
        change("        date: 2025-11-20\n", "", IV_BAND), "routes.iv.session.price.date"
    ),
    "band_empty_reference": PricingCase(
        change("[thervo, kan, rejuvenate, luxurypsych]", "[]"), "routes.iv.session.price"
    ),
    "factor_missing_unit": PricingCase(
        change("      unit: multiplier\n", "", CLINIC_FACTOR), "providers.clinic.factor.unit"
    ),
    "band_negative_low": PricingCase(
        change("low: 400.00", "low: -400.00", IV_BAND), "routes.iv.session.price"
    ),
    "band_low_above_typical": PricingCase(
        change("low: 400.00", "low: 700.00", IV_BAND), "routes.iv.session.price"
    ),
    "band_typical_above_high": PricingCase(
        change("typical: 600.00", "typical: 900.00", IV_BAND), "routes.iv.session.price"
    ),
    "band_nan": PricingCase(
        change("typical: 600.00", "typical: .nan", IV_BAND), "routes.iv.session.price.typical"
    ),
    "band_infinite": PricingCase(
        change("high: 800.00", "high: .inf", IV_BAND), "routes.iv.session.price.high"
    ),
    "band_text": PricingCase(
        change("typical: 600.00", "typical: six hundred", IV_BAND),
        "routes.iv.session.price.typical",
    ),
    "band_tiny_exponent": PricingCase(
        change("low: 400.00", "low: 4.0e-999999", IV_BAND), "routes.iv.session.price"
    ),
    "band_absurd_price_1e30": PricingCase(
        change("high: 800.00", "high: 8.0e+30", IV_BAND), "routes.iv.session.price"
    ),
    "unknown_key_in_band": PricingCase(
        change("high: 800.00\n", "high: 800.00\n        discount: 10\n", IV_BAND),
        "routes.iv.session.price.discount",
    ),
    "unknown_top_level_key": PricingCase(append("colour: blue\n"), "colour"),
    "unknown_route": PricingCase(
        change("  im:\n    label: IM injection", "  xx:\n    label: IM injection"), "routes.xx"
    ),
    "as_of_impossible_date": PricingCase(
        change('as_of: "2026-11-27"', 'as_of: "2026-02-30"'), "as_of"
    ),
    "band_impossible_date": PricingCase(
        change("date: 2025-11-20", "date: 2025-13-45", IV_BAND), "routes.iv.session.price"
    ),
    "source_url_not_http": PricingCase(
        change("url: https://thervo.com/costs/ketamine-therapy-cost", "url: javascript:alert(1)"),
        "sources.thervo",
    ),
    "state_factor_zero": PricingCase(
        change("factor: 0.89970}", "factor: 0}"), "locations.states.AL"
    ),
    "zip_prefix_unknown_state": PricingCase(change('HI: ["967-968"]', 'XX: ["967-968"]'), "XX"),
    # --- YAML 1.1 second meanings and huge integers (issue 13 items 5 and 7) ---
    "protocol_count_hex": PricingCase(
        change("standard_boosters: 0", "standard_boosters: 0x10", IV_PROTOCOL),
        "routes.iv.protocol.standard_boosters",
    ),
    "protocol_count_base_60": PricingCase(
        change("standard_boosters: 0", "standard_boosters: 1:30", IV_PROTOCOL),
        "routes.iv.protocol.standard_boosters",
    ),
    "protocol_count_5000_digits": PricingCase(
        change("standard_boosters: 0", "standard_boosters: " + "9" * 5000, IV_PROTOCOL),
        "routes.iv.protocol.standard_boosters",
    ),
    # --- counts and labels that passed `pricing validate` but broke estimates (issue 13 items
    # 4, 5, 6): every one exits 3 naming the key, from `validate` too ---
    "induction_sessions_100000": PricingCase(
        change("induction_sessions: 6", "induction_sessions: 100000", IV_PROTOCOL),
        "routes.iv.protocol",
    ),
    "standard_boosters_100000": PricingCase(
        change("standard_boosters: 0", "standard_boosters: 100000", IV_PROTOCOL),
        "routes.iv.protocol",
    ),
    "booster_phase_100000000_sessions": PricingCase(
        change("- sessions: 4\n", "- sessions: 100000000\n"), "routes.spravato.protocol"
    ),
    "booster_phase_every_1000_weeks": PricingCase(
        change("every_weeks: 1\n", "every_weeks: 1000\n"), "routes.spravato.protocol"
    ),
    "evaluation_lead_days_overflow": PricingCase(
        change("evaluation_lead_days: 7", "evaluation_lead_days: 999999999", IV_PROTOCOL),
        "routes.iv.protocol",
    ),
    "booster_every_weeks_overflow": PricingCase(
        change("booster_every_weeks: 4", "booster_every_weeks: 999999999", IV_PROTOCOL),
        "routes.iv.protocol",
    ),
    "default_provider_does_not_offer_route": PricingCase(
        change("default_provider: telehealth", "default_provider: clinic"),
        "routes.oral.default_provider",
    ),
    "label_with_escape_sequence": PricingCase(
        change("label: IV ketamine infusion", 'label: "IV \\e[2J\\a infusion"'),
        "routes.iv.session.label",
    ),
    "key_with_escape_sequence": PricingCase(append('"\\e]0;owned\\a": 1\n'), "control character"),
    "source_title_with_bidi_override": PricingCase(
        append('colour: "\\u202eevil"\n'), "control character"
    ),
    "drug_share_above_one": PricingCase(
        change("value: 0.5238", "value: 1.5238"), "savings_programs.0"
    ),
}


@pytest.mark.parametrize("name", list(PRICING_CASES))
def test_pricing_file(name: str, tmp_path: Path) -> None:
    case = PRICING_CASES[name]
    content = case.make(tmp_path)
    path = tmp_path / "pricing.yaml"  # a neutral name: the word must come from the message
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    run, elapsed = timed_run("estimate", "--json", "--pricing", str(path))
    assert_rejected(run, 3, case.word, elapsed, file=path)
    assert str(path) in run.err, "the message names the pricing file"
    assert not (tmp_path / "pwned").exists()


def test_pricing_huge_exponent_is_rejected_and_never_cached(tmp_path: Path) -> None:
    """`high: 8.0e+999999` is a few bytes of YAML but a million digits written out: it must be
    rejected, not expanded (at e+999999999 the cache file written under ~/.cache is 1 GB)."""
    path = tmp_path / "pricing.yaml"
    path.write_text(change("high: 800.00", "high: 8.0e+999999", IV_BAND)(tmp_path))
    run, elapsed = timed_run("estimate", "--json", "--pricing", str(path))
    cache = Path(os.environ["XDG_CACHE_HOME"])
    written = [p for p in cache.rglob("*") if p.is_file()] if cache.exists() else []
    too_big = [(str(p), p.stat().st_size) for p in written if p.stat().st_size > 2 * len(BASE)]
    assert too_big == [], "a tiny pricing file expanded into a huge cache file"
    assert_rejected(run, 3, "routes.iv.session.price", elapsed, file=path)


def test_pricing_control_copy_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "pricing.yaml"
    path.write_text(BASE, encoding="utf-8")
    run, elapsed = timed_run("estimate", "--json", "--pricing", str(path))
    doc = assert_accepted(run, '"typical"', elapsed)
    assert doc["pricing"]["source"] == str(path)


def test_pricing_file_missing(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    run, elapsed = timed_run("estimate", "--json", "--pricing", str(path))
    assert_rejected(run, 3, "{file}", elapsed, file=path)


def test_pricing_file_is_a_folder(tmp_path: Path) -> None:
    run, elapsed = timed_run("estimate", "--json", "--pricing", str(tmp_path))
    assert_rejected(run, 3, "{file}", elapsed, file=tmp_path)


def test_pricing_from_environment_is_checked_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "env.yaml"
    path.write_text(append("colour: blue\n")(tmp_path), encoding="utf-8")
    monkeypatch.setenv("KETACOST_PRICING", str(path))
    run, elapsed = timed_run("estimate", "--json")
    assert_rejected(run, 3, "colour", elapsed)
    assert str(path) in run.err


def test_pricing_validate_lists_the_problem(tmp_path: Path) -> None:
    """`pricing validate` reports the same broken file with its location, without a traceback."""
    path = tmp_path / "bad.yaml"
    path.write_text(change("low: 400.00", "low: 700.00", IV_BAND)(tmp_path), encoding="utf-8")
    run, _ = timed_run("pricing", "validate", str(path))
    assert run.code == 3, (run.code, run.err, run.out)
    assert "Traceback" not in run.err + run.out
    assert "routes.iv.session.price" in run.err + run.out


def test_manifest_rows_are_well_formed() -> None:
    for case in CLI_CASES:
        split_args(case["args"])
        assert case["exit"] in {"0", "2", "3"}, case
        assert case["word"], case
    for case in SCENARIO_CASES:
        assert case["exit"] in {"0", "2"}, case
        json.dumps(case)


PROTOCOL_BREAKERS = [
    "induction_sessions_100000",
    "booster_phase_100000000_sessions",
    "evaluation_lead_days_overflow",
    "default_provider_does_not_offer_route",
    "key_with_escape_sequence",
]


@pytest.mark.parametrize("name", PROTOCOL_BREAKERS)
@pytest.mark.parametrize("command", ["validate", "compare"])
def test_pricing_validate_and_compare_blame_the_file(
    name: str, command: str, tmp_path: Path
) -> None:
    """A file that `validate` passed made `compare` blame `sessions` (exit 2), crash on a date
    (exit 1) or say "provider clinic does not offer iv": the file's fault is exit 3, naming it."""
    path = tmp_path / "pricing.yaml"
    content = PRICING_CASES[name].make(tmp_path)
    path.write_text(content if isinstance(content, str) else content.decode(), encoding="utf-8")
    args = ("pricing", "validate", str(path)) if command == "validate" else (
        "compare", "--json", "--pricing", str(path))  # fmt: skip
    run, elapsed = timed_run(*args)
    assert run.code == 3, (run.code, run.err[:300])
    assert "Traceback" not in run.err and run.out == ""
    assert PRICING_CASES[name].word in run.err.replace(str(path), "")
    assert "\x1b" not in run.err and "\x07" not in run.err
    assert elapsed < TIME_LIMIT


def test_compare_lists_are_capped() -> None:
    """`compare --locations` with 100,000 items ran 100,000 estimates."""
    run, elapsed = timed_run("compare", "--json", "--locations", ",".join(["CA"] * 100_000))
    assert_rejected(run, 2, "at most 60", elapsed)
    run, elapsed = timed_run("compare", "--json", "--route", "iv", "--providers",
                             ",".join(["clinic"] * 61))  # fmt: skip
    assert_rejected(run, 2, "--providers", elapsed)


def test_csv_cells_are_never_formulas(tmp_path: Path) -> None:
    """A pricing label reached the CSV as =HYPERLINK(…): a spreadsheet would run it."""
    path = tmp_path / "pricing.yaml"
    formula = '=HYPERLINK(""http://x.example"",""open"")'
    path.write_text(
        change(
            "label: IV ketamine infusion", 'label: "=HYPERLINK(\\"http://x.example\\",\\"open\\")"'
        )(tmp_path),
        encoding="utf-8",
    )
    run, _ = timed_run(
        "estimate", "--format", "csv", "--pricing", str(path), "--start", "2026-11-27"
    )
    assert run.code == 0, run.err
    rows = [line for line in run.out.splitlines() if "HYPERLINK" in line]
    assert rows and all(f'"\'{formula}"' in line for line in rows), rows[:2]
    assert ",-" not in run.out.replace(",-,", "")  # numbers are untouched: none is negative


def test_clinic_profile_with_escape_sequence_is_refused(tmp_path: Path) -> None:
    """A clinic name with ESC would reach the table, the GFE and the terminal raw."""
    path = tmp_path / "clinic.yaml"
    run, _ = timed_run("clinic", "init", str(path))
    assert run.code == 0, run.err
    text = path.read_text(encoding="utf-8")
    assert text.count("\nname: ") == 1
    name_line = next(line for line in text.splitlines() if line.startswith("name: "))
    path.write_text(text.replace(name_line, 'name: "Sunrise\\e[2J\\a Clinic"'), encoding="utf-8")
    run, elapsed = timed_run("estimate", "--json", "--clinic", str(path))
    assert_rejected(run, 2, "name: control character", elapsed, file=path)
