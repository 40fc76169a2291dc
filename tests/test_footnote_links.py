"""Footnote markers: where OCR and plain text hide them, and where a lost one goes back."""

from pipeline import clean as c
from pipeline.model import Extracted, Footnote, Line, Page
from tests.docgen import line_image

HEAD = "The General Assembly,\n\n"


def text_work(text: str, notes, plain: bool = True) -> c.Work:
    work = c.Work(lines=[], text=text, footnotes=[Footnote(mark=m, text=t) for m, t in notes])
    work.plain = plain
    work.blocks = [[m for m, _ in notes if not m.startswith("*")]]
    return work


def number(text: str, notes, plain: bool = True) -> str:
    """The text steps that find, number and settle markers, on a made-up body."""
    work = text_work(text, notes, plain)
    for step in (c.mark_marker_glyphs, c.number_footnote_markers, c.fix_marker_punctuation,
                 c.drop_block_anchors):
        work = step(work)
    return work.text


def plain_lines(text: str) -> c.Work:
    pages = [Page(number=1, method="text", lines=[Line(text=t) for t in text.splitlines()])]
    return c.start_work(Extracted(source_name="t", media_type="text/plain", pages=pages))


# --- markers glued to numbers -----------------------------------------------------------

def test_a_digit_glued_to_a_dates_year_is_the_marker():
    out = number(HEAD + "Noting the Agreement on Ports of 3 March 19712 and the Charter,\n\n"
                 "1. Decides to act.\n\n" + c.ANCHOR,
                 [("1", "Resolution 9/1."), ("2", "United Nations, Treaty Series, vol. 9, No. 1.")])
    assert "of 3 March 1971[^2] and" in out


def test_a_five_digit_number_outside_a_date_stays_a_number():
    out = number(HEAD + "Noting that 19712 persons were displaced in the region,\n\n"
                 "1. Decides to act.\n\n" + c.ANCHOR, [("1", "A/70/1.")])
    assert "19712 persons" in out and "[^" not in out


def test_a_year_digit_fits_only_its_own_number():
    # "19719" after a month is no year, but 9 is no marker of a one-note document: no change.
    out = number(HEAD + "Noting the Agreement of 3 March 19719,\n\n1. Decides.\n\n" + c.ANCHOR,
                 [("1", "Ibid.")])
    assert "3 March 19719," in out


def test_a_marker_after_a_closing_quote_and_stop_is_found_in_plain_text():
    out = number(HEAD + "1. Welcomes the study entitled “Water for towns”;2\n\n"
                 "2. Decides to act.\n\n" + c.ANCHOR, [("1", "x."), ("2", "A/70/9.")])
    assert "“Water for towns”;[^2]" in out


# --- plain OCR's stray readings -----------------------------------------------------------

def test_a_lone_digit_at_a_paragraph_end_is_the_marker_and_gets_its_comma_back():
    out = number(HEAD + "Noting the summary prepared by the Chair of the Forum 1\n\n"
                 "Welcoming the plan,\n\n1. Decides to act.\n\n" + c.ANCHOR, [("1", "A/70/5.")])
    assert "by the Chair of the Forum,[^1]\n\nWelcoming" in out


def test_an_exclamation_mark_before_a_lower_case_word_is_a_marker():
    out = number(HEAD + "Recalling the Declaration adopted at Lima on 9 May 2001. ! and the plan,\n\n"
                 "1. Decides to act.\n\n" + c.ANCHOR, [("1", "See A/C.2/56/7, annex.")])
    assert "on 9 May 2001,[^1] and the plan," in out


# --- the stop under a raised marker ------------------------------------------------------

def test_the_stop_under_a_marker_follows_the_sentence():
    work = text_work(HEAD + "Bearing in mind the Lima Outcome.\ue100 in which States agreed,\n\n"
                     "1. Takes note of the report of the Secretary-General on ports,\ue101\n\n"
                     "2. Decides to act.\n\n" + c.ANCHOR,
                     [("1", "See resolution 70/2."), ("2", "A/70/3.")], plain=False)
    work.glyphs = [("®", True), ("’", True)]  # raised marks OCR saw (layout)
    out = c.fix_marker_punctuation(c.number_footnote_markers(work)).text
    assert "Lima Outcome,[^1] in which" in out
    assert "on ports;[^2]\n\n2. Decides" in out


def test_an_abbreviations_stop_before_a_marker_stays():
    work = text_work(HEAD + "Noting the Convention, in particular its art.[^1] on ports,", [("1", "x.")])
    assert "art.[^1] on" in c.fix_marker_punctuation(work).text


def test_the_last_preamble_paragraph_keeps_its_comma_before_the_first_operative():
    work = text_work(HEAD + "Recalling the Charter,[^1]\n\n1. Decides to act.", [("1", "x.")])
    assert c.fix_marker_punctuation(work).text.endswith("Recalling the Charter,[^1]\n\n1. Decides to act.")


# --- what the note cites -----------------------------------------------------------------



def glyph_work(text: str, glyphs: list[str], notes) -> c.Work:
    work = text_work(text, notes)
    work.glyphs = [(g, False) for g in glyphs]
    return work


def test_a_treaty_note_goes_to_the_glyph_after_a_convention():
    # Note 1's marker was lost; the one glyph after a treaty's date is note 2's (Treaty Series),
    # and note 1 (a resolution) goes to the enumeration's name end before it.
    work = glyph_work(HEAD + "Recalling the Agreement on Ports and Harbours,\n\n"
                      "Noting the Vienna Convention on Roads of 8 May 1968\ue100 and other texts,\n\n"
                      "1. Decides to act.\n\n" + c.ANCHOR, ["°"],
                      [("1", "Resolution 60/1."), ("2", "United Nations, Treaty Series, vol. 9.")])
    out = c.number_footnote_markers(work).text
    assert "8 May 1968[^2] and" in out


def test_a_lost_document_marker_goes_after_the_clause_citing_the_report():
    work = glyph_work(HEAD + "Recalling the Declaration on Ports,\ue100\n\n"
                      "1. Takes note of the report of the Secretary-General entitled "
                      "“Ports, towns and roads”;\n\n2. Requests a report on the matter.\n\n" + c.ANCHOR,
                      ["’"], [("1", "Resolution 70/1."), ("2", "A/70/61.")])
    out = c.number_footnote_markers(work).text
    assert "“Ports, towns and roads”;[^2]\n\n2. Requests a report on the matter." in out


def test_a_lost_document_marker_with_two_possible_reports_is_not_placed():
    work = glyph_work(HEAD + "Recalling the Declaration on Ports,\ue100\n\n"
                      "Welcoming the report of the Commission on Roads, issued in 2005,\n\n"
                      "1. Takes note of the report of the Secretary-General on ports;\n\n" + c.ANCHOR,
                      ["’"], [("1", "Resolution 70/1."), ("2", "A/70/61.")])
    out = c.number_footnote_markers(work).text
    assert "[^2]" not in out


def test_a_lost_publication_marker_goes_after_the_reports_name():
    work = glyph_work(HEAD + "Recalling the Declaration on Ports,\ue100\n\n"
                      "Welcoming the World Ports Report 2009, which covers towns,\n\n"
                      "1. Decides to act.\n\n" + c.ANCHOR,
                      ["’"], [("1", "Resolution 70/1."),
                              ("2", "United Nations publication, Sales No. E.09.IV.1.")])
    out = c.number_footnote_markers(work).text
    assert "World Ports Report 2009,[^2] which" in out


def test_a_weak_glyph_where_the_report_is_not_mentioned_is_no_marker():
    # "’" after a lower-case word is weak; note 2 cites a document that clause does not name.
    work = glyph_work(HEAD + "Recalling the Declaration on Ports,\ue100\n\n"
                      "1. Adopts the goals and targets\ue101 for towns;\n\n" + c.ANCHOR,
                      ["’", "’"], [("1", "Resolution 70/1."), ("2", "A/70/61.")])
    out = c.number_footnote_markers(work).text
    assert "targets’ for towns" in out and "[^2]" not in out


# --- the footnote block ------------------------------------------------------------------

