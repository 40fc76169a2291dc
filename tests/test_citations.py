"""Citations: what a resolution cites, normalised as the corpus golds spell it, and what
it does not cite (numbers that only look like resolution numbers, OCR damage that leaves
more than one reading). Made-up sentences in the style of resolutions and footnotes."""

import pytest

from pipeline.model import Cleaned, Footnote
from pipeline.segment import find_citations, old_session, segment


@pytest.mark.parametrize("text, cites", [
    # the forms the golds use
    ("Recalling its resolution 59/300 of 22 June 2005 and its decision 59/551 of 22 December 2005,",
     ["A/RES/59/300", "A/DEC/59/551"]),
    ("Taking note of Economic and Social Council resolution 2008/23 of 24 July 2008,", ["E/RES/2008/23"]),
    ("See resolution 2200 A (XXI), annex.", ["A/RES/2200(XXI)"]),
    ("Resolution 179 (II).", ["A/RES/179(II)"]),
    ("Recalling its resolutions 3187 (XXVIII) of 18 December 1973, 3391 (XXX) of 19 November 1975 "
     "and 58/17 of 3 December 2003,", ["A/RES/3187(XXVIII)", "A/RES/3391(XXX)", "A/RES/58/17"]),
    # a number that continues is another body's numbering, not a GA resolution
    ("Recalling resolution 4/7.6/5 adopted by the General Conference of UNESCO at its thirty-fourth "
     "session,", []),
    ("See UNESCO document 33 C/Resolution 4/7.6-2 and resolution 4/7.6/5.", []),
    # a full stop OCR left after a number does not end the clause
    ("Recalling its resolutions 3187. (XXVIII) of 18 December 1973, 3391 (XXX) of 19 November 1975,",
     ["A/RES/3187(XXVIII)", "A/RES/3391(XXX)"]),
    # ... but a sentence does end at a full stop
    ("Adopted at its fifth meeting, resolution 5. 45/6 of the report", []),
])
def test_citations_as_the_golds_spell_them(text, cites):
    assert find_citations(text) == cites


@pytest.mark.parametrize("text, cites", [
    ("See resolution 2200 A (XXl), annex.", ["A/RES/2200(XXI)"]),  # l for I
    ("Resolution 22 A.(1). so", ["A/RES/22(I)"]),  # a speck, and a 1 for the I
    ("Recalling its decision 59/55l of 22 December 2005,", ["A/DEC/59/551"]),
    ("Recalling its resolutions 3187 (XXVIHD of 18 December 1973,", ["A/RES/3187(XXVIII)"]),
    ("the report of the Secretary-General (A62/329).", ["A/62/329"]),
    ("the report of the Sixth Committee (A/JRES/61/208)", ["A/RES/61/208"]),
])
def test_ocr_damage_with_one_reading_is_read(text, cites):
    assert find_citations(text) == cites


@pytest.mark.parametrize("text", [
    "Resolution 217 A (ID).",  # (II) or (III): the same print is either in the corpus
    "Resolution 22 A: (D.",  # (I) or (II)
    "Resolution 247 A (HD.",
    "Resolution 217 A (IIL).",  # no numeral
    "the decision of 59/55l delegations",  # no keyword right before the damaged number
    "documents A/6H/I187 and A/OI/SI5",  # letters glued to digits: no symbol
    "paragraph 22 (1) of the annex to resolution 5",
])
def test_ocr_damage_with_more_than_one_reading_is_no_citation(text):
    assert find_citations(text) == []


@pytest.mark.parametrize("glyphs, run_together, session", [
    ("XXl", False, "XXI"), ("1", False, "I"), ("XXVIH", True, "XXVIII"), ("I", True, None),
    ("", True, None), ("XL", False, None), ("HH", False, None), ("XXX", False, "XXX"),
])
def test_old_session(glyphs, run_together, session):
    assert old_session(glyphs, run_together) == session


def test_every_footnote_is_read_even_when_two_share_a_mark():
    text = ("United Nations A/C.6/63/L.10/Rev.1\n\nThe General Assembly,\n\n"
            "Recalling the Convention,[^*] and its resolution 61/29,\n\n1. Decides to act.")
    doc = segment(Cleaned(text=text, footnotes=[
        Footnote(mark="*", text="Reissued for technical reasons. Resolution 22 A (I)."),
        Footnote(mark="*", text="Resolution 179 (II).")]))
    assert doc.cites == ["A/RES/61/29", "A/RES/22(I)", "A/RES/179(II)"]
    assert {c.paragraph for c in doc.citations if c.symbol == "A/RES/179(II)"} == {"F*"}


def test_own_symbol_is_no_citation():
    assert find_citations("as contained in A/RES/63/119 and A/63/437", "A/RES/63/119") == ["A/63/437"]


# --- citations after OCR damage to a body's name or a list's comma (issue #4) ---------------

@pytest.mark.parametrize("text, own, cites", [
    # "Council" garbled: the numbers fit the Human Rights Council's series (sessions from
    # 2006), a General Assembly resolution 31/13 would be of 1976: no citation invented
    ("Recalling also Human Rights foes! resolutions 31/13 and 34/6 of 24 March 2017,",
     "A/C.3/72/L.33", []),
    ("Recalling Human Rights Counci1 resolution 31/13,", "A/C.3/72/L.33", []),
    # a body's name the Assembly's own citations never carry, mid-sentence
    ("Welcoming the Board resolution 25/3 of 2014,", "A/C.3/72/L.33", []),
    # the Assembly's own citations stay, even of old sessions
    ("Recalling its resolutions 31/13 and 70/166,", "A/C.3/72/L.33", ["A/RES/31/13", "A/RES/70/166"]),
    ("Recalling General Assembly resolution 34/180 of 18 December 1979,", "A/C.3/72/L.33",
     ["A/RES/34/180"]),
    ("See resolution 60/1.", "A/RES/62/63", ["A/RES/60/1"]),
    ("Recalls resolution 60/1 and decision 61/552;", "A/RES/62/63", ["A/RES/60/1", "A/DEC/61/552"]),
    # numbers the Assembly cannot have given: before its thirty-first session, after the
    # citing document's session (an OCR'd digit lost or misread)
    ("Recalling also its resolution 6/117 of 19 December 2001,", "A/C.3/64/L.8", []),
    ("Recalling its resolution 66/117 of 19 December 2001,", "A/C.3/64/L.8", []),
    # a body's name with OCR's specks in it
    ("and Economic and Social: -Council resolution 2007/27 of 26 July 2007,", "A/C.3/62/L.6",
     ["E/RES/2007/27"]),
])
def test_a_garbled_body_name_invents_no_general_assembly_citation(text, own, cites):
    assert find_citations(text, own) == cites


def test_a_comma_read_as_a_semicolon_does_not_end_a_list_of_resolutions():
    text = ("Recalling its resolutions 69/167 of 18 December 2014; 70/166 of 17 December 2015"
            " and 71/186 of 19 December 2016,")
    assert find_citations(text, "A/C.3/72/L.33") == ["A/RES/69/167", "A/RES/70/166", "A/RES/71/186"]
    # a semicolon before words still ends the clause
    assert find_citations("Recalling its resolution 70/1; welcomes the 2/3 majority", "A/70/L.2") \
        == ["A/RES/70/1"]
