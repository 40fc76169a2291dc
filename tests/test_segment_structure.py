"""Resolutions divided into parts with headings, and resolutions with an annexed text
(a declaration with its own opening and numbered paragraphs): segmentation from plain
text, the gold view, and the Akoma Ntoso export (sections, attachments)."""

from pathlib import Path

import pytest
from lxml import etree

from pipeline.akn import AKN_NS, to_akn
from pipeline.clean import clean
from pipeline.extract import extract
from pipeline.model import Cleaned, Footnote
from pipeline.segment import segment

SCHEMA_PATH = Path(__file__).parent / "data" / "akn" / "akomantoso30.xsd"
NS = {"a": AKN_NS}
GOLD_FIELDS = {"format", "symbol", "session", "body", "kind", "language", "title",
               "agenda_item", "opening", "preamble", "operative", "footnotes", "cites"}

# A resolution in three parts, the numeral centred on its own line and the heading
# under it; part II opens with a preambular paragraph of its own.
PARTS = """\
United Nations                                    A/RES/63/241
General Assembly                                  Distr.: General
                                                  13 March 2009

Sixty-third session
Agenda item 64

Resolution adopted by the General Assembly on 24 December 2008

[on the report of the Third Committee (A/63/426)]

63/241. Strengthening national capacities for disaster risk reduction

The General Assembly,

        Recalling its resolution 61/198 of 20 December 2006,

        Stressing that disaster risk reduction is a cross-cutting issue in the
context of sustainable development,

                                        I

              Implementation of the Framework for Action

    1.   Welcomes the progress made by Member States in establishing national
platforms for disaster risk reduction;

    2.   Encourages Member States to integrate risk assessment into national
development plans;

                                        II

                       Regional and international cooperation

        Recognizing the contribution of regional organizations to the exchange
of early warning information,

    3.   Calls upon the regional commissions to support the preparation of
regional strategies;

    4.   Invites donors to contribute to the trust fund;

                                       III

                                   Follow-up

    5.   Requests the Secretary-General to report to the General Assembly at its
sixty-fifth session on the implementation of the present resolution.
"""

# A resolution adopting a declaration annexed to it; the declaration opens with
# unnumbered paragraphs and has parts "I. Heading" of its own; the closing meeting line
# comes between the two.
ANNEXED = """\
United Nations                                    A/RES/64/290
General Assembly                                  Distr.: General
                                                  2 December 2009

Sixty-fourth session
Agenda item 110

Resolution adopted by the General Assembly on 10 November 2009

[without reference to a Main Committee (A/64/L.20)]

64/290. Declaration on the protection of coastal communities

The General Assembly,

        Recalling the outcome of the high-level meeting on coastal resilience held
in New York on 21 and 22 September 2009,

        Conscious of the growing exposure of coastal populations to storm surges,

    1.   Adopts the Declaration on the protection of coastal communities, the text of
which is annexed to the present resolution;

    2.   Requests the Secretary-General to bring the Declaration to the attention of
all Member States and relevant organizations.

                                                   56th plenary meeting
                                                    10 November 2009

                                      Annex

       Declaration on the protection of coastal communities

        We, the Ministers and representatives of States, gathered in New York on
21 and 22 September 2009,

        Recognizing that coastal communities bear a disproportionate share of
losses from storms and rising seas,

                         I. Principles and commitments

    1.   We reaffirm our commitment to reduce the vulnerability of coastal
communities;

    2.   We resolve to give priority to early warning systems;

                         II. Means of implementation

    3.   We call upon the international community to provide financial and
technical assistance to the most vulnerable States;

    4.   We decide to review progress at a meeting to be held in 2012.
"""


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def run(text: str, name: str = "t.txt"):
    return segment(clean(extract(text.encode("utf-8"), name)))


def test_parts_with_headings():
    doc = run(PARTS)
    assert [p.number for p in doc.operative] == ["1", "2", "3", "4", "5"]
    assert [p.text.split()[0] for p in doc.preamble] == ["Recalling", "Stressing", "Recognizing"]
    assert [(s.number, s.heading, s.paragraphs) for s in doc.sections] == [
        ("I", "Implementation of the Framework for Action", ["O1", "O2"]),
        ("II", "Regional and international cooperation", ["P3", "O3", "O4"]),
        ("III", "Follow-up", ["O5"])]
    # Neither a numeral nor a heading is a paragraph.
    assert not any(p.text in ("I", "II", "Follow-up") for p in doc.operative + doc.preamble)


