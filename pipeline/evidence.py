"""Another version of the same resolution as evidence for OCR corrections (issue #3).

Once a paragraph is aligned with its counterpart in the other version, most of what still
differs in a scanned text is the OCR's doing: a word read as a non-word (``Pratection``,
``inchide``), a word split by a speck (``Reaffi irming``), a stray letter or two from a
speck (``ti``). The other version says what was printed. A difference is taken as a
misreading only when the OCR channel explains it (``misread``):

* the reading is not a word (wordfreq Zipf < 3) or much rarer than the printed word (by
  ``RARER`` Zipf points); the other version never uses it, its own text not twice; it is
  not another form of the printed word (``aquifer``/``aquifers`` is an edit);
* the printed word is a word: the lexicon's, used twice in its version, or by both;
* ``clean.ocr_cost`` from the printed word to the reading is low for the word's length
  (``COST_PER_CHAR``; looser for the commonest words, ``FUNCTION_ZIPF``);
* never a number, a number or a month written out, an acronym, a one-letter label: those
  are facts and really change between sessions. Neither is a different real word: an edit.

A token present on one side only is junk when it is a short non-word the other version
never uses (``_junk``); a capitalised one may be an added name and stays.

Differences on the new document's side are corrections of it, returned as ``Change``
records (rule ``version-evidence``, position in the paragraph's text) keyed by paragraph
id, so that a user can audit them; ``apply_corrections`` gives the corrected document.
Differences on the older side (it was the scan) do not count as modifications either,
but the archived document is never rewritten. Which side is the scan is not needed: the
side with the non-word is the misread one.

Garbles too heavy for the channel ("psetiba" for "following") are judged by their context
instead (issue #5, ``context_garble``): a word replaced by a lower-case string no lexicon
or document knows, between words both versions print alike, is no editor's doing. Those
corrections carry their own rule, ``version-context``, to be audited apart. A lone speck
of a few letters needs no such rule: ``_junk`` takes it without context.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from pipeline.clean import ocr_cost, zipf
from pipeline.model import Change, Document

RULE = "version-evidence"

# A word the lexicon knows (clean.Lexicon's threshold).
WORD_ZIPF = 3.0
# A known word read instead of a far more frequent one ("ta" for "to", "nom" for "from"):
# it must be this many Zipf points (a factor of 100) rarer. Real edits swap words of
# comparable frequency (urges/encourages, its/their), which stay edits.
RARER = 2.0
# The channel cost a reading may have per printed letter, at least one plain substitution.
# Measured on wordfreq's common words (1,500 random pairs per length, 3 to 12 letters):
# two unrelated words of similar length cost 0.35-0.45 per letter at their 1st percentile,
# median 0.6-1.0. Below 0.35 a reading is closer to the printed word than unrelated
# words almost ever are.
COST_PER_CHAR = 0.35
MIN_COST = 1.0
# The commonest words (and, the, by, from: Zipf >= 6) are never edited into rare ones: a
# revision replaces them with other common words (or, its, through). A much rarer reading
# of about their length in their place is the OCR's, however garbled ("wad", "aia" for
# "and"): any reading within plain edits (INDEL cost per letter of the longer word).
FUNCTION_ZIPF = 6.0
FUNCTION_COST_PER_CHAR = 0.8
# A run present on one side only is OCR junk from specks when it is one token of at most
# this many letters that is no word (two tokens could be a real "ad hoc").
JUNK_TOKENS = 1
JUNK_LETTERS = 5

_TOKEN = re.compile(r"\[\^[^\]]*\]|[^\W_]+|[^\w\s]|_")
_NUMBER = re.compile(r"^\d+$")
# A paragraph's own number left at its start ("4.' Requests"): segmentation keeps the
# number apart (``OperativeParagraph.number``), so it is not part of the wording.
# OCR may add a stray mark before it ('"3... Commends'): a quote or a speck is no wording either.
_LEADING_NUMBER = re.compile(r"^\s*[^\w\s\[]{0,3}\s*\d{1,3}\s*[.)][^\w\s]*\s+")
# Sub-paragraph labels, "(a)", "(iv)": not words of the text.
_LABEL = re.compile(r"\(\w{1,4}\)")


@dataclass
class _Tok:
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def is_word(self) -> bool:  # letters or digits, not punctuation
        return self.text[0].isalnum()


def _tokens(text: str) -> list[_Tok]:
    # Footnote markers are left out: their numbering is not the paragraph's wording.
    lead = _LEADING_NUMBER.match(text)
    return [_Tok(m.group(), m.start(), m.end())
            for m in _TOKEN.finditer(text, lead.end() if lead else 0)
            if not m.group().startswith("[^")]


_LETTERS = re.compile(r"[^\W\d_]+")


def vocabulary(doc: Document) -> Counter:
    """Lower-case word counts of a document's paragraphs (its own usage, for the lexicon)."""
    # (one pass over all paragraphs: a label or a word never spans two of them)
    text = "\n".join(text for _, text in doc.paragraph_ids())
    return Counter(_LETTERS.findall(_LABEL.sub(" ", text).lower()))


