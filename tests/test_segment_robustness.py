"""Paragraph structure from damaged OCR: numbers read as words, specks after a paragraph's
end, lost or displaced numbers, merged lines, paragraphs across pages, a damaged
agenda sub-item. Inputs are made-up OCR pages (line boxes as Tesseract gives them)."""

from pipeline import clean as c
from pipeline.model import Change, Cleaned, Extracted, Line, Page
from pipeline.segment import agenda_item, find_symbol, segment, symbol_readings, title_and_sponsors

LEFT, RIGHT, PITCH = 108.0, 523.0, 13.0


def _line(text: str, top: float, x0: float = LEFT, x1: float = RIGHT) -> Line:
    # OCR's boxes overlap and grow with skew: the gap between lines proves little.
    return Line(text=text, x0=x0, x1=x1, top=top, bottom=top + PITCH + 2, size=10.5)


def _ocr_page(rows: list[tuple[str, float, float]], number: int = 1, first_top: float = 100.0) -> Page:
    """``rows``: (text, x0, x1) one line pitch apart."""
    lines = [_line(t, first_top + PITCH * i, x0, x1) for i, (t, x0, x1) in enumerate(rows)]
    return Page(number=number, method="ocr", width=595, height=842, lines=lines)


def _segment(pages: list[Page]):
    cleaned = c.clean(Extracted(source_name="t.scan.pdf", media_type="application/pdf", pages=pages))
    return cleaned, segment(cleaned)


INDENT = LEFT + 36
FORMULA = ("The General Assembly,", INDENT, 240.0)
PREAMBLE = [
    ("Recalling its earlier resolutions on the safety of inland waterways and on the", INDENT, RIGHT),
    ("protection of river communities,", LEFT, 260.0),
    ("Noting with concern the rising number of accidents on rivers and lakes in many", INDENT, RIGHT),
    ("regions of the world,", LEFT, 220.0),
]


def test_a_number_read_as_a_short_word_opens_the_next_operative_paragraph():
    rows = [FORMULA] + PREAMBLE + [
        ("1. Takes note of the report of the Secretary-General on the safety of inland", LEFT, RIGHT),
        ("waterways;", LEFT, 160.0),
        # OCR read "2." as a word: the line before is the short last line of a paragraph,
        # and a paragraph never opens in lower case.
        ("pat Invites Member States to accede to the conventions on river navigation and", LEFT, RIGHT),
        ("to ensure their full implementation;", LEFT, 300.0),
        ("qs Requests the Secretary-General to report on the matter at its next session.", LEFT, RIGHT),
    ]
    cleaned, doc = _segment([_ocr_page(rows)])
    assert [(p.number, p.text.split()[0]) for p in doc.operative] == [
        ("1", "Takes"), ("2", "Invites"), ("3", "Requests")]
    assert len(doc.preamble) == 2
    assert any(ch.rule == "restore_paragraph_numbers" and ch.before.startswith("pat Invites")
               and ch.after.startswith("2. Invites") for ch in cleaned.changes)


def test_a_lower_case_word_after_a_full_line_continues_the_paragraph():
    rows = [FORMULA] + PREAMBLE + [
        ("1. Calls upon all Governments to cooperate with the organizations concerned and", LEFT, RIGHT),
        ("the Parties Calls for that purpose, with a view to strengthening river safety;", LEFT, RIGHT),
        ("2. Decides to remain seized of the matter.", LEFT, 330.0),
    ]
    _, doc = _segment([_ocr_page(rows)])
    assert [p.number for p in doc.operative] == ["1", "2"]
    assert "the Parties Calls for that purpose" in doc.operative[0].text


def test_the_first_operative_number_read_as_a_word_ends_the_preamble():
    rows = [FORMULA] + PREAMBLE + [
        ("aye Takes note of the report of the Secretary-General on the safety of inland", LEFT, RIGHT),
        ("waterways;", LEFT, 160.0),
        ("2. Decides to remain seized of the matter.", LEFT, 330.0),
    ]
    _, doc = _segment([_ocr_page(rows)])
    assert len(doc.preamble) == 2
    assert [(p.number, p.text.split()[0]) for p in doc.operative] == [("1", "Takes"), ("2", "Decides")]


