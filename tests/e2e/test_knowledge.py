"""The knowledge question set (tests/knowledge/questions.yml) against the real running bot.

Each item is a fresh conversation over Rasa's REST channel; the last answer is checked on its
content (scheme, period, deadline, who applies, language), not on the intent. Prints a table by
topic and language plus every failure, and writes test-output/knowledge_report.json.
"""

from __future__ import annotations

import pytest

from bot.settings import ROOT
from tests.knowledge.runner import format_report, load_items, run_items, summarize, write_report

MIN_ITEMS, MIN_NN, MIN_PASS_RATE = 80, 20, 0.95
REPORT = ROOT / "test-output" / "knowledge_report.json"


def test_question_set_is_valid_and_large_enough():
    items = load_items()  # raises QuestionSetError naming the item id and field
    nn = [i for i in items if i.lang == "nn"]
    assert len(items) >= MIN_ITEMS, f"{len(items)} items, need ≥ {MIN_ITEMS}"
    assert len(nn) >= MIN_NN, f"{len(nn)} nynorsk items, need ≥ {MIN_NN}"
    assert sum(len(i.turns) > 1 for i in items) >= 10, "need ≥ 10 multi-turn follow-ups"
    assert {i.topic for i in items} >= {"scheme", "followup", "measure", "concept", "funding",
                                         "language", "fallback"}


@pytest.mark.servers
def test_knowledge_question_set_against_running_bot(servers):
    items = load_items()
    results = run_items(items, servers.rasa_url)
    report = summarize(results)
    print("\n" + format_report(report))
    print(f"\nReport written to {write_report(report, REPORT)}")
    assert len(items) >= MIN_ITEMS and sum(i.lang == "nn" for i in items) >= MIN_NN
    rate = report["overall"]["rate"]
    assert rate >= MIN_PASS_RATE, (
        f"knowledge pass rate {rate:.1%} < {MIN_PASS_RATE:.0%}; failing: "
        + ", ".join(f["id"] for f in report["failures"]))