@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    return zipf(word)


# Numbers written out ("sixty-first session", "the fourth Conference") and months are facts too.
_NUMBER_WORDS = frozenset("""zero one two three four five six seven eight nine ten eleven twelve
thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty
seventy eighty ninety hundred thousand million billion first second third fourth fifth sixth
seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth
seventeenth eighteenth nineteenth twentieth thirtieth fortieth fiftieth sixtieth seventieth
eightieth ninetieth hundredth january february march april may june july august september
october november december""".split())
# Inflections: a reading that is the printed word with one of these added or dropped is
# another form of it (remittance/remittances), which is wording, not a misreading.
_INFLECTIONS = ("s", "es", "ed", "d", "ing", "ly")


def _is_fact(tok: str) -> bool:
    """Numbers (dates, symbols' parts, paragraph numbers, written out) and one-letter labels."""
    return bool(_NUMBER.match(tok)) or len(tok) < 2 or tok in _NUMBER_WORDS


def _unaccented(word: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))


def _inflected(a: str, b: str) -> bool:
    short, long_ = sorted((a, b), key=len)
    return any(long_ == short + suffix or (short.endswith("e") and long_ == short[:-1] + suffix)
               for suffix in _INFLECTIONS)


def _known(word: str, vocab: Counter, other: Counter | None = None) -> bool:
    """A word of the lexicon, or of the text: used twice in its version, or used by the
    other version too (both printing it is evidence that it is printed so)."""
    return _zipf(word) >= WORD_ZIPF or vocab[word] >= 2 or (other is not None and other[word] >= 1)


def misread(reading: str, printed: str, reading_vocab: Counter, printed_vocab: Counter) -> bool:
    """Whether OCR's ``reading`` is explained as a misreading of the ``printed`` word.

    ``printed_vocab`` is the clean version's vocabulary: a reading that version uses is one
    of its real words, not a misreading. ``reading_vocab`` is the reading's own document's:
    a reading used there twice is a word of that text (a term wordfreq does not know), since
    OCR seldom misreads two places the same way."""
    r, p = reading.lower(), printed.lower()
    if r == p:
        return True
    if not _known(p, printed_vocab, reading_vocab) or printed_vocab[r] or reading_vocab[r] >= 2:
        return False
    if _unaccented(r) == _unaccented(p):
        return True  # an accent from a speck ("Decembér") changes no fact
    if _is_fact(r) or _is_fact(p) or any(ch.isdigit() for ch in p):
        return False
    if (reading.isupper() and len(r) > 1) or (printed.isupper() and len(p) > 1):
        return False  # acronyms (UNDP, UNEP) name bodies: a different one is a fact
    if not p.isalpha() or _inflected(r, p):
        return False
    zr = _zipf(r) if r.isalpha() else 0.0
    zp = _zipf(p)
    if zr >= WORD_ZIPF and zp - zr < RARER:
        return False  # another real word: an edit
    cost = ocr_cost(r, p)
    if zp >= FUNCTION_ZIPF and zp - zr >= RARER and abs(len(r) - len(p)) <= 1:
        return cost <= FUNCTION_COST_PER_CHAR * max(len(r), len(p))
    return cost <= max(MIN_COST, COST_PER_CHAR * len(p))


