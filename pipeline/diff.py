"""Compare a document with its predecessor, and find that predecessor.

Two pure jobs live here:

* ``align`` / ``diff``: paragraph links between two versions (``P<k>``/``O<k>`` ids,
  statuses unchanged/modified/moved/added/deleted, splits and merges as several links
  sharing one side) with word-level changes inside changed pairs. Where one side is a
  scan, each version is evidence for the other's OCR misreadings (``pipeline.evidence``):
  ``align_with_evidence`` also returns the corrections of the new document, and a status
  is computed after them.
* ``rank_predecessors`` / ``lineage_keys``: which already-ingested document is the
  earlier version of a new one (same draft series, the resolution it recalls, its
  title), confirmed by text similarity so that a look-alike title cannot win alone.

Similarity is measured on *normalised* paragraph text, so that footnote renumbering,
paragraph renumbering, whitespace and case never count as a change.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable

import numpy as np
from diff_match_patch import diff_match_patch
from pydantic import BaseModel, Field
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from pipeline import evidence
from pipeline.model import DIFF_GOLD_FORMAT, Change, DiffResult, Document, Link, WordChange

VERSION = "1"

# --- thresholds ----------------------------------------------------------------
#
# Paragraph similarity is the mean of a character-level and a word-level Indel ratio.
# Measured on the seed document (A/C.2/58/L.37, 20 paragraphs, 190 unrelated pairs):
# character ratio of *unrelated* paragraphs has median 0.43 and max 0.61 (English
# shares letters), word ratio median 0.19 and max 0.46 (shared formula words such as
# "the Secretary-General to"). The word ratio separates topics; the character ratio
# survives OCR noise (a wrong letter breaks a whole word but only one character).
# Heavy OCR noise (1 wrong char in 20) still scores about (0.95 + 0.67) / 2 = 0.81.

# A pair kept in order must score at least this: above the unrelated max of the
# combined score on the seed (~0.53) yet low enough for a rewritten paragraph.
KEEP_THRESHOLD = 0.55
# A pair found out of order ("moved") needs more evidence, since it breaks the order.
MOVE_THRESHOLD = 0.62
# Split / merge: share of the *smaller* paragraph's words found in order in the larger.
CONTAIN_THRESHOLD = 0.8
# ... and the smaller must be a real paragraph, not a four-word formula.
CONTAIN_MIN_WORDS = 6

# Lineage evidence adds up as log-odds (weights in ``_score``), then a logistic gives the
# confidence. Text similarity (0..1) weighs TEXT_WEIGHT; with BIAS, identical text alone
# gives 0.77, text 0.7 alone 0.45 (not enough), same title + text 0.5 gives 0.55, and a
# draft series link (+3) is accepted whatever the text.
TEXT_WEIGHT = 4.0
BIAS = -2.8
# Lineage: below this confidence the best candidate is not taken as predecessor.
PREDECESSOR_THRESHOLD = 0.5
# Text similarity under this cannot be a version of the same text, whatever the title
# says; only series/report-line evidence (a symbol, not words) may override it.
TEXT_FLOOR = 0.3


# --- normalisation -------------------------------------------------------------

_MARKER = re.compile(r"\[\^[^\]]*\]")
# The paragraph's own number, with the stray marks OCR leaves after it ("4.' Requests").
_LEADING_NUMBER = re.compile(r"^\s*(?:\d{1,3}|[ivxlc]{1,6})\s*[.)][^\w\s]{0,3}\s+", re.I)
_QUOTE_PAIRS = [("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'"), ("–", "-"), ("—", "-"),
                ("\u00a0", " "), ("\u00ad", "")]
_WORD = re.compile(r"\w+(?:[/.\-']\w+)*")


def strip_markers(text: str) -> str:
    """Text without footnote markers, whitespace collapsed (case kept, for display)."""
    text = _MARKER.sub("", text)
    for glyph, plain in _QUOTE_PAIRS:  # (str.replace: many times faster than translate here)
        if glyph in text:
            text = text.replace(glyph, plain)
    return " ".join(text.split())


def normalise(text: str) -> str:
    """Comparison key: no markers, no leading paragraph number, one space, lower case."""
    text = _LEADING_NUMBER.sub("", strip_markers(text))
    return text.lower()


# Characters OCR confuses in print of this quality (field notes: Tesseract on GA
# documents). Two texts equal once these are folded differ by OCR noise, not by an
# edit. Words made only of digits are left alone: "2004" -> "2006" is a real change.
_OCR_FOLD = str.maketrans({"1": "l", "i": "l", "|": "l", "!": "l", "0": "o", "5": "s", "c": "e"})
_DIGITS_ONLY = re.compile(r"^[\d/.,\-]+$")


_DIGIT_TOKEN = re.compile(r"(?:^|(?<= ))[\d/.,\-]+(?= |$)")


def ocr_key(key: str) -> str:
    """``normalise``d text with OCR-confusable characters folded (numbers kept as they are)."""
    key = " ".join(key.split())
    # Folding is length-preserving, so digit-only tokens are put back at their own offsets;
    # no folded character is an "r" or an "n", so "rn" -> "m" may come after.
    folded = key.translate(_OCR_FOLD)
    if any(ch in key for ch in "015"):
        parts, last = [], 0
        for m in _DIGIT_TOKEN.finditer(key):
            parts += [folded[last:m.start()], m.group()]
            last = m.end()
        folded = "".join(parts) + folded[last:]
    return folded.replace("rn", "m")


def words(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


class _Vocabulary:
    """Maps words to single characters, so that C++ string scorers work on words."""

    def __init__(self) -> None:
        self._codes: dict[str, str] = {}

    def encode(self, tokens: Iterable[str]) -> str:
        tokens = list(tokens)
        codes = self._codes
        for token in tokens:
            if token not in codes:
                # Plane 15/16 private use area: ~130k codes, never in real text.
                codes[token] = chr(0xF0000 + len(codes))
        return "".join(map(codes.__getitem__, tokens))


@dataclass
class _Para:
    pid: str  # P3 / O7
    index: int  # 0-based position within its section
    text: str
    key: str  # normalise(text)
    wkey: str  # words encoded as characters
    nwords: int
    tokens: list[str] | None = None  # the words of ``key``
    _okey: str | None = None
    _word_key: str | None = None
    content: Counter | None = None  # see ``_content``

    @property
    def okey(self) -> str:
        """``ocr_key(key)``, computed when first asked for (only linked pairs need it)."""
        if self._okey is None:
            self._okey = ocr_key(self.key)
        return self._okey

    @property
    def word_key(self) -> str:
        """``word_key(okey)``, computed once: every candidate pair asks for it."""
        if self._word_key is None:
            self._word_key = word_key(self.okey)
        return self._word_key


def _section(doc: Document, section: str, vocab: _Vocabulary) -> list[_Para]:
    paras = doc.preamble if section == "P" else doc.operative
    out = []
    for i, p in enumerate(paras):
        key = normalise(p.text)
        toks = _WORD.findall(key)
        out.append(_Para(f"{section}{i + 1}", i, p.text, key, vocab.encode(toks), len(toks), toks))
    return out


def similarity(a: _Para, b: _Para) -> float:
    if a.key == b.key:
        return 1.0
    char = fuzz.ratio(a.key, b.key) / 100.0
    word = fuzz.ratio(a.wkey, b.wkey) / 100.0
    return (char + word) / 2.0


def similarity_matrix(old: list[_Para], new: list[_Para]) -> list[list[float]]:
    """``similarity`` of every (old, new) pair that may reach KEEP_THRESHOLD, in bulk (C++).

    The word ratios of all pairs come first (short strings, cheap). A character ratio
    cannot exceed ``2 * min(len) / (len_a + len_b)``, so a pair whose word ratio plus that
    bound cannot reach KEEP_THRESHOLD is not scored further: it holds NaN (below every
    threshold in comparisons; ``_sim`` computes it when a link needs its value). The others
    get exactly ``similarity``'s value: the same Indel ratios in double precision, combined
    with the same arithmetic. Pairs with equal keys score 1.
    """
    if not old or not new:
        return [[] for _ in old]
    word = process.cdist([o.wkey for o in old], [n.wkey for n in new], scorer=fuzz.ratio,
                         dtype=np.float64, workers=1)
    la = np.array([len(o.key) for o in old], dtype=np.float64)[:, None]
    lb = np.array([len(n.key) for n in new], dtype=np.float64)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        char_bound = np.where(la + lb > 0, 2.0 * np.minimum(la, lb) / (la + lb), 1.0)
    maybe = (char_bound + word / 100.0) / 2.0 >= KEEP_THRESHOLD - 1e-9
    sim = np.full(word.shape, np.nan)
    rows, cols = np.nonzero(maybe)
    if len(rows):
        char = process.cpdist([old[i].key for i in rows], [new[j].key for j in cols],
                              scorer=fuzz.ratio, dtype=np.float64, workers=1)
        sim[rows, cols] = ((char / 100.0) + (word[rows, cols] / 100.0)) / 2.0
    by_key: dict[str, list[int]] = {}
    for j, n in enumerate(new):
        by_key.setdefault(n.key, []).append(j)
    for i, o in enumerate(old):
        for j in by_key.get(o.key, ()):
            sim[i, j] = 1.0
    return sim.tolist()


def _sim(sim: list[list[float]], old: list[_Para], new: list[_Para], i: int, j: int) -> float:
    """``sim[i][j]``, computed now if ``similarity_matrix`` left it out (NaN)."""
    value = sim[i][j]
    if value != value:
        value = sim[i][j] = similarity(old[i], new[j])
    return value


_NOT_ALNUM = re.compile(r"[\W_]+")


def word_key(okey: str) -> str:
    """An ``ocr_key`` reduced to its letters and digits, accents dropped.

    OCR of a scan scatters stray marks (a quote, a dot, a colon, a hyphen for a space) and
    drops or adds accents; a difference in these alone is noise, not an edit (an edit
    changes words). Two paragraphs with equal word keys are ``unchanged``.
    """
    # (decomposed, an accent is a combining mark: no word character, it goes with the marks)
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKD", okey))


def same_text(a: str, b: str) -> bool:
    """Whether two paragraph texts are the same once normalised (the aligner's ``unchanged``)."""
    ka, kb = normalise(a), normalise(b)
    if ka == kb:
        return True
    oa, ob = ocr_key(ka), ocr_key(kb)
    return oa == ob or word_key(oa) == word_key(ob)


def _same_text(a: _Para, b: _Para) -> bool:
    """Equal after normalisation, or differing only by OCR confusions and stray marks."""
    return a.key == b.key or a.okey == b.okey or a.word_key == b.word_key


def containment(small: _Para, large: _Para) -> float:
    """Share of ``small``'s words found, in order, inside ``large`` (LCS / len(small))."""
    if not small.nwords:
        return 0.0
    dist = Indel.distance(small.wkey, large.wkey)
    lcs = (len(small.wkey) + len(large.wkey) - dist) / 2
    return lcs / len(small.wkey)


# --- alignment -----------------------------------------------------------------

def _monotone_pairs(sim: list[list[float]]) -> list[tuple[int, int]]:
    """Order-preserving pairs maximising the summed margin above KEEP_THRESHOLD.

    A weighted LCS: only pairs above the threshold may be taken, each worth
    ``sim - KEEP_THRESHOLD`` (plus a tiny bonus so that a pair beats a gap), so that
    one strong pair beats two weak ones.
    """
    n = len(sim)
    m = len(sim[0]) if n else 0
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    take = [[False] * m for _ in range(n)]
    for i in range(n - 1, -1, -1):
        row, below, simrow, takerow = best[i], best[i + 1], sim[i], take[i]
        for j in range(m - 1, -1, -1):
            value = below[j] if below[j] >= row[j + 1] else row[j + 1]
            s = simrow[j]
            if s >= KEEP_THRESHOLD:
                paired = below[j + 1] + (s - KEEP_THRESHOLD) + 1e-6
                if paired > value:
                    value = paired
                    takerow[j] = True
            row[j] = value
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if take[i][j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i + 1][j] >= best[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


# A pair this similar may be the same text read through OCR noise (see ``_same_text``).
OCR_EQUAL_CANDIDATE = 0.8
# The word-by-word evidence check costs about 0.2 ms a pair: asked only of pairs this
# similar (what OCR noise leaves of an unchanged paragraph), not of every modified one.
EXPLAINED_CANDIDATE = 0.9
def _ocr_equal_as_identical(sim: list[list[float]], old: list[_Para], new: list[_Para],
                            explained: Callable[[_Para, _Para], bool] | None = None):
    """``sim`` with pairs that differ only by OCR confusions and stray marks scored 1, like
    identical texts, so that which of two swapped paragraphs counts as moved does not
    depend on where the scan's noise fell. A real edit, however small, keeps its score: of
    two swapped paragraphs, the edited one is the one that moved. A copy, and only when
    some pair qualifies."""
    boosted = None
    for i, row in enumerate(sim):
        for j, value in enumerate(row):
            if OCR_EQUAL_CANDIDATE <= value < 1.0 and (
                    _same_text(old[i], new[j]) or explained is not None
                    and value >= EXPLAINED_CANDIDATE and explained(old[i], new[j])):
                if boosted is None:
                    boosted = [r[:] for r in sim]
                boosted[i][j] = 1.0
    return boosted if boosted is not None else sim


def _greedy_assignment(sim, olds: list[int], news: list[int], threshold: float):
    """Best-first one-to-one assignment among leftovers (a few paragraphs: greedy is exact enough)."""
    cands = sorted(((sim[i][j], i, j) for i in olds for j in news if sim[i][j] >= threshold),
                   reverse=True)
    used_o, used_n, pairs = set(), set(), []
    for s, i, j in cands:
        if i not in used_o and j not in used_n:
            used_o.add(i)
            used_n.add(j)
            pairs.append((i, j))
    return pairs


_TOKEN = re.compile(r"\w+|[^\w\s]|\s+")


def _word_changes(old_text: str, new_text: str) -> list[WordChange]:
    """Word-level diff: words mapped to characters, diffed, then semantic cleanup."""
    a, b = _TOKEN.findall(strip_markers(old_text)), _TOKEN.findall(strip_markers(new_text))
    table: dict[str, str] = {}
    back: list[str] = []

    def enc(tokens):
        out = []
        for t in tokens:
            if t not in table:
                table[t] = chr(0xF0000 + len(back))
                back.append(t)
            out.append(table[t])
        return "".join(out)

    dmp = diff_match_patch()
    dmp.Diff_Timeout = 1.0
    diffs = dmp.diff_main(enc(a), enc(b), False)
    dmp.diff_cleanupSemantic(diffs)
    ops = {0: "equal", 1: "insert", -1: "delete"}
    out: list[WordChange] = []
    for op, chars in diffs:
        text = "".join(back[ord(c) - 0xF0000] for c in chars)
        if out and out[-1].op == ops[op]:
            out[-1] = WordChange(op=ops[op], text=out[-1].text + text)
        elif text:
            out.append(WordChange(op=ops[op], text=text))
    return out


def _align_section(old: list[_Para], new: list[_Para],
                   explained: Callable[[_Para, _Para], bool] | None = None
                   ) -> list[tuple[int | None, int | None, str, float | None]]:
    """(old index, new index, status, similarity) for one section."""
    sim = similarity_matrix(old, new)
    links: list[tuple[int | None, int | None, str, float | None]] = []

    kept = _monotone_pairs(_ocr_equal_as_identical(sim, old, new, explained)) if old and new else []
    for i, j in kept:
        links.append((i, j, "unchanged" if _same_text(old[i], new[j]) else "modified", sim[i][j]))
    used_o = {i for i, _ in kept}
    used_n = {j for _, j in kept}

    # Leftovers on both sides that still match well are moves (changed or not).
    moved = _greedy_assignment(sim, [i for i in range(len(old)) if i not in used_o],
                               [j for j in range(len(new)) if j not in used_n], MOVE_THRESHOLD)
    for i, j in moved:
        links.append((i, j, "moved", sim[i][j]))
        used_o.add(i)
        used_n.add(j)

    # Splits and merges: a leftover paragraph whose words sit inside a larger one on the
    # other side is a piece of it. Its partner may already be linked (then they share it).
    for i in [i for i in range(len(old)) if i not in used_o]:
        j = _container(old[i], new)
        if j is not None:
            links.append((i, j, "modified", _sim(sim, old, new, i, j)))
            used_o.add(i)
            used_n.add(j)  # the container may have had no pair of its own
    for j in [j for j in range(len(new)) if j not in used_n]:
        i = _container(new[j], old)
        if i is not None:
            links.append((i, j, "modified", _sim(sim, old, new, i, j)))
            used_n.add(j)
            used_o.add(i)

    # Second pass over what is left (see ``_reworded_pieces`` and ``_rewritten_in_place``).
    if len(used_o) < len(old) or len(used_n) < len(new):
        weights = _word_weights(old, new)
        links += _reworded_pieces(old, new, sim, links, used_o, used_n, weights)
        links += _rewritten_in_place(old, new, sim, kept, used_o, used_n, weights)

    links += [(i, None, "deleted", None) for i in range(len(old)) if i not in used_o]
    links += [(None, j, "added", None) for j in range(len(new)) if j not in used_n]
    return links


# --- second pass: reworded pieces and paragraphs rewritten in place ---------------------
#
# The first pass links paragraphs by overall similarity (>= KEEP_THRESHOLD in order,
# >= MOVE_THRESHOLD out of order) and by in-order containment (splits and merges whose
# pieces kept their wording). What it leaves are paragraphs rewritten so much that the
# score falls below the thresholds: a split whose second half was reworded ("..., bearing
# in mind X" becoming "Further encourages ..., to bear in mind X"), a merge that reordered
# its pieces, or a paragraph rewritten in place. Unrelated paragraphs of one resolution
# share formula words ("Member States", "the Secretary-General to"), so the evidence here
# is the *distinctive* words: content words (no function words), stemmed (bear/bearing),
# OCR-folded, weighted by rarity among the section's paragraphs on both sides.

_STOP = frozenset("""a an and are as at be been being by for from has have in into is it its
of on or such that the their there these this those to was were which who with also further
again all any other its our whose within""".split())
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "es", "ed", "s")

# A leftover paragraph is a reworded piece of a neighbour's partner when it carries at
# least this share (by weight) of the words that the partner lost or gained ...
PIECE_COVER = 0.6
# ... at least this many of them (a changed date or a dropped word is not a piece) ...
PIECE_MIN_WORDS = 3
# ... and when most of its own words come from that partner.
PIECE_ORIGIN = 0.5
# A leftover deleted and a leftover added paragraph in the same place (between the same
# kept neighbours) are one paragraph rewritten when they are this similar ...
REWRITE_THRESHOLD = 0.4
# ... and share this much of their distinctive words (weighted Dice coefficient).
REWRITE_SHARED = 0.5


def _stem(token: str) -> str:
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            token = token[:-len(suffix)]
            break
    if len(token) > 4 and token.endswith("e"):
        token = token[:-1]
    return token


@lru_cache(maxsize=65536)
def _content_word(token: str) -> str | None:
    """A word's content key (stemmed, then OCR-folded), None for a function word."""
    if token in _STOP or len(token) < 2:
        return None
    return ocr_key(_stem(token))


def _content(p: _Para) -> Counter:
    """Content words of a paragraph: stemmed, OCR-folded, function words dropped."""
    if p.content is None:
        p.content = Counter(filter(None, map(_content_word, p.tokens or ())))
    return p.content


def _word_weights(old: list[_Para], new: list[_Para]) -> dict[str, float]:
    """Rarity of each content word among the section's paragraphs (both sides): log(1 + N/df)."""
    df: Counter = Counter()
    for p in (*old, *new):
        df.update(_content(p).keys())
    n = len(old) + len(new)
    return {w: math.log(1.0 + n / d) for w, d in df.items()}


def _weight(bag: Counter, weights: dict[str, float]) -> float:
    return sum(weights.get(w, 0.0) * k for w, k in bag.items())


def _piece_score(piece: Counter, residual: Counter, source: Counter,
                 weights: dict[str, float]) -> float | None:
    """How well ``piece`` accounts for ``residual`` (what its neighbour's partner lost or
    gained), provided it mostly comes from ``source``; None when it does not qualify."""
    shared = residual & piece
    if sum(shared.values()) < PIECE_MIN_WORDS or not residual or not piece:
        return None
    cover = _weight(shared, weights) / (_weight(residual, weights) or 1.0)
    origin = _weight(piece & source, weights) / (_weight(piece, weights) or 1.0)
    if cover < PIECE_COVER or origin < PIECE_ORIGIN:
        return None
    return cover


def _reworded_pieces(old: list[_Para], new: list[_Para], sim, links, used_o: set[int],
                     used_n: set[int], weights) -> list[tuple]:
    """Splits and merges whose piece was reworded.

    A leftover new paragraph next to a new paragraph linked to old X is the rest of a split
    of X when it carries what X lost in that link; a leftover old paragraph next to an old
    paragraph linked to new Y is merged into Y when it carries what Y gained.
    """
    out: list[tuple] = []
    for side in ("new", "old"):
        mine, other = (new, old) if side == "new" else (old, new)
        used_mine, used_other = (used_n, used_o) if side == "new" else (used_o, used_n)
        partners: dict[int, list[int]] = {}  # index on my side -> linked indices on the other
        theirs: dict[int, list[int]] = {}
        for i, j, *_ in links + out:
            if i is None or j is None:
                continue
            a, b = (j, i) if side == "new" else (i, j)
            partners.setdefault(a, []).append(b)
            theirs.setdefault(b, []).append(a)
        for k in range(len(mine)):
            if k in used_mine:
                continue
            piece = _content(mine[k])
            best, best_score = None, 0.0
            for neighbour in (k - 1, k + 1):
                for x in partners.get(neighbour, []):
                    # What x's paragraph has that its current partners on my side lack.
                    covered: Counter = Counter()
                    for y in theirs.get(x, []):
                        covered |= _content(mine[y])
                    residual = _content(other[x]) - covered
                    score = _piece_score(piece, residual, _content(other[x]), weights)
                    if score is not None and score > best_score:
                        best, best_score = x, score
            if best is None:
                continue
            i, j = (best, k) if side == "new" else (k, best)
            out.append((i, j, "modified", _sim(sim, old, new, i, j)))
            used_mine.add(k)
            partners.setdefault(k, []).append(best)
            theirs.setdefault(best, []).append(k)
    return out


def _rewritten_in_place(old: list[_Para], new: list[_Para], sim, kept: list[tuple[int, int]],
                        used_o: set[int], used_n: set[int], weights) -> list[tuple]:
    """A deleted and an added paragraph between the same kept neighbours, moderately
    similar and sharing their distinctive words, are one paragraph rewritten ("modified")."""
    # Kept pairs are in order on both sides: the number of them before a position tells
    # its gap, and a deleted and an added paragraph with equal numbers share a gap.
    kept_old, kept_new = sorted(i for i, _ in kept), sorted(j for _, j in kept)
    out: list[tuple] = []
    olds = [i for i in range(len(old)) if i not in used_o]
    news = [j for j in range(len(new)) if j not in used_n]
    cands = []
    for i in olds:
        gap = bisect_left(kept_old, i)
        for j in news:
            if bisect_left(kept_new, j) != gap or _sim(sim, old, new, i, j) < REWRITE_THRESHOLD:
                continue
            a, b = _content(old[i]), _content(new[j])
            total = _weight(a, weights) + _weight(b, weights)
            shared = 2 * _weight(a & b, weights) / total if total else 0.0
            if shared >= REWRITE_SHARED:
                cands.append((shared + sim[i][j], i, j))
    taken_o: set[int] = set()
    taken_n: set[int] = set()
    for _, i, j in sorted(cands, reverse=True):
        if i in taken_o or j in taken_n:
            continue
        # Keep the order within the gap: no crossing with a pair already taken.
        if any((i - i2) * (j - j2) < 0 for i2, j2 in zip(sorted(taken_o), sorted(taken_n))):
            continue
        taken_o.add(i)
        taken_n.add(j)
        out.append((i, j, "modified", sim[i][j]))
    used_o |= taken_o
    used_n |= taken_n
    return out


def _container(piece: _Para, others: list[_Para]) -> int | None:
    if piece.nwords < CONTAIN_MIN_WORDS:
        return None
    best, best_score = None, CONTAIN_THRESHOLD
    for k, other in enumerate(others):
        # The container must be clearly larger, else it would have matched as a pair.
        if other.nwords < piece.nwords * 1.25:
            continue
        score = containment(piece, other)
        if score >= best_score:
            best, best_score = k, score
    return best


def _order_key(link: tuple, old_to_new: dict[int, int]) -> tuple:
    i, j, *_ = link
    if j is not None:
        return (j, 0, i if i is not None else -1)
    # A deleted paragraph goes after the new position of its nearest kept old neighbour.
    prev = max((old_to_new[k] for k in old_to_new if k < i), default=-1)
    return (prev, 1, i)


def align(old: Document, new: Document) -> list[Link]:
    """Paragraph links from ``old`` to ``new``: preamble with preamble, operative with operative."""
    return align_with_evidence(old, new)[0]


def align_with_evidence(old: Document, new: Document) -> tuple[list[Link], dict[str, list[Change]]]:
    """``align``, and the corrections of ``new`` that the old version is evidence for.

    A pair linked one to one whose texts still differ is compared word by word
    (``evidence.reconcile``): differences the OCR channel explains are misreadings, on the
    new side corrected (returned as ``Change`` lists by new paragraph id), on the old side
    only discounted. The pair's status and word changes are computed after that.
    """
    vocab = _Vocabulary()
    out: list[Link] = []
    corrections: dict[str, list[Change]] = {}
    vocabs: list[Counter] = []  # old's and new's word counts, built when first needed
    reconciled: dict[tuple[str, str], evidence.Reconciled] = {}

    def reconcile(o: _Para, n: _Para) -> evidence.Reconciled:
        """The pair compared word by word, once: the alignment may ask before the status."""
        key = (o.text, n.text)
        if key not in reconciled:
            if not vocabs:
                vocabs.extend([evidence.vocabulary(old), evidence.vocabulary(new)])
            reconciled[key] = evidence.reconcile(o.text, n.text, *vocabs)
        return reconciled[key]

    def explained(o: _Para, n: _Para) -> bool:
        """The two texts differ only by what the evidence rules call misreadings."""
        return reconcile(o, n).explained
    for section in ("P", "O"):
        olds, news = _section(old, section, vocab), _section(new, section, vocab)
        raw = _align_section(olds, news, explained)
        old_to_new = {i: j for i, j, *_ in raw if i is not None and j is not None}
        # Pieces of splits and merges share a paragraph: only one-to-one pairs are compared.
        o_links = Counter(i for i, j, *_ in raw if i is not None and j is not None)
        n_links = Counter(j for i, j, *_ in raw if i is not None and j is not None)
        for i, j, status, sim in sorted(raw, key=lambda l: _order_key(l, old_to_new)):
            o = olds[i] if i is not None else None
            n = news[j] if j is not None else None
            old_text, new_text = (o.text if o else None), (n.text if n else None)
            # Pairs already equal up to OCR-confusable glyphs are compared too, for the
            # corrections (their status stays); identical keys have nothing to correct.
            if o and n and o_links[i] == n_links[j] == 1 and o.key != n.key:
                found = reconcile(o, n)
                if found.corrections:
                    corrections[n.pid] = found.corrections
                    new_text = evidence.apply_changes(n.text, found.corrections)
                if found.explained and status == "modified":
                    status = "unchanged"
            wc = (_word_changes(old_text, new_text)
                  if o and n and status in ("modified", "moved") else [])
            out.append(Link(old=o.pid if o else None, new=n.pid if n else None, status=status,
                            similarity=round(sim, 4) if sim is not None else None, words=wc))
    return out, corrections


def diff(old: Document | None, new: Document, *, predecessor_symbol: str | None = None,
         predecessor_id: str | None = None, confidence: float | None = None,
         candidates: list | None = None) -> DiffResult:
    """``new`` against its predecessor ``old``; no predecessor gives no links.

    ``candidates`` are the other predecessors weighed (``Candidate`` or dicts), kept for audit.
    """
    cands = [c.model_dump() if isinstance(c, BaseModel) else dict(c) for c in candidates or []]
    if old is None:
        return DiffResult(candidates=cands)
    links, corrections = align_with_evidence(old, new)
    return DiffResult(predecessor=predecessor_symbol or old.symbol, predecessor_id=predecessor_id,
                      predecessor_confidence=confidence, candidates=cands, links=links,
                      corrections=corrections)


def links_to_gold(result: DiffResult | list[Link], old: str | None = None,
                  new: str | None = None) -> dict:
    """The ``docpipe-diff-gold/1`` view of a diff (``old``/``new``: stems or symbols)."""
    links = result.links if isinstance(result, DiffResult) else result
    if old is None and isinstance(result, DiffResult):
        old = result.predecessor
    return {"format": DIFF_GOLD_FORMAT, "old": old, "new": new,
            "links": [link.as_gold() for link in links]}


# --- lineage -------------------------------------------------------------------

class Candidate(BaseModel):
    """An earlier document weighed as the predecessor of a new one."""

    doc_id: str
    symbol: str | None = None
    confidence: float  # in [0, 1]
    text_similarity: float  # share of the new text found in the candidate
    accepted: bool = False  # best candidate and above PREDECESSOR_THRESHOLD
    reasons: list[str] = Field(default_factory=list)


_REV = re.compile(r"/(Rev|Corr)\.(\d+)$", re.I)
_RES_NUMBER = re.compile(r"(?<![\w/.-])(S-\d{1,2}|ES-\d{1,2}|\d{1,3})/(\d{1,4})(?![\w/])")
_COMMITTEES = {"first": "A/C.1/", "second": "A/C.2/", "third": "A/C.3/", "fourth": "A/C.4/",
               "fifth": "A/C.5/", "sixth": "A/C.6/", "special political": "A/SPC/"}
_SYMBOL_IN_TEXT = re.compile(r"\b[A-Z]/(?:[A-Za-z0-9.\-]+/)*[A-Za-z0-9.\-]+\b")  # (with /Rev.1, /Add.1)


def normalise_symbol(symbol: str | None) -> str | None:
    if not symbol:
        return None
    return re.sub(r"\s+", "", symbol).upper().replace("/REV.", "/Rev.").replace("/CORR.", "/Corr.") \
        .replace("/ADD.", "/Add.")


def series_of(symbol: str | None) -> tuple[str | None, int]:
    """(base symbol, revision): ``A/C.2/58/L.37/Rev.1`` -> (``A/C.2/58/L.37``, 1)."""
    symbol = normalise_symbol(symbol)
    if not symbol:
        return None, 0
    rev = 0
    while True:
        m = _REV.search(symbol)
        if not m:
            break
        if m.group(1).lower() == "rev":
            rev = max(rev, int(m.group(2)))
        symbol = symbol[:m.start()]
    return symbol, rev


def title_key(title: str | None) -> str | None:
    """Title for exact lookup: lower case, words only, no draft/revised prefix."""
    if not title:
        return None
    text = strip_markers(title).lower()
    text = re.sub(r"^(revised\s+)?draft\s+resolution\s*", "", text)
    key = " ".join(re.findall(r"\w+", text))
    return key or None


def recalled_resolutions(doc: Document) -> list[str]:
    """Resolutions named in the opening "Recalling/Reaffirming ... resolution(s)" paragraphs."""
    out: list[str] = []
    for p in doc.preamble:
        text = strip_markers(p.text)
        if not re.match(r"(Recalling|Reaffirming|Bearing in mind|Taking note)", text):
            continue
        if not re.search(r"\bresolutions?\b", text, re.I):
            continue
        # Council/other decisions carry a year (1995/313): the 1-3 digit session rule skips them.
        for session, number in _RES_NUMBER.findall(text):
            sym = f"A/RES/{session}/{number}"
            if sym not in out:
                out.append(sym)
    return out


def _report_symbols(doc: Document) -> list[str]:
    return [normalise_symbol(s) for s in _SYMBOL_IN_TEXT.findall(doc.report_line or "")]


def _report_committee(doc: Document) -> str | None:
    m = re.search(r"report of the (\w+(?: political)?) Committee", doc.report_line or "", re.I)
    return _COMMITTEES.get(m.group(1).lower()) if m else None


def lineage_keys(doc: Document) -> dict:
    """Keys a store indexes each document under, and looks candidates up with.

    Index every ingested document under ``symbol``, ``series``, ``title_key`` and
    ``(session, agenda_item)``. For a new document, fetch the documents whose
    ``symbol`` is in ``cites`` or ``report_symbols``, whose ``series`` equals its
    ``series``, whose ``title_key`` equals its ``title_key``, or (same session) whose
    agenda item equals its ``agenda_item`` and, for a committee draft, ``committee_prefix``.
    Each is an equality lookup on an index, so cost follows the matches, not the archive.
    """
    series, rev = series_of(doc.symbol)
    cites = [normalise_symbol(c) for c in doc.cites]
    for sym in recalled_resolutions(doc):
        if sym not in cites:
            cites.append(sym)
    return {
        "symbol": normalise_symbol(doc.symbol),
        "series": series,
        "revision": rev,
        "title_key": title_key(doc.title),
        "agenda_item": (doc.agenda_item or "").strip() or None,
        "session": doc.session,
        "cites": cites,
        "report_symbols": _report_symbols(doc),
        "committee_prefix": _report_committee(doc),
    }


def text_similarity(new: Document, old: Document) -> float:
    """Share of the new document's words in paragraphs that have a counterpart in ``old``.

    A kept or moved paragraph counts with its similarity; added ones count zero. Weighted
    by length, so that a few shared formula paragraphs do not make two texts alike.
    """
    vocab = _Vocabulary()
    total = matched = 0.0
    for section in ("P", "O"):
        olds, news = _section(old, section, vocab), _section(new, section, vocab)
        sim = similarity_matrix(olds, news)  # pairs that cannot reach KEEP_THRESHOLD are NaN
        for j, n in enumerate(news):
            total += n.nwords
            best = max((row[j] for row in sim if row[j] == row[j]), default=0.0)
            if best >= KEEP_THRESHOLD:
                matched += n.nwords * best
    return matched / total if total else 0.0


def _score(new: Document, keys: dict, doc_id: str, cand: Document,
           latest_cited_session: int | None) -> Candidate:
    ckeys = lineage_keys(cand)
    evidence: list[tuple[float, str]] = []
    strong = False  # evidence by symbol that survives a low text similarity
    if keys["series"] and ckeys["series"] == keys["series"] and ckeys["revision"] < keys["revision"]:
        evidence.append((3.0, f"same draft series {keys['series']}, earlier revision"))
        strong = True
    if ckeys["symbol"] and ckeys["symbol"] in keys["report_symbols"]:
        evidence.append((3.0, f"named in the report line: {ckeys['symbol']}"))
        strong = True
    if ckeys["symbol"] and ckeys["symbol"] in keys["cites"]:
        recalled = ckeys["symbol"] in recalled_resolutions(new)
        weight = 1.0 if recalled else 0.5
        if cand.session is not None and cand.session == latest_cited_session:
            weight += 0.5  # the latest resolution recalled is usually the one being updated
        evidence.append((weight, "recalled in the preamble" if recalled else "cited"))
    if (keys["committee_prefix"] and ckeys["symbol"] and cand.session == new.session
            and ckeys["symbol"].startswith(keys["committee_prefix"])):
        evidence.append((0.8, f"draft of the reporting committee, session {new.session}"))
    if new.session is not None and cand.session == new.session:
        # Versions within one session (draft, revision, adopted text) succeed each other
        # directly; a resolution of an earlier session is at most the previous round.
        evidence.append((0.5, "same session"))
    if keys["title_key"] and ckeys["title_key"]:
        if keys["title_key"] == ckeys["title_key"]:
            evidence.append((1.0, "same title"))
        elif fuzz.token_sort_ratio(keys["title_key"], ckeys["title_key"]) >= 90:
            evidence.append((0.6, "similar title"))
    if (keys["agenda_item"] and keys["agenda_item"] == ckeys["agenda_item"]
            and cand.session == new.session):
        evidence.append((0.4, f"same agenda item {keys['agenda_item']} in the same session"))

    text = text_similarity(new, cand)
    log_odds = sum(w for w, _ in evidence) + TEXT_WEIGHT * text + BIAS
    confidence = 1.0 / (1.0 + math.exp(-log_odds))
    reasons = [f"{r} (+{w:g})" for w, r in evidence] + [f"text similarity {text:.2f}"]
    if text < TEXT_FLOOR and not strong:
        # Titles and agenda items are shared by unrelated texts; the words must agree.
        confidence *= text / TEXT_FLOOR
        reasons.append(f"text similarity below {TEXT_FLOOR}: confidence reduced")
    return Candidate(doc_id=doc_id, symbol=cand.symbol, confidence=round(min(confidence, 1.0), 4),
                     text_similarity=round(text, 4), reasons=reasons)


def _is_adopted(doc: Document) -> bool:
    return (doc.kind or "").strip().lower() == "resolution" or "/RES/" in (doc.symbol or "")


def _cannot_precede(new: Document, keys: dict, cand: Document) -> bool:
    """A later session, a later revision of the same draft, or the same symbol cannot precede.

    The same symbol under another id is another file of the same document (a scan and
    a text layer), not an earlier version.
    """
    if new.session is not None and cand.session is not None and cand.session > new.session:
        return True
    # Within one session a draft comes before the resolution adopted from it, never after.
    if (cand.session is not None and cand.session == new.session
            and _is_adopted(cand) and not _is_adopted(new)):
        return True
    symbol = normalise_symbol(cand.symbol)
    if symbol and symbol == keys["symbol"]:
        return True
    series, rev = series_of(symbol)
    return series is not None and series == keys["series"] and rev > keys["revision"]


def rank_predecessors(new: Document, candidates: list[tuple[str, Document]]) -> list[Candidate]:
    """Candidates (doc_id, Document) sorted best first; the first is ``accepted`` if good enough."""
    keys = lineage_keys(new)
    cited_sessions = [c.session for _, c in candidates
                      if c.session is not None and normalise_symbol(c.symbol) in keys["cites"]]
    latest = max(cited_sessions, default=None)
    scored = []
    for doc_id, cand in candidates:
        if _cannot_precede(new, keys, cand):
            continue
        scored.append(_score(new, keys, doc_id, cand, latest))
    # Ties (e.g. equal confidence capped at 1) go to the later session, then the later revision.
    sessions = {doc_id: (cand.session or 0, series_of(cand.symbol)[1]) for doc_id, cand in candidates}
    scored.sort(key=lambda c: (c.confidence, c.text_similarity, *sessions[c.doc_id]), reverse=True)
    if scored and scored[0].confidence >= PREDECESSOR_THRESHOLD:
        scored[0].accepted = True
    return scored


def choose_predecessor(new: Document, candidates: list[tuple[str, Document]]):
    """(doc_id, Document, ranking) of the accepted predecessor, or (None, None, ranking)."""
    ranking = rank_predecessors(new, candidates)
    if ranking and ranking[0].accepted:
        by_id = dict(candidates)
        return ranking[0].doc_id, by_id[ranking[0].doc_id], ranking
    return None, None, ranking


def stored_keys(doc: Document) -> list[tuple[str, str]]:
    """(name, value) pairs an archive files a document under, from ``lineage_keys``."""
    keys = lineage_keys(doc)
    pairs = [(name, keys[name]) for name in ("symbol", "series", "title_key") if keys[name]]
    if keys["agenda_item"] and keys["session"]:
        pairs.append(("agenda", f"{keys['session']}:{keys['agenda_item']}"))
    return pairs


def lookup_keys(doc: Document) -> list[tuple[str, str]]:
    """(name, value) pairs to fetch a new document's possible predecessors with:
    the documents it cites or reports on, its own series, its title, its agenda item."""
    keys = lineage_keys(doc)
    pairs = [("symbol", s) for s in [*keys["cites"], *keys["report_symbols"]] if s]
    pairs += [(name, keys[name]) for name in ("series", "title_key") if keys[name]]
    if keys["agenda_item"] and keys["session"]:
        pairs.append(("agenda", f"{keys['session']}:{keys['agenda_item']}"))
    return pairs


def diff_against_archive(new: Document, candidates: list[tuple[str, Document]]) -> DiffResult:
    """Choose the predecessor among earlier documents and align against it."""
    doc_id, old, ranking = choose_predecessor(new, candidates)
    best = ranking[0] if ranking and ranking[0].accepted else None
    return diff(old, new, predecessor_symbol=old.symbol if old else None,
                predecessor_id=doc_id, confidence=best.confidence if best else None,
                candidates=ranking)


WANTS = "wants:"


def archive_keys(doc: Document) -> list[tuple[str, str]]:
    """Everything an archive files a document under: its own keys, and the keys of the
    documents it would take as predecessors (prefixed ``wants:``), so that an earlier
    document arriving late can find the later ones whose diff it changes."""
    return stored_keys(doc) + [(WANTS + name, value) for name, value in lookup_keys(doc)]


def successor_lookup_keys(doc: Document) -> list[tuple[str, str]]:
    """Keys to find the archived documents that may take ``doc`` as their predecessor."""
    return [(WANTS + name, value) for name, value in stored_keys(doc)]


def may_precede(old: Document, new: Document) -> bool:
    """Whether ``old`` may be considered as a predecessor of ``new`` at all."""
    return not _cannot_precede(new, lineage_keys(new), old)


# How much a shared lineage key says about two documents being versions of one
# resolution: a citation of its symbol or the same draft series says most, the same
# normalised title a good deal, the same agenda item of a session little (one item
# carries many drafts). The archive ranks candidates by these before any text is read.
KEY_WEIGHTS = {"symbol": 4, "series": 4, "title_key": 2, "agenda": 1}
# Only this many of the best-keyed candidates are read and compared, so the cost of a
# new document stays flat however many versions of its resolution the archive holds.
MAX_CANDIDATES = 10


def key_weights() -> dict[str, int]:
    """KEY_WEIGHTS for both the direct keys and their ``wants:`` twins."""
    return {**KEY_WEIGHTS, **{WANTS + name: w for name, w in KEY_WEIGHTS.items()}}
