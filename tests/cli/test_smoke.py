from conftest import run_cli


def test_default_estimate_json_has_every_key() -> None:
    run = run_cli("estimate", "--json", "--start", "2026-11-27")
    assert run.code == 0, run.err
    doc = run.json()
    assert set(doc) >= {
        "schema_version",
        "ketacost_version",
        "pricing",
        "scenario",
        "line_items",
        "visits",
        "totals",
        "cashflow",
        "financing",
        "assumptions",
        "warnings",
    }
