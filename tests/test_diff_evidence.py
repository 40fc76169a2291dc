"""The other version of a resolution as evidence for OCR corrections (``pipeline.evidence``).

Hand-written paragraphs in the style of a resolution on water resources; the scanned side
is the clean text with the kind of damage Tesseract does to a degraded 200-dpi scan.
"""

from __future__ import annotations

from pipeline.diff import align, diff
from pipeline.evaluate import diff_scores
from pipeline.evidence import (CONTEXT_RULE, RULE, apply_changes, apply_corrections, misread,
                               reconcile, vocabulary)
from pipeline.index import index_rows
from pipeline.model import Change, DiffResult, Document, OperativeParagraph, Paragraph

PRE = [
    "Recalling its resolutions 64/198 of 21 December 2009 and 66/228 of 22 December 2011 on "
    "the management of transboundary water resources,",
    "Stressing that the sustainable management of shared aquifers requires cooperation among "
    "riparian States and the exchange of reliable hydrological data,",
    "Concerned that the scarcity of freshwater affects the livelihoods of rural communities "
    "and the food security of developing countries,",
]
OPS = [
    "Encourages Governments to strengthen regional cooperation in the protection of shared "
    "watercourses and in the monitoring of water quality;",
    "Invites the United Nations Environment Programme to assist interested States, upon "
    "request, in the preparation of joint management plans;",
    "Requests the Secretary-General to submit to the General Assembly at its sixty-ninth "
    "session a report on the implementation of the present resolution;",
]


def make(pre=PRE, ops=OPS, symbol="A/C.2/67/L.20") -> Document:
    return Document(symbol=symbol, session=67,
                    preamble=[Paragraph(text=t) for t in pre],
                    operative=[OperativeParagraph(number=str(i), text=t)
                               for i, t in enumerate(ops, 1)])


def replaced(texts, index, old, new):
    out = list(texts)
    assert old in out[index]
    out[index] = out[index].replace(old, new)
    return out


def status_of(links, new_id):
    return {l.new: l.status for l in links}[new_id]


def test_misreadings_in_a_scanned_new_version_are_corrected_and_unchanged():
    ops = replaced(OPS, 0, "cooperation", "coopetation")  # one glyph, non-word
    ops = replaced(ops, 0, "monitoring", "monitonng")  # ri read as n
    pre = replaced(PRE, 1, "reliable", "rellable")
    old, new = make(), make(pre, ops, symbol="A/RES/67/201")
    result = diff(old, new)
    assert status_of(result.links, "O1") == "unchanged"
    assert status_of(result.links, "P2") == "unchanged"
    fixes = result.corrections["O1"]
    assert [(c.rule, c.before, c.after) for c in fixes] == [
        (RULE, "coopetation", "cooperation"), (RULE, "monitonng", "monitoring")]
    assert new.operative[0].text[fixes[0].position:].startswith("coopetation")
    corrected = apply_corrections(new, result.corrections)
    assert corrected.operative[0].text == OPS[0]
    assert corrected.preamble[1].text == PRE[1]
    assert new.operative[0].text == ops[0]  # pure: the input is not changed


def test_scanned_old_version_is_discounted_but_never_rewritten():
    pre = replaced(PRE, 2, "livelihoods", "livelihooda")
    old, new = make(pre), make(symbol="A/RES/67/201")
    result = diff(old, new)
    assert status_of(result.links, "P3") == "unchanged"
    assert result.corrections == {}  # nothing of the new (clean) text is touched
    assert old.preamble[2].text == pre[2]


def test_a_different_real_word_stays_an_edit():
    ops = replaced(OPS, 0, "strengthen", "enhance")
    result = diff(make(), make(ops=ops))
    assert status_of(result.links, "O1") == "modified"
    assert result.corrections == {}