def test_numbering_that_starts_again_in_each_part_and_a_lost_number():
    doc = segment(Cleaned(text=(
        "The General Assembly,\n\nNoting the reports,\n\n"
        "I. Oceans\n\n1. Welcomes the report on oceans;\n\n2. Urges States to act;\n\n"
        "II. Seas\n\n1. Welcomes the report on seas;\n\n"
        "Calls upon States to cooperate;\n\n3. Decides to continue.")))
    assert [(p.number, p.text.split()[0]) for p in doc.operative] == [
        ("1", "Welcomes"), ("2", "Urges"), ("1", "Welcomes"), ("2", "Calls"), ("3", "Decides")]
    assert [(s.number, s.heading, s.paragraphs) for s in doc.sections] == [
        ("I", "Oceans", ["O1", "O2"]), ("II", "Seas", ["O3", "O4", "O5"])]


def test_annexed_declaration():
    doc = run(ANNEXED)
    assert [p.number for p in doc.operative] == ["1", "2"]
    assert doc.operative[-1].text.endswith("relevant organizations.")  # no meeting line
    [annex] = doc.annexes
    assert (annex.label, annex.title) == ("Annex", "Declaration on the protection of coastal communities")
    assert [p.text.split()[0] for p in annex.preamble] == ["We,", "Recognizing"]
    assert [(p.number, p.text.split()[1]) for p in annex.operative] == [
        ("1", "reaffirm"), ("2", "resolve"), ("3", "call"), ("4", "decide")]
    assert [(s.number, s.heading, s.paragraphs) for s in annex.sections] == [
        ("I", "Principles and commitments", ["O1", "O2"]),
        ("II", "Means of implementation", ["O3", "O4"])]
    assert not doc.sections


def test_annex_label_run_into_its_title():
    doc = segment(Cleaned(text=(
        "The General Assembly,\n\n1. Adopts the Programme of Action annexed hereto.\n\n"
        "Annex II Programme of Action on rural roads\n\n"
        "1. States should plan rural roads;\n\n2. States should maintain them.")))
    [annex] = doc.annexes
    assert (annex.label, annex.title, [p.number for p in annex.operative]) == (
        "Annex II", "Programme of Action on rural roads", ["1", "2"])
    assert [p.number for p in doc.operative] == ["1"]


def test_gold_view_is_unchanged_without_parts_or_annexes():
    doc = segment(Cleaned(text="The General Assembly,\n\nNoting the report,\n\n1. Decides to continue."))
    assert set(doc.gold_view()) == GOLD_FIELDS
    assert set(run(PARTS).gold_view()) == GOLD_FIELDS | {"sections"}
    assert set(run(ANNEXED).gold_view()) == GOLD_FIELDS | {"annexes"}


def _eids(root) -> list[str]:
    return [el.get("eId") for el in root.iter() if el.get("eId")]


def test_akn_sections(schema):
    doc = run(PARTS)
    root = etree.fromstring(to_akn(doc).encode("utf-8"))
    schema.assertValid(root)
    body = root.find("a:statement/a:mainBody", NS)
    sections = body.findall("a:section", NS)
    assert [(s.findtext("a:num", namespaces=NS), s.findtext("a:heading", namespaces=NS))
            for s in sections] == [(s.number, s.heading) for s in doc.sections]
    assert [[p.findtext("a:num", namespaces=NS) for p in s.findall("a:paragraph", NS)]
            for s in sections] == [["1.", "2."], ["3.", "4."], ["5."]]
    # Part II's own preambular paragraph is in the part, not in the preamble.
    [own] = sections[1].findall("a:hcontainer", NS)
    assert own.get("name") == "preambularParagraph"
    assert "".join(own.itertext()).strip().startswith("Recognizing")
    assert len(root.findall("a:statement/a:preamble/a:container", NS)) == 2
    assert len(_eids(root)) == len(set(_eids(root)))