def test_a_speck_before_the_expected_number_in_a_layout_block_is_not_a_second_star_note():
    def line(text, top, size=10.0, sup=(), x0=108.0):
        return Line(text=text, x0=x0, x1=500.0, top=top, bottom=top + 11, size=size,
                    superscripts=list(sup))
    body = [line("The General Assembly,", 100)] + [
        line(f"Noting the matter number {i} of the session in the region and the world,", 118 + 14 * i)
        for i in range(8)]
    notes = [line("* Reissued for technical reasons.", 700, 8, [(0, 1)], 90),
             line("1 Resolution 60/1.", 712, 8, [(0, 1)], 90),
             line("* 2 Resolution 61/2.", 724, 8, [(0, 1), (2, 3)], 90),
             line("3 A/62/3.", 736, 8, [(0, 1)], 90)]
    page = Page(number=1, method="ocr", width=595, height=842, lines=body + notes)
    cleaned = c.clean(Extracted(source_name="t.pdf", media_type="application/pdf", pages=[page]))
    assert [(f.mark, f.text) for f in cleaned.footnotes] == [
        ("*", "Reissued for technical reasons."), ("1", "Resolution 60/1."),
        ("2", "Resolution 61/2."), ("3", "A/62/3.")]


def test_the_next_number_opens_a_note_after_a_misread_stop_in_plain_text():
    work = plain_lines("The General Assembly,\n\n1. Decides to act.\n\n1 A/62/257,\n"
                       "2 United Nations, Treaty Series, vol. 1042, No. 15705.\n")
    work = c._mark_small_type_plain(work)
    assert [(ln.mark, ln.text) for ln in work.lines if ln.role == "footnote"] == [
        ("1", "A/62/257,"), ("2", "United Nations, Treaty Series, vol. 1042, No. 15705.")]


def test_a_date_after_a_misread_stop_goes_on_the_note():
    work = plain_lines("The General Assembly,\n\n1. Decides to act.\n\n1 Adopted at Lima,\n"
                       "2 November 2001.\n")
    work = c._mark_small_type_plain(work)
    notes = [(ln.mark, ln.text) for ln in work.lines if ln.role == "footnote"]
    assert notes[0][0] == "1" and all(m != "2" for m, _ in notes)


def test_a_star_read_as_an_opening_quote_glued_to_the_note_opens_it():
    work = plain_lines("Utopia’: draft resolution\n\nThe General Assembly,\n\n"
                       "1. Decides to act.\n\n"
                       "“On behalf of the States Members of the Group of 77.\n"
                       "! See A/C.2/56/7, annex.\n")
    work.lines[0].masthead = True
    work = c._mark_small_type_plain(work)
    assert [(ln.mark, ln.text) for ln in work.lines if ln.role == "footnote"] == [
        ("*", "On behalf of the States Members of the Group of 77."), ("1", "See A/C.2/56/7, annex.")]


def test_a_note_whose_mark_ocr_lost_is_put_back_when_the_digits_read_right_say_so():
    # The masthead's "*" note, then a note with no mark at all, "?" for 2, "3" read right.
    work = plain_lines("Utopia*: draft resolution\n\nThe General Assembly,\n\n1. Decides to act.\n\n"
                       "* Reissued for technical reasons on 1 May 2009.\n"
                       "Resolution 217 A (III).\n\n"
                       "? Resolution 44/25, annex.\n\n"
                       "3 United Nations publication, Sales No. E.09.IV.1.\n\n"
                       "+ A/64/61.\n")
    work.lines[0].masthead = True
    work = c._mark_small_type_plain(work)
    assert [(ln.mark, ln.text) for ln in work.lines if ln.role == "footnote"] == [
        ("*", "Reissued for technical reasons on 1 May 2009."), ("1", "Resolution 217 A (III)."),
        ("2", "Resolution 44/25, annex."), ("3", "United Nations publication, Sales No. E.09.IV.1."),
        ("4", "A/64/61.")]


def test_a_capitalised_line_after_a_note_stays_its_continuation_when_the_digits_agree():
    work = plain_lines("The General Assembly,\n\n1. Decides to act.\n\n"
                       "1 Report of the Conference on Ports, Lima, 1-5 May 2001.\n"
                       "Chap. I, resolution 1.\n\n"
                       "2 Resolution 44/25, annex.\n")
    work = c._mark_small_type_plain(work)
    marks = {ln.text: ln.mark for ln in work.lines if ln.role == "footnote"}
    assert marks.get("Chap. I, resolution 1.") is None
    assert marks["Resolution 44/25, annex."] == "2"


def test_a_glyph_after_an_article_is_no_marker():
    work = glyph_work(HEAD + "Recalling the Declaration on Ports,\ue100 and the\ue101 Charter of Towns,\n\n"
                      "1. Decides to act.\n\n" + c.ANCHOR,
                      ["’", "’"], [("1", "Resolution 70/1."), ("2", "Adopted at Lima in 2001.")])
    out = c.number_footnote_markers(work).text
    assert "the’ Charter" in out and "[^2]" not in out.split("Charter")[0]


def test_a_mark_before_a_stray_quote_at_a_paragraphs_end_is_a_candidate():
    out = number(HEAD + "1. Takes note of the report entitled “Ports and towns”;*”\n\n"
                 "2. Decides to act.\n\n" + c.ANCHOR, [("1", "A/70/61.")])
    assert "“Ports and towns”;[^1]\n\n2. Decides" in out


def test_which_number_ocr_lost_follows_where_its_note_can_stand():
    # Three resolution notes for three names, two glyphs: the name with no glyph (the
    # Declaration's) is where the lost marker goes, so the glyphs are 2 and 3, not 1 and 2.
    work = glyph_work(HEAD + "Reaffirming the Universal Declaration on Ports, and recalling the "
                      "Covenant on Roads\ue100 and the Convention on Towns,\ue101\n\n"
                      "Noting with concern the state of the roads in the region,\n\n"
                      + "1. Decides to keep the roads and the ports of the region open;\n\n" * 8
                      + c.ANCHOR, ["’", "*"],
                      [("1", "Resolution 217 A (III)."), ("2", "See resolution 2200 A (XXI), annex."),
                       ("3", "Resolution 45/158, annex.")])
    out = c.number_footnote_markers(work).text
    assert "Declaration on Ports,[^1] and recalling the Covenant on Roads[^2] and the " \
           "Convention on Towns,[^3]" in out


def test_instrument_name_ends_skip_bodies_and_quotations():
    text = ("Welcoming the report of the Global Commission on Roads, entitled “Roads”, "
            "and the 2005 World Summit Outcome, in which States agreed,")
    ends = c._instrument_name_ends(text, 0, len(text))
    assert [text[:k][-8:] for k in ends] == ["Outcome,"]


def test_a_note_cited_again_gets_its_marker_again():
    out = number(HEAD + "Recalling the Convention on Ports of 1970,1 and the Charter,2\n\n"
                 "1. Invites States to become parties to the 1970 Convention,1 and to sign the "
                 "Protocol of Add.1 and its annex;\n\n" + c.ANCHOR,
                 [("1", "United Nations, Treaty Series, vol. 823, No. 11806."), ("2", "Ibid.")])
    assert "Ports of 1970,[^1] and the Charter,[^2]" in out
    assert "the 1970 Convention,[^1] and to sign" in out
    assert "Add.1 and" in out  # a document's part, not the marker again


def test_a_raised_decimal_digit_is_no_marker_but_a_years_is():
    work = text_work(HEAD + "Noting the rate of 0.\ue100 per cent of the budget, and the Convention "
                     "of 8 November 1968.\ue101 and its annex,\n\n1. Decides to act.\n\n" + c.ANCHOR,
                     [("1", "x."), ("2", "United Nations, Treaty Series, vol. 1042.")], plain=False)
    work.glyphs = [("5", True), ("2", True)]
    out = c.fix_marker_punctuation(c.number_footnote_markers(work)).text
    assert "0.5 per cent" in out and "1968,[^2] and its annex" in out


def test_a_preamble_paragraphs_stop_before_its_marker_is_a_comma():
    work = text_work(HEAD + "Noting the report on ports.[^1]\n\nRecalling the Charter;[^2]\n\n"
                     "1. Decides to act.", [("1", "A/70/1."), ("2", "x.")])
    out = c.fix_marker_punctuation(work).text
    assert "on ports,[^1]\n\nRecalling the Charter;[^2]\n\n1." in out  # only before an opener


