"""The user-trial sets in tests/trials/ against the real running bot (see tests/trials/runner.py).

One test per set: each item is a fresh conversation over REST; advisor sets are scored on whether
a fitting suggestion was shown, knowledge sets on the last answer. Prints the report (pytest -s)
and writes test-output/trials_<set>.json. Blind sets print, store and assert aggregate figures
only. A set whose file is missing is skipped locally and fails in CI.
"""

from __future__ import annotations

import os

import pytest

from tests.trials.runner import (
    SETS,
    TrialSetError,
    format_report,
    is_blind,
    load_set,
    run_set,
    set_files,
    write_report,
)

pytestmark = pytest.mark.servers

# Pass-rate floors per set, a few items below what was measured (2026-12-07, stop 12: advisor_dev
# 40/44, advisor_blind 14/18, knowledge_dev 53/106, knowledge_blind 20/36; before the answer-first
# advisor 6/44, 4/18, 39/106, 15/36. Stop 13: advisor_fresh_blind, written for it, 24/30;
# advisor_dev_b, a second development set (20 nn), 22/30 when it arrived). Raise them as the figures rise; never lower them to pass.
FLOORS = {
    "advisor_dev": 0.85,
    "advisor_blind": 0.70,
    "advisor_fresh_blind": 0.73,
    "advisor_dev_b": 0.66,
    "knowledge_dev": 0.45,
    "knowledge_blind": 0.50,
}
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def test_every_set_has_a_floor():
    assert set(FLOORS) == set(SETS)


def _run(name: str, request) -> dict:
    """Load and run a set; the summary (aggregates only for a blind set)."""
    loaded = load_set(name)  # TrialSetError names file, item id and field
    assert loaded is not None and loaded[1], f"{name}: no items"
    servers = request.getfixturevalue("servers")  # started only when there is something to run
    return run_set(name, loaded[1], servers.rasa_url)


@pytest.mark.parametrize("name", list(FLOORS))
def test_trial_set(name, request):
    present, missing = set_files(name)
    if missing:
        msg = f"{name}: missing {', '.join(p.name for p in missing)} in tests/trials/"
        if IN_CI:
            pytest.fail(msg)
        if not present:
            pytest.skip(msg)  # otherwise load_set says which file it runs without
    blind = is_blind(name)
    if blind:  # no traceback: its frames (and --showlocals) would show items
        try:
            summary = _run(name, request)
        except TrialSetError as exc:
            pytest.fail(str(exc), pytrace=False)
        except Exception as exc:
            pytest.fail(f"{name}: the run failed ({type(exc).__name__})", pytrace=False)
    else:
        summary = _run(name, request)
    print("\n" + format_report(summary, blind=blind, name=name))
    print(f"Report written to {write_report(summary, blind=blind, name=name)}")
    rate, floor = summary["overall"]["rate"], FLOORS[name]
    if summary.get("type") == "advisor":
        # Never a third time (issue 13): no question is asked three times in any conversation.
        assert summary["repeated_3plus"] == 0, f"{name}: {summary['repeated_3plus']} conversations asked a question 3+ times"
    if blind:
        assert rate >= floor, f"{name} pass rate {rate:.1%} < floor {floor:.0%}"
    else:
        assert rate >= floor, (f"{name} pass rate {rate:.1%} < floor {floor:.0%}; failing: "
                               + ", ".join(f["id"] for f in summary["failures"]))
