"""``antaeus validate``: one row per published result, exit 1 on a failing row, 2 on bad input."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from antaeus import cli
from antaeus.models import MODELS, ModelInputError, bounded_confidence, granovetter, kuran
from antaeus.models import validate as validate_module
from antaeus.models.claims import Claim, Outcome
from antaeus.models.validate import Row, validate

MINE = {"granovetter": granovetter, "kuran": kuran, "bounded_confidence": bounded_confidence}


def antaeus(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    entry = Path(sys.executable).with_name("antaeus")
    command = [str(entry)] if entry.exists() else [sys.executable, "-m", "antaeus.cli"]
    return subprocess.run(command + list(args), capture_output=True, text=True, cwd=cwd, timeout=600)


def test_registry_holds_the_models_and_their_claims():
    for name, module in MINE.items():
        assert MODELS[name] is module and module.CLAIMS
        assert all(isinstance(c, Claim) for c in module.CLAIMS)
    # the two models written alongside register themselves only once their module exists
    assert set(MODELS) - set(MINE) <= {"civil_violence", "party_competition"}


#: Every published result labelled SRC or 2ND in mechanisms.md sections 2-4, by a phrase its
#: row must contain (claim or source). A new SRC/2ND result there needs a row and a line here.
PUBLISHED = {
    "granovetter": ["domino effect", "only the instigator", "critical sigma", "smallest fixed point"],
    "kuran": ["aura of invincibility", "grow explosively", "catch the world by surprise"],
    "deffuant": ["Fortunato (2004)", "Lanchier", "Ben-Naim"],
    "hegselmann_krause": ["eps_c ~ 0.2 on the complete graph", "finite average degree"],
}


def test_every_src_and_2nd_result_has_a_row():
    rows = {m: [c for module in MINE.values() for c in module.CLAIMS if c.model == m] for m in PUBLISHED}
    for model, phrases in PUBLISHED.items():
        for phrase in phrases:
            hits = [c for c in rows[model] if phrase in c.claim or phrase in c.source]
            assert hits and all(c.label in {"SRC", "2ND"} for c in hits), (model, phrase)


def test_cli_granovetter_table(tmp_path):
    done = antaeus("validate", "granovetter", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for column in ("model", "claim", "source", "expected", "observed", "result"):
        assert column in out.splitlines()[2]
    assert out.count("│ granovetter") == len(granovetter.CLAIMS)
    assert f"{len(granovetter.CLAIMS)} rows: {len(granovetter.CLAIMS)} pass, 0 fail." in out
    assert "sigma_c = 12.222" in out and "r* = 100" in out and "[2ND]" in out


def test_cli_kuran_json(tmp_path):
    done = antaeus("validate", "kuran", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["ok"] and doc["failed"] == 0 and doc["model"] == "kuran" and doc["seeds"] == 20
    assert [r["claim"] for r in doc["rows"]] == [c.claim for c in kuran.CLAIMS]
    assert set(doc["rows"][0]) >= {"model", "claim", "source", "label", "expected", "observed", "passed", "reproduces"}
    assert {r["label"] for r in doc["rows"]} == {"SRC", "CALC"}


def test_cli_bounded_confidence_json_with_few_seeds(tmp_path):
    done = antaeus("validate", "bounded_confidence", "--seeds", "5", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    doc = json.loads(done.stdout)
    assert doc["ok"] and len(doc["rows"]) == len(bounded_confidence.CLAIMS)
    assert {r["model"] for r in doc["rows"]} == {"deffuant", "hegselmann_krause"}
    assert doc["not_reproducing"] == ["hegselmann_krause: the mean opinion stays constant to machine precision"]
    row = next(r for r in doc["rows"] if not r["reproduces"])
    assert row["passed"] and row["observed"].startswith("does not hold")


def test_cli_a_claims_model_name_selects_its_rows(tmp_path):
    done = antaeus("validate", "hegselmann_krause", "--seeds", "3", "--json", cwd=tmp_path)
    doc = json.loads(done.stdout)
    assert {r["model"] for r in doc["rows"]} == {"hegselmann_krause"}


def test_cli_table_says_when_a_result_does_not_reproduce(tmp_path):
    done = antaeus("validate", "hegselmann_krause", "--seeds", "5", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    text = " ".join(done.stdout.split())
    assert "does not reproduce" in text and "1 published result(s) do not reproduce" in text


@pytest.mark.parametrize("args, words", [
    (["validate", "granoveter"], ["unknown model 'granoveter'", "did you mean 'granovetter'"]),
    (["validate", "nonsense"], ["unknown model 'nonsense'", "known models: granovetter"]),
    (["validate", "kuran", "--seeds", "0"], ["seeds must be a whole number >= 1"]),
    (["validate", "kuran", "--seeds", "-3", "--json"], ["seeds must be a whole number >= 1"]),
])
def test_cli_bad_input_exits_2_with_one_line(tmp_path, args, words):
    done = antaeus(*args, cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    for word in words:
        assert word in lines[0]


def _fake(passed: bool, reproduces: bool = True) -> SimpleNamespace:
    return SimpleNamespace(CLAIMS=[Claim("fake", "a result", "nowhere", "CALC", "x", lambda seeds: Outcome("y", passed),
                                         reproduces=reproduces)])


def test_a_failing_row_exits_1(monkeypatch, capsys):
    monkeypatch.setitem(MODELS, "fake", _fake(False))
    assert cli.main(["validate", "fake"]) == 1
    assert "FAIL" in capsys.readouterr().out
    assert cli.main(["validate", "fake", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["failed"] == 1
    monkeypatch.setitem(MODELS, "fake", _fake(True))
    assert cli.main(["validate", "fake"]) == 0


def test_a_check_that_raises_gives_a_failed_row(monkeypatch):
    def broken(seeds):
        raise RuntimeError("boom")

    monkeypatch.setitem(MODELS, "fake", SimpleNamespace(CLAIMS=[Claim("fake", "c", "s", "CALC", "e", broken)]))
    [row] = validate("fake", seeds=2)
    assert not row.passed and row.observed == "error: RuntimeError: boom"


def test_validate_api(monkeypatch):
    seen = []
    monkeypatch.setitem(MODELS, "fake", SimpleNamespace(CLAIMS=[
        Claim("fake", "c", "s", "SRC", "e", lambda seeds: (seen.append(seeds), Outcome(f"{seeds}", True))[1])]))
    [row] = validate("fake", seeds=7)
    assert seen == [7] and isinstance(row, Row)
    assert (row.model, row.claim, row.source, row.label, row.expected, row.observed, row.passed, row.reproduces) == \
        ("fake", "c", "s", "SRC", "e", "7", True, True)
    assert validate_module.verdict(row) == "pass"
    with pytest.raises(ModelInputError):
        validate("fake", seeds=0)
    with pytest.raises(ModelInputError, match="did you mean 'kuran'"):
        validate("kurann")


def test_non_reproducing_rows_say_so():
    row = Row("m", "c", "s", "SRC", "e", "o", True, False, 0.0)
    assert validate_module.verdict(row) == "pass: does not reproduce (confirmed)"
    assert validate_module.verdict(Row("m", "c", "s", "SRC", "e", "o", False, False, 0.0)).startswith("FAIL")


@pytest.mark.statistical
@pytest.mark.parametrize("model", list(MINE))
def test_cli_full_validation_over_20_seeds(tmp_path, model):
    done = antaeus("validate", model, "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["ok"]


def test_docs_describe_every_claim():
    text = (Path(__file__).resolve().parents[1] / "docs" / "models.md").read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    for name in ("Granovetter", "Kuran", "Deffuant", "Hegselmann-Krause"):
        assert any(name in h for h in headings), name
    missing = [c.claim for module in MINE.values() for c in module.CLAIMS if c.claim not in text]
    assert not missing, f"claims missing from docs/models.md: {missing}"