def test_a_raised_glyph_after_an_article_is_no_marker_in_layout_either():
    work = text_work(HEAD + "Noting the report of the Secretary-General,\ue100 submitted with the\ue101 "
                     "Director-General,\n\n1. Decides to act.\n\n" + c.ANCHOR,
                     [("1", "A/65/253."), ("2", "x.")], plain=False)
    work.glyphs = [("®", True), ("*", True)]
    out = c.number_footnote_markers(work).text
    # the glyph gets its character back (a speck for the spelling steps), not a number
    assert "Secretary-General,[^1] submitted" in out and "the* Director" in out and "[^2]" not in out


def test_an_abbreviations_number_is_no_marker_candidate():
    out = number(HEAD + "Noting document A/63/L.10/Rev.1 and the Charter,1\n\n1. Decides to act.\n\n"
                 + c.ANCHOR, [("1", "Ibid.")])
    assert "Rev.1 and the Charter,[^1]" in out


# --- the footnote block: its numbering -----------------------------------------------------
# (issues #3, #4: documents never seen; the shapes below are what Tesseract made of them)

def note_lines(*texts: str) -> list[c.NoteLine]:
    work = c.Work(lines=[])
    lines, complete = [], True
    for text in texts:
        token, rest, number, number_rest, raised = c.read_note_line(text, work)
        lines.append(c.NoteLine(token, rest, number, number_rest, raised, after_complete=complete))
        complete = c.note_complete(text)
    return lines


def test_a_note_whose_mark_ocr_lost_opens_when_the_digits_read_right_need_it():
    # "* Reissued ..." then note 1 with no mark at all: "2", "3", "- 4" read right say so.
    lines = note_lines("* Reissued for technical reasons on 19 November 2008.", "Resolution 22 A (I).",
                       "2 See resolution 2200 A (XXI), annex.", "3 A/60/980.", "- 4 A/62/890.",
                       "* Resolution 179 (II).", "® A/63/260 and Add.1.")
    assert c.number_notes(lines, 1, "*", star_evidence=True) == ["*", "1", "2", "3", "4", "5", "6"]


def test_an_asterisk_after_the_first_note_is_a_misread_digit():
    lines = note_lines("' Resolution 22 A (I).", "2 See resolution 2200 A (XXI), annex.",
                       "* A/60/980.", "4 Resolution 179 (II).")
    assert c.number_notes(lines, 1) == ["1", "2", "3", "4"]


def test_a_capitalised_line_with_no_mark_goes_on_its_note_unless_the_digits_need_it():
    lines = note_lines("? Ibid., vol. 249, No. 3511,", "> See Records of the General Conference, "
                       "Thirty-second Session,", "Paris, 29 September-17 October 2003, resolution 33.",
                       "4+ See Records of the General Conference, Twentieth Session, Paris,",
                       "24 October-28 November 1978, vol. 1, resolution 4/7.6/5.", "5 A/65/253.")
    # "> See" after a note that OCR's comma left open is note 3 ("4+" and "5" say so);
    # "Paris, ..." and the date go on their notes.
    assert c.number_notes(lines, 2) == ["2", "3", None, "4", None, "5"]


def test_a_notes_end_is_its_stop_whatever_ocr_reads_after_it():
    assert c.note_complete("See resolution 2200 A (XXI), annex.”")
    assert c.note_complete("160/980. 2") and c.note_complete("A/60/980. :")
    assert not c.note_complete("Ibid., vol. 1") and not c.note_complete("Ibid., vol. 249, No. 3")


def test_a_plain_block_takes_in_the_note_above_it_whose_mark_ocr_lost():
    work = plain_lines("The General Assembly,\n\nRecalling the Convention,\n\n"
                       "2: Strongly urges all States to consider establishing, to the extent that\n\n"
                       "Resolution 22 A.(1).\n? See resolution 2200 A (XXD), annex.\n3 A/60/980.\n"
                       "+ Resolution 179 (ID.\n\n07-32332 (E)\n")
    work.lines[-1].role = "furniture"
    work = c._mark_small_type_plain(work)
    assert [(ln.mark, ln.text) for ln in work.lines if ln.role == "footnote"] == [
        ("1", "Resolution 22 A.(1)."), ("2", "See resolution 2200 A (XXD), annex."),
        ("3", "A/60/980."), ("4", "Resolution 179 (ID.")]


def test_a_plain_block_keeps_a_capitalised_continuation_and_a_mark_glued_to_its_note():
    work = plain_lines("The General Assembly,\n\n1. Decides to act;\n\n"
                       "United Nations, Treaty Series, vol. 823, No. 11806. :\n"
                       "? Ibid., vol. 249, No. 3511. :\n\n"
                       "3 See Records of the General Conference, Thirty-second Session.\n"
                       "Paris, 29 September-17 October 2003, vol. 1, resolution 33.\n\n"
                       "+See Records of the General Conference, Twentieth Session, Paris,\n"
                       "24 October-28 November 1978, vol. 1, resolution 4/7.6/5.\n\n5 A/65/253.\n")
    work = c._mark_small_type_plain(work)
    marks = [(ln.mark, ln.text[:12]) for ln in work.lines if ln.role == "footnote"]
    assert marks == [("1", "United Natio"), ("2", "Ibid., vol. "), ("3", "See Records "),
                     (None, "Paris, 29 Se"), ("4", "See Records "), (None, "24 October-2"),
                     ("5", "A/65/253.")]


def test_a_quotation_after_a_speck_at_a_documents_end_is_no_note():
    work = plain_lines("The General Assembly,\n\n1. Decides to act;\n\n"
                       "2. Decides to include in its agenda the item entitled\n"
                       "* “Criminal accountability of United Nations officials”.\n")
    work = c._mark_small_type_plain(work)
    assert not [ln for ln in work.lines if ln.role == "footnote"]


# --- markers plain OCR glued to stops and years ----------------------------------------------

def test_a_mark_read_as_a_stop_after_a_mark_or_an_odd_glyph_is_a_candidate():
    out = number(HEAD + "Recalling the Convention of 13 February 1946,!,\n\n"
                 "Recognizing the Convention on the Specialized Agencies,> are granted to them,\n\n"
                 "1. Decides to act.\n\n" + c.ANCHOR, [("1", "Resolution 22 A (I)."),
                                                       ("2", "Resolution 179 (II).")])
    assert "13 February 1946,[^1]\n" in out and "Agencies,[^2] are granted" in out


def test_a_digit_glued_to_a_year_may_be_its_neighbours_number():
    # "2006,3" read "20062": the year's digit is a hint, not the number.
    out = number(HEAD + "Recalling the Convention of 13 February 1946,!\n\n"
                 "Reaffirming the Covenant on Rights,”\n\n"
                 "Having considered the report transmitted on 16 August 20062\n\n"
                 "Noting the report on abuse,*\n\n1. Decides to act.\n\n" + c.ANCHOR,
                 [("1", "Resolution 22 A (I)."), ("2", "See resolution 2200 A (XXI), annex."),
                  ("3", "A/60/980."), ("4", "A/62/890.")])
    assert "1946,[^1]" in out and "Rights,[^2]" in out and "16 August 2006,[^3]" in out \
        and "abuse,[^4]" in out


def test_a_closing_quote_before_a_stop_is_no_marker():
    work = text_work(HEAD + "Recalling its resolution 2008/23, entitled “Protection of property\ue100,\n\n"
                     "Recalling the Convention against Crime,\ue101 which entered into force,\n\n"
                     "1. Decides to act.\n\n" + c.ANCHOR, [("1", "United Nations, Treaty Series.")],
                     plain=False)
    work.glyphs = [("”", True), ("'", True)]
    work.ocr_glyphs = {0, 1}
    out = c.number_footnote_markers(work).text
    assert "property”," in out and "Crime,[^1] which" in out