def test_a_speck_after_a_paragraphs_comma_does_not_hide_the_break():
    rows = [FORMULA,
            ("Noting with concern the rising number of accidents on rivers and lakes in many", INDENT, RIGHT),
            ("regions of the world, and the losses they cause to the communities living along", LEFT, RIGHT),
            ("the banks of those rivers, Bee", LEFT, 470.0),
            ("Recognizing that safe navigation depends on reliable charts and signals on", INDENT, RIGHT),
            ("every waterway and on the training of crews in the use of modern equipment for", LEFT, RIGHT),
            ("navigation,", LEFT, 200.0),
            ("1. Decides to remain seized of the matter.", LEFT, 330.0)]
    _, doc = _segment([_ocr_page(rows)])
    assert [p.text.split()[0] for p in doc.preamble] == ["Noting", "Recognizing"]


def test_a_paragraph_continues_across_a_page_break():
    page1 = [FORMULA] + PREAMBLE + [
        ("1. Encourages Member States to develop national plans for the safety of inland", LEFT, RIGHT),
    ]
    page2 = [("waterways, in cooperation with the river commissions;", LEFT, 380.0),
             ("2. Decides to remain seized of the matter.", LEFT, 330.0)]
    _, doc = _segment([_ocr_page(page1), _ocr_page(page2, number=2)])
    assert [p.number for p in doc.operative] == ["1", "2"]
    assert doc.operative[0].text.endswith("in cooperation with the river commissions;")


def _cleaned(text: str) -> Cleaned:
    return Cleaned(text=text)


def test_lost_merged_and_displaced_numbers_in_the_cleaned_text():
    doc = segment(_cleaned(
        "The General Assembly,\n\nBearing in mind the work done,\n\n"
        "1. Welcomes the report; 2. Urges States to act;\n\n"       # a merged line
        "Invites donors to contribute; 4.\n\n"                       # lost number, displaced one
        "Decides to continue the consideration of the question."))
    assert [(p.number, p.text.split()[0]) for p in doc.operative] == [
        ("1", "Welcomes"), ("2", "Urges"), ("3", "Invites"), ("4", "Decides")]


def test_agenda_sub_item_letter_from_a_damaged_label():
    masthead = ["Sixtieth session", "Agenda item 51", "[on the report of the Second Committee "
                "(A/60/488/Add.3)]"]
    # Cleaning dropped "()" as a speck: the printed label had a letter, the report's part
    # (Add.3: the committee's report on sub-item (c)) says which.
    assert agenda_item(masthead, ["Agenda item 51 ()"]) == "51 (c)"
    assert agenda_item(["Agenda item 51 €)"]) == "51 (c)"  # "(c" read as one glyph
    assert agenda_item(["Agenda item 62 (b} ."]) == "62 (b)"
    assert agenda_item(["Agenda item 99 (aa)"]) == "99 (aa)"  # past (z): (aa), (bb), ...
    assert agenda_item(["Agenda item 99,(k)"]) == "99 (k)"  # the space read as a comma
    assert agenda_item(["Agenda item 99 (ab)"]) == "99"  # no such label
    # No remnant: nothing says there was a sub-item, whatever the report line.
    assert agenda_item(masthead) == "51"
    assert agenda_item(["Agenda item 51 ()"]) == "51"  # a letter, but no evidence which


def test_segment_reads_the_dropped_remnant_from_the_changes():
    cleaned = Cleaned(
        text="Agenda item 51\n[on the report of the Second Committee (A/60/488/Add.2)]\n"
             "60/230. Migration\n\nThe General Assembly,\n\nRecalling its resolutions,\n\n"
             "1. Decides to continue.",
        changes=[Change(rule="drop_ocr_specks", position=0, before="Agenda item 51 ()",
                        after="Agenda item 51")])
    assert segment(cleaned).agenda_item == "51 (b)"


def test_a_number_displaced_into_its_paragraph_goes_back_to_its_place():
    doc = segment(_cleaned(
        "The General Assembly,\n\nBearing in mind the work done,\n\n1. Welcomes the report;\n\n"
        "Requests the Secretary-General 2. to report on the matter at its next session, in "
        "accordance with paragraph 3. of the annex."))
    assert [(p.number, p.text) for p in doc.operative] == [
        ("1", "Welcomes the report;"),
        ("2", "Requests the Secretary-General to report on the matter at its next session, in "
              "accordance with paragraph 3. of the annex.")]


