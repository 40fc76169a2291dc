"""Sub-paragraphs (a), (b) / (i), (ii) and paragraph breaks on unseen layouts: labels
printed flush with the body (nothing but the label sequence shows the break), labels
damaged by OCR, breaks lost where OCR misread a paragraph's closing punctuation, and
plain OCR text whose blank lines are no proof either way. Inputs are made up."""

from pipeline import clean as c
from pipeline.model import Cleaned, Extracted, Line, Page
from pipeline.segment import segment

LEFT, RIGHT, PITCH = 108.0, 523.0, 13.0
INDENT = LEFT + 36
NEAR_FULL = RIGHT - 10  # a line that ends a sub-paragraph but is no "short last line"


def _line(text: str, top: float, x0: float, x1: float) -> Line:
    return Line(text=text, x0=x0, x1=x1, top=top, bottom=top + PITCH + 2, size=10.5)


def _ocr_page(rows: list[tuple[str, float, float]]) -> Page:
    lines = [_line(t, 100.0 + PITCH * i, x0, x1) for i, (t, x0, x1) in enumerate(rows)]
    return Page(number=1, method="ocr", width=595, height=842, lines=lines)


def _scan(rows):
    cleaned = c.clean(Extracted(source_name="t.scan.pdf", media_type="application/pdf",
                                pages=[_ocr_page(rows)]))
    return cleaned, segment(cleaned)


def _plain(text: str):
    pages = [Page(number=1, method="text", lines=[Line(text=t) for t in text.splitlines()])]
    cleaned = c.clean(Extracted(source_name="t.ocr.txt", media_type="text/plain", pages=pages))
    return cleaned, segment(cleaned)


FORMULA = ("The General Assembly,", INDENT, 240.0)
PREAMBLE = [
    ("Recalling its earlier resolutions on the protection of cultural heritage and on", INDENT, RIGHT),
    ("the return of stolen objects,", LEFT, 260.0),
]


def test_flush_sub_paragraphs_after_one_line_items_each_keep_their_own_line():
    rows = [FORMULA] + PREAMBLE + [
        ("1. Takes note of the report of the Secretary-General on stolen objects;", LEFT, 400.0),
        ("2. Encourages all States and the Organization to cooperate with each other: :", LEFT, NEAR_FULL),
        ("(a) In the exchange of information on the trafficking in stolen objects;", LEFT, NEAR_FULL),
        ("(b) In providing for the effective use in proceedings initiated by a State of: ‘", LEFT, NEAR_FULL),
        ("(i) Information and material obtained from the Organization and its bodies;", LEFT, NEAR_FULL),
        ("(ii) Statements of witnesses gathered by the investigators of the Organization;", LEFT, NEAR_FULL),
        ("(c) In the protection of witnesses and of other persons who provide evidence; and", LEFT, NEAR_FULL),
        ("(d) In the return of the objects found to their countries of origin;", LEFT, 420.0),
        ("3. Decides to remain seized of the matter.", LEFT, 330.0),
    ]
    _, doc = _scan(rows)
    assert [p.number for p in doc.operative] == ["1", "2", "3"]
    lines = doc.operative[1].text.split("\n")
    assert [ln.split()[0] for ln in lines] == ["Encourages", "(a)", "(b)", "(i)", "(ii)", "(c)", "(d)"]


def test_a_label_after_a_speck_is_no_paragraph_number():
    # "‘(i)": OCR's speck before the label; read as a number it became "3. To prohibit".
    rows = [FORMULA] + PREAMBLE + [
        ("1. Takes note of the report of the Secretary-General on stolen objects;", LEFT, 400.0),
        ("2. Invites Member States:", LEFT, 240.0),
        ("(a) To take measures, in accordance with their national legislation:", LEFT, 380.0),
        ("‘(i) To prohibit and prevent the illicit trafficking in cultural property;", LEFT, NEAR_FULL),
        ("_(ii) To establish and update national inventories of cultural property;", LEFT, NEAR_FULL),
        ("(b) To share information on stolen cultural property with the police;", LEFT, 420.0),
        ("3. Decides to remain seized of the matter.", LEFT, 330.0),
    ]
    _, doc = _scan(rows)
    assert [p.number for p in doc.operative] == ["1", "2", "3"]
    assert doc.operative[2].text.startswith("Decides")
    assert [ln.split()[0] for ln in doc.operative[1].text.split("\n")] == [
        "Invites", "(a)", "(i)", "(ii)", "(b)"]