def test_a_speck_between_a_word_and_its_quotation_is_no_marker():
    out = number(HEAD + "Recalling its resolution 2008/23, entitled * ‘Protection of property”,\n\n"
                 "Recalling the Convention against Crime,! which entered into force,\n\n"
                 "1. Decides to act.\n\n" + c.ANCHOR, [("1", "United Nations, Treaty Series.")])
    assert "entitled * ‘Protection" in out and "Crime,[^1] which" in out


def test_a_glyph_inside_a_name_that_goes_on_is_no_marker():
    out = number(HEAD + "Recalling the Convention of 1970,!\n\n"
                 "Welcoming the Committee for Promoting the Return’ of Cultural Property,\n\n"
                 "1. Decides to act.\n\n" + c.ANCHOR, [("1", "United Nations, Treaty Series."),
                                                       ("2", "Ibid., vol. 249.")])
    assert "Return’ of Cultural" in out


def test_a_lost_marker_goes_where_its_notes_date_is():
    out = number(HEAD + "Recalling the Convention of 14 May 1954,? and the Protocols,\n\n"
                 "Recalling the Declaration adopted on 17 October 2003,\n\n"
                 "Welcoming the Committee established in 1978,4\n\n1. Decides to act.\n\n" + c.ANCHOR,
                 [("1", "Ibid., vol. 249."), ("2", "Ibid., vol. 250."),
                  ("3", "See Records of the General Conference, Paris, 29 September-17 October 2003."),
                  ("4", "See Records of the General Conference, Paris, 24 October-28 November 1978.")])
    assert "17 October 2003,[^3]" in out and "1978,[^4]" in out


# --- a note cited again ----------------------------------------------------------------------

REPEAT_NOTES = [("1", "Resolution 22 A (I)."), ("2", "See resolution 2200 A (XXI), annex."),
                ("3", "A/60/980."), ("4", "A/62/890.")]


def test_a_glyph_naming_what_an_earlier_marker_cites_is_that_marker_again():
    out = number(HEAD + "Recalling the Convention of 1946,!\n\n"
                 "Reaffirming the Covenant on Civil and Political Rights,”\n\n"
                 "Having considered the report of the Group of Legal Experts on accountability, "
                 "transmitted on 16 August 2006,°\n\n"
                 "Noting the report of the Secretary-General on special measures,*\n\n"
                 "1. Decides that the consideration of the report of the Group of Legal Experts,’ in "
                 "particular its legal aspects, shall be continued;\n\n" + c.ANCHOR, REPEAT_NOTES)
    assert "Legal Experts,[^3] in particular" in out and "measures,[^4]" in out


def test_a_repeat_gives_its_number_up_to_another_candidate():
    # Five glyphs for four notes: the in-order numbering would give the last glyph 4 and
    # leave the first without; the last says again what note 3 cites.
    out = number(HEAD + "Recalling the Convention of 1946,!\n\n"
                 "Reaffirming the Covenant on Civil and Political Rights,”\n\n"
                 "Having considered the report of the Group of Legal Experts on accountability, "
                 "transmitted on 16 August 2006,°\n\n"
                 "1. Takes note of the report on abuse;*\n\n"
                 "2. Decides that the consideration of the report of the Group of Legal Experts,’ in "
                 "particular its legal aspects, shall be continued;\n\n" + c.ANCHOR, REPEAT_NOTES)
    assert "1946,[^1]" in out and "Rights,[^2]" in out and "2006,[^3]" in out
    assert "abuse;[^4]" in out and "Legal Experts,[^3] in" in out


def test_a_phrase_said_again_names_the_note_whatever_other_names_follow():
    out = number(HEAD + "Recalling the Convention adopted by the United Nations Educational, Scientific "
                 "and Cultural Organization on 14 November 1970,'\n\n"
                 "Reaffirming the inventories, as recognized in the report of the Secretary-General,*\n\n"
                 "1. Takes note of the report of the Secretary-General, submitted with the "
                 "Director-General of the United Nations Educational, Scientific and Cultural "
                 "Organization;*\n\n" + c.ANCHOR,
                 [("1", "United Nations, Treaty Series, vol. 823, No. 11806."), ("2", "A/65/253.")])
    assert "Secretary-General,[^2]\n" in out and "Cultural Organization;[^2]" in out


def test_a_common_name_is_no_evidence_of_a_repeat():
    out = number(HEAD + "Noting the report of the Secretary-General on ports,*\n\n"
                 "1. Requests the Secretary-General to report on towns;*\n\n"
                 "2. Also requests the Secretary-General to act,’ in time;\n\n" + c.ANCHOR,
                 [("1", "A/70/1."), ("2", "A/70/2.")])
    assert "to act,’ in time" in out


# --- raised marks in the pixels ----------------------------------------------------------------

def _word_spans(text, boxes, left, right, top=40, bottom=76, limit=190):
    from pipeline.extract import OcrWord, _LineMetrics, _superscript_spans

    word = OcrWord(text, left, top, right, bottom)
    return _superscript_spans(word, line_image(boxes), 70.0, 39.0,
                              _LineMetrics(x_height=21.0, ascender=9.0, descender=9.0), limit)


DIGITS = [(20, 49, 40, 70), (44, 49, 70, 70), (74, 49, 100, 70)]  # "1946" (three glyphs here)


def test_specks_under_the_line_and_apart_from_a_raised_mark_do_not_hide_it():
    # "1946,¹ · ·" read "1946!”": dots of noise under the baseline and a speck up right.
    boxes = DIGITS + [(104, 64, 107, 75), (114, 40, 117, 55),  # the comma, the raised 1
                      (124, 72, 128, 76), (140, 72, 144, 76), (160, 48, 161, 50)]
    assert _word_spans("1946!”", boxes, 20, 162) == ([(4, 6)], "1946!”")


def test_a_mark_ocr_read_as_a_word_of_its_own_is_a_marker_when_raised():
    # "Convention, ' if": the raised 1 read as a quote apart, its box stretched down by a speck.
    boxes = [(110, 40, 113, 55), (110, 74, 113, 76)]
    assert _word_spans("'", boxes, 108, 115, top=40, bottom=77) == ([(0, 1)], "'")
    quote = [(110, 40, 112, 46)]  # a real quote mark: short
    assert _word_spans("'", quote, 108, 115, top=40, bottom=77) == ([], "'")


# --- the asterisk note's marker on the sponsor line ------------------------------------------

def test_ocrs_reading_of_the_sponsor_lines_asterisk_is_the_asterisk_notes_marker():
    work = text_work("Canada, Ghana, Nepal’: revised draft resolution\n\nThe General Assembly,\n\n"
                     "1. Decides to act.\n\n" + c.ANCHOR,
                     [("*", "Reissued for technical reasons."), ("1", "A/63/260.")])
    assert c.mark_masthead_asterisks(work).text.startswith("Canada, Ghana, Nepal[^*]: revised")
    raised = text_work("Egypt, Peru\ue100: draft resolution\n\nThe General Assembly,\n\n"
                       "1. Decides to act.\n\n" + c.ANCHOR,
                       [("*", "Reissued for technical reasons."), ("1", "A/63/260.")], plain=False)
    raised.glyphs, raised.ocr_glyphs = [("’", True)], {0}
    assert c.number_footnote_markers(raised).text.startswith("Egypt, Peru[^*]: draft")


def test_a_glyph_inside_a_quoted_title_is_no_marker():
    out = number(HEAD + "1. Takes note of the report entitled “Goals and targets for monitoring’ the "
                 "progress of youth”;*\n\n2. Decides to act.\n\n" + c.ANCHOR, [("1", "A/62/61.")])
    assert "monitoring’ the progress of youth”;[^1]" in out


# --- held-out documents (issues #3, #4): the shapes below are what Tesseract made of them ----

def test_a_speck_glued_before_a_notes_number_leaves_the_number_as_its_mark():
    # "-7 A/71/254": OCR's dash before note 7; it opens note 7, not more of note 6.
    lines = note_lines("5 Report of the World Conference on Human Rights, Vienna, 1993.",
                       "® Resolution 48/134, annex.", "-7 A/71/254, annex.")
    assert c.number_notes(lines, 5) == ["5", "6", "7"]


