"""Segmentation on small made-up texts, the seed and the GA-style fixtures in tests/data."""

import json
from pathlib import Path

import pytest

from pipeline.clean import clean
from pipeline.errors import NotAResolution
from pipeline.model import Cleaned, Extracted, Footnote, Line, Page
from pipeline.scoring import score_document
from pipeline.segment import find_citations, segment

DATA = Path(__file__).parent / "data"
SEED = Path(__file__).parents[2] / "shared/corpus/seed"


def doc_of(text: str, footnotes=(), furniture=()):
    return segment(Cleaned(text=text, footnotes=[Footnote(mark=m, text=t) for m, t in footnotes],
                           furniture=list(furniture)))


def test_preamble_operative_subparagraphs_and_links():
    doc = doc_of("The General Assembly,\n\nRecalling its resolution 56/203,[^1]\n\nAware that it is,\n\n"
                 "1. Calls upon States to consider:\n\n(a) Strengthening cooperation;\n\n(b) Protecting migrants;\n\n"
                 "2. Decides to remain seized of the matter.", [("1", "A/58/98.")], ["A/C.2/58/L.37"])
    assert [p.text for p in doc.preamble] == ["Recalling its resolution 56/203,[^1]", "Aware that it is,"]
    assert [(p.number, p.text) for p in doc.operative] == [
        ("1", "Calls upon States to consider:\n(a) Strengthening cooperation;\n(b) Protecting migrants;"),
        ("2", "Decides to remain seized of the matter.")]
    assert [(l.mark, l.paragraph, l.offset) for l in doc.footnote_links] == [("1", "P1", 32)]
    assert doc.cites == ["A/RES/56/203", "A/58/98"]
    assert (doc.symbol, doc.session, doc.body, doc.kind) == (
        "A/C.2/58/L.37", 58, "General Assembly, Second Committee", "draft resolution")


def test_lost_number_merged_paragraph_and_displaced_number():
    doc = doc_of("The General Assembly,\n\nNoting a,\n\n1. Takes note of the report; 2. Urges States to act;\n\n"
                 "Requests the Secretary-General to report; 4.\n\nDecides to continue.")
    assert [(p.number, p.text) for p in doc.operative] == [
        ("1", "Takes note of the report;"), ("2", "Urges States to act;"),
        ("3", "Requests the Secretary-General to report;"), ("4", "Decides to continue.")]


def test_merged_preambular_paragraphs_are_split_at_the_opener():
    doc = doc_of("The General Assembly,\n\nNoting that tolerance matters, Recognizing the impact of brain drain,")
    assert [p.text for p in doc.preamble] == ["Noting that tolerance matters,", "Recognizing the impact of brain drain,"]


def test_a_text_without_paragraphs_is_not_a_resolution():
    with pytest.raises(NotAResolution):
        doc_of("")


@pytest.mark.parametrize("text, cites", [
    ("resolution S-21/2 of 2 July 1999", ["A/RES/S-21/2"]),
    ("Resolution 217 A (III).", ["A/RES/217(III)"]),
    ("See resolution 2106 A (XX), annex.", ["A/RES/2106(XX)"]),
    ("Economic and Social Council decision 1995/313 of 27 July 1995", ["E/DEC/1995/313"]),
    ("Economic and Social Council resolution 2004/2", ["E/RES/2004/2"]),
    ("its resolutions 49/127 of 19 December 1994 and 50/123 of 20 December 1995", ["A/RES/49/127", "A/RES/50/123"]),
    ("its decision 57/542 and document A/58/483/Add.3.", ["A/DEC/57/542", "A/58/483/Add.3"]),
    ("Security Council resolution 1325 (2000)", ["S/RES/1325(2000)"]),
    ("5-13 September 1994 (Sales No. E.95.XIII.18), chap. I, resolution 1, annex.", []),
])
def test_find_citations(text, cites):
    assert find_citations(text) == cites


def load_fixture(stem: str):
    text = (DATA / f"{stem}.txt").read_text(encoding="utf-8")
    pages = [Page(number=i, method="text", lines=[Line(text=t) for t in page.splitlines()])
             for i, page in enumerate(text.split("\f"), 1)]
    gold = json.loads((DATA / f"{stem}.gold.json").read_text(encoding="utf-8"))
    return Extracted(source_name=f"{stem}.txt", media_type="text/plain", pages=pages), gold


@pytest.mark.parametrize("stem", ["A_RES_58_208", "A_C.2_60_L.12_Rev.1"])
def test_fixtures_end_to_end(stem):
    extracted, gold = load_fixture(stem)
    doc = segment(clean(extracted))
    scores = score_document(doc, gold, raw_text=extracted.text)
    assert scores["counts"]["predicted"] == scores["counts"]["gold"]
    assert all(scores["metadata"].values()), scores["metadata"]
    assert set(doc.cites) == set(gold["cites"])
    assert scores["text_cer"] <= 0.003
    assert scores["footnotes"]["in_place"]["f1"] == 1.0
    assert [p.model_dump() for p in doc.operative] == gold["operative"]
    for field in ("report_line", "sponsors"):
        if field in gold:
            assert getattr(doc, field) == gold[field]