def test_a_short_line_then_an_indented_opener_breaks_though_ocr_misread_the_comma():
    # "1946,¹" read as "1946!”": the line does not end like a paragraph, but it is the
    # short last line of one and the next line is indented.
    rows = [FORMULA,
            ("Recalling also the Convention on the Privileges and Immunities of the Organization of 13", INDENT, RIGHT),
            ("February 1946!”", LEFT, 190.0),
            ("Reaffirming the need to promote and ensure respect for the rules of international", INDENT, RIGHT),
            ("law, including international human rights law,", LEFT, 330.0),
            ("1. Takes note of the report of the Secretary-General on the accountability of", LEFT, RIGHT),
            ("officials and experts on mission and of the information provided by Governments", LEFT, RIGHT),
            ("on the measures they have taken to establish their jurisdiction over crimes;", LEFT, 480.0),
            ("2. Decides to remain seized of the matter.", LEFT, 330.0)]
    _, doc = _scan(rows)
    assert [p.text.split()[0] for p in doc.preamble] == ["Recalling", "Reaffirming"]


def test_plain_text_sub_paragraphs_without_blank_lines_between_them():
    text = """The General Assembly,

Recalling its earlier resolutions on the protection of cultural heritage,

1. Takes note of the report of the Secretary-General;

2. Invites Member States:

(a) To become parties to the Convention, if they have not already done so;

(b) To take measures, in accordance with their national legislation:

(i) To prohibit and prevent the illicit trafficking in cultural property;
(ii) To establish and update national inventories of cultural property;
(c) To share information on stolen cultural property with the International Police
Organization;

3. Decides to remain seized of the matter.
"""
    _, doc = _plain(text)
    assert [p.number for p in doc.operative] == ["1", "2", "3"]
    assert [ln.split()[0] for ln in doc.operative[1].text.split("\n")] == [
        "Invites", "(a)", "(b)", "(i)", "(ii)", "(c)"]
    assert doc.operative[1].text.endswith("International Police Organization;")


def test_plain_text_line_cut_after_and_goes_on_across_a_blank_line():
    text = """The General Assembly,

Recalling its earlier resolutions on crime prevention,

1. Takes note of the report of the Secretary-General;

2. Requests the Secretary-General to report to the Commission on Crime Prevention and -

Criminal Justice at its next session on the implementation of the present resolution.
"""
    _, doc = _plain(text)
    assert len(doc.operative) == 2
    assert doc.operative[1].text.startswith("Requests")
    assert "Prevention and" in doc.operative[1].text and "Criminal Justice" in doc.operative[1].text


def test_loose_plain_text_preambular_opener_after_a_glued_footnote_number():
    # Blank lines fall inside sentences here ("... committed in" / blank / "peacekeeping"),
    # so a blank line proves nothing; the preambular opener after one still does, though
    # the comma before it became a footnote's digit glued to the year ("20062").
    text = """The General Assembly,

Having considered the report of the Group of Legal Experts on criminal acts committed in

peacekeeping operations, transmitted by the Secretary-General on 16 August 20062

Noting with grave concern the reports of criminal conduct by officials on mission,

1. Decides to remain seized of the matter.
"""
    _, doc = _plain(text)
    assert [p.text.split()[0] for p in doc.preamble] == ["Having", "Noting"]