def test_a_real_word_of_similar_frequency_close_in_glyphs_stays_an_edit():
    # "assist" -> "assess": two cheap glyph confusions apart, but both are common words.
    ops = replaced(OPS, 1, "to assist", "to assess")
    result = diff(make(), make(ops=ops))
    assert status_of(result.links, "O2") == "modified"
    assert result.corrections == {}


def test_another_form_of_a_word_stays_an_edit_even_where_the_lexicon_lacks_it():
    # wordfreq knows "mainstream" but not "mainstreamed": still a grammatical edit, not a
    # misreading (it is one cheap slip away in glyph terms).
    ops = replaced(OPS, 0, "to strengthen regional cooperation in", "to mainstream regional cooperation in")
    new_ops = replaced(OPS, 0, "to strengthen regional cooperation in", "to mainstreamed regional cooperation in")
    result = diff(make(ops=ops), make(ops=new_ops))
    assert status_of(result.links, "O1") == "modified"
    assert result.corrections == {}


def test_numbers_dates_and_written_numbers_are_facts():
    ops = replaced(OPS, 2, "sixty-ninth", "sixty-ninrh")  # a misread *ordinal*: not corrected
    pre = replaced(PRE, 0, "2011", "2012")
    result = diff(make(), make(pre, ops))
    assert status_of(result.links, "P1") == "modified"
    assert status_of(result.links, "O3") == "modified"
    assert "P1" not in result.corrections and "O3" not in result.corrections


def test_acronyms_are_not_corrected():
    old = make(ops=replaced(OPS, 1, "the United Nations Environment Programme", "UNEP"))
    new = make(ops=replaced(OPS, 1, "the United Nations Environment Programme", "UNDP"))
    result = diff(old, new)
    assert status_of(result.links, "O2") == "modified"
    assert result.corrections == {}


def test_a_stray_speck_read_as_letters_is_removed_but_a_real_word_is_not():
    ops = replaced(OPS, 1, "in the preparation", "in ti the preparation")
    result = diff(make(), make(ops=ops))
    assert status_of(result.links, "O2") == "unchanged"
    assert [(c.before, c.after) for c in result.corrections["O2"]] == [("ti ", "")]
    assert apply_corrections(make(ops=ops), result.corrections).operative[1].text == OPS[1]
    # "all" is a word the text uses: inserting it is an edit.
    ops = replaced(OPS, 1, "assist interested", "assist all interested")
    assert status_of(align(make(), make(ops=ops)), "O2") == "modified"


def test_a_capitalised_insertion_may_be_a_name_and_stays_an_edit():
    ops = replaced(OPS, 0, "regional cooperation", "Nile cooperation")
    ops = replaced(ops, 1, "Programme to", "Programme Kobe to")
    result = diff(make(), make(ops=ops))
    assert status_of(result.links, "O2") == "modified"


def test_a_word_split_by_a_speck_is_joined():
    pre = replaced(PRE, 1, "Stressing", "Stres -sing")
    result = diff(make(), make(pre))
    assert status_of(result.links, "P2") == "unchanged"
    assert [(c.before, c.after) for c in result.corrections["P2"]] == [("Stres -sing", "Stressing")]


def test_a_paragraph_number_left_in_the_text_with_a_stray_mark_is_not_a_change():
    ops = list(OPS)
    ops[1] = "2.' " + ops[1]
    assert status_of(align(make(), make(ops=ops)), "O2") == "unchanged"


def test_corrections_are_recorded_even_where_the_paragraph_was_also_edited():
    ops = replaced(OPS, 0, "cooperation", "coopetation")
    ops = replaced(ops, 0, "water quality", "water quality and quantity")
    result = diff(make(), make(ops=ops))
    link = next(l for l in result.links if l.new == "O1")
    assert link.status == "modified"
    assert [(c.before, c.after) for c in result.corrections["O1"]] == [("coopetation", "cooperation")]
    # Word changes are those of the corrected text: only the real edit shows.
    changed = " ".join(w.text for w in link.words if w.op != "equal")
    assert "quantity" in changed and "coop" not in changed