def test_a_speck_before_a_raised_mark_leaves_the_mark_raised():
    work = c.Work(lines=[])
    glyph = work.add_glyph("7", certain=True)
    token, rest, number, _, raised = c.read_note_line("-" + glyph + " A/71/254, annex.", work)
    assert (token, rest, raised) == ("7", "A/71/254, annex.", True)


def test_a_number_glued_to_its_notes_first_word_is_its_mark():
    # "3International Atomic Energy Agency, ...": the space after the mark lost; without it
    # the line went on note 2 and the asterisk note took number 1.
    lines = note_lines("” Reissued for technical reasons on 3 November 2014.",
                       "' Resolution 59/290, annex.", "* United Nations, Treaty Series, vol. 1456.",
                       "3International Atomic Energy Agency, Code of Conduct (Vienna, 2004).")
    assert c.number_notes(lines, 1, "*", star_evidence=True) == ["*", "1", "2", "3"]


def test_and_ibid_at_a_lines_end_goes_on_the_citation():
    assert not c.footnote_complete("chap. IV, sect. A; and ibid.")
    assert c.footnote_complete("Ibid.") and c.footnote_complete("A/71/53, chap. IV.")


def test_a_marker_glued_to_a_quotations_close_without_a_stop_is_found_again():
    out = number(HEAD + "Noting the “Elements for Export Controls of Air Defence Systems”,2 adopted,"
                 "\n\nRecalling the Treaty,1 adopted in 2013,\n\n"
                 "1. Encourages States to apply the “Elements for Export Controls of Air Defence "
                 "Systems”2 in their export licensing decisions;\n\n" + c.ANCHOR,
                 [("1", "Resolution 67/234 B."), ("2", "Wassenaar Arrangement, Public Documents.")])
    assert "Systems”[^2] in their" in out


def test_a_raised_quote_after_a_comma_is_a_marker_whatever_quote_opened_before():
    # A speck before "Acts" read as an opening quote: the raised quote after "2005," still a mark.
    work = text_work(HEAD + "Recalling the Convention for the Suppression of “Acts of Nuclear "
                     "Terrorism, adopted on 13 April 2005,\ue100\n\n1. Decides to act.\n\n" + c.ANCHOR,
                     [("1", "Resolution 59/290, annex.")], plain=False)
    work.glyphs = [("'", True)]
    work.ocr_glyphs = {0}
    out = c.number_footnote_markers(work).text
    assert "13 April 2005,[^1]" in out


def test_a_glyph_after_a_lowercase_word_inside_an_of_phrase_is_a_speck():
    out = number(HEAD + "Recalling the Convention,! adopted in 2005,\n\n"
                 "Concerned about weapons of mass destruction and their means’ of delivery,\n\n"
                 "Welcoming the Code of Conduct on the Safety of Radioactive Sources,’ and noting,\n\n"
                 "1. Decides to act.\n\n" + c.ANCHOR,
                 [("1", "Resolution 59/290, annex."),
                  ("2", "International Atomic Energy Agency, Code of Conduct on the Safety of "
                        "Radioactive Sources."), ("3", "A/69/129.")])
    # (note 3's mark OCR lost: taking the speck as 2 would have shifted the Code to 3)
    assert "means’ of delivery" in out and "Sources,[^2] and" in out


def test_a_copyright_sign_after_a_year_is_a_marker_and_never_text():
    out = number(HEAD + "Recalling the Declaration,! adopted in 1992,\n\n"
                 "Recalling the Vienna Declaration, adopted on 25 June 1993 ©\n\n"
                 "1. Decides to act.\n\n" + c.ANCHOR,
                 [("1", "Resolution 47/135, annex."), ("2", "A/CONF.157/24 (Part I), chap. III.")])
    assert "25 June 1993 [^2]" in out or "25 June 1993[^2]" in out
    assert "©" not in out


def test_a_line_ending_in_its_stop_and_specks_or_a_raised_mark_ends_a_paragraph():
    assert c.ends_paragraph("Terrorism, adopted on 13 April 2005,' 2")
    assert c.ends_paragraph("the Universal Declaration of Human Rights of 1946\ue100”")
    assert not c.ends_paragraph("Recalling the Convention on the Rights of")


def test_a_raised_digit_apart_after_a_paragraphs_stop_gives_way_to_a_glued_mark():
    # OCR's raised "2" standing apart at a paragraph's end (a speck) against the raised
    # "?" glued after "1979,": the glued one is note 2's marker.
    work = text_work(HEAD + "Recalling the Convention, adopted at Vienna on 26 October 1979,\ue100 and its "
                     "amendment,\n\nBearing in mind the committee established pursuant to that "
                     "resolution, \ue101\n\nWelcoming the Code of Conduct,\ue102\n\n1. Decides to act.\n\n"
                     + c.ANCHOR, [("2", "United Nations, Treaty Series, vol. 1456."), ("3", "Ibid.")],
                     plain=False)
    work.glyphs = [("?", True), ("2", True), ("’", True)]
    work.ocr_glyphs = {0, 1, 2}
    out = c.number_footnote_markers(work).text
    assert "26 October 1979,[^2] and" in out and "Conduct,[^3]" in out
    assert "resolution, [^2]" not in out


def test_a_phrase_the_document_says_everywhere_names_no_earlier_citation():
    # "persons belonging to minorities" is the resolution's subject, said in most paragraphs:
    # the repeated Covenant's mark (its name garbled by OCR: "on ia and Political Rights") is
    # the Covenant's note, not the Guidelines'.
    out = number(HEAD + "Guided by the International Covenant on Civil and Political Rights,1\n\n"
                 "Concerned that persons belonging to minorities face discrimination,\n\n"
                 "Welcoming the Guidelines on access to justice for persons belonging to minorities,’ "
                 "prepared by the Special Rapporteur,\n\n"
                 "Reaffirming that States protect the rights of persons belonging to minorities,\n\n"
                 "1. Urges States to ensure that persons belonging to minorities enjoy equal access "
                 "to justice, in accordance with article 20 of the International Covenant on ia "
                 "and Political Rights,’ and to ensure that hate crimes are investigated;\n\n" + c.ANCHOR,
                 [("1", "See resolution 2200 A (XXI), annex."), ("2", "A/71/254, annex.")])
    assert "minorities,[^2] prepared" in out and "Political Rights,[^1] and to ensure" in out


# --- readings of a whitened scan (ocr_background_lift) ------------------------------------

def test_a_footnote_block_whose_ocr_size_overshoots_the_body_is_still_found():
    # Tesseract's x-height of short footnote lines can exceed the body's (12.7 pt over
    # 10.8 pt); set out to the left of the body and opening with marks, they are the block.
    def line(text, top, size=10.8, sup=(), x0=109.0):
        return Line(text=text, x0=x0, x1=500.0, top=top, bottom=top + 11, size=size,
                    superscripts=list(sup))
    body = [line("The General Assembly,", 100)] + [
        line(f"Noting the matter number {i} of the session in the region and the world,", 118 + 14 * i)
        for i in range(8)] + [line("1. Takes note of the report of the Secretary-General;1", 240,
                                   sup=[(54, 55)])]
    notes = [line("* Reissued for technical reasons on 20 March 2008.", 736, 12.7, [(0, 1)], 93),
             line("A/62/257.", 750, 12.4, (), 94),
             line("2 United Nations, Treaty Series, vol. 1042, No. 15705.", 762, 12.4, (), 93)]
    page = Page(number=1, method="ocr", width=595, height=842, lines=body + notes)
    cleaned = c.clean(Extracted(source_name="t.pdf", media_type="application/pdf", pages=[page]))
    assert [f.mark for f in cleaned.footnotes] == ["*", "1", "2"]
    assert cleaned.footnotes[1].text == "A/62/257."


def test_a_used_number_after_a_complete_note_is_a_misread_mark():
    # A raised 5 read as a full-size "3": no later note is numbered 3, and a complete
    # note does not go on with a number before a capital.
    lines = note_lines("’ Resolution 59/290, annex.", "? United Nations, Treaty Series, vol. 1456.",
                       "3 International Atomic Energy Agency, Code of Conduct.",
                       "* Ibid. (Vienna, 2012).", "3 A/68/156.", "® See International Atomic Energy "
                       "Agency, Nuclear Security.")
    assert c.number_notes(lines, 1) == ["1", "2", "3", "4", "5", "6"]


