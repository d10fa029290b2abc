"""The CLI's edges: pregnancy and breastfeeding in the profile, a product's strength per unit,
and doses, dates and lab values that must be refused with a sentence (exit code 1, no
traceback), never stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flarewise.cli import run


@pytest.fixture
def cli(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str], db_url: str
):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FLAREWISE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FLAREWISE_DATABASE_URL", db_url)
    monkeypatch.setenv("COLUMNS", "160")

    def call(*args: str) -> tuple[int, str, str]:
        code = run(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return call


def test_pregnancy_and_breastfeeding_are_set_shown_and_cleared(cli) -> None:  # type: ignore[no-untyped-def]
    # clinical-rules.md D.5.5: None = not recorded, False = no, True = yes
    cli("init")
    code, out, _ = cli("profile", "show")
    assert code == 0 and "Pregnancy and breastfeeding are not recorded" in out
    assert cli("profile", "set", "--pregnant", "no", "--breastfeeding", "yes")[0] == 0
    _, out, _ = cli("profile", "show", "--json")
    p = json.loads(out)
    assert (p["pregnant"], p["planning_pregnancy"], p["breastfeeding"]) == (False, None, True)
    _, out, _ = cli("profile", "show")
    assert "breastfeeding" in out and "not recorded" in out
    assert "are not recorded" not in out  # asked once: no prompt after an answer
    assert cli("profile", "set", "--breastfeeding", "unknown")[0] == 0
    _, out, _ = cli("profile", "show", "--json")
    assert json.loads(out)["breastfeeding"] is None
    code, _, err = cli("profile", "set", "--planning-pregnancy", "maybe")
    assert code == 1 and "--planning-pregnancy: answer yes, no or unknown" in err


def test_regimen_keeps_the_strength_per_product_unit(cli) -> None:  # type: ignore[no-untyped-def]
    # clinical-rules.md D.5.6: product units are converted only with a per-unit strength
    cli("init")
    code, out, _ = cli(
        "regimen", "add", "magnesium-glycinate", "2", "capsules", "--strength", "120 mg", "--json"
    )
    assert code == 0
    r = json.loads(out)
    assert r["strength"] == {"amount": 120.0, "unit": "mg", "per": "capsule"}
    _, out, _ = cli("regimen", "list")
    assert "120 mg per capsule" in out
    code, _, err = cli("regimen", "add", "magnesium", "200", "mg", "--strength", "120 mg")
    assert code == 1 and "--strength" in err and "already in mg" in err
    code, _, err = cli("regimen", "add", "magnesium", "2", "tablet", "--strength", "lots")
    assert code == 1 and "--strength: 'lots' is not a strength" in err
    code, _, err = cli("regimen", "add", "magnesium", "2", "tablet", "--strength", "nan mg")
    assert code == 1 and "--strength" in err


@pytest.mark.parametrize(
    ("amount", "says"),
    [
        ("nan", "'nan' is not a number"),
        ("inf", "'inf' is not a number"),
        ("abc", "'abc' is not a number"),
        ("0", "a dose must be more than 0"),
        ("1e999", "is not a dose a person can take"),
    ],
)
def test_bad_doses_are_refused_on_every_cli_path(cli, amount: str, says: str) -> None:  # type: ignore[no-untyped-def]
    # SAF-DOSE-INVALID's inputs (D.5.6) never reach the journal
    cli("init")
    for args in (
        ("regimen", "add", "magnesium", amount, "mg"),
        ("log", "intake", "magnesium", amount, "mg"),
    ):
        code, out, err = cli(*args)
        assert code == 1 and "AMOUNT" in err and says in err, (args, err)
        assert "Traceback" not in out + err
    _, out, _ = cli("regimen", "add", "magnesium", "200", "mg", "--json")
    rid = json.loads(out)["id"]
    code, _, err = cli("regimen", "dose", rid[:8], amount, "mg")
    assert code == 1 and says in err
    _, out, _ = cli("regimen", "list", "--json")
    assert [s["amount"] for r in json.loads(out) for s in r["steps"]] == [200]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31"])
def test_regimen_dates_outside_the_sane_window_are_refused(cli, day: str) -> None:  # type: ignore[no-untyped-def]
    # docs/input-rules.md: from 1900-01-01 to a year from today
    cli("init")
    code, _, err = cli("regimen", "add", "magnesium", "200", "mg", "--start", day)
    assert code == 1 and "--start" in err and "check the year" in err


def test_kb_show_resolves_synonyms_like_plan_check(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("init")
    code, out, _ = cli("kb", "show", "ldn", "--json")
    assert code == 0 and json.loads(out)["id"] == "low_dose_naltrexone"
    items = tmp_path / "items.json"
    items.write_text(json.dumps([{"item": "ldn"}]))
    assert cli("plan", "check", str(items))[0] == 0
    code, _, err = cli("kb", "show", "unobtainium")
    assert code == 1 and "not a known intervention" in err


def test_a_negative_lab_value_is_refused(cli) -> None:  # type: ignore[no-untyped-def]
    cli("init")
    code, _, err = cli("log", "lab", "vitamin d", "--", "-5", "ng/mL")
    assert code != 0 and "Traceback" not in err
    _, out, _ = cli("labs", "--json")
    assert json.loads(out)["results"] == []
