"""Fault runs on real processes (chaos/run_chaos.py): a killed stage worker, a Redis
restart, triple shuffled events, a listener that was down. Marked ``chaos``: each
scenario takes about a minute; deselect with ``-m 'not chaos'``."""

from __future__ import annotations

import json

import pytest

from chaos.run_chaos import run

pytestmark = [pytest.mark.chaos, pytest.mark.e2e]


@pytest.mark.parametrize("scenario", ["kill", "redis", "triple", "listener"])
def test_every_document_indexed_exactly_once(scenario, tmp_path):
    figures = run(scenario, 50 if scenario == "listener" else 40, tmp_path)
    print(json.dumps(figures))
    assert figures["ok"], figures
    if scenario == "kill":
        assert figures["victim_rerun_after_s"] is not None
        assert figures["victim_rerun_after_s"] < 300
