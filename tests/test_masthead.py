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


# --- titles and symbols as OCR damages them (issue #4) -------------------------------------

@pytest.mark.parametrize("lines, title", [
    # a leading quote and stop, a stray opening quote inside that nothing closes
    (["Austria, Hungary, Slovenia: draft resolution",
      "\". Access to justice for persons belonging ‘to minorities"],
     "Access to justice for persons belonging to minorities"),
    # a dash before, specks after
    (["Chile: draft resolution", "- Protection of migrants ’", "and their families . _"],
     "Protection of migrants and their families"),
    # the stop after the resolution number read as a colon, a comma, a semicolon
    (["Agenda item 97", "68/52: Measures to prevent terrorists from acquiring radioactive",
      "materials and sources"],
     "Measures to prevent terrorists from acquiring radioactive materials and sources"),
    (["68/52, Measures to prevent terrorists"], "Measures to prevent terrorists"),
    (["‘68/52; Measures to prevent terrorists"], "Measures to prevent terrorists"),
    # quotations and apostrophes the title prints stay
    (["Japan: draft resolution", "“Culture of peace” and the States’ role"],
     "“Culture of peace” and the States’ role"),
])
def test_titles_come_out_as_printed(lines, title):
    assert title_and_sponsors(lines)[0] == title


def test_a_resolution_title_with_a_colon_gives_the_symbol_when_the_masthead_has_none():
    doc = doc_of("United Nations fl ieee\n\nGeneral Assembly Distr.: General\n\n"
                 "68/52: Measures to prevent terrorists from acquiring radioactive materials")
    assert (doc.symbol, doc.session, doc.kind, doc.title) == (
        "A/RES/68/52", 68, "resolution",
        "Measures to prevent terrorists from acquiring radioactive materials")


OCR_TWO_PAGES = """United Nations i ale aeon 14

General Assembly = Distr.: Limited
17 October 2014

Original: English

Sixty-ninth session
First Committee
Agenda item 96 (z)

Austria, Chile, Mexico: draft resolution
Nuclear disarmament verification

The General Assembly,

Recalling its resolution 68/47 of 5 December 2013,

Mindful of the need for effective verification of nuclear disarmament,

1. Welcomes the work of the Conference on Disarmament;

14-62617 (E) 201014 *1462617*

AIC.1/69/L.14

2. Requests the Secretary-General to seek the views of Member States;

3. Decides to include in the provisional agenda of its seventieth session the item.
"""


def test_an_unreadable_masthead_symbol_is_read_from_the_running_header():
    from pipeline.clean import clean
    from pipeline.extract import extract

    cleaned = clean(extract(OCR_TWO_PAGES.encode(), "draft.ocr.txt"))
    doc = segment(cleaned)
    assert (doc.symbol, doc.session, doc.kind, doc.body) == (
        "A/C.1/69/L.14", 69, "draft resolution", "General Assembly, First Committee")
    assert [p.number for p in doc.operative] == ["1", "2", "3"]
    assert not any("L.14" in p.text for p in doc.operative)  # the header is furniture
    assert "A/C.1/69/L.14" not in doc.cites


# --- mastheads read off whitened scans (issue #4) ------------------------------------------

def test_a_header_symbol_split_after_the_committee_is_a_reading():
    # OCR puts a space after a committee's "C." in a running header or footer
    assert symbol_readings("\"AIC. 2/58/L.37/Rev.1", masthead=False) == ["A/C.2/58/L.37/Rev.1"]
    assert symbol_readings("NC. 6/63/L.10") == ["A/C.6/63/L.10"]
    # a page number after "C." stays no symbol's part
    assert symbol_readings("see para. C. 2/3 above") == []


def test_an_unreadable_masthead_symbol_is_read_from_a_header_split_after_the_committee():
    doc = doc_of("United Nations AC, 2158/2 37/Rev.1\n\nGeneral Assembly Dist Limited\n\n"
                 "Original: English\n\nFifty-eighth session\nSecond Committee\nAgenda item 93 (c)\n\n"
                 "Morocco*: revised draft resolution\nPromotion of new and renewable sources of energy",
                 furniture=["03-61234 (E) oo oe , . #0361234\"", "\"AIC. 2/58/L.37/Rev.1"])
    assert (doc.symbol, doc.session, doc.kind, doc.body) == (
        "A/C.2/58/L.37/Rev.1", 58, "revised draft resolution", "General Assembly, Second Committee")


@pytest.mark.parametrize("line", [
    "Chile, Fiji, Ghana, New Zealand’; draft resolution",  # the colon read as a semicolon
    "Chile, Fiji, Ghana, New Zealand* ; draft resolution",
])
def test_a_sponsor_line_with_its_colon_misread_still_opens_the_title(line):
    title, sponsors = title_and_sponsors([line, "Cooperatives in social development"])
    assert (title, sponsors) == ("Cooperatives in social development",
                                 ["Chile", "Fiji", "Ghana", "New Zealand"])


@pytest.mark.parametrize("label, report, item", [
    # the sub-item's bracket read as a letter, its letter as another: the report's Add.N tells it
    ("Agenda item 93 te)", "[on the report of the Second Committee (A/58/484/Add.3)]", "93 (c)"),
    ("Agenda item 70 tb}", "[on the report of the Third Committee (A/62/435/Add.2)]", "70 (b)"),
    ("Agenda item 70 fe)", "[on the report of the Third Committee (A/62/435/Add.1)]", "70 (a)"),
    # without a report that tells the letter, the item stays without one
    ("Agenda item 93 te)", "[without reference to a Main Committee (A/58/L.50)]", "93"),
])
def test_a_damaged_sub_item_label_is_read_from_the_report(label, report, item):
    from pipeline.segment import agenda_item

    lines = ["Fifty-eighth session", label,
             "Resolution adopted by the General Assembly on 22 December 2003", report]
    assert agenda_item(lines) == item


def test_a_running_header_split_after_the_committee_is_furniture_of_a_plain_ocr_text():
    from pipeline.clean import clean, own_symbol
    from pipeline.extract import extract

    text = OCR_TWO_PAGES.replace("\nAIC.1/69/L.14\n", "\nAIC. 1/69/L.14 :\n")
    cleaned = clean(extract(text.encode(), "draft.ocr.txt"))
    doc = segment(cleaned)
    assert doc.symbol == "A/C.1/69/L.14"
    assert not any("L.14" in p.text for p in doc.operative)  # the header is furniture
    assert any("L.14" in f for f in cleaned.furniture)