def test_reconcile_positions_skip_footnote_markers():
    old = "Recalling the Convention on the Law of the Non-navigational Uses of International Watercourses,[^2]"
    new = "Recalling the Convention on the Law of the Non-navigational Uses of Intermational Watercourses,[^3]"
    found = reconcile(old, new, vocabulary(make([old])), vocabulary(make([new])))
    assert found.explained
    assert apply_changes(new, found.corrections) == old.replace("[^2]", "[^3]")


def test_apply_changes_skips_a_change_whose_text_is_gone():
    stale = Change(rule=RULE, position=0, before="Encourgaes", after="Encourages")
    assert apply_changes(OPS[0], [stale]) == OPS[0]


def test_a_rare_word_is_not_taken_as_printed_on_one_occurrence():
    # wordfreq does not know "hydrological" well and the text uses it once: either side
    # could be the misreading, so neither is corrected (and the pair stays modified).
    pre = replaced(PRE, 1, "hydrological", "hydrologieal")
    result = diff(make(), make(pre))
    assert "P2" not in result.corrections


def test_clean_versions_get_no_corrections():
    ops = replaced(OPS, 0, "strengthen regional", "further strengthen regional")
    pre = [*PRE[:2], "Noting with concern the depletion of groundwater in arid regions,"]
    result = diff(make(), make(pre, ops))
    assert result.corrections == {}


def test_index_rows_and_eval_use_the_corrected_text():
    ops = replaced(OPS, 0, "cooperation", "coopetation")
    old, new = make(), make(ops=ops, symbol="A/RES/67/201")
    result = diff(old, new)
    rows = {r.paragraph: r for r in index_rows("d2", new, result)}
    assert "cooperation" in rows["O1"].text and "coopetation" not in rows["O1"].display_text
    assert rows["O1"].change == "unchanged"
    links = [[f"P{i}", f"P{i}", "unchanged"] for i in (1, 2, 3)]
    links += [[f"O{i}", f"O{i}", "unchanged"] for i in (1, 2, 3)]
    scores = diff_scores(old, new, {"format": "docpipe-diff-gold/1", "links": links})
    assert scores["links"]["f1"] == 1.0


def test_diff_result_round_trips_its_corrections():
    ops = replaced(OPS, 0, "cooperation", "coopetation")
    result = diff(make(), make(ops=ops))
    again = DiffResult.model_validate_json(result.model_dump_json())
    assert again.corrections == result.corrections and again.corrections["O1"]


def test_an_accent_on_the_scanned_old_side_never_changes_the_clean_new_text():
    old = make(replaced(PRE, 0, "21 December 2009", "21 Decembér 2009"))
    result = diff(old, make())
    assert status_of(result.links, "P1") == "unchanged"
    assert result.corrections == {}
    # ... and on the new side it is taken off.
    result = diff(make(), old)
    assert [(c.before, c.after) for c in result.corrections["P1"]] == [("Decembér", "December")]


def test_a_speck_next_to_a_misread_word_is_both_removed_and_corrected():
    ops = replaced(OPS, 0, "strengthen regional", "strengthen é regionai")
    result = diff(make(), make(ops=ops))
    assert status_of(result.links, "O1") == "unchanged"
    assert sorted((c.before, c.after) for c in result.corrections["O1"]) == [
        ("regionai", "regional"), ("é ", "")]
    assert apply_corrections(make(ops=ops), result.corrections).operative[0].text == OPS[0]


def test_the_diff_stage_keeps_the_corrections_of_the_predecessor_it_chose():
    from pipeline.diff import diff_against_archive
    ops = replaced(OPS, 0, "cooperation", "coopetation")
    new = make(ops=ops, symbol="A/C.2/67/L.20/Rev.1")
    result = diff_against_archive(new, [("d1", make())])
    assert result.predecessor_id == "d1"
    assert [(c.before, c.after) for c in result.corrections["O1"]] == [("coopetation", "cooperation")]
    assert diff_against_archive(new, []).corrections == {}


