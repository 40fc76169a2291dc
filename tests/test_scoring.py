"""Scoring helpers on hand-made documents."""

import pytest

from pipeline.model import Document, Footnote, OperativeParagraph, Paragraph
from pipeline import scoring as s

GOLD = {"symbol": "A/C.2/58/L.37", "session": 58, "kind": "draft resolution", "title": None,
        "preamble": [{"text": "Recalling Cairo,[^1] in particular"}, {"text": "Noting the report,"}],
        "operative": [{"number": "1", "text": "Takes note;[^2]"}],
        "footnotes": [{"mark": "1", "text": "Report."}, {"mark": "2", "text": "A/58/98."}],
        "cites": ["A/58/98", "A/RES/56/203"]}


def test_cer_removes_markers_and_collapses_whitespace():
    assert s.cer("Cairo,[^1]  in\nparticular", "Cairo, in particular") == 0.0
    assert s.cer("Cairo, in particulr", "Cairo, in particular") == pytest.approx(1 / 20)


def test_perfect_prediction_scores_one():
    doc = Document(symbol="A/C.2/58/L.37", session=58, preamble=[Paragraph(text=p["text"]) for p in GOLD["preamble"]],
                   operative=[OperativeParagraph(number="1", text="Takes note;[^2]")],
                   footnotes=[Footnote(mark="1", text="Report."), Footnote(mark="2", text="A/58/98.")],
                   cites=["A/RES/56/203", "A/58/98"])
    out = s.score_document(doc, GOLD)
    assert out["text_cer"] == 0.0
    assert out["paragraphs"]["all"]["f1"] == 1.0
    assert out["footnotes"]["pairs"]["f1"] == 1.0
    assert all(out["metadata"].values())
    assert out["cites"]["f1"] == 1.0


def test_misplaced_marker_and_missing_paragraph():
    pred = {"symbol": "A/C.2/58/L.37", "session": 57, "kind": "draft resolution", "title": None,
            "preamble": [{"text": "Recalling Cairo, in particular[^1]"}],
            "operative": [{"number": "1", "text": "Takes note;"}], "footnotes": [], "cites": ["A/58/98"]}
    out = s.score_document(pred, GOLD, raw_text="Recalling Cairo")
    assert out["paragraphs"]["preamble"]["recall"] == 0.5
    assert out["paragraphs"]["preamble"]["precision"] == 1.0
    assert out["footnotes"]["pairs"]["recall"] == 0.5  # (P1, 1) found, (O1, 2) lost
    assert out["footnotes"]["in_place"]["recall"] == 0.0  # but at the wrong place
    assert out["metadata"]["session"] is False and out["metadata"]["symbol"] is True
    assert out["cites"]["recall"] == 0.5
    assert out["raw_cer"] > 0.5


def test_paragraph_matching_is_one_to_one_and_thresholded():
    assert s.match_paragraphs(["abc def", "abc def"], ["abc def"]) == [(0, 0)]
    assert s.match_paragraphs(["completely different"], ["abc def"]) == []


def test_marker_place_ignores_dash_and_quote_glyphs_but_not_position():
    gold = {"preamble": [{"text": "Mindful of the Decade of Family Farming, 2019–2028,[^5]"},
                         {"text": "Noting the “Framework”,[^6] adopted"}], "operative": []}
    same_place = {"preamble": [{"text": "Mindful of the Decade of Family Farming, 2019-2028,[^5]"},
                               {"text": "Noting the \"Framework\",[^6] adopted"}], "operative": []}
    moved = {"preamble": [{"text": "Mindful of the Decade of Family Farming,[^5] 2019-2028,"},
                          {"text": "Noting the \"Framework\", adopted[^6]"}], "operative": []}
    assert s.marker_contexts(same_place) == s.marker_contexts(gold)
    assert not s.marker_contexts(moved) & s.marker_contexts(gold)