def test_akn_annex_attachment_with_a_footnote(schema):
    doc = run(ANNEXED)
    doc.annexes[0].operative[2].text += "[^1]"
    doc.footnotes = [Footnote(mark="1", text="See A/64/300.")]
    root = etree.fromstring(to_akn(doc).encode("utf-8"))
    schema.assertValid(root)
    [annex] = root.findall("a:statement/a:attachments/a:attachment/a:doc", NS)
    assert annex.get("name") == "annex"
    assert annex.find("a:meta/a:identification/a:FRBRWork/a:FRBRthis", NS).get("value").endswith("/!annex_1")
    assert annex.findtext("a:preface/a:p/a:docTitle", namespaces=NS) == doc.annexes[0].title
    assert len(annex.findall("a:preamble/a:container", NS)) == 2
    assert [s.findtext("a:num", namespaces=NS) for s in annex.findall("a:mainBody/a:section", NS)] == ["I", "II"]
    # The main body keeps only the resolution's own paragraphs.
    assert len(root.findall("a:statement/a:mainBody/a:paragraph", NS)) == 2
    # The note sits at its marker in the annex, and nowhere else.
    notes = list(root.iter(f"{{{AKN_NS}}}authorialNote"))
    assert len(notes) == 1 and notes[0].get("eId").startswith("att_1__")
    assert len(_eids(root)) == len(set(_eids(root)))


# --- the same structure from a page layout ------------------------------------------

LEFT, RIGHT = 108.0, 523.0


def _layout_doc(method: str):
    """A PDF page (or its OCR): part numerals and headings centred between the margins,
    paragraphs justified with indented first lines."""
    from pipeline.model import Extracted, Line, Page
    rows = [("The General Assembly,", 144, 241),
            ("Recalling its resolution 61/198 of 20 December 2006 on the strengthening of national", 144, RIGHT),
            ("capacities,", LEFT, 160),
            ("I", 313, 318),
            ("Implementation of the Framework for Action", 220, 410),
            ("1. Welcomes the progress made by Member States in establishing national platforms", LEFT, RIGHT),
            ("for disaster risk reduction;", LEFT, 230),
            ("2. Encourages Member States to integrate risk assessment into national development", LEFT, RIGHT),
            ("plans;", LEFT, 140),
            ("II", 311, 320),
            ("Regional cooperation", 265, 365),
            ("Recognizing the contribution of regional organizations to the exchange of early", 144, RIGHT),
            ("warning information,", LEFT, 200),
            ("3. Calls upon the regional commissions to support the preparation of regional", LEFT, RIGHT),
            ("strategies;", LEFT, 160),
            ("III. Follow-up", 280, 345),
            ("4. Requests the Secretary-General to report to the General Assembly at its sixty-fifth", LEFT, RIGHT),
            ("session on the implementation of the present resolution.", LEFT, 380)]
    lines, top = [], 100.0
    for text, x0, x1 in rows:
        top += 12 if x0 == LEFT and not text[0].isdigit() else 20  # a gap before a paragraph
        lines.append(Line(text=text, x0=x0, x1=x1, top=top, bottom=top + 11, size=10.0))
    page = Page(number=1, method=method, width=595, height=842, lines=lines)
    return segment(clean(Extracted(source_name="t.pdf", media_type="application/pdf", pages=[page])))


@pytest.mark.parametrize("method", ["pdf-text", "ocr"])
def test_parts_from_layout(method):
    doc = _layout_doc(method)
    assert [p.number for p in doc.operative] == ["1", "2", "3", "4"]
    assert [p.text.split()[0] for p in doc.preamble] == ["Recalling", "Recognizing"]
    assert [(s.number, s.heading, s.paragraphs) for s in doc.sections] == [
        ("I", "Implementation of the Framework for Action", ["O1", "O2"]),
        ("II", "Regional cooperation", ["P2", "O3"]),
        ("III", "Follow-up", ["O4"])]


# A declaration printed in the resolution itself (no "Annex" label): the resolution's one
# operative clause is unnumbered, and the declaration is in parts.
DECLARED = """\
United Nations                                    A/RES/65/301
General Assembly                                  Distr.: General
                                                  20 September 2010

Sixty-fifth session
Agenda item 8

Resolution adopted by the General Assembly on 8 September 2010

[without reference to a Main Committee (A/65/L.1)]

65/301. Declaration on the decade of clean water

The General Assembly

        Adopts the following Declaration:

                  Declaration on the decade of clean water

                          I. Values and principles

    1.   We, heads of State and Government, have gathered at United Nations
Headquarters in New York to reaffirm our faith in the Organization;

    2.   We recognize that access to safe drinking water is essential to the
realization of all human rights;

                              II. Commitments

    3.   We resolve to reduce by half, by 2020, the proportion of people without
access to safe drinking water.

                                                        4th plenary meeting
                                                        8 September 2010
"""


