"""Paragraph alignment, word changes and predecessor ranking on hand-made documents."""

from __future__ import annotations

import random

import pytest

from pipeline.diff import (
    Candidate, align, choose_predecessor, diff, lineage_keys, links_to_gold, normalise,
    rank_predecessors, recalled_resolutions, series_of, title_key,
)
from pipeline.model import Document, OperativeParagraph, Paragraph

# Real paragraphs (A/C.2/58/L.37 and its family), so that similarities are realistic.
PRE = [
    "Recalling its resolutions 49/127 of 19 December 1994, 50/123 of 20 December 1995, "
    "52/189 of 18 December 1997, 54/212 of 22 December 1999 and 56/203 of 21 December 2001 "
    "on international migration and development,",
    "Reaffirming the continuing validity of the principles set forth in the international "
    "instruments regarding the protection of human rights, in particular the Universal "
    "Declaration of Human Rights,[^1] the Convention on the Rights of the Child[^2] and the "
    "International Convention on the Protection of the Rights of All Migrant Workers and "
    "Members of Their Families,[^3] which entered into force in July 2003,",
    "Noting the need for the relevant United Nations organizations and other international "
    "organizations to enhance their financial and technical support to developing countries "
    "to ensure that migration contributes to development,",
    "Aware also that, in spite of the existence of an already established body of principles, "
    "there is a need to enhance international cooperation on migration issues and make further "
    "efforts to ensure that the human rights and dignity of all migrants and their families "
    "are respected and protected,",
    "Recognizing the impact of brain drain on economic and social development in developing "
    "countries and emphasizing the need for further studies and analysis of its effects on "
    "development in the context of globalization,",
]
OPS = [
    "Takes note of the report of the Secretary-General;[^4]",
    "Urges Member States and the United Nations system to continue strengthening international "
    "cooperation and arrangements at all levels in the area of international migration and "
    "development in order to address all aspects of migration;",
    "Calls upon all relevant bodies, agencies, funds and programmes of the United Nations system "
    "to continue to address the issue of international migration and development, with a view "
    "to integrating migration issues, including gender perspective, in a more coherent way;",
    "Requests the Secretary-General, in cooperation with relevant bodies, agencies, funds and "
    "programmes of the United Nations system, to continue convening regular meetings in order "
    "to coordinate activities regarding international migration;",
    "Requests the Secretary-General to continue exploring possibilities for the holding of a "
    "United Nations conference on international migration and development;",
    "Decides to hold in 2006 a high-level dialogue on international migration and development, "
    "to address the multidimensional aspects of international migration and to identify "
    "appropriate ways and means to maximize its developmental benefits;",
    "Requests the Secretary-General to submit to the General Assembly at its sixtieth session a "
    "report on the implementation of the present resolution;",
    "Decides to include in the provisional agenda of its sixtieth session the sub-item entitled "
    "\u201cInternational migration and development\u201d.",
]


def doc(pre=PRE, ops=OPS, numbers=None, **meta) -> Document:
    numbers = numbers or [str(i) for i in range(1, len(ops) + 1)]
    return Document(preamble=[Paragraph(text=t) for t in pre],
                    operative=[OperativeParagraph(number=n, text=t) for n, t in zip(numbers, ops)],
                    **meta)


def gold(links) -> set[tuple]:
    return {tuple(link.as_gold()) for link in links}


def statuses(links) -> dict:
    out: dict[str, int] = {}
    for link in links:
        out[link.status] = out.get(link.status, 0) + 1
    return out


# --- alignment -------------------------------------------------------------------

def test_identical_documents_all_unchanged():
    links = align(doc(), doc())
    assert statuses(links) == {"unchanged": len(PRE) + len(OPS)}


def test_renumbering_whitespace_and_footnote_marks_alone_are_unchanged():
    ops = [t.replace("[^4]", "[^7]") for t in OPS]
    ops[2] = "  " + ops[2].replace(" ", "   ", 3) + "\n"
    pre = [t.replace("[^1]", "[^2]").replace("[^2]", "[^5]") for t in PRE]
    new = doc(pre, ops, numbers=[str(i) for i in range(3, 3 + len(OPS))])
    assert statuses(align(doc(), new)) == {"unchanged": len(PRE) + len(OPS)}