def test_openers_in_plain_type_segment_as_in_italics():
    """Paragraph breaks come from layout and numbering, never from the openers' italics:
    a document set with openers in roman type segments the same."""
    from pipeline.extract import extract
    from pipeline.scoring import paragraph_scores
    from tests.docgen import render_pdf
    gold = {"symbol": "A/C.2/66/L.9", "session": 66, "body": "General Assembly, Second Committee",
            "title": "Safety of inland waterways", "agenda_item": "19",
            "preamble": [{"text": "Recalling its resolution 64/200 of 21 December 2009 on the safety of "
                                  "inland waterways and the protection of river communities,"},
                         {"text": "Noting with concern the rising number of accidents on rivers and lakes,"}],
            "operative": [{"number": "1", "text": "Takes note of the report of the Secretary-General;"},
                          {"number": "2", "text": "Invites Member States to accede to the conventions on "
                                                  "river navigation and to ensure their full implementation;"},
                          {"number": "3", "text": "Decides to remain seized of the matter."}]}
    for italic in (True, False):
        doc = segment(c.clean(extract(render_pdf(gold, italic_openers=italic), "t.pdf")))
        assert paragraph_scores(doc, gold)["all"]["f1"] == 1.0, italic


# --- the numbering's own evidence: a number read as a word or misread (issue #4) --------

def test_a_number_read_as_a_word_on_a_new_page_after_a_full_line():
    # Page 1 ends with a one-line paragraph that fills the measure: no short last line to
    # show the break. The numbering does: "1." before, "3." after, "ee Urges" between.
    page1 = [FORMULA] + PREAMBLE + [
        ("1. Takes note of the report of the Secretary-General on the safety of all inland", LEFT, RIGHT),
        ("waterways and the work of the river commissions on the matter in the last year;", LEFT, RIGHT),
    ]
    page2 = [("ee Urges States to take all necessary measures to ensure the safety of the crews", LEFT, RIGHT),
             ("of vessels on their waterways;", LEFT, 300.0),
             ("3. Decides to remain seized of the matter.", LEFT, 330.0)]
    _, doc = _segment([_ocr_page(page1), _ocr_page(page2, number=2)])
    assert [(p.number, p.text.split()[0]) for p in doc.operative] == [
        ("1", "Takes"), ("2", "Urges"), ("3", "Decides")]


def _plain(text: str):
    page = Page(number=1, method="text", lines=[Line(text=t) for t in text.split("\n")])
    cleaned = c.clean(Extracted(source_name="t.ocr.txt", media_type="text/plain", pages=[page]))
    return cleaned, segment(cleaned)


PLAIN_HEAD = """The General Assembly,

Recalling its earlier resolutions on the safety of inland waterways and on the
protection of river communities,

1. Takes note of the report of the Secretary-General on the safety of inland
waterways;

2. Invites Member States to accede to the conventions on river navigation;
"""


def test_plain_ocr_text_a_capitalised_short_token_for_the_number():
    # "3." read as "Sec": a capitalised word, but the numbering wants 3 there
    text = PLAIN_HEAD + """
Sec Calls upon Member States to cooperate with the river commissions in the
exchange of information on accidents;

4. Decides to remain seized of the matter.
"""
    _, doc = _plain(text)
    assert [(p.number, p.text.split()[0]) for p in doc.operative] == [
        ("1", "Takes"), ("2", "Invites"), ("3", "Calls"), ("4", "Decides")]


def test_plain_ocr_text_a_misread_digit_takes_the_numbers_place_in_the_sequence():
    text = PLAIN_HEAD + """
2: Strongly urges all States to establish national registers of vessels;

4. Decides to remain seized of the matter.
"""
    _, doc = _plain(text)
    assert [(p.number, p.text.split()[0]) for p in doc.operative] == [
        ("1", "Takes"), ("2", "Invites"), ("3", "Strongly"), ("4", "Decides")]


