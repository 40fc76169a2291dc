"""Lineage through the whole pipeline: every document of the labelled series finds its
predecessor, look-alike distractors are never chosen, and the order in which the
documents arrive does not matter (a late earlier version refreshes the later diffs)."""

from __future__ import annotations

import hashlib
import json
import random

import pytest

from config.settings import Settings
from corpus.build import SOURCES, build
from docpipe.events import ObjectCreated
from docpipe.runner import StageRunner, genealogy_key, run_document
from docpipe.service import document_view
from pipeline import genealogy as genealogy_stage

LINEAGE = json.loads((SOURCES / "lineage.json").read_text())


@pytest.fixture(scope="module")
def corpus_txt(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    build(out, ("txt",), workers=1)
    return out


def ingest_all(tmp_path, corpus, order: list[str]) -> dict[str, dict]:
    runner = StageRunner.from_settings(Settings(data_dir=tmp_path))
    symbols = {}
    for stem in order:
        data = (corpus / f"{stem}.txt").read_bytes()
        key = f"inbox/{stem}.txt"
        runner.store.put(key, data)
        reg = runner.submit(ObjectCreated(runner.store.bucket, key, hashlib.md5(data).hexdigest(),
                                          len(data), None, "Test"), "test",
                            lambda ref: run_document(runner, ref))
        symbols[stem] = runner.ledger.original(reg.original_id)["symbol"]
    stem_of = {symbol: stem for stem, symbol in symbols.items()}
    views = {}
    for stem, symbol in symbols.items():
        view = document_view(runner, runner.ledger.document_by_symbol(symbol))
        view["predecessor_stem"] = stem_of.get(view["predecessor"])
        # Where each paragraph first appeared, as the index has it (the genealogy runs
        # down the whole lineage, not only to the next version).
        view["introduced"] = genealogy_stage.DocumentGenealogy.model_validate_json(
            runner.store.get(genealogy_key(view["doc_id"]))).introduced_sessions()
        views[stem] = view
    return views


def test_every_predecessor_found_in_date_order(tmp_path, corpus_txt):
    views = ingest_all(tmp_path, corpus_txt, LINEAGE["ingest_order"])
    found = {stem: view["predecessor_stem"] for stem, view in views.items()}
    assert found == LINEAGE["predecessors"]
    for stem, view in views.items():
        if view["predecessor"]:
            assert 0.5 <= view["predecessor_confidence"] <= 1.0


@pytest.mark.parametrize("order", ["reversed", "shuffled"])
def test_order_of_arrival_does_not_matter(tmp_path, corpus_txt, order):
    forward = ingest_all(tmp_path / "forward", corpus_txt, LINEAGE["ingest_order"])
    stems = list(LINEAGE["ingest_order"])
    if order == "reversed":
        stems.reverse()
    else:
        random.Random(7).shuffle(stems)
    other = ingest_all(tmp_path / order, corpus_txt, stems)
    for stem in stems:
        assert other[stem]["predecessor_stem"] == LINEAGE["predecessors"][stem], stem
        assert other[stem]["diff"] == forward[stem]["diff"], stem
        assert other[stem]["introduced"] == forward[stem]["introduced"], stem


def test_index_knows_where_each_paragraph_first_appeared(tmp_path, corpus_txt):
    views = ingest_all(tmp_path, corpus_txt, LINEAGE["ingest_order"])
    runner = StageRunner.from_settings(Settings(data_dir=tmp_path))
    resolution = views["A_RES_61_208"]
    hits = runner.index.search("migration", limit=200, symbol_prefix="A/RES/61/208")
    introduced = {hit.paragraph: hit.introduced_session for hit in hits}
    assert introduced, "the resolution's paragraphs are indexed"
    # Every paragraph of the 61st-session resolution first appeared in session 60 or 61,
    # and some already in the session-60 resolution it descends from.
    assert set(introduced.values()) <= {60, 61}
    assert 60 in introduced.values()
    # The filter: paragraphs of session-61 documents that were new in session 61.
    new_in_61 = runner.index.search("migration", limit=200, session=61, introduced=61)
    assert new_in_61 and all(hit.session == 61 for hit in new_in_61)
    assert resolution["symbol"] == "A/RES/61/208"