def _junk(toks: list[_Tok], other_vocab: Counter) -> bool:
    """Tokens on one side only that are specks read as letters, not a real insertion:
    non-words the other version never uses, or one or two letters it never writes as a
    word (a stray "i" or "ti"; "a", which it uses, may be a real insertion). A capitalised
    token of three letters or more may be a name or an acronym that was added: kept."""
    words = [t for t in toks if t.is_word]
    if len(words) > JUNK_TOKENS:
        return False
    for t in words:
        w = t.low
        if not w.isalpha() or len(w) > JUNK_LETTERS or other_vocab[w]:
            return False
        if len(w) > 2 and t.text[0].isupper():
            return False
        if _zipf(w) >= WORD_ZIPF and len(w) > 2:
            return False
    return True


@dataclass
class Reconciled:
    """What the comparison of two aligned paragraph texts found."""

    explained: bool  # every difference is OCR noise on one side or the other
    corrections: list[Change] = field(default_factory=list)  # on the new text


def _block(a: list[_Tok], b: list[_Tok], old_vocab: Counter, new_vocab: Counter,
           new_text: str, out: list[Change]) -> bool:
    """One differing run: old tokens ``a`` against new tokens ``b``; appends new-side fixes."""
    aw = [t for t in a if t.is_word]
    bw = [t for t in b if t.is_word]
    if not aw and not bw:
        return True  # punctuation only: never a change of wording
    if not aw:
        if not _junk(bw, old_vocab):
            return False
        out.append(_deletion(bw[0], bw[-1], new_text))
        return True
    if not bw:
        return _junk(aw, new_vocab)
    fixes: list[Change] = []
    whole = aw, bw
    if len(aw) != len(bw):
        # A speck read as letters next to a misread word ("é Darcome" for "Outcome"): the
        # longer side without its junk tokens may pair word for word.
        if len(bw) > len(aw):
            kept = [t for t in bw if not _junk([t], old_vocab)]
            if len(kept) == len(aw):
                fixes = [_deletion(t, t, new_text) for t in bw if t not in kept]
                bw = kept
        else:
            kept = [t for t in aw if not _junk([t], new_vocab)]
            if len(kept) == len(bw):
                aw = kept
    if len(aw) == len(bw):
        for x, y in zip(aw, bw):
            if x.low == y.low:
                continue
            if misread(y.text, x.text, new_vocab, old_vocab):
                # The other version prints the word: its spelling and case are taken.
                fixes.append(Change(rule=RULE, position=y.start, before=y.text, after=x.text))
            elif not misread(x.text, y.text, old_vocab, new_vocab):
                break
        else:
            out.extend(fixes)
            return True
    aw, bw = whole
    xa, xb = "".join(t.low for t in aw), "".join(t.low for t in bw)
    # Split or glued words ("Reaffi irming", "Ree -alling"): compare the letters of the run.
    # At least one piece must be a non-word: "can not" for "cannot" is wording, not a speck.
    if len(aw) == 1 and len(bw) > 1 and _has_non_word(bw, old_vocab) \
            and (xa == xb or misread(xb, aw[0].text, new_vocab, old_vocab)):
        start, end = bw[0].start, bw[-1].end
        out.append(Change(rule=RULE, position=start, before=new_text[start:end],
                          after=aw[0].text))
        return True
    if len(bw) == 1 and len(aw) > 1 and _has_non_word(aw, new_vocab) \
            and (xa == xb or misread(xa, bw[0].text, old_vocab, new_vocab)):
        return True
    # The same letters, split or joined only by a stray mark ("State's" for "States"):
    # the aligner's word key counts these as equal too.
    return xa == xb