def test_layout_glyphs_follow_their_notes_when_the_first_marker_was_lost():
    # The first marker was lost; each glyph's words cite the note after the next number
    # in order (a treaty after "the Convention ..., adopted at Vienna", a report after
    # "the report of"): the numbering follows the notes, not the shift.
    notes = [("1", "Resolution 59/290, annex."), ("2", "United Nations, Treaty Series, vol. 1456."),
             ("3", "A/69/129 and Add.1.")]
    body = (HEAD + "Recalling the Convention on Roads, adopted on 13 April 2005,\n\n"
            "Recalling also the Convention on Ports, adopted at Vienna on 26 October 1979,\ue100 "
            "and its amendment,\n\nTaking note of the report of the Secretary-General,\ue101 which "
            "records progress,\n\n1. Decides to act.\n\n" + c.ANCHOR)
    work = text_work(body, notes, plain=False)
    work.glyphs = [("?", True), ("’", True)]
    out = c.number_footnote_markers(work).text
    assert "26 October 1979,[^2] and" in out and "Secretary-General,[^3] which" in out
    # one glyph fitting another note is no evidence against the order
    one = text_work(body.replace("Taking note of the report of the Secretary-General,\ue101",
                                 "Taking note of the work of the Council,"), notes[:2], plain=False)
    one.glyphs = [("?", True)]
    assert "26 October 1979,[^1] and" in c.number_footnote_markers(one).text


def test_a_lost_marker_does_not_go_inside_the_citation_the_next_marker_ends():
    # Marker 1 lost: "the Convention on ... Material," is the name whose citation marker 2
    # ends after "adopted at Vienna on ...", not an enumeration's item of its own.
    text = ("Recalling the Convention on Roads, adopted on 13 April 2005,\n\n"
            "Recalling further the Convention on the Physical Protection of Nuclear Material, "
            "adopted at Vienna on 26 October 1979,X and the amendment thereto,\n\n")
    right = text.index("X")
    inserts = c._place_lost(text, 0, len(text), ["1", "2"], {right: "2"},
                            {"1": "Resolution 59/290, annex.", "2": "United Nations, Treaty Series."})
    assert all(pos < text.index("\n\n") for pos, _ in inserts)  # not in marker 2's citation


def test_a_lone_digit_at_a_paragraph_end_is_its_own_marker_in_layout_too():
    # The stop and the raised 2 read as " 2": the digit takes only its own number.
    work = text_work(HEAD + "Recalling the Convention on Roads,\ue100\n\n"
                     "Noting the summary prepared by the President of the General Assembly 2\n\n"
                     "Noting also the 2005 Summit Outcome,\n\n1. Decides to act.\n\n" + c.ANCHOR,
                     [("1", "United Nations, Treaty Series, vol. 1."), ("2", "A/61/515.")], plain=False)
    work.glyphs = [("’", True)]
    for step in (c.mark_marker_glyphs, c.number_footnote_markers, c.fix_marker_punctuation):
        work = step(work)
    assert "General Assembly,[^2]\n\nNoting also" in work.text
    assert "[^1]" in work.text and "Summit Outcome,\n\n" in work.text


def test_a_paragraph_ends_after_its_marker_and_a_raised_speck():
    # "adopted on 25 June 1993,° °": the mark and a speck OCR also saw raised
    assert c.ends_paragraph("Recalling the Vienna Declaration, adopted on 25 June 1993,\ue100 \ue101")
    assert not c.ends_paragraph("Recalling the Vienna Declaration and Programme of \ue100 \ue101")


def test_a_name_in_a_phrase_after_a_marker_is_no_enumerations_item():
    # Marker 2 lost (OCR merged it with the next word): "of the Wassenaar Arrangement"
    # after marker 1 names where the elements were adopted, not a second listed item.
    text = ("Noting the “Elements for Export Controls of Air Defence Systems”,X adopted within "
            "the framework of the Wassenaar Arrangement in 2003,\n\n"
            "Welcoming the report of the Secretary-General on small arms, particular,\n\n")
    left = text.index("X")
    assert c._place_lost(text, 0, len(text), ["1", "2"], {left: "1"}) == []
    listed = text.replace("adopted within the framework of", "and")
    left = listed.index("X")
    assert c._place_lost(listed, 0, len(listed), ["1", "2"], {left: "1"}) == [
        (listed.index("Arrangement") + len("Arrangement"), "[^2]")]


def test_a_line_after_a_short_complete_note_opens_the_next_one():
    # The asterisk note ends far from the right edge: "Resolution 59/290, annex." below it
    # is note 1 with its mark lost, not the asterisk note going on; "3.International" is
    # note 3 with the space after its number lost.
    lines = note_lines("” Reissued for technical reasons on 3 November 2014.", "Resolution 59/290, annex.",
                       "* United Nations, Treaty Series, vol. 1456, No. 24631.",
                       "3.International Atomic Energy Agency, Code of Conduct on the Safety of",
                       "4 Ibid. (Vienna, 2012).")
    for line in lines[1:4]:
        line.after_short = True  # (the lines before them end at a third of the width)
    assert c.number_notes(lines, 1, "*", star_evidence=True) == ["*", "1", "2", "3", "4"]
    full = note_lines("1 See the report of the Conference on Roads, held at Vienna in 2012.",
                      "Resolution 59/290 was adopted on the same day.", "2 A/69/129.")
    assert c.number_notes(full, 1) == ["1", None, "2"]  # a full line: the note goes on


def test_a_lost_document_marker_goes_to_the_stop_with_an_apostrophe_glued_to_it():
    # OCR read the raised 2 as "’" glued to the stop and lost the word after it ("in").
    text = ("Recalling the Declaration on Ports,X\n\nWelcoming the report of the Secretary-General "
            "on small arms and light weapons,’ particular the information it contains on stockpile "
            "management,\n\n")
    left = text.index("X")
    inserts = c._place_lost(text, 0, len(text), ["1", "2"], {left: "1"},
                            {"1": "Resolution 70/1.", "2": "A/69/135."})
    assert inserts == [(text.index("weapons,") + len("weapons,"), "[^2]")]


def test_a_full_stop_after_a_quotations_close_before_a_marker_is_a_comma():
    work = text_work(HEAD + "Noting the “Guidance on the Import and Export of Radioactive Sources”.\ue100 "
                     "and encouraging States to apply it,\n\n1. Decides to act.\n\n" + c.ANCHOR,
                     [("1", "Ibid. (Vienna, 2012).")], plain=False)
    work.glyphs = [("*", True)]  # the raised 4 as OCR read it
    out = c.fix_marker_punctuation(c.number_footnote_markers(work)).text
    assert "Radioactive Sources”,[^1] and encouraging" in out


def test_a_repeated_marker_glued_to_the_semicolon_after_a_complete_year_is_the_marker():
    out = number(HEAD + "Recalling the United Nations Decade of Family Farming, 2019–20281 and the "
                 "Convention,2\n\n1. Invites the Decade of Family Farming, 2019–2028;1\n\n"
                 "2. Decides to act.\n\n" + c.ANCHOR,
                 [("1", "Resolution 72/239."), ("2", "United Nations, Treaty Series, vol. 9, No. 1.")])
    assert "Family Farming, 2019–2028;[^1]\n\n2." in out


def test_a_plurals_possessive_apostrophe_before_a_lower_case_word_is_no_marker():
    out = number(HEAD + "Noting the Convention,1\n\nAcknowledging the role of academia and farmers’ "
                 "organizations in the development of agricultural innovations,\n\n"
                 "1. Decides to act.\n\n" + c.ANCHOR,
                 [("1", "Resolution 9/1."),
                  ("2", "See Committee on World Food Security, Report of the forty-fifth session.")])
    assert "farmers’ organizations" in out
    out = number(HEAD + "Noting the Convention,1 and the Agreement’ and\n\n1. Decides.\n\n" + c.ANCHOR,
                 [("1", "Resolution 9/1."), ("2", "Resolution 9/2.")])
    assert "Agreement[^2] and" in out  # (a marker OCR read as a quote stays one)