def test_resolution_fixture_furniture_and_date():
    extracted, _ = load_fixture("A_RES_58_208")
    cleaned = clean(extracted)
    assert cleaned.furniture == ["03-50620", "03-50620", "*0350620*", "A/RES/58/208", "2/2"]
    assert segment(cleaned).date == "2004-02-17"


def test_seed_structure():
    if not (SEED / "A_C.2_58_L.37.ocr.txt").exists():
        pytest.skip(f"seed corpus not found at {SEED} (shared/ must sit beside the repository)")
    text = (SEED / "A_C.2_58_L.37.ocr.txt").read_text(encoding="utf-8")
    gold = json.loads((SEED / "A_C.2_58_L.37.gold.json").read_text(encoding="utf-8"))
    extracted = Extracted(source_name="A_C.2_58_L.37.ocr.txt", media_type="text/plain",
                          pages=[Page(number=1, method="text", lines=[Line(text=t) for t in text.splitlines()])])
    doc = segment(clean(extracted))
    assert (len(doc.preamble), len(doc.operative), len(doc.footnotes)) == (11, 9, 13)
    assert (doc.symbol, doc.session, doc.body, doc.kind) == (
        gold["symbol"], gold["session"], gold["body"], gold["kind"])
    assert set(doc.cites) == set(gold["cites"])
    assert [f.mark for f in doc.footnotes] == ["*"] + [str(i) for i in range(1, 13)]
    assert {(l.mark, l.paragraph) for l in doc.footnote_links} >= {("10", "P3"), ("11", "P3"), ("12", "O1")}


# --- layout: corpus sources rendered to PDF, extracted, cleaned, segmented ----------------

CORPUS_SOURCES = Path(__file__).parents[1] / "corpus" / "sources"
METADATA = ("symbol", "session", "body", "kind", "title", "agenda_item", "opening")


def _rendered(stem: str, scan: bool = False):
    build = pytest.importorskip("corpus.build")
    from pipeline.extract import extract
    from tests.docgen import degrade

    path = CORPUS_SOURCES / f"{stem}.gold.json"
    if not path.exists():
        pytest.skip(f"corpus source {stem} not found")
    gold = json.loads(path.read_text(encoding="utf-8"))
    pdf = build.make_pdf(gold, stem)
    return extract(degrade(pdf) if scan else pdf, f"{stem}.pdf"), gold


@pytest.mark.parametrize("stem", ["A_C.2_61_L.40_Rev.1", "A_RES_60_227", "A_C.3_62_L.6"])
def test_born_digital_pdf_end_to_end(stem):
    extracted, gold = _rendered(stem)
    doc = segment(clean(extracted))
    assert (len(doc.preamble), len(doc.operative), len(doc.footnotes)) == (
        len(gold["preamble"]), len(gold["operative"]), len(gold["footnotes"]))
    assert {f: getattr(doc, f) for f in METADATA} == {f: gold[f] for f in METADATA}
    scores = score_document(doc, gold)
    assert scores["text_cer"] == 0.0
    assert scores["footnotes"]["in_place"]["f1"] == 1.0
    assert [p.model_dump() for p in doc.operative] == gold["operative"]


def test_scanned_sample_end_to_end():
    """One OCR run (about 2 s): structure, masthead and footnotes from Tesseract's boxes."""
    import shutil

    from pipeline.extract import extract
    from tests.docgen import degrade, render_pdf, sample_document

    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed")
    gold = sample_document()
    doc = segment(clean(extract(degrade(render_pdf(gold)), "sample.scan.pdf")))
    assert (len(doc.preamble), len(doc.operative), len(doc.footnotes)) == (3, 3, 4)
    assert (doc.symbol, doc.session, doc.body, doc.title, doc.agenda_item) == (
        gold["symbol"], gold["session"], gold["body"], gold["title"], gold["agenda_item"])
    assert [f.mark for f in doc.footnotes] == ["*", "1", "2", "3"]
    assert doc.sponsors == ["Morocco"]
    assert score_document(doc, gold)["text_cer"] < 0.01


@pytest.mark.parametrize("token, symbol", [
    ("AIC.3/61/L.18", "A/C.3/61/L.18"), ("A/JRES/61/208", "A/RES/61/208"),
    ("A/C.2/61/1..40/Rev.1", "A/C.2/61/L.40/Rev.1"), ("AIC.3/61/.18", "A/C.3/61/L.18"),
    ("AIRES/62/244", "A/RES/62/244"), ("A/6L/SIS", None)])
def test_repair_symbol(token, symbol):
    from pipeline.segment import repair_symbol

    assert repair_symbol(token) == symbol


def test_symbol_is_not_taken_from_a_report_line_that_lost_its_bracket():
    from pipeline.segment import find_symbol

    lines = ["United Nations : ~ AIRES/64/130", "fon the report of the Third Committee (A/64/432)]"]
    assert find_symbol(lines, ["AIRES/64/130"]) == "A/RES/64/130"