def test_a_common_function_word_read_as_a_rare_one_is_a_misreading():
    # "and" read as "wad" costs more than a cheap slip, but revisions never turn "and"
    # into a rare word; "and" -> "or" (both common) stays an edit.
    pre = replaced(PRE, 2, "communities and the", "communities wad the")
    result = diff(make(), make(pre))
    assert status_of(result.links, "P3") == "unchanged"
    assert [(c.before, c.after) for c in result.corrections["P3"]] == [("wad", "and")]
    pre = replaced(PRE, 2, "communities and the", "communities or the")
    assert status_of(align(make(), make(pre)), "P3") == "modified"


def test_junk_at_the_end_of_a_paragraph_goes_with_the_space_before_it():
    ops = list(OPS)
    ops[2] = OPS[2] + " ti"
    result = diff(make(), make(ops=ops))
    assert status_of(result.links, "O3") == "unchanged"
    assert apply_corrections(make(ops=ops), result.corrections).operative[2].text == OPS[2]


# --- marker residue, digit glyphs, lost paragraph numbers (issue #5) -------------------------

def test_a_lost_footnote_marker_read_as_a_digit_is_not_a_change():
    # The scan lost the superscript: its digit sits glued after the comma, or between two
    # words, or after the paragraph's closing punctuation.
    pre = replaced(PRE, 0, "water resources,", "water resources,4")
    pre = replaced(pre, 1, "reliable hydrological", "reliable 1 hydrological")
    pre = replaced(pre, 2, "developing countries,", "developing countries, 2")
    result = diff(make(), make(pre, symbol="A/RES/67/201"))
    assert [status_of(result.links, p) for p in ("P1", "P2", "P3")] == ["unchanged"] * 3
    # Either side may be the scan.
    result = diff(make(pre), make(symbol="A/RES/67/201"))
    assert [status_of(result.links, p) for p in ("P1", "P2", "P3")] == ["unchanged"] * 3


def test_an_inserted_number_next_to_numbers_or_dates_stays_an_edit():
    # "paragraphs 4 and 7" -> "paragraphs 4, 5 and 7"; "in December" -> "in 2 December";
    # a three-digit number is no footnote marker.
    ops = ["Requests the Secretary-General to report on paragraphs 4 and 7 above;",
           "Decides to convene the meeting in December at Headquarters;",
           "Invites the Commission to consider the report at its meetings;"]
    new_ops = [ops[0].replace("4 and 7", "4, 5 and 7"),
               ops[1].replace("in December", "in 2 December"),
               ops[2].replace("its meetings", "its 120 meetings")]
    result = diff(make(ops=ops), make(ops=new_ops))
    assert [status_of(result.links, o) for o in ("O1", "O2", "O3")] == ["modified"] * 3


def test_digits_read_as_look_alike_glyphs_are_the_same_number_but_a_changed_digit_is_not():
    pre = replaced(PRE, 0, "64/198", "§4/198")  # a 6 is no "§": the glyph stands for a 5
    pre = replaced(pre, 0, "66/228", "66/2Z8")  # 2 read as Z
    ops = replaced(OPS, 0, "strengthen", "strengthen")
    result = diff(make(replaced(PRE, 0, "64/198", "54/198")), make(pre, ops, symbol="A/RES/67/201"))
    assert status_of(result.links, "P1") == "unchanged"
    # A different digit, or a section sign where a 6 was printed, is a different number.
    for reading in ("64/199", "§4/198"):
        result = diff(make(), make(replaced(PRE, 0, "64/198", reading)))
        assert status_of(result.links, "P1") == "modified", reading


def test_a_number_read_as_letters_is_the_number():
    pre = [PRE[0] + " involving 50 States,"]
    result = diff(make(pre), make([pre[0].replace("50 States", "SO States")]))
    assert status_of(result.links, "P1") == "unchanged"
    result = diff(make(pre), make([pre[0].replace("50 States", "S1 States")]))
    assert status_of(result.links, "P1") == "modified"