def test_leading_number_in_text_is_not_a_change():
    ops = [f"{i}. {t}" for i, t in enumerate(OPS, 1)]
    assert statuses(align(doc(), doc(ops=ops))) == {"unchanged": len(PRE) + len(OPS)}


def test_one_word_changed_is_modified_with_the_word_change():
    ops = list(OPS)
    ops[6] = ops[6].replace("sixtieth", "sixty-first")
    links = align(doc(), doc(ops=ops))
    changed = [l for l in links if l.status != "unchanged"]
    assert [(l.old, l.new, l.status) for l in changed] == [("O7", "O7", "modified")]
    words = changed[0].words
    assert {w.op for w in words} == {"equal", "insert", "delete"}
    assert any(w.op == "delete" and "sixtieth" in w.text for w in words)
    assert any(w.op == "insert" and "sixty-first" in w.text for w in words)
    # The word diff rebuilds both texts.
    assert "".join(w.text for w in words if w.op != "insert") == normalise_case(OPS[6])
    assert "".join(w.text for w in words if w.op != "delete") == normalise_case(ops[6])


def normalise_case(text: str) -> str:
    from pipeline.diff import strip_markers
    return strip_markers(text)


def test_paragraph_moved_unchanged_is_moved():
    ops = list(OPS)
    ops.insert(1, ops.pop(6))  # O7 -> O2
    links = align(doc(), doc(ops=ops))
    assert ("O7", "O2", "moved") in gold(links)
    assert statuses(links) == {"unchanged": len(PRE) + len(OPS) - 1, "moved": 1}


def test_paragraph_moved_and_changed_is_moved_with_words():
    ops = list(OPS)
    moved = ops.pop(1).replace("at all levels", "at the national, regional and global levels")
    ops.append(moved)
    links = align(doc(), doc(ops=ops))
    link = next(l for l in links if l.status == "moved")
    assert (link.old, link.new) == ("O2", "O8")
    assert any(w.op == "insert" and "regional" in w.text for w in link.words)
    assert statuses(links) == {"unchanged": len(PRE) + len(OPS) - 1, "moved": 1}


def test_added_and_deleted():
    new_para = ("Encourages Member States to ratify the International Convention on the "
                "Protection of the Rights of All Migrant Workers;")
    ops = OPS[:3] + [new_para] + OPS[4:]  # O4 replaced by an unrelated text
    pre = PRE[:2] + PRE[3:]  # P3 deleted
    links = gold(align(doc(), doc(pre, ops)))
    assert ("P3", None, "deleted") in links
    assert (None, "O4", "added") in links
    assert ("O4", None, "deleted") in links
    assert ("P4", "P3", "unchanged") in links
    assert ("O8", "O8", "unchanged") in links


def test_merge_is_two_links_sharing_the_new_paragraph():
    merged = OPS[3][:-1] + " and " + OPS[4][0].lower() + OPS[4][1:]
    ops = OPS[:3] + [merged] + OPS[5:]
    links = gold(align(doc(), doc(ops=ops)))
    assert ("O4", "O4", "modified") in links
    assert ("O5", "O4", "modified") in links
    assert ("O6", "O5", "unchanged") in links
    assert not any(l[2] in ("added", "deleted") for l in links)


def test_split_is_two_links_sharing_the_old_paragraph():
    first, second = OPS[5].split(", to address")
    ops = OPS[:5] + [first + ";", "Decides also that the dialogue shall address" + second] + OPS[6:]
    links = gold(align(doc(), doc(ops=ops)))
    assert ("O6", "O6", "modified") in links
    assert ("O6", "O7", "modified") in links
    assert ("O7", "O8", "unchanged") in links
    assert not any(l[2] in ("added", "deleted") for l in links)


def ocr_noise(text: str, rate: float, rng: random.Random) -> str:
    confusions = {"l": "1", "o": "0", "e": "c", "i": "l", "m": "rn", "a": "o", "s": "5"}
    out = []
    for ch in text:
        if ch in confusions and rng.random() < rate:
            out.append(confusions[ch])
        else:
            out.append(ch)
    return "".join(out)