def test_plain_ocr_text_a_continuation_after_footnotes_gets_no_number():
    # A sub-item runs across the page's footnotes; its last words follow them after a
    # speck. The next number OCR read is 3: no number is missing here.
    text = PLAIN_HEAD.replace("navigation;", "navigation:") + """
(a) To share information on accidents with the International Maritime

' United Nations, Treaty Series, vol. 823, No. 11806.
2 A/64/303. -

" Organization (IMO);

3. Decides to remain seized of the matter.
"""
    cleaned, _ = _plain(text)
    assert not any(ch.rule == "restore_paragraph_numbers" and "Organization (IMO)" in ch.after
                   and ch.after[:1].isdigit() for ch in cleaned.changes)
    assert "3. Decides to remain seized of the matter." in cleaned.text


# --- issue #4, session 3: batch4/batch5 scans ---------------------------------------------

def test_a_number_read_as_a_letter_before_a_quoted_verb_is_the_missing_number():
    rows = [FORMULA] + PREAMBLE + [
        ("1. Takes note of the report;", LEFT, 300.0),
        ("2. Invites States to act;", LEFT, 250.0),
        ("3. Requests a report;", LEFT, 250.0),
        ("4. Urges Member States to keep the rivers open to traffic;", LEFT, 400.0),
        ('S. "Calls upon Member States to keep supply chains functioning during the', LEFT, RIGHT),
        ("pandemic;", LEFT, 180.0),
        ("6. Stresses the importance of sustainable transport;", LEFT, 380.0)]
    _, doc = _segment([_ocr_page(rows)])
    assert [(p.number, p.text.split()[0]) for p in doc.operative] == [
        ("1", "Takes"), ("2", "Invites"), ("3", "Requests"), ("4", "Urges"), ("5", "Calls"),
        ("6", "Stresses")]


def test_a_speck_between_a_paragraphs_number_and_its_verb_goes():
    rows = [FORMULA] + PREAMBLE + [
        ("1. ’ Takes note of the report of the Secretary-General;", LEFT, 420.0),
        ("2.°. Invites States to act;", LEFT, 250.0)]
    _, doc = _segment([_ocr_page(rows)])
    assert [(p.number, p.text) for p in doc.operative] == [
        ("1", "Takes note of the report of the Secretary-General;"), ("2", "Invites States to act;")]


def test_a_symbol_ocr_garbled_past_repair_is_built_from_the_mastheads_words():
    lines = ["United Nations oo ‘AIC.AIT8IL.6", "General Assembly — | 20 October 2023",
             "Seventy-eighth session", "Fourth Committee", "Agenda item 48"]
    assert find_symbol(lines, []) == "A/C.4/78/L.6"
    assert find_symbol(["United Nations . AIC.AIT8/L.52 Rev.1"] + lines[1:3] + ["First Committee"], []) \
        == "A/C.1/78/L.52"
    # Words without a token that confirms them build nothing; nor a token too far from them.
    assert find_symbol(lines[1:], []) is None
    assert find_symbol(["United Nations XYZQW/RSTL.6"] + lines[1:], []) is None
    # A bracket read for a slash in a running header.
    assert symbol_readings("AIC.4[78/L.6", masthead=False) == ["A/C.4/78/L.6"]


def test_a_sponsor_list_over_lines_and_one_that_lost_its_colon():
    title, sponsors = title_and_sponsors([
        "Argentina, Australia, Belarus, Canada, Finland,", "Sweden, Ukraine*: draft resolution",
        "Effects of atomic radiation"])
    assert (title, sponsors) == ("Effects of atomic radiation",
                                 ["Argentina", "Australia", "Belarus", "Canada", "Finland", "Sweden", "Ukraine"])
    title, sponsors = title_and_sponsors(["Fiji, Nauru, Samoa, Tuvalu, aimee draft resolution",
                                          "Addressing the legacy of nuclear weapons"])
    assert title == "Addressing the legacy of nuclear weapons" and sponsors[:2] == ["Fiji", "Nauru"]
    # "revised draft / resolution" over two lines.
    assert title_and_sponsors(["Ghana, Kenya, Thailand*: revised draft", "resolution",
                               "Agricultural technology for sustainable development"]) == (
        "Agricultural technology for sustainable development", ["Ghana", "Kenya", "Thailand"])
    # A title that speaks of a draft resolution is no sponsor line.
    assert title_and_sponsors(["Consideration of the draft resolution"]) == (None, [])