def _deletion(first: _Tok, last: _Tok, text: str) -> Change:
    """Removing tokens ``first``..``last`` of ``text``, with the space after (or before) them,
    so that no double space is left."""
    start, end = first.start, last.end
    if end < len(text) and text[end] == " ":
        end += 1
    elif start > 0 and text[start - 1] == " ":
        start -= 1
    return Change(rule=RULE, position=start, before=text[start:end], after="")


def _has_non_word(toks: list[_Tok], other_vocab: Counter) -> bool:
    return any(t.low.isalpha() and _zipf(t.low) < WORD_ZIPF and not other_vocab[t.low]
               for t in toks)


# Glyphs OCR reads for the digits of a number ("§6/117" for "56/117", "SO" for "50", "i4").
_DIGIT_GLYPHS = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "i": "1",
                               "|": "1", "!": "1", "]": "1", "Z": "2", "z": "2", "S": "5", "s": "5",
                               "§": "5", "$": "5", "G": "6", "b": "6", "B": "8", "g": "9", "q": "9"})
# A footnote marker read as text is a short number (the note's) or a marker glyph.
MARKER_DIGITS = 2


def _span(toks: list[_Tok], text: str) -> str | None:
    """The text the tokens cover, when they touch (no space inside): one printed word."""
    if not toks:
        return None
    piece = text[toks[0].start:toks[-1].end]
    return None if any(ch.isspace() for ch in piece) else piece


def _digits_misread(a: list[_Tok], b: list[_Tok], old_text: str, new_text: str) -> bool:
    """One side prints a number, the other reads some of its digits as look-alike glyphs
    ("§6" for "56", "i4" for "14"): the same number once the glyphs are read as digits.
    A different number ("56" for "57") is never this: every digit must match."""
    x, y = _span(a, old_text), _span(b, new_text)
    if not x or not y or x == y:
        return False
    for printed, reading in ((x, y), (y, x)):
        if any(ch.isdigit() for ch in printed) and not any(ch.isalpha() for ch in printed) \
                and any(not ch.isdigit() for ch in reading) \
                and reading.translate(_DIGIT_GLYPHS) == printed:
            return True
    return False


def _marker_residue(toks: list[_Tok], i: int, j: int, text: str) -> bool:
    """Whether ``toks[i:j]``, present on this side only, is a footnote marker read as text:
    one number of at most MARKER_DIGITS digits (with marks) glued to what precedes it
    ("1978,4"), or standing after the paragraph's last punctuation ("countries, 2"), or
    standing between two words where no number can go ("recognized 1 in", "the 1 report").
    Next to a number, a month or a number word it may be a real one ("paragraphs 4, 5 and 7",
    "from 1 July"): an edit."""
    run = toks[i:j]
    words = [t for t in run if t.is_word]
    if len(words) != 1 or not _NUMBER.match(words[0].text) or len(words[0].text) > MARKER_DIGITS:
        return False
    w = words[0]
    prev = toks[i - 1] if i > 0 else None
    nxt = toks[j] if j < len(toks) else None
    if prev is None:
        return False  # a paragraph's own number is ``_LEADING_NUMBER``'s

    def plain(t: _Tok | None) -> bool:
        return t is not None and t.text.isalpha() and t.low not in _NUMBER_WORDS

    def number_like(t: _Tok | None) -> bool:
        return t is not None and (t.text[0].isdigit() or t.low in _NUMBER_WORDS)

    if number_like(prev) or number_like(nxt):
        return False
    if w.start > 0 and not text[w.start - 1].isspace() and not prev.text[0].isdigit():
        return True  # glued after a word or a mark: set as a superscript
    if nxt is None or all(not t.is_word for t in toks[j:]):
        return not prev.is_word  # after the closing punctuation
    return plain(prev) and plain(nxt) and all(not t.is_word or t is w for t in run)