def test_declaration_adopted_in_the_resolution_itself(schema):
    doc = run(DECLARED)
    assert doc.preamble == []
    assert [(p.number, p.text) for p in doc.operative] == [("", "Adopts the following Declaration:")]
    [annex] = doc.annexes
    assert (annex.label, annex.title) == (None, "Declaration on the decade of clean water")
    assert [p.number for p in annex.operative] == ["1", "2", "3"]
    assert annex.operative[-1].text.endswith("safe drinking water.")  # no meeting line
    assert [(s.number, s.heading, s.paragraphs) for s in annex.sections] == [
        ("I", "Values and principles", ["O1", "O2"]), ("II", "Commitments", ["O3"])]
    root = etree.fromstring(to_akn(doc).encode("utf-8"))
    schema.assertValid(root)
    [clause] = root.findall("a:statement/a:mainBody/a:paragraph", NS)
    assert clause.find("a:num", NS) is None  # printed without a number
    assert root.find("a:statement/a:attachments/a:attachment/a:doc/a:preface/a:p/a:docTitle",
                     NS).text == annex.title


def test_citations_in_an_annex(schema):
    doc = segment(Cleaned(text=(
        "The General Assembly,\n\nRecalling its resolution 60/5,\n\n"
        "1. Adopts the Charter annexed to the present resolution.\n\nAnnex\n\n"
        "Charter of the river commissions\n\n"
        "1. The commissions shall apply resolution 63/217 of the General Assembly;\n\n"
        "2. The commissions shall meet once a year.")))
    assert doc.cites == ["A/RES/60/5", "A/RES/63/217"]
    assert [(c.symbol, c.paragraph) for c in doc.citations] == [
        ("A/RES/60/5", "P1"), ("A/RES/63/217", "A1.O1")]
    root = etree.fromstring(to_akn(doc).encode("utf-8"))
    schema.assertValid(root)
    [ref] = root.findall("a:statement/a:attachments/a:attachment/a:doc/a:mainBody/a:paragraph//a:ref", NS)
    assert ref.text == "63/217" and ref.get("href").endswith("/63-217")


@pytest.mark.parametrize("method", ["pdf-text", "ocr"])
def test_annex_from_layout(method):
    """The meeting line set right, the annex's label and title centred: neither runs into
    the paragraphs around it."""
    from pipeline.model import Extracted, Line, Page
    rows = [("The General Assembly,", 144, 241),
            ("Recalling the outcome of the high-level meeting on coastal resilience held in New", 144, RIGHT),
            ("York in September 2009,", LEFT, 220),
            ("1. Adopts the Declaration on the protection of coastal communities, the text of which", LEFT, RIGHT),
            ("is annexed to the present resolution;", LEFT, 300),
            ("2. Requests the Secretary-General to bring the Declaration to the attention of all", LEFT, RIGHT),
            ("Member States.", LEFT, 180),
            ("56th plenary meeting", 420, RIGHT),
            ("10 November 2009", 440, RIGHT),
            ("Annex", 300, 330),
            ("Declaration on the protection of coastal communities", 200, 430),
            ("We, the Ministers and representatives of States, gathered in New York in", 144, RIGHT),
            ("September 2009,", LEFT, 190),
            ("I. Principles", 285, 345),
            ("1. We reaffirm our commitment to reduce the vulnerability of coastal communities", LEFT, RIGHT),
            ("and small islands;", LEFT, 200),
            ("2. We resolve to give priority to early warning systems.", LEFT, 380)]
    lines, top = [], 100.0
    for text, x0, x1 in rows:
        top += 12 if x0 == LEFT and not text[0].isdigit() else 20
        lines.append(Line(text=text, x0=x0, x1=x1, top=top, bottom=top + 11, size=10.0))
    page = Page(number=1, method=method, width=595, height=842, lines=lines)
    doc = segment(clean(Extracted(source_name="t.pdf", media_type="application/pdf", pages=[page])))
    assert [p.number for p in doc.operative] == ["1", "2"]
    assert doc.operative[-1].text.endswith("Member States.")
    [annex] = doc.annexes
    assert (annex.label, annex.title) == ("Annex", "Declaration on the protection of coastal communities")
    assert [p.text.split()[0] for p in annex.preamble] == ["We,"]
    assert [p.number for p in annex.operative] == ["1", "2"]
    assert [(s.number, s.heading, s.paragraphs) for s in annex.sections] == [("I", "Principles", ["O1", "O2"])]
