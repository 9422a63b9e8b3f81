"""The Rasa layer: training data validation, test stories and the held-out NLU set."""

from __future__ import annotations

import os
import subprocess

import pytest
import requests

from bench.nlu_eval import evaluate, near_duplicate, parse_examples
from bot.launch import MODEL, RASA_BIN
from bot.settings import ROOT
from tests.conftest import API_TOKEN

RASA_ENV = dict(os.environ, PYTHONPATH=str(ROOT), RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="3")


def rasa(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run([str(RASA_BIN), *args], cwd=ROOT, env=RASA_ENV, capture_output=True, text=True,
                          timeout=timeout)


def test_training_data_is_valid_without_warnings():
    result = rasa("data", "validate", "--fail-on-warnings")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_test_stories_pass_without_prediction_errors(tmp_path, servers):
    out = tmp_path / "core"
    result = rasa("test", "core", "--stories", "tests/stories", "--fail-on-prediction-errors",
                  "-m", str(MODEL), "--endpoints", str(servers.workdir / "endpoints.yml"), "--out", str(out))
    failed = (out / "failed_test_stories.yml")
    detail = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, detail[-4000:] + result.stdout[-3000:] + result.stderr[-3000:]


@pytest.fixture(scope="module")
def parse(servers):
    session = requests.Session()

    def _parse(text: str) -> dict:
        r = session.post(f"{servers.rasa_url}/model/parse", params={"token": API_TOKEN},
                         json={"text": text}, timeout=30)
        r.raise_for_status()
        return r.json()
    return _parse


# Regression floor for `make test`. The targets (intent accuracy >= 0.95 bokmål, >= 0.90
# nynorsk, entity F1 >= 0.90) are measured and printed against the target by `make bench`.
# Measured 2026-11-29 with the LinearIntentClassifier: nb 0.933 (below its 0.95 target), nn 0.974, entity F1 1.000.
INTENT_FLOOR = 0.90


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_heldout_intents_and_entities(parse, lang):
    min_accuracy = INTENT_FLOOR
    examples = parse_examples(ROOT / "tests" / "nlu" / f"heldout_{lang}.yml")
    assert len(examples) >= (130 if lang == "nb" else 40)
    scores = evaluate(examples, parse)
    report = f"{lang}: accuracy {scores.accuracy:.3f}, entity F1 {scores.entity_f1:.3f}\n" + "\n".join(scores.errors)
    assert scores.accuracy >= min_accuracy, report
    assert scores.entity_f1 >= 0.90, report


def test_heldout_set_is_never_trained_on():
    """Not even a near copy: same words, or nearly, or most of one inside the other."""
    train = [e.text for path in (ROOT / "data" / "nlu").glob("*.yml") for e in parse_examples(path)]
    leaks = []
    for path in sorted((ROOT / "tests" / "nlu").glob("*.yml")):  # every held-out set
        for held in parse_examples(path):
            leaks += [(path.name, held.text, t) for t in train if near_duplicate(held.text, t)]
    assert not leaks, leaks[:10]


@pytest.mark.parametrize("text, intent", [
    ("Forslag til tiltak", "request_measures"),
    ("forslag til tiltak", "request_measures"),
    ("Hva kan du hjelpe med?", "ask_help"),
    ("har eg krav på det då?", "ask_apply"),
])
def test_typed_button_titles_and_rights_questions(parse, text, intent):
    assert parse(text)["intent"]["name"] == intent