# --- context evidence (issue #5) -------------------------------------------------------------
#
# Heavy garbles ("psetiba" for "following", "duiloase" for "dialogue") cost too much for the
# channel, and loosening its cost would hide real edits. Their *context* says what they are:
# a word replaced by a string that is no word at all, in a sentence otherwise identical in
# both versions, is the OCR's: an editor replaces a word by another word, not by a non-word.
# The reading must be lower-case letters unknown to the lexicon at any frequency and to both
# documents (elsewhere); the printed word a known word that is no fact (number, month,
# number word, acronym, label), of about the reading's length and sharing letters with it.
# Capitalised readings (a name, an acronym) and readings with digits or symbols are never
# taken. Recorded as ``CONTEXT_RULE`` so that they can be audited apart.

CONTEXT_RULE = "version-context"
# Matching words needed on each side of the substitution (or the paragraph's edge).
CONTEXT_WORDS = 2
# Reading and printed word lengths within this factor.
CONTEXT_LENGTH_RATIO = 1.6
# At most this many adjacent substitutions share one context ("psetiba imeangs" for
# "following secondary"): each must qualify on its own, and the words around the run
# must match. A longer run is a rewritten phrase, whatever it reads like.
CONTEXT_RUN = 2
# Suffixes of another form of a word: a lexicon-unknown reading that is the printed word's
# stem with one of these ("mainstreamed", "operationalize") is a derived form, an edit.
_DERIVATIONS = ("s", "es", "ed", "d", "ing", "ly", "er", "ers", "al", "ally", "ion", "ions",
                "ation", "ations", "ment", "ments", "ness", "ity", "ities", "ive", "ize", "ise",
                "ized", "ised", "izing", "ising", "ization", "isation", "ist", "ists", "ism")