def test_a_paragraph_number_with_a_stray_quote_before_it_is_not_wording():
    ops = list(OPS)
    new_ops = replaced(OPS, 1, "Invites", '"2... Invites')
    result = diff(make(ops=ops), make(ops=new_ops))
    assert status_of(result.links, "O2") == "unchanged"


def test_a_scan_garbling_one_of_two_swapped_paragraphs_does_not_change_which_is_moved():
    a, b, c = PRE
    clean = diff(make([a, b, c]), make([a, c, b]))
    garbled = diff(make([a, b, c.replace("food security", "food secunty")]), make([a, c, b]))
    key = lambda r: sorted((l.old, l.new, l.status == "moved") for l in r.links)
    assert key(clean) == key(garbled)


# --- context evidence (issue #5): garbles too heavy for the channel ---------------------------

def no_vocab():
    from collections import Counter
    return Counter()


def test_a_heavy_garble_between_identical_words_is_a_misreading_by_context():
    # Costs the channel rejects ("dumgmnt" for "management", "imeangs" for "interested"),
    # but the reading is no word and both sentences are otherwise identical.
    assert not misread("dumgmnt", "management", no_vocab(), no_vocab())
    assert not misread("imeangs", "interested", no_vocab(), no_vocab())
    pre = replaced(PRE, 0, "the management of", "the dumgmnt of")
    ops = replaced(OPS, 1, "assist interested States", "assist imeangs States")
    old, new = make(), make(pre, ops, symbol="A/RES/67/201")
    result = diff(old, new)
    assert status_of(result.links, "P1") == "unchanged"
    assert status_of(result.links, "O2") == "unchanged"
    assert [(c.rule, c.before, c.after) for c in result.corrections["P1"]] == [
        (CONTEXT_RULE, "dumgmnt", "management")]
    assert [(c.rule, c.before, c.after) for c in result.corrections["O2"]] == [
        (CONTEXT_RULE, "imeangs", "interested")]
    corrected = apply_corrections(new, result.corrections)
    assert corrected.preamble[0].text == PRE[0] and corrected.operative[1].text == OPS[1]


def test_a_heavy_garble_on_the_scanned_old_side_is_discounted_without_corrections():
    pre = replaced(PRE, 2, "of rural communities", "of amrul communities")
    result = diff(make(pre), make(symbol="A/RES/67/201"))
    assert status_of(result.links, "P3") == "unchanged"
    assert result.corrections == {}


def test_a_garble_at_the_paragraph_edge_has_context_on_one_side_only():
    ops = replaced(OPS, 0, "water quality;", "water qnulhy;")  # "qnulhy": channel says no
    assert not misread("qnulhy", "quality", no_vocab(), no_vocab())
    result = diff(make(), make(ops=ops))
    assert status_of(result.links, "O1") == "unchanged"
    assert [c.rule for c in result.corrections["O1"]] == [CONTEXT_RULE]


def test_two_adjacent_garbles_share_one_context_but_not_a_real_edit_next_to_a_garble():
    # Both readings qualify on their own and the words around the pair match: corrected.
    assert not misread("aaetaiuabic", "sustainable", no_vocab(), no_vocab())
    pre = replaced(PRE, 1, "the sustainable management of", "the aaetaiuabic dumgmnt of")
    result = diff(make(), make(pre))
    assert status_of(result.links, "P2") == "unchanged"
    assert [(c.rule, c.before, c.after) for c in result.corrections["P2"]] == [
        (CONTEXT_RULE, "aaetaiuabic", "sustainable"), (CONTEXT_RULE, "dumgmnt", "management")]
    # A real word replaced next to the garble: the sentence was edited, the garble too stays.
    pre = replaced(PRE, 1, "the sustainable management of", "the aaetaiuabic use of")
    result = diff(make(), make(pre))
    assert status_of(result.links, "P2") == "modified"
    assert "P2" not in result.corrections
    # Three in a row is taken for a rewritten phrase, whatever it reads like (conservative:
    # a badly damaged line stays "modified" rather than risk hiding a rewording).
    pre = replaced(PRE, 1, "the sustainable management of shared", "the aaetaiuabic dumgmnt cf shared")
    assert status_of(diff(make(), make(pre)).links, "P2") == "modified"


