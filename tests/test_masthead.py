"""Masthead metadata from OCR'd mastheads: the symbol (split by a space, "A/" read as N,
cut short), the kind it implies, the title after a resolution's number (made-up mastheads
in the shape of General Assembly documents, damaged the way OCR damages them)."""

import pytest

from pipeline.model import Cleaned
from pipeline.segment import find_symbol, kind_of, segment, symbol_readings, title_and_sponsors

BODY = "\n\nThe General Assembly,\n\nRecalling its resolution 61/29,\n\n1. Decides to act."


def doc_of(masthead: str, furniture=()):
    return segment(Cleaned(text=masthead + BODY, furniture=list(furniture)))


@pytest.mark.parametrize("line, readings", [
    ("United Nations =: A/C.6/63/L.1 0/Rev.1", ["A/C.6/63/L.10/Rev.1"]),  # a space inside
    ("United Nations AJRES/63/11 9", ["A/RES/63/119"]),  # ... before the last digit
    ("United Nations _ NRES/63/119", ["A/RES/63/119"]),  # "A/" read as N
    ("United Nations : ~ AIRES/64/130", ["A/RES/64/130"]),
    ("A/58/L.5 9 January 2009", ["A/58/L.5"]),  # a date after the symbol is no part of it
    ("United Nations A/C.2/61/L.40/Rev.1", ["A/C.2/61/L.40/Rev.1"]),
    ("Distr.: General 15 January 2009", []),
    ("United Nations A/C.6/63/L.10/ Rev.1", ["A/C.6/63/L.10/Rev.1"]),  # spaces by a slash
    ("A/C.3/61/L.18 /Rev. 1", ["A/C.3/61/L.18/Rev.1"]),
])
def test_symbol_readings(line, readings):
    assert symbol_readings(line) == readings


def test_a_symbol_cut_short_in_the_masthead_is_the_running_headers_longer_one():
    lines = ["United Nations A/RES/63/11", "General Assembly Distr.: General"]
    assert find_symbol(lines, ["AJRES/63/119", "08-70835 (E)"]) == "A/RES/63/119"


def test_the_masthead_outvotes_one_damaged_header():
    lines = ["United Nations A/C.2/61/L.40/Rev.1"]
    assert find_symbol(lines, ["A/C.2/61/L.46/Rev.1"]) == "A/C.2/61/L.40/Rev.1"


def test_the_resolution_number_before_the_title_is_a_reading_of_the_symbol():
    lines = ["United Nations", "Sixty-third session", "Agenda item 75",
             "Resolution adopted by the General Assembly on 11 December 2008",
             "[on the report of the Sixth Committee (A/63/437)]",
             "63/1 19. Criminal accountability of United Nations officials"]
    assert find_symbol(lines, []) == "A/RES/63/119"


@pytest.mark.parametrize("symbol, lines, kind", [
    ("A/RES/63/119", [], "resolution"),
    ("A/C.6/63/L.10/Rev.1", [], "revised draft resolution"),
    ("A/C.6/63/L.10", [], "draft resolution"),
    # the symbol lost its /Rev.: the sponsor line still says what the document is
    ("A/C.6/63/L.10", ["Canada, Ghana, Nepal*: revised draft resolution"], "revised draft resolution"),
    (None, ["Resolution adopted by the General Assembly on 11 December 2008"], "resolution"),
    (None, ["Canada, Ghana: draft resolution"], "draft resolution"),
])
def test_kind(symbol, lines, kind):
    assert kind_of(symbol, lines) == kind


def test_title_after_a_resolution_number_ocr_split():
    title, sponsors = title_and_sponsors(["Agenda item 75", "63/1 19. Criminal accountability of",
                                          "United Nations officials"])
    assert (title, sponsors) == ("Criminal accountability of United Nations officials", [])


def test_an_ocr_resolution_masthead():
    doc = doc_of("United Nations _ NRES/63/119\n\nGeneral Assembly | \"15 January 2009\n\n"
                 "Original: English\n\nSixty-third session\n“Agenda item 75 _\n\n"
                 "Resolution adopted by the General Assembly on 11 December 2008\n"
                 "[on'the report of the Sixth Committee (A’63/437)]\n\n"
                 "63/1 19. Criminal accountability of United Nations officials and experts on mission",
                 furniture=["08-70835 (E) *0870835*"])
    assert (doc.symbol, doc.session, doc.kind, doc.body, doc.title) == (
        "A/RES/63/119", 63, "resolution", "General Assembly",
        "Criminal accountability of United Nations officials and experts on mission")
    assert doc.report_line.startswith("[on")


def test_an_ocr_revised_draft_masthead():
    doc = doc_of("United Nations =: A/C.6/63/L.1 0/Rev.1\n\nGeneral Assembly protest\n\n"
                 "Original: English\n\nSixty-third session\nSixth Committee\nAgenda item 75\n\n"
                 "Canada, Ghana, Greece, Nepal’: revised draft resolution\n"
                 "Criminal accountability of United Nations officials and experts on mission")
    assert (doc.symbol, doc.session, doc.kind, doc.body, doc.title, doc.sponsors) == (
        "A/C.6/63/L.10/Rev.1", 63, "revised draft resolution", "General Assembly, Sixth Committee",
        "Criminal accountability of United Nations officials and experts on mission",
        ["Canada", "Ghana", "Greece", "Nepal"])
    assert "A/C.6/63/L.10/Rev.1" not in doc.cites


def test_a_page_number_after_a_running_header_is_no_part_of_the_symbol():
    assert symbol_readings("A/RES/63/11 3", masthead=False) == ["A/RES/63/11"]
    assert find_symbol(["United Nations A/RES/63/11"], ["A/RES/63/11 3", "A/RES/63/11 5"]) == "A/RES/63/11"
    # a fragment with a slash is the symbol's, even in a header
    assert symbol_readings("AIC.6/63/L.1 0/Rev.1", masthead=False) == ["A/C.6/63/L.10/Rev.1"]