@pytest.mark.parametrize("rate", [0.02, 0.05, 0.1])
def test_ocr_noised_copy_aligns_each_paragraph_with_itself(rate):
    rng = random.Random(7)
    new = doc([ocr_noise(t, rate, rng) for t in PRE], [ocr_noise(t, rate, rng) for t in OPS])
    links = align(doc(), new)
    assert {(l.old, l.new) for l in links} == \
        {(f"P{i}", f"P{i}") for i in range(1, 6)} | {(f"O{i}", f"O{i}") for i in range(1, 9)}
    assert set(statuses(links)) <= {"unchanged", "modified"}


def test_sections_are_aligned_separately():
    # A preambular paragraph identical to an operative one is not linked across sections.
    links = align(doc(pre=PRE + [OPS[0]]), doc(pre=PRE, ops=OPS))
    assert ("P6", None, "deleted") in gold(links)


def test_empty_sections():
    links = align(doc(pre=[], ops=[]), doc())
    assert statuses(links) == {"added": len(PRE) + len(OPS)}
    links = align(doc(), doc(pre=[], ops=[]))
    assert statuses(links) == {"deleted": len(PRE) + len(OPS)}


def test_diff_and_gold_view():
    old, new = doc(symbol="A/C.2/58/L.37"), doc(symbol="A/C.2/58/L.37/Rev.1")
    result = diff(old, new, predecessor_id="abc", confidence=0.9,
                  candidates=[Candidate(doc_id="abc", confidence=0.9, text_similarity=1.0)])
    assert result.predecessor == "A/C.2/58/L.37"
    assert result.candidates[0]["doc_id"] == "abc"
    view = links_to_gold(result, "A_C.2_58_L.37", "A_C.2_58_L.37_Rev.1")
    assert view["format"] == "docpipe-diff-gold/1"
    assert view["links"][0] == ["P1", "P1", "unchanged"]
    assert diff(None, new).links == []


def test_align_200_paragraph_documents_finds_the_move():
    rng = random.Random(1)
    base = PRE + OPS
    pre = [f"{rng.choice(base)} Paragraph {i} adds {rng.random():.6f}." for i in range(100)]
    ops = [f"{rng.choice(base)} Item {i} requests {rng.random():.6f}." for i in range(100)]
    new_ops = ops[:40] + ops[41:70] + [ops[40]] + ops[70:]
    links = align(doc(pre, ops), doc(pre, new_ops))
    assert ("O41", "O70", "moved") in gold(links)


# --- lineage -------------------------------------------------------------------

MIGRATION_TITLE = "International migration and development"


def resolution(symbol, session, pre=PRE, ops=OPS, title=MIGRATION_TITLE, **meta) -> Document:
    return doc(pre, ops, symbol=symbol, session=session, title=title, **meta)


def earlier_text(rng_seed=3):
    """An earlier resolution of the series: updated dates, some paragraphs new."""
    pre = [PRE[0].replace(" and 56/203 of 21 December 2001", "").replace("54/212", "and 54/212"),
           PRE[1].replace(", which entered into force in July 2003", ""), PRE[2], PRE[4]]
    ops = [OPS[0], OPS[1], OPS[3], OPS[4].replace("exploring", "to explore"),
           OPS[6].replace("sixtieth", "fifty-eighth"), OPS[7].replace("sixtieth", "fifty-eighth")]
    return pre, ops


DISTRACTOR_PRE = [
    "Recalling its resolution 56/180 on international trade and development,",
    "Noting the importance of the multilateral trading system for development, and "
    "stressing that market access for the exports of developing countries should improve,",
    "Expressing concern at the decline in commodity prices and the volatility of "
    "international financial flows,",
]
DISTRACTOR_OPS = [
    "Takes note of the report of the Secretary-General;",
    "Calls for the early conclusion of the negotiations on agriculture and the removal of "
    "trade-distorting subsidies;",
    "Invites the United Nations Conference on Trade and Development to continue its work on "
    "commodities and trade financing;",
]


def test_series_keys_and_titles():
    assert series_of("A/C.2/58/L.37/Rev.1") == ("A/C.2/58/L.37", 1)
    assert series_of("a/c.2/58/l.37") == ("A/C.2/58/L.37", 0)
    assert title_key("Draft resolution: International  migration and development") == \
        "international migration and development"
    keys = lineage_keys(resolution("A/C.2/58/L.37/Rev.1", 58, agenda_item="93 (c)",
                                   cites=["A/RES/54/212"]))
    assert keys["series"] == "A/C.2/58/L.37"
    assert keys["title_key"] == "international migration and development"
    assert "A/RES/56/203" in keys["cites"] and "A/RES/54/212" in keys["cites"]