def _derived(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are forms of one stem (a stem plus suffixes in _DERIVATIONS)."""
    def stems(w: str) -> set[str]:
        out = {w}
        for suf in _DERIVATIONS:
            if w.endswith(suf) and len(w) - len(suf) >= 3:
                out.add(w[:-len(suf)])
                out.add(w[:-len(suf)] + "e")
        return out
    return bool(stems(a) & stems(b))


def _shares_letters(r: str, p: str) -> bool:
    """Some trace of the printed word in the reading: a letter in common. A weak test on
    purpose ("psetiba" for "following" shares only an i; a common letter pair or the same
    first or last letter would reject it): the evidence is the context and the reading
    being no word; this only keeps a wholly foreign string from passing for the word."""
    return bool(set(r) & set(p))


def context_garble(reading: str, printed: str, reading_vocab: Counter,
                   printed_vocab: Counter) -> bool:
    """Whether ``reading``, in place of ``printed`` between identical words, is a garble of it
    (the context itself is ``reconcile``'s to check)."""
    r, p = reading.lower(), printed.lower()
    if not (reading.isalpha() and reading.islower()) or _zipf(r) > 0:
        return False  # a name, an acronym, a figure, or a word the lexicon knows
    if reading_vocab[r] > 1 or printed_vocab[r]:
        return False  # used elsewhere: a term of these texts
    if not printed.isalpha() or _is_fact(p) or (printed.isupper() and len(p) > 1):
        return False
    if not _known(p, printed_vocab, reading_vocab):
        return False  # both sides non-words: no evidence which one was printed
    if max(len(r), len(p)) > CONTEXT_LENGTH_RATIO * min(len(r), len(p)):
        return False
    if _derived(r, p):
        return False  # another form of the printed word, not in the lexicon
    return _shares_letters(r, p)


def _context_garbles(a: list[_Tok], b: list[_Tok], old_vocab: Counter,
                     new_vocab: Counter) -> list[Change] | None:
    """Old tokens ``a`` against new ``b`` (a run with matching words around it) as up to
    CONTEXT_RUN word-for-word garbles on either side; the new side's corrections, or None."""
    aw = [t for t in a if t.is_word]
    bw = [t for t in b if t.is_word]
    if not aw or len(aw) != len(bw) or len(aw) > CONTEXT_RUN:
        return None
    out: list[Change] = []
    for x, y in zip(aw, bw):
        if x.low == y.low:
            continue
        # A word of the run the channel explains keeps the channel's rule.
        if misread(y.text, x.text, new_vocab, old_vocab):
            out.append(Change(rule=RULE, position=y.start, before=y.text, after=x.text))
        elif context_garble(y.text, x.text, new_vocab, old_vocab):
            out.append(Change(rule=CONTEXT_RULE, position=y.start, before=y.text, after=x.text))
        elif not (misread(x.text, y.text, old_vocab, new_vocab)
                  or context_garble(x.text, y.text, old_vocab, new_vocab)):
            return None
    return out


def _in_context(ops: list, ok: list[bool], k: int, a: list[_Tok], b: list[_Tok]) -> bool:
    """Whether opcode ``k`` has CONTEXT_WORDS matching words on each side, or the paragraph's
    edge. Matching: equal runs, and differences the channel explained (their old words)."""
    def side(indices) -> bool:
        words = 0
        for m in indices:
            op, i1, i2, j1, j2 = ops[m]
            if op != "equal" and not ok[m]:
                return False
            words += sum(1 for t in a[i1:i2] if t.is_word)
            if words >= CONTEXT_WORDS:
                return True
        return True  # reached the paragraph's edge
    return side(range(k - 1, -1, -1)) and side(range(k + 1, len(ops)))


def reconcile(old_text: str, new_text: str, old_vocab: Counter, new_vocab: Counter) -> Reconciled:
    """Compare two aligned paragraphs word by word; see the module's docstring."""
    a, b = _tokens(old_text), _tokens(new_text)
    sm = SequenceMatcher(None, [t.low for t in a], [t.low for t in b], autojunk=False)
    ops = sm.get_opcodes()
    # Per opcode: explained by the OCR channel (or equal), and the new-side fixes it makes.
    ok: list[bool] = []
    fixes: list[list[Change]] = []
    for op, i1, i2, j1, j2 in ops:
        out: list[Change] = []
        fixes.append(out)
        if op == "equal":
            ok.append(True)
            continue
        aw = [t for t in a[i1:i2] if t.is_word]
        bw = [t for t in b[j1:j2] if t.is_word]
        if not aw and bw and _marker_residue(b, j1, j2, new_text):
            ok.append(True)  # a lost marker read as a digit on the new side (its text is kept)
            continue
        if aw and not bw and _marker_residue(a, i1, i2, old_text):
            ok.append(True)
            continue
        if aw and bw and _digits_misread(a[i1:i2], b[j1:j2], old_text, new_text):
            ok.append(True)
            continue
        ok.append(_block(a[i1:i2], b[j1:j2], old_vocab, new_vocab, new_text, out))
    # Context evidence, for what the channel could not explain: a word replaced by a
    # non-word between words both versions print identically (``_context_garbles``).
    # Only the channel's verdicts count as context, never another context correction.
    channel_ok = list(ok)
    for k, (op, i1, i2, j1, j2) in enumerate(ops):
        if ok[k] or not _in_context(ops, channel_ok, k, a, b):
            continue
        found = _context_garbles(a[i1:i2], b[j1:j2], old_vocab, new_vocab)
        if found is not None:
            ok[k] = True
            fixes[k] = found
    return Reconciled(all(ok), [c for out in fixes for c in out])


def apply_changes(text: str, changes: list[Change]) -> str:
    """``text`` with ``changes`` (positions in ``text``) applied; a change whose ``before``
    is not found at its position (the text changed since) is skipped."""
    for c in sorted(changes, key=lambda c: c.position, reverse=True):
        if text[c.position:c.position + len(c.before)] == c.before:
            text = text[:c.position] + c.after + text[c.position + len(c.before):]
    return text


def apply_corrections(document: Document, corrections: dict[str, list[Change]] | None) -> Document:
    """The document with its paragraphs corrected (``corrections``: paragraph id -> changes
    in that paragraph's text, as ``DiffResult.corrections`` holds them). Pure: a copy."""
    if not corrections:
        return document
    doc = document.model_copy(deep=True)
    for section, paras in (("P", doc.preamble), ("O", doc.operative)):
        for i, p in enumerate(paras, 1):
            changes = corrections.get(f"{section}{i}")
            if changes:
                p.text = apply_changes(p.text, changes)
    return doc