# --- issue #4, session 3: what batch4 and batch5 scans showed -----------------------------

def _ocr_page(body_texts, note_lines_, top=118):
    def line(text, top, size=10.0, x0=108.0):
        return Line(text=text, x0=x0, x1=500.0, top=top, bottom=top + 11, size=size)
    body = [line("The General Assembly,", 100)] + [line(t, top + 14 * i) for i, t in enumerate(body_texts)]
    notes = [line(t, 700 + 12 * i, 8, 90) for i, t in enumerate(note_lines_)]
    return Page(number=1, method="ocr", width=595, height=842, lines=body + notes)


def test_the_first_note_whose_mark_ocr_lost_keeps_its_number():
    # Tesseract dropped the raised "1" of the page's first note; "?" and "3" follow it.
    body = [f"Noting the matter number {i} of the session in the region and the world," for i in range(8)]
    page = _ocr_page(body, ["Resolution 69/313, annex. : a", "? United Nations, Treaty Series, vol. 3156.",
                            "3 See Committee on World Food Security, Report (Rome, 2018)."])
    cleaned = c.clean(Extracted(source_name="t.pdf", media_type="application/pdf", pages=[page]))
    assert [(f.mark, f.text) for f in cleaned.footnotes] == [
        ("1", "Resolution 69/313, annex."), ("2", "United Nations, Treaty Series, vol. 3156."),
        ("3", "See Committee on World Food Security, Report (Rome, 2018).")]


def test_an_unmarked_body_line_in_small_type_is_no_lost_note():
    # The same shape, but the line does not end a note (no stop): it stays out of the notes.
    body = [f"Noting the matter number {i} of the session in the region and the world," for i in range(8)]
    page = _ocr_page(body, ["in developing countries and in the region", "1 Resolution 69/313, annex.",
                            "2 United Nations, Treaty Series, vol. 3156."])
    cleaned = c.clean(Extracted(source_name="t.pdf", media_type="application/pdf", pages=[page]))
    assert [f.mark for f in cleaned.footnotes] == ["1", "2"]
    assert cleaned.footnotes[0].text == "Resolution 69/313, annex."


def test_a_mark_read_over_a_symbols_letter_opens_its_note():
    lines = note_lines("3 See Committee on World Food Security, Report (Rome, 2018), appendix D.",
                       "4/75/225.")
    assert c.number_notes(lines, 3) == ["3", "4"]


def test_the_repeats_digit_numbers_the_first_citation_whose_glyph_ocr_misread():
    # "2019-2028,*" is note 5's first citation; the "5" read right comes with its repeat.
    work = glyph_work(HEAD + "Mindful of the proclamation of the United Nations Decade of Family "
                      "Farming, 2019-2028,\ue100\n\n1. Encourages all stakeholders to contribute to the "
                      "United Nations Decade of Family Farming, 2019-2028:\ue101\n\n" + c.ANCHOR,
                      ["*", "5"], [("5", "See resolution 72/239.")])
    work.blocks = [["5"]]
    out = c.number_footnote_markers(work).text
    assert "Family Farming, 2019-2028,[^5]\n\n" in out
    assert "2019-2028:[^5]" in out


def test_a_lost_marker_after_a_names_years_goes_there():
    work = glyph_work(HEAD + "Noting the report,\ue100\n\nBearing in mind the Sendai Framework for "
                      "Disaster Risk Reduction 2015-2030, and the importance of science,\n\n"
                      "Taking note of document A/77/231,\ue101 on the costs,\n\n" + c.ANCHOR,
                      ["’", "°"], [("1", "A/77/46."), ("2", "Resolution 69/283, annex II."),
                                   ("3", "Submitted pursuant to resolution 76/73.")])
    work.plain = False
    work.blocks = [["1", "2", "3"]]
    out = c.number_footnote_markers(work).text
    assert "Reduction 2015-2030,[^2] and" in out
    assert "A/77/231,[^3] on" in out


def test_lost_markers_of_a_bodys_report_and_a_titled_publication_go_after_their_mentions():
    # Plain OCR text lost the raised 1 and 2; the asterisk-like glyphs are notes 3 and 4.
    out = number(HEAD + "Taking note of the work of the Committee and of the release of its report,\n\n"
                 "Noting the publication of the scientific report of the Committee entitled "
                 "“Sources and effects of radiation”, and of its assessment of the accident at the Fukushima "
                 "power station,*\n\nBearing in mind the Sendai Framework for Disaster Risk "
                 "Reduction 2015-2030,* and the importance of science,\n\n" + c.ANCHOR,
                 [("1", "Official Records of the General Assembly, Seventy-seventh Session, "
                        "Supplement No. 46 (A/77/46)."),
                  ("2", "United Nations publication, Sales No. E.21.IX.1."),
                  ("3", "United Nations publication, Sales No. E.22.IX.1, annex B."),
                  ("4", "Resolution 69/283, annex II.")])
    assert "release of its report,[^1]" in out
    assert "radiation”,[^2] and of its" in out
    assert "power station,[^3]" in out
    assert "2015-2030,[^4] and" in out


def test_a_preambular_paragraph_after_a_speck_quote_is_no_footnote_in_plain_text():
    text = ("The General Assembly,\n\nNoting the work done,1\n\n"
            "“Taking note of the report of the Secretary-General contained in document A/77/231,\n"
            "~ | Official Records of the General Assembly, Supplement No. 46 (A/77/46).\n"
            "2 Resolution 69/283, annex II.\n")
    pages = [Page(number=1, method="text", lines=[Line(text=t) for t in text.splitlines()])]
    cleaned = c.clean(Extracted(source_name="t.txt", media_type="text/plain", pages=pages))
    assert [f.text[:8] for f in cleaned.footnotes] == ["Official", "Resoluti"]
    assert "Taking note of the report of the Secretary-General" in cleaned.text


# --- issue #4, session 3: batch6 (first contact) -----------------------------------------

def test_a_note_cited_again_after_a_dates_year_with_no_stop_gets_its_marker_again():
    out = number(HEAD + "Reaffirming the Geneva Conventions of 12 August 19491 and other norms,\n\n"
                 "1. Urges States to comply with the Geneva Conventions of 12 August 19491 "
                 "regarding the registration of persons;\n\n" + c.ANCHOR,
                 [("1", "United Nations, Treaty Series, vol. 75, Nos. 970-973.")])
    assert out.count("12 August 1949[^1]") == 2


def test_a_digit_glued_to_a_year_that_repeats_no_earlier_wording_is_no_repeat():
    # "March 20177": OCR's raised 3 read as 7 where note 7's first marker stands elsewhere.
    out = number(HEAD + "Recalling the report on minority issues,7\n\n"
                 "Recalling also Council resolutions 31/13 of 23 March 2016 and 34/6 of 23 March "
                 "20177\n\n" + c.ANCHOR,
                 [("1", "A/71/254."), ("2", "A/72/165."), ("3", "Resolution 60/1."), ("4", "A/70/1."),
                  ("5", "A/69/1."), ("6", "A/68/1."), ("7", "A/71/254, annex.")])
    assert "23 March 2017[^7]" not in out


def test_a_speck_before_a_notes_mark_does_not_hide_it():
    lines = note_lines("5 United Nations, Treaty Series, vol. 2716, No. 48088.", "_ § CED/C/7, annex.")
    assert c.number_notes(lines, 5) == ["5", "6"]


def test_a_quote_after_a_comma_the_layout_did_not_see_raised_is_a_weak_candidate():
    notes = [("1", "Resolution 79/1."), ("2", "United Nations, Treaty Series, vol. 2716, No. 48088."),
             ("3", "CED/C/7, annex.")]
    body = (HEAD + "Bearing in mind the Pact for the Future,\ue100 adopted in 2024,\n\n"
            "Taking note of the International Convention for the Protection of All Persons from "
            "Enforced Disappearance,’ and of the work of its Committee,\n\n"
            "Noting the document entitled “Guiding Principles for the Search”,\ue101 and their "
            "relevance to the search for persons,\n\nAcknowledging the contribution of science to "
            "that end, \ue102\n\n1. Decides to act.\n\n" + c.ANCHOR)
    work = text_work(body, notes, plain=False)
    work.glyphs = [("”", True), ("®", True), (";", True)]
    work = c.mark_marker_glyphs(work)
    out = c.number_footnote_markers(work).text
    assert "Disappearance,[^2] and of the work" in out
    assert "Search”,[^3] and their" in out
    assert "that end, [^" not in out  # a raised semicolon apart from the words is dust
    # a quotation opened with ‘ in the paragraph closes there: no candidate
    quoted = text_work(HEAD + "Noting the ‘Search for Persons,’ and other texts,\n\n" + c.ANCHOR,
                       notes[:1], plain=False)
    assert "’" in c.mark_marker_glyphs(quoted).text