def test_recalled_resolutions_skip_council_decisions():
    d = doc(pre=["Recalling its resolutions 54/212 of 22 December 1999 and 56/203, as well as "
                 "Economic and Social Council decision 1995/313 of 27 July 1995,"])
    assert recalled_resolutions(d) == ["A/RES/54/212", "A/RES/56/203"]


def test_revision_follows_its_draft():
    draft = resolution("A/C.2/58/L.37", 58)
    ops = list(OPS)
    ops[5] = ops[5].replace("2006", "2004")
    rev = resolution("A/C.2/58/L.37/Rev.1", 58, ops=ops)
    other = resolution("A/C.2/58/L.12", 58, DISTRACTOR_PRE, DISTRACTOR_OPS,
                       title="International trade and development")
    ranking = rank_predecessors(rev, [("d-other", other), ("d-draft", draft)])
    assert ranking[0].doc_id == "d-draft" and ranking[0].accepted
    assert ranking[0].confidence > 0.9
    assert any("series" in r for r in ranking[0].reasons)
    assert not ranking[1].accepted


def test_a_later_revision_or_the_same_symbol_is_not_a_candidate():
    rev1 = resolution("A/C.2/58/L.37/Rev.1", 58)
    draft = resolution("A/C.2/58/L.37", 58)
    assert [c.doc_id for c in rank_predecessors(draft, [("r1", rev1), ("same", draft)])] == []


def test_recalled_resolution_is_the_predecessor_and_title_distractor_loses():
    pre, ops = earlier_text()
    previous = resolution("A/RES/56/203", 56, pre, ops)
    older = resolution("A/RES/54/212", 54, pre[:2], ops[:3])
    # Same title words, another topic: must not win, and must not be accepted alone.
    distractor = resolution("A/RES/57/270", 57, DISTRACTOR_PRE, DISTRACTOR_OPS,
                            title="International migration and development")
    new = resolution("A/C.2/58/L.37", 58, cites=["A/RES/56/203", "A/RES/54/212"])
    candidates = [("dist", distractor), ("older", older), ("prev", previous)]
    ranking = rank_predecessors(new, candidates)
    assert ranking[0].doc_id == "prev" and ranking[0].accepted
    assert any("recalled" in r for r in ranking[0].reasons)
    dist = next(c for c in ranking if c.doc_id == "dist")
    assert dist.confidence < 0.5 and not dist.accepted

    # Alone, the look-alike gives no predecessor.
    doc_id, found, ranking = choose_predecessor(new, [("dist", distractor)])
    assert doc_id is None and found is None and ranking[0].confidence < 0.5


def test_resolution_follows_the_committee_draft_it_was_adopted_from():
    pre, ops = earlier_text()
    previous = resolution("A/RES/56/203", 56, pre, ops)
    draft = resolution("A/C.2/58/L.37", 58)
    adopted = resolution("A/RES/58/208", 58, kind="resolution", cites=["A/RES/56/203"],
                         report_line="[on the report of the Second Committee (A/58/483/Add.3)]")
    ranking = rank_predecessors(adopted, [("prev", previous), ("draft", draft)])
    assert ranking[0].doc_id == "draft" and ranking[0].accepted


def test_plenary_resolution_names_its_draft_in_the_report_line():
    draft = resolution("A/73/L.8", 73)
    adopted = resolution("A/RES/73/7", 73, report_line=(
        "[without reference to a Main Committee (A/73/L.8 and A/73/L.8/Add.1)]"))
    ranking = rank_predecessors(adopted, [("draft", draft)])
    assert ranking[0].accepted and any("report line" in r for r in ranking[0].reasons)