def test_footnote_text_is_given_no_paragraph_number_but_a_misread_number_is():
    # A footnote's number (or its glyph read as a speck) before "See ...": no operative
    # paragraph opens with "See"; "i See Calls upon" is OCR's reading of "3. Calls upon".
    text = """The General Assembly,

Recalling its earlier resolutions on youth,

1. Takes note of the report of the Secretary-General;

2. Calls upon Member States to support youth employment and social protection;

i See Calls upon the relevant organizations to cooperate with youth-led organizations;

4. Decides to include in the provisional agenda of its next session the item entitled “Youth”.

5 See A/64/303, annex, sect. III.

® See resolution 2200 A (XXI), annex.
"""
    pages = [Page(number=1, method="text", lines=[Line(text=t) for t in text.splitlines()])]
    work = c.restore_paragraph_numbers(c.start_work(
        Extracted(source_name="t.ocr.txt", media_type="text/plain", pages=pages)))
    body = [ln.text for ln in work.lines if ln.role == "body"]
    assert body[4].startswith("3. See Calls upon")
    assert body[6].startswith("5 See A/64/303")
    assert not body[7].startswith(("5.", "6."))


def test_segment_reads_labels_behind_ocr_junk_as_sub_paragraphs():
    text = "\n\n".join([
        "The General Assembly,",
        "Recalling its earlier resolutions,",
        "1. Calls upon the relevant bodies, within their respective mandates and existing resources:",
        ".(a).To continue to cooperate with the organizations concerned;",
        "-(b) To assist Member States, upon request, in strengthening their capacity;",
        "“(i To prohibit the illicit trafficking in cultural property;",
        "2. Decides to remain seized of the matter.",
    ])
    doc = segment(Cleaned(text=text))
    assert [p.number for p in doc.operative] == ["1", "2"]
    assert doc.operative[0].text.split("\n")[1:] == [
        "(a) To continue to cooperate with the organizations concerned;",
        "(b) To assist Member States, upon request, in strengthening their capacity;",
        "(i) To prohibit the illicit trafficking in cultural property;"]


def test_a_labels_parenthesis_read_as_a_brace_stays_a_sub_paragraph():
    rows = [FORMULA] + PREAMBLE + [
        ("1. Urges Member States, as appropriate:", LEFT, 330.0),
        ("(a) To strengthen national research systems;", LEFT, 360.0),
        ("(b) To improve access by smallholder farmers to technologies;", LEFT, 420.0),
        ("{c) To promote the use of digital technologies for weather forecasting;", LEFT, NEAR_FULL),
        ("(d) To reduce post-harvest losses;", LEFT, 300.0),
        ("2. Calls upon Member States to keep food supply chains functioning;", LEFT, 450.0)]
    _, doc = _scan(rows)
    assert [p.number for p in doc.operative] == ["1", "2"]
    assert "\n(c) To promote the use" in doc.operative[0].text


def test_a_quotation_going_on_a_sentence_in_plain_text_is_no_asterisk_note():
    _, doc = _plain(
        "The General Assembly,\n\nRecalling the Treaty on Roads,1\n\n"
        "1. Decides to include in the provisional agenda of its next session, under the item\n"
        "entitled “General and complete disarmament”, a sub-item entitled\n"
        "“Addressing the legacy of roads: providing assistance to Member States\n"
        "affected by roads”.\n\n____________________\n\n"
        "  * Reissued for technical reasons on 24 October 2023.\n\n"
        "  1 United Nations, Treaty Series, vol. 729, No. 10485.\n")
    assert [(f.mark, f.text[:8]) for f in doc.footnotes] == [("*", "Reissued"), ("1", "United N")]
    assert doc.operative[0].text.endswith("“Addressing the legacy of roads: providing assistance to "
                                          "Member States affected by roads”.")


def test_a_roman_one_read_as_a_digit_before_ii_is_the_first_roman_label():
    rows = [FORMULA] + PREAMBLE + [
        ("1. Encourages States to take the following measures:", LEFT, 380.0),
        ("(a) To establish national mechanisms;", LEFT, 320.0),
        ("(b) To adopt legislation that addresses the needs of their families:", LEFT, 460.0),
        ("(1) In matters of social welfare and property rights;", LEFT, 400.0),
        ("(ii) In matters of family law;", LEFT, 300.0),
        ("(c) To establish registries of missing persons;", LEFT, 360.0),
        ("2. Requests a report;", LEFT, 250.0)]
    _, doc = _scan(rows)
    assert "\n(i) In matters of social welfare" in doc.operative[0].text
    assert [p.number for p in doc.operative] == ["1", "2"]