def test_two_lost_notes_with_one_place_each_are_not_placed_at_the_same_one():
    text = (HEAD + "Noting the work of the Committee,\n\n1. Takes note of the report of the "
            "Secretary-General entitled “Goals and targets for youth”;\n\n" + c.ANCHOR)
    notes = {"1": "United Nations publication, Sales No. E.07.IV.1.", "2": "A/62/61."}
    inserts = c._place_lost(text, c.body_start(text), len(text) - 1, ["1", "2"], {}, notes)
    assert inserts == [(text.index(";\n\n") + 1, "[^2]")]  # the SG's report is a document


def test_a_note_cited_again_after_a_year_range_with_no_stop_gets_its_marker_again():
    # batch7's first contact (text variant): "Reduction 2015–20301 and" is note 1 again.
    out = number(HEAD + "Recalling the Sendai Framework for Disaster Risk Reduction 2015–2030,1\n\n"
                 "1. Calls upon States to implement the Sendai Framework for Disaster Risk Reduction "
                 "2015–20301 and to accelerate progress;\n\n" + c.ANCHOR,
                 [("1", "Resolution 69/283, annex II.")])
    assert "Reduction 2015–2030[^1] and to accelerate" in out
    assert "Reduction 2015–2030,[^1]\n\n" in out


def test_a_repeats_digit_numbers_its_antecedent_only_where_the_same_words_stand_before_both():
    # "... Reduction 2015-2030, adopted on 18 May 2023.4" cites the declaration (note 4), not
    # the Framework whose name it repeats: the "?" after the Framework keeps its own number.
    work = glyph_work(HEAD + "Recalling the Pact for the Future,\ue100 adopted on 22 September 2024, in "
                      "which Heads of State committed to strengthen the response to shocks,\n\n"
                      "Recalling the Sendai Framework for Disaster Risk Reduction 2015-2030,\ue101 the 2030 "
                      "Agenda for Sustainable Development and the Paris Agreement,\ue102 and the "
                      "interlinkages between them,\n\nRecalling also the political declaration of the "
                      "high-level meeting on the midterm review of the Sendai Framework for Disaster Risk "
                      "Reduction 2015-2030, adopted on 18 May 2023.\ue103\n\n" + c.ANCHOR, ["'", "?", "?", "4"],
                      [("1", "Resolution 79/1."), ("2", "Resolution 69/283, annex II."),
                       ("3", "Adopted under the Convention, decision 1/CP.21."), ("4", "Resolution 77/289, annex.")])
    work.plain = False
    work.glyphs = [(g, True) for g, _ in work.glyphs]
    out = c.number_footnote_markers(work).text
    assert "2015-2030,[^2] the 2030" in out and "Paris Agreement,[^3]" in out and "2023.[^4]" in out


def _layout(body: str, glyphs: list[str], notes) -> c.Work:
    work = glyph_work(body, glyphs, notes)
    work.plain = False
    work.glyphs = [(g, True) for g in glyphs]
    work.blocks = [[m for m, _ in notes if not m.startswith("*")]]
    return work


def test_a_name_said_again_before_a_date_is_no_repeat_of_its_marker():
    # "... the Sendai Framework ... 2015-2030, adopted on 18 May 2023,’" cites the declaration
    # adopted that day (note 3), not the Framework (note 1) again.
    work = _layout(HEAD + "Recalling the Sendai Framework for Disaster Risk Reduction 2015-2030,\ue100 the "
                   "2030 Agenda and the Paris Agreement,\ue101 and their links,\n\nRecalling also the political "
                   "declaration of the midterm review of the Sendai Framework for Disaster Risk Reduction "
                   "2015-2030, adopted on 18 May 2023,\ue102\n\nTaking note of document A/81/3,\ue103 in "
                   "particular its segment,\n\n" + c.ANCHOR, ["'", "’", "’", "*"],
                   [("1", "Resolution 69/283, annex II."), ("2", "Adopted under the Convention, decision 1/CP.21."),
                    ("3", "Resolution 77/289, annex."), ("4", "A/81/3.")])
    out = c.number_footnote_markers(work).text
    assert "18 May 2023,[^3]" in out and "A/81/3,[^4]" in out


def test_a_raised_digit_apart_from_its_word_outweighs_a_speck_apart_from_its_word():
    work = _layout(HEAD + "Noting the report,\ue100\n\nEmphasizing the primary responsibility for the "
                   "initiation, \ue101 organization and coordination of assistance,\n\nWelcoming the report "
                   "entitled “Cooperation”, \ue102 and its recommendations,\n\n" + c.ANCHOR, ["*", "°", "2"],
                   [("1", "A/81/3."), ("2", "A/81/100.")])
    out = c.number_footnote_markers(work).text
    assert "“Cooperation”, [^2]" in out and "initiation, [^" not in out


def test_a_quote_glued_to_a_year_is_a_repeats_marker_the_layout_missed():
    work = _layout(HEAD + "Recalling the Sendai Framework for Disaster Risk Reduction 2015-2030,\ue100\n\n"
                   "1. Calls upon States to implement the Sendai Framework for Disaster Risk Reduction "
                   "2015-2030' and to accelerate progress;\n\n" + c.ANCHOR, ["’"],
                   [("1", "Resolution 69/283, annex II.")])
    work = c.mark_marker_glyphs(work)
    out = c.number_footnote_markers(work).text
    assert "Reduction 2015-2030[^1] and to accelerate" in out


def test_a_note_of_an_instrument_adopted_under_a_convention_fits_the_instruments_name():
    work = text_work(HEAD + "Recalling the Paris Agreement,\ue100 and the links,\n\n" + c.ANCHOR,
                     [("3", "Adopted under the United Nations Framework Convention on Climate Change, "
                            "decision 1/CP.21.")], plain=False)
    work.glyphs = [("?", True)]
    assert c._note_fit(work, work.text.index("\ue100"), "3") == 0.5


def test_a_numbered_block_right_under_a_paragraph_that_runs_on_is_the_pages_notes():
    # Plain OCR text: no blank line between the page's last body line and its notes.
    text = ("The General Assembly,\n\nRecalling the Strategy,1 and the Convention,2\n\n"
            "Recognizing the vital role of civil society, including academia, religious leaders and the\n"
            "1 Resolution 60/288.\n2 United Nations, Treaty Series, vol. 1155, No. 18232.\n\n"
            "28-41775 (E)\n\fA/RES/83/121\n\nmedia, in preventing terrorism,\n\n1. Condemns terrorism;\n")
    pages = [Page(number=1, method="text", lines=[Line(text=t) for t in text.splitlines()])]
    cleaned = c.clean(Extracted(source_name="t.txt", media_type="text/plain", pages=pages))
    assert [(f.mark, f.text) for f in cleaned.footnotes] == [
        ("1", "Resolution 60/288."), ("2", "United Nations, Treaty Series, vol. 1155, No. 18232.")]
    assert "religious leaders and the media, in preventing terrorism," in cleaned.text


def test_a_paragraph_line_opening_with_a_number_is_no_notes_run():
    text = ("The General Assembly,\n\nNoting that the meeting was held on\n"
            "2 July 1999 in Geneva and that it concluded its work,\n\n1. Decides to act.\n")
    pages = [Page(number=1, method="text", lines=[Line(text=t) for t in text.splitlines()])]
    cleaned = c.clean(Extracted(source_name="t.txt", media_type="text/plain", pages=pages))
    assert not cleaned.footnotes and "held on 2 July 1999 in Geneva" in cleaned.text