def test_a_plenary_resolution_adopted_from_a_revision_follows_the_revision():
    # batch7's first contact: "/Rev.1" was cut from the report line's symbol, so the
    # original draft took the report line's weight.
    draft = resolution("A/82/L.38", 82)
    revised = resolution("A/82/L.38/Rev.1", 82)
    adopted = resolution("A/RES/82/160", 82, report_line=(
        "[without reference to a Main Committee (A/82/L.38/Rev.1 and A/82/L.38/Add.1)]"))
    ranking = rank_predecessors(adopted, [("draft", draft), ("rev", revised)])
    assert ranking[0].doc_id == "rev" and any("report line" in r for r in ranking[0].reasons)
    assert not any("report line" in r for r in next(c for c in ranking if c.doc_id == "draft").reasons)


def test_no_title_no_cites_high_text_similarity_is_still_found():
    ops = list(OPS)
    ops[0] = ops[0].replace("Takes note", "Takes note with appreciation")
    ranking = rank_predecessors(doc(ops=ops, symbol="A/C.2/58/L.37", session=58),
                                [("x", doc(symbol="A/C.2/57/L.5", session=57))])
    assert ranking[0].accepted


def test_an_unrelated_archive_gives_no_predecessor():
    new = resolution("A/C.2/58/L.37", 58)
    archive = [(f"d{i}", resolution(f"A/RES/57/{i}", 57, DISTRACTOR_PRE, DISTRACTOR_OPS,
                                    title=f"Topic {i}")) for i in range(5)]
    doc_id, _, _ = choose_predecessor(new, archive)
    assert doc_id is None


def test_ocr_confusions_alone_are_unchanged_but_numbers_are_not():
    ops = list(OPS)
    ops[1] = ops[1].replace("all levels", "a1l leve1s").replace("migration", "rnigrati0n")
    ops[5] = ops[5].replace("2006", "2004")
    links = gold(align(doc(), doc(ops=ops)))
    assert ("O2", "O2", "unchanged") in links
    assert ("O6", "O6", "modified") in links


def test_three_way_merge_links_all_pieces_and_adds_nothing():
    merged = " ".join(t.rstrip(";") for t in OPS[3:6]) + ";"
    ops = OPS[:3] + [merged] + OPS[6:]
    links = gold(align(doc(), doc(ops=ops)))
    assert {("O4", "O4", "modified"), ("O5", "O4", "modified"), ("O6", "O4", "modified")} <= links
    assert not any(l[2] in ("added", "deleted") for l in links)


# --- second pass: reworded pieces, rewrites in place, OCR marks -------------------------

SPLIT_HEAD = "Decides to hold in 2006 a high-level dialogue on international migration and development;"
SPLIT_REWORDED_TAIL = (
    "Also decides that the high-level dialogue shall identify appropriate ways and means of "
    "maximizing the developmental benefits of international migration and address its "
    "multidimensional aspects;")


def test_split_whose_second_piece_was_reworded_links_both_pieces():
    # The tail piece scores ~0.46 against O6: below KEEP_THRESHOLD, and reworded so that
    # its words are not in O6's order; it carries what O6 lost in its link with new O6.
    ops = OPS[:5] + [SPLIT_HEAD, SPLIT_REWORDED_TAIL] + OPS[6:]
    links = gold(align(doc(), doc(ops=ops)))
    assert {("O6", "O6", "modified"), ("O6", "O7", "modified"), ("O7", "O8", "unchanged")} <= links
    assert not any(l[2] in ("added", "deleted") for l in links)


def test_merge_that_reworded_its_second_piece_links_both_pieces():
    merged = (OPS[3][:-1] + ", and to explore the holding of a conference of the United Nations "
              "on development and international migration;")
    ops = OPS[:3] + [merged] + OPS[5:]
    links = gold(align(doc(), doc(ops=ops)))
    assert {("O4", "O4", "modified"), ("O5", "O4", "modified")} <= links
    assert not any(l[2] in ("added", "deleted") for l in links)


def test_an_unrelated_paragraph_next_to_a_shortened_one_stays_added():
    # O6 loses its tail; the new paragraph after it is about something else.
    other = ("Encourages Member States to ratify the International Convention on the Protection "
             "of the Rights of All Migrant Workers and Members of Their Families;")
    ops = OPS[:5] + [SPLIT_HEAD, other] + OPS[6:]
    links = gold(align(doc(), doc(ops=ops)))
    assert ("O6", "O6", "modified") in links
    assert (None, "O7", "added") in links