def test_a_non_word_without_matching_words_around_it_stays_an_edit():
    # The words before the garble changed too: one matching word ("of") is no context.
    pre = replaced(PRE, 2, "affects the livelihoods of rural communities", "affects all of amrul communities")
    result = diff(make(), make(pre))
    assert status_of(result.links, "P3") == "modified"
    assert "P3" not in result.corrections


def test_a_rare_technical_word_the_lexicon_knows_stays_an_edit():
    # "karstic" is in wordfreq (Zipf 1.5): an editor's word, however rare, not a garble.
    pre = replaced(PRE, 1, "of shared aquifers", "of karstic aquifers")
    result = diff(make(), make(pre))
    assert status_of(result.links, "P2") == "modified"
    assert result.corrections == {}


def test_a_real_word_replaced_by_another_stays_an_edit_in_identical_context():
    pre = replaced(PRE, 2, "of rural communities", "of urban communities")
    result = diff(make(), make(pre))
    assert status_of(result.links, "P3") == "modified"
    assert result.corrections == {}


def test_facts_names_and_a_term_of_the_text_are_never_taken_by_context():
    # A number word, a month, a capitalised reading (a name?) and a number: facts stay.
    ops = replaced(OPS, 2, "sixty-ninth", "sixty-nlnrh")
    pre = replaced(PRE, 0, "21 December 2009", "21 Pecnaioer 2009")
    pre = replaced(pre, 2, "of rural communities", "of Amrul communities")
    ops = replaced(ops, 1, "Invites the United Nations", "Invites the Umbhed Nations")
    result = diff(make(), make(pre, ops))
    for pid in ("O3", "P1", "P3", "O2"):
        assert status_of(result.links, pid) == "modified", pid
    assert result.corrections == {}
    # A non-word the new text uses again is a term of it (a coinage), not a misreading.
    pre = replaced(PRE, 2, "of rural communities", "of agropastoral communities")
    ops = replaced(OPS, 0, "in the monitoring", "in the agropastoral monitoring")
    result = diff(make(), make(pre, ops))
    assert status_of(result.links, "P3") == "modified"


def test_an_unknown_derived_form_of_the_word_stays_an_edit():
    # "monitorings" is no word of the lexicon, but it is "monitoring" inflected: an edit.
    ops = replaced(OPS, 0, "in the monitoring of", "in the monitorings of")
    result = diff(make(), make(ops=ops))
    assert status_of(result.links, "O1") == "modified"
    assert result.corrections == {}


def test_of_two_swapped_paragraphs_the_edited_one_moved_however_small_the_edit():
    # A real one-word edit in a long paragraph (similarity above 0.95) is still an edit: the
    # unchanged paragraph keeps its place and the edited one is reported moved, also on a
    # scan whose other noise is explained away.
    a, b = PRE[0], PRE[1]
    c = ("Concerned that the scarcity of freshwater, aggravated by the degradation of "
         "wetlands and by the overexploitation of groundwater in arid and semi-arid regions, "
         "affects the livelihoods of rural communities, the health of women and children "
         "and the food security of developing countries, in particular the least developed "
         "countries and small island developing States,")
    edited = c.replace("rural communities", "rural households")
    for new_c in (edited, edited.replace("food security", "food secunty")):
        result = diff(make([a, b, c]), make([a, new_c, b]))
        moved = {(l.old, l.new) for l in result.links if l.status == "moved"}
        assert moved == {("P3", "P2")}, result.links
        assert status_of(result.links, "P3") == "unchanged"
