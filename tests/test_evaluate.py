"""docpipe eval: pairing, correction precision, diff scores, the seed, and the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from docpipe.cli import app
from docpipe.evaluation import evaluate_corpus, scan_corpus
from pipeline.evaluate import (correction_scores, diff_plan, link_scores, stem_for,
                               variant_of)
from pipeline.model import Change, Cleaned

SEED = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seed"
STEM = "A_C.2_99_L.1"

HAND_TXT = """\
United Nations                                    A/C.2/99/L.1
General Assembly                                  Distr.: Limited
                                                  1 October 2044

                                                  Original: English

Ninety-ninth session
Second Committee
Agenda item 12 (a)

Utopia: draft resolution

Sustainable testing

The General Assembly,

        Recalling its resolution 98/1 of 2 December 2043,1

        Noting with appreciation the report of the Secretary-General,2

    1.  Takes note of the report;

    2.  Decides to include in the provisional agenda of its one hundredth session
the item entitled "Sustainable testing".


____________________

  1 See A/98/PV.50.
  2 A/99/100.
"""

HAND_GOLD = {
    "format": "docpipe-gold/1", "symbol": "A/C.2/99/L.1", "session": 99,
    "body": "General Assembly, Second Committee", "kind": "draft resolution", "language": "en",
    "title": "Sustainable testing", "agenda_item": "12 (a)", "opening": "The General Assembly,",
    "preamble": [{"text": "Recalling its resolution 98/1 of 2 December 2043,[^1]"},
                 {"text": "Noting with appreciation the report of the Secretary-General,[^2]"}],
    "operative": [{"number": "1", "text": "Takes note of the report;"},
                  {"number": "2", "text": "Decides to include in the provisional agenda of its one "
                                          "hundredth session the item entitled \"Sustainable testing\"."}],
    "footnotes": [{"mark": "1", "text": "See A/98/PV.50."}, {"mark": "2", "text": "A/99/100."}],
    "cites": ["A/RES/98/1", "A/98/PV.50", "A/99/100"]}


@pytest.fixture
def hand_corpus(tmp_path) -> Path:
    """One hand-made document, a copy of it under a second stem, and a diff gold between them."""
    for stem in (STEM, STEM + "_copy"):
        (tmp_path / f"{stem}.txt").write_text(HAND_TXT, encoding="utf-8")
        (tmp_path / f"{stem}.gold.json").write_text(json.dumps(HAND_GOLD), encoding="utf-8")
    links = [["P1", "P1", "unchanged"], ["P2", "P2", "unchanged"],
             ["O1", "O1", "unchanged"], ["O2", "O2", "unchanged"]]
    (tmp_path / f"{STEM}__{STEM}_copy.diff.json").write_text(json.dumps(
        {"format": "docpipe-diff-gold/1", "old": STEM, "new": STEM + "_copy", "links": links}))
    (tmp_path / "stray.txt").write_text("no gold for this one")
    return tmp_path


# --- naming ------------------------------------------------------------------------------

def test_longest_stem_wins_and_variants():
    stems = ["A_C.2_60_L", "A_C.2_60_L.12", "A_C.2_60_L.12_Rev.1"]
    assert stem_for("A_C.2_60_L.12_Rev.1.scan.pdf", stems) == "A_C.2_60_L.12_Rev.1"
    assert stem_for("A_C.2_60_L.12.ocr.txt", stems) == "A_C.2_60_L.12"
    assert stem_for("A_C.2_60_L.txt", stems) == "A_C.2_60_L"
    assert stem_for("A_C.2_60_Lx.txt", stems) is None
    assert [variant_of(f"X.{s}", "X") for s in ("txt", "pdf", "scan.pdf", "scan-hard.pdf", "ocr.txt")] \
        == ["txt", "pdf", "scan", "scan-hard", "ocr"]


def test_scan_corpus_pairs_inputs(hand_corpus):
    corpus = scan_corpus(hand_corpus)
    assert set(corpus.golds) == {STEM, STEM + "_copy"}
    assert corpus.inputs[STEM] == {"txt": hand_corpus / f"{STEM}.txt"}
    assert [p.name for p in corpus.unmatched] == ["stray.txt"]
    assert len(corpus.diffs) == 1


# --- correction precision -------------------------------------------------------------------

def _cleaned(word: str, before: str) -> Cleaned:
    text = f"United Nations\nThe General Assembly,\n\nRecalling the {word} of work,"
    return Cleaned(text=text, changes=[
        Change(rule="strip_furniture", position=0, before="A/1", after=""),
        Change(rule="correct_words", position=text.index(word), before=before, after=word)])


def test_correction_right_when_it_restores_the_gold_word():
    gold = {"preamble": [{"text": "Recalling the Forms of work,"}]}
    out = correction_scores(_cleaned("Forms", "Farms"), gold)
    assert (out["changes"], out["right"], out["wrong"], out["precision"]) == (1, 1, 0, 1.0)


def test_wrong_correction_lowers_precision():
    gold = {"preamble": [{"text": "Recalling the Farms of work,"}]}  # the printed word was Farms
    out = correction_scores(_cleaned("Forms", "Farms"), gold)
    assert out["precision"] == 0.0
    assert out["wrong_examples"][0]["gold"] == "Farms"


def test_correction_in_masthead_is_not_scored():
    text = "United Farms\nThe General Assembly,\n\nRecalling the Forms of work,"
    cleaned = Cleaned(text=text, changes=[Change(rule="correct_words", position=7,
                                                 before="Forms", after="Farms")])
    out = correction_scores(cleaned, {"preamble": [{"text": "Recalling the Forms of work,"}]})
    assert (out["unscored"], out["precision"]) == (1, None)


# --- diffs -------------------------------------------------------------------------------------

def test_diff_gold_against_itself_scores_one():
    links = [["P1", "P1", "unchanged"], [None, "O2", "added"], ["O4", "O3", "moved"]]
    out = link_scores(links, links)
    assert out["links"]["f1"] == 1.0 and out["pairs"]["f1"] == 1.0
    wrong = [["P1", "P1", "modified"], [None, "O2", "added"], ["O4", "O3", "moved"]]
    out = link_scores(wrong, links)
    assert out["links"]["f1"] == pytest.approx(2 / 3) and out["pairs"]["f1"] == 1.0


def test_diff_plan():
    assert diff_plan({"txt", "pdf", "scan"}, {"txt", "pdf", "ocr"}) == [
        ("txt", "txt", "txt"), ("pdf", "pdf", "pdf"), ("ocr:new", "txt", "ocr"),
        ("scan:old", "scan", "txt")]


# --- whole corpora ---------------------------------------------------------------------------

def test_hand_corpus(hand_corpus):
    result = evaluate_corpus(hand_corpus, workers=1)
    rows = result["inputs"]
    assert len(rows) == 2 and result["unmatched"] == ["stray.txt"]
    row = rows[0]
    assert row["text_cer"] == 0.0
    assert row["raw_cer"] > row["text_cer"]
    assert row["paragraphs"]["all"]["f1"] == 1.0
    assert row["footnotes"]["pairs"]["f1"] == 1.0
    assert row["metadata_exact"] == 1.0
    assert row["cites"]["f1"] == 1.0
    (diff,) = result["diffs"]
    assert diff["variant"] == "txt" and diff["links"]["f1"] == 1.0
    assert result["summary"]["txt"]["diff"]["links"]["f1"] == 1.0


def test_seed(tmp_path):
    if not (SEED / "A_C.2_58_L.37.gold.json").exists():
        pytest.skip(f"no seed corpus at {SEED}")
    for p in SEED.iterdir():
        shutil.copy(p, tmp_path / p.name)
    result = evaluate_corpus(tmp_path, workers=1)
    (row,) = result["inputs"]
    assert row["variant"] == "ocr"
    assert row["text_cer"] <= 0.003
    assert row["raw_cer"] > 0.1  # interleaved footnotes and OCR errors before cleaning
    corrections = row["corrections"]
    assert corrections["right"] >= 10
    assert corrections["precision"] >= 0.9
    assert row["paragraphs"]["all"]["f1"] == 1.0
    assert row["footnotes"]["pairs"]["recall"] >= 0.9


def test_cli_json(hand_corpus):
    result = CliRunner().invoke(app, ["eval", str(hand_corpus), "--json", "--workers", "1"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    kinds = [line["type"] for line in lines]
    assert kinds == ["input", "input", "diff", "summary"]
    summary = lines[-1]
    assert summary["variant"] == "txt" and summary["docs"] == 2 and summary["clean_cer"] == 0.0


def test_cli_table_and_variant_filter(hand_corpus):
    result = CliRunner().invoke(app, ["eval", str(hand_corpus), "-v", "--variants", "pdf",
                                      "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "docpipe eval" in result.stdout