def test_a_deleted_and_an_added_paragraph_of_other_topics_in_one_place_stay_apart():
    new_para = ("Decides to convene a high-level meeting on the financing of development in "
                "the least developed countries, to be held in 2008;")
    ops = OPS[:5] + [new_para] + OPS[6:]
    links = gold(align(doc(), doc(ops=ops)))
    assert ("O6", None, "deleted") in links and (None, "O6", "added") in links


def test_rewritten_in_place_with_ocr_damage_is_modified():
    # Rewritten and then OCR-damaged: overall similarity falls under KEEP_THRESHOLD, but
    # it sits where O5 was and keeps O5's distinctive words.
    rewritten = ("Considers that the possibilities for holding a United Nations conference on "
                 "international migration and development should continue to be explored;")
    noisy = ocr_noise(rewritten, 0.15, random.Random(1))
    from pipeline.diff import KEEP_THRESHOLD, REWRITE_THRESHOLD
    ops = OPS[:4] + [noisy] + OPS[5:]
    links = align(doc(), doc(ops=ops))
    link = next(l for l in links if l.new == "O5")
    assert (link.old, link.status) == ("O5", "modified")
    assert REWRITE_THRESHOLD <= link.similarity < KEEP_THRESHOLD


def test_stray_ocr_marks_and_accents_alone_are_unchanged():
    ops = list(OPS)
    ops[1] = ops[1].replace("all levels", "all levels'").replace("order to", "order. to")
    ops[2] = ops[2].replace("gender perspective", "gender-perspective").replace("way;", "way:")
    ops[6] = ops[6].replace("Secretary-General", "Secrétary-General")
    links = gold(align(doc(), doc(ops=ops)))
    assert {("O2", "O2", "unchanged"), ("O3", "O3", "unchanged"), ("O7", "O7", "unchanged")} <= links
    # A changed word still counts.
    ops[3] = ops[3].replace("regular meetings", "annual meetings")
    assert ("O4", "O4", "modified") in gold(align(doc(), doc(ops=ops)))


def test_similarity_matrix_is_exact_where_it_matters():
    from pipeline.diff import KEEP_THRESHOLD, _section, _Vocabulary, similarity, similarity_matrix
    rng = random.Random(2)
    texts = PRE + OPS
    olds = [rng.choice(texts) + f" {i}" for i in range(30)] + ["", "Short."]
    news = [rng.choice(texts)[: rng.randint(10, 300)] for _ in range(30)] + [olds[3], ""]
    vocab = _Vocabulary()
    a = _section(doc(pre=olds, ops=[]), "P", vocab)
    b = _section(doc(pre=news, ops=[]), "P", vocab)
    sim = similarity_matrix(a, b)
    for i, o in enumerate(a):
        for j, n in enumerate(b):
            exact = similarity(o, n)
            if sim[i][j] == sim[i][j]:
                assert sim[i][j] == exact
            else:  # left out: it could not reach the threshold
                assert exact < KEEP_THRESHOLD


def test_corpus_diff_golds_from_their_own_documents():
    """The 8 hand-made diff golds, documents from the gold files: link F1 >= 0.97."""
    import json
    from pathlib import Path

    from pipeline.evaluate import diff_scores
    sources = Path(__file__).resolve().parents[1] / "corpus" / "sources"
    matched = predicted = expected = 0
    for path in sorted(sources.glob("*.diff.json")):
        g = json.loads(path.read_text(encoding="utf-8"))
        old, new = (Document.model_validate(json.loads((sources / f"{s}.gold.json").read_text(
            encoding="utf-8"))) for s in (g["old"], g["new"]))
        s = diff_scores(old, new, g)["links"]
        matched, predicted, expected = (matched + s["matched"], predicted + s["predicted"],
                                        expected + s["gold"])
    assert expected >= 140  # 8 golds, 143 links
    precision, recall = matched / predicted, matched / expected
    assert 2 * precision * recall / (precision + recall) >= 0.97


def test_bench_documents_align_well():
    """bench/diff.py's 200-paragraph pair (its speed is the benchmark's business)."""
    from bench.diff import make_pair
    old, new, edits = make_pair(200, 1)
    links = align(old, new)
    counts = statuses(links)
    assert counts["moved"] >= 2 and counts["added"] >= edits["added"] // 2
