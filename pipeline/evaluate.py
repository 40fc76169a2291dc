"""Evaluation of extract -> clean -> segment (and diff) against a labelled corpus.

Pure: every function takes bytes, models or dicts; walking a corpus folder and
reading its files is ``docpipe.evaluation``'s job. The corpus format and the
scores are /work/shared/corpus/README.md's; ``pipeline.scoring`` computes most
of them. This module adds what needs the pipeline's intermediate artifacts:

* **raw CER** -- the extracted text as received (``Extracted.text``: page
  furniture, masthead, interleaved footnotes and all), whitespace collapsed to
  one space, against the gold text (all paragraphs then all footnotes, markers
  removed). It is the baseline the clean step starts from, so raw CER minus
  clean CER is the gain of cleaning + segmenting as a whole, not only of the
  word corrections. ``raw_body_cer`` is the same from the enacting formula on
  (the masthead dropped), a fairer baseline for documents with a long masthead.
* **clean CER** -- ``scoring.text_cer`` of the segmented ``Document``.
* **correction precision** -- see ``correction_scores``.
* structure, footnote, metadata and cites scores -- ``scoring.score_document``.
* **diff links** -- ``diff_scores``: P/R/F1 of ``[old, new, status]`` links and
  of ``[old, new]`` pairs (status ignored), as the README defines them.

Naming: an input belongs to the gold ``STEM.gold.json`` whose STEM its name
starts with followed by a dot (the longest such stem); its *variant* is what
follows, shortened for the usual ones: ``X.txt`` -> ``txt``, ``X.pdf`` -> ``pdf``,
``X.scan.pdf`` -> ``scan``, ``X.scan-hard.pdf`` -> ``scan-hard``, ``X.ocr.txt`` -> ``ocr``.
"""

from __future__ import annotations

import re
import time
from difflib import SequenceMatcher
from typing import Any, Iterable

from pipeline import scoring
from pipeline.clean import LINE_STEPS, TEXT_STEPS, body_start, clean
from pipeline import diff as diff_stage
from pipeline.diff import links_to_gold
from pipeline.extract import ExtractOptions, extract
from pipeline.model import Change, Cleaned, Document, Extracted
from pipeline.segment import segment

GOLD_SUFFIX = ".gold.json"
DIFF_SUFFIX = ".diff.json"
# Preference for the input a document is diffed from in the undegraded case.
CLEAN_VARIANTS = ("txt", "pdf")
DEGRADED_VARIANTS = ("scan", "scan-hard", "ocr")

# Steps whose edits are structure, spacing or footnote markers, not words: they are
# scored by the structure and marker scores, not by correction precision.
NON_WORD_RULES = {"mark_superscripts", "strip_furniture", "mark_small_type_footnotes",
                  "lift_footnotes", "unwrap_lines", "normalise_spacing",
                  "mark_masthead_asterisks", "mark_marker_glyphs", "number_footnote_markers",
                  "drop_block_anchors", "fix_quotes_and_spacing",
                  # Paragraph labels are structure: the gold's paragraph texts carry no
                  # numbers, so their repair is judged by the structure scores instead.
                  "restore_paragraph_numbers"}
TEXT_RULES = {step.__name__ for step in TEXT_STEPS}
LINE_RULES = {step.__name__ for step in LINE_STEPS}

# A word token: letters/digits, hyphenated and apostrophe compounds kept whole (so that
# dehyphenation's keep-or-join decision is visible); other non-space characters alone.
TOKEN_RE = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*|[^\w\s]")
WORD_TOKEN_RE = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
MARKER_RE = scoring.MARKER_RE


# --- naming ----------------------------------------------------------------------------

def stem_for(name: str, stems: Iterable[str]) -> str | None:
    """The longest gold stem ``name`` starts with followed by a dot (README's rule)."""
    best = None
    for stem in stems:
        if name.startswith(stem + ".") and (best is None or len(stem) > len(best)):
            best = stem
    return best


def variant_of(name: str, stem: str) -> str:
    """``X.scan.pdf`` -> ``scan``, ``X.ocr.txt`` -> ``ocr``, ``X.txt`` -> ``txt``."""
    suffix = name[len(stem) + 1:]
    for ext in (".pdf", ".txt"):
        if suffix.endswith(ext) and len(suffix) > len(ext):
            return suffix[:-len(ext)]
    return suffix


def is_input(name: str) -> bool:
    return not name.endswith(".json") and not name.startswith(".")


# --- correction precision ------------------------------------------------------------------

def _tokens(text: str, pattern: re.Pattern = TOKEN_RE) -> list[re.Match]:
    return list(pattern.finditer(text))


def _blank_markers(text: str) -> str:
    """Markers replaced by spaces of the same length, so offsets stay put."""
    return MARKER_RE.sub(lambda m: " " * len(m.group(0)), text)


def cleaned_view(cleaned: Cleaned) -> str:
    """The text the clean step's text-rule positions refer to: body, then footnotes."""
    return "\n\n".join([cleaned.text] + [f.text for f in cleaned.footnotes])


def _final_positions(changes: list[Change]) -> list[int]:
    """Approximate offset of each change in the final cleaned view.

    A text step's position is an offset in the text that step was given; every later
    edit before it shifts it by ``len(after) - len(before)``. Line steps' positions are
    offsets in the page lines (before paragraphs were joined): kept as they are, a rough
    guess that ``correction_scores`` searches around with a wider window.
    """
    out = []
    for i, c in enumerate(changes):
        pos = c.position
        if c.rule in TEXT_RULES:
            for later in changes[i + 1:]:
                if later.rule in TEXT_RULES and later.position < pos:
                    pos += len(later.after) - len(later.before)
        out.append(max(pos, 0))
    return out


def _locate(view: str, after: str, guess: int, window: int) -> int | None:
    """Offset of the occurrence of ``after`` nearest ``guess`` (within ``window``)."""
    best = None
    lo = max(0, guess - window - len(after))
    hi = min(len(view), guess + window + len(after))
    start = view.find(after, lo, hi)
    while start >= 0:
        if best is None or abs(start - guess) < abs(best - guess):
            best = start
        start = view.find(after, start + 1, hi)
    return best


def _changed_after_tokens(before: str, after: str) -> list[re.Match]:
    """Word tokens of ``after`` that are not carried over unchanged from ``before``."""
    b = [m.group(0) for m in _tokens(before, WORD_TOKEN_RE)]
    a = _tokens(after, WORD_TOKEN_RE)
    sm = SequenceMatcher(None, b, [m.group(0) for m in a], autojunk=False)
    kept = {j for block in sm.get_matching_blocks() for j in range(block.b, block.b + block.size)}
    return [m for j, m in enumerate(a) if j not in kept]


def is_word_change(change: Change) -> bool:
    """An edit of word tokens (a correction), as opposed to structure, spacing or markers."""
    if change.rule in NON_WORD_RULES:
        return False
    before = [m.group(0) for m in _tokens(change.before, WORD_TOKEN_RE)]
    after = [m.group(0) for m in _tokens(change.after, WORD_TOKEN_RE)]
    return before != after and bool(after)


def _confirmed_locally(blank: str, at: int, after: str, starts: list[int], gold_text: str,
                       context: int = 60, min_score: float = 75.0) -> bool:
    """Whether the changed tokens are confirmed by a local alignment of their context.

    The global alignment cannot confirm text that cleaning left out of order (a footnote
    block that was not lifted, a paragraph merged elsewhere): the change's context (about
    ``context`` characters each side) is located in the gold text by fuzzy partial
    matching, and the tokens are aligned with that stretch only.
    """
    from rapidfuzz import fuzz

    lo, hi = max(0, at - context), min(len(blank), at + len(after) + context)
    window = blank[lo:hi]
    found = fuzz.partial_ratio_alignment(" ".join(window.split()), gold_text)
    if found is None or found.score < min_score:
        return False
    g0 = max(0, found.dest_start - 20)
    gold_window = gold_text[g0:found.dest_end + 20]
    pred = _tokens(window)
    gold_tokens = [m.group(0) for m in _tokens(gold_window)]
    sm = SequenceMatcher(None, [m.group(0) for m in pred], gold_tokens, autojunk=False)
    equal = {lo + pred[i].start() for tag, i1, i2, _, _ in sm.get_opcodes() if tag == "equal"
             for i in range(i1, i2)}
    return all(s in equal for s in starts)


def correction_scores(cleaned: Cleaned, gold: dict, max_examples: int = 12) -> dict[str, Any]:
    """Correction precision: the share of word-level changes that produced the gold's word.

    Measurement. The cleaned view (body, then footnotes; markers blanked out) from the
    enacting formula on is tokenised into words and punctuation, and so is the gold text
    (paragraphs, then footnotes, markers removed). The two token sequences are aligned
    with a word-level diff (``difflib.SequenceMatcher``, no junk heuristic): a predicted
    token is *confirmed* when it lies in an ``equal`` block, i.e. the gold has the same
    word at that place. Text that cleaning left out of order (an unlifted footnote block)
    cannot align globally, so a token the global alignment does not confirm gets a
    second chance: its context (~60 characters each side) is located in the gold text by
    fuzzy matching (score >= 75) and aligned with that stretch alone
    (``_confirmed_locally``). Correction precision thus measures the words, not the
    structure (which the structure and marker scores measure).

    Every ``Change`` that edits word tokens (``is_word_change``: the correction rules,
    dehyphenation, splitting and rejoining words, roman numerals; not furniture, spacing
    or marker rules) is located in the final view: its position is carried forward
    through the later edits (``_final_positions``) and the nearest occurrence of its
    ``after`` text is taken. The change is **right** when every token it changed (the
    word tokens of ``after`` not carried over from ``before``) is confirmed, **wrong**
    otherwise. Changes that cannot be located (a later step rewrote their result) or
    that fall in the masthead (which the gold does not carry as running text) are
    counted as ``unscored`` and left out of the precision.

    A right change thus restored the printed word in its place; a wrong one produced a
    word the gold does not have there (an over-correction, or a correction to the wrong
    word). Missed corrections are not counted here: clean CER shows them.
    """
    view = cleaned_view(cleaned)
    start = body_start(cleaned.text)
    blank = _blank_markers(view)
    pred = [m for m in _tokens(blank) if m.start() >= start]
    gold_text = scoring.normalise(scoring.document_text(gold))
    gold_tokens = [m.group(0) for m in _tokens(gold_text)]
    sm = SequenceMatcher(None, [m.group(0) for m in pred], gold_tokens, autojunk=False)
    confirmed: set[int] = set()  # start offsets of predicted tokens aligned to equal gold tokens
    gold_at: dict[int, str] = {}  # predicted token start -> gold text at that place (for examples)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            confirmed.update(pred[i].start() for i in range(i1, i2))
        else:
            for i in range(i1, i2):
                gold_at[pred[i].start()] = " ".join(gold_tokens[j1:j2])
    by_start = {m.start(): m for m in pred}

    word_changes = [(c, p) for c, p in zip(cleaned.changes, _final_positions(cleaned.changes))
                    if is_word_change(c)]
    right = wrong = unscored = 0
    wrong_examples: list[dict] = []
    by_rule: dict[str, dict[str, int]] = {}
    for change, guess in word_changes:
        rule = by_rule.setdefault(change.rule, {"right": 0, "wrong": 0, "unscored": 0})
        window = 150 if change.rule in TEXT_RULES else 600
        at = _locate(view, change.after, guess, window)
        changed = _changed_after_tokens(change.before, change.after) if at is not None else []
        starts = [at + m.start() for m in changed] if at is not None else []
        if (at is None or at < start or not starts
                or any(s not in by_start or by_start[s].end() != at + m.end()
                       for s, m in zip(starts, changed))):
            unscored += 1
            rule["unscored"] += 1
            continue
        if all(s in confirmed for s in starts) or _confirmed_locally(blank, at, change.after,
                                                                    starts, gold_text):
            right += 1
            rule["right"] += 1
        else:
            wrong += 1
            rule["wrong"] += 1
            if len(wrong_examples) < max_examples:
                first = next(s for s in starts if s not in confirmed)
                wrong_examples.append({
                    "rule": change.rule, "before": change.before, "after": change.after,
                    "gold": gold_at.get(first, ""),
                    "context": " ".join(view[max(0, at - 40):at + len(change.after) + 40].split())})
    scored = right + wrong
    return {"changes": len(word_changes), "right": right, "wrong": wrong, "unscored": unscored,
            "precision": right / scored if scored else None, "by_rule": by_rule,
            "wrong_examples": wrong_examples}


# --- one input -----------------------------------------------------------------------------

def run_pipeline(data: bytes, name: str, options: ExtractOptions = ExtractOptions(),
                 extracted: Extracted | None = None):
    """extract -> clean -> segment in-process: (Extracted, Cleaned, Document).

    ``extracted`` is a result of ``extract`` on the same bytes kept from an earlier run
    (OCR is the slow part; cleaning and segmenting are what one iterates on)."""
    extracted = extracted if extracted is not None else extract(data, name, options)
    cleaned = clean(extracted)
    return extracted, cleaned, segment(cleaned)


def body_of_raw(raw: str) -> str:
    """The raw text from the enacting formula on (all of it if there is none)."""
    m = re.search(r"(?m)^\s*The General Assembly\s*,?\s*$", raw)
    return raw[m.start():] if m else raw


def evaluate_input(data: bytes, name: str, gold: dict, stem: str | None = None,
                   options: ExtractOptions = ExtractOptions(),
                   extracted: Extracted | None = None) -> tuple[dict, Document | None]:
    """Every score of one input against its gold, and the segmented document.

    A pipeline failure (a ``DocpipeError``: unreadable input, no resolution found) is a
    result too: ``{"error": ...}`` with no scores, and no document.
    """
    from pipeline.errors import DocpipeError

    stem = stem or name.split(".")[0]
    row: dict[str, Any] = {"input": name, "stem": stem, "variant": variant_of(name, stem)}
    started = time.perf_counter()
    try:
        extracted, cleaned, doc = run_pipeline(data, name, options, extracted)
    except DocpipeError as exc:
        row.update(error=f"{type(exc).__name__}: {exc}", seconds=time.perf_counter() - started)
        return row, None
    row["seconds"] = round(time.perf_counter() - started, 3)
    row["pages"] = len(extracted.pages)
    row["methods"] = sorted({p.method for p in extracted.pages})
    raw = extracted.text
    row.update(scoring.score_document(doc, gold, raw_text=raw))
    row["raw_body_cer"] = scoring.raw_cer(body_of_raw(raw), gold)
    row["gold_chars"] = len(scoring.normalise(scoring.document_text(gold)))
    row["corrections"] = correction_scores(cleaned, gold)
    meta = row["metadata"]
    row["metadata_exact"] = sum(meta.values()) / len(meta) if meta else None
    row["metadata_wrong"] = {f: {"predicted": doc.gold_view().get(f), "gold": gold[f]}
                             for f, ok in meta.items() if not ok}
    return row, doc


# --- diffs ---------------------------------------------------------------------------------

def link_scores(predicted: list, gold: list) -> dict[str, dict]:
    """Link P/R/F1 with status (``[old, new, status]``) and without (``[old, new]``)."""
    p = {tuple(link) for link in predicted}
    g = {tuple(link) for link in gold}
    p2, g2 = {link[:2] for link in p}, {link[:2] for link in g}
    return {"links": scoring.prf(len(p & g), len(p), len(g)),
            "pairs": scoring.prf(len(p2 & g2), len(p2), len(g2))}


def diff_scores(old: Document, new: Document, diff_gold: dict) -> dict[str, Any]:
    """Diff ``new`` against ``old`` as the diff stage does (``pipeline.diff.diff``: alignment,
    with the other version as evidence for OCR corrections) and score the links against a
    ``docpipe-diff-gold/1``."""
    predicted = links_to_gold(diff_stage.diff(old, new), diff_gold.get("old"), diff_gold.get("new"))
    out = link_scores(predicted["links"], diff_gold["links"])
    p, g = {tuple(x) for x in predicted["links"]}, {tuple(x) for x in diff_gold["links"]}
    out["missed"] = [list(x) for x in sorted(g - p, key=str)]
    out["spurious"] = [list(x) for x in sorted(p - g, key=str)]
    return out


def best_variant(available: Iterable[str]) -> str | None:
    """The input a document is diffed from when nothing is degraded: txt, else pdf, else any."""
    available = list(available)
    for v in CLEAN_VARIANTS:
        if v in available:
            return v
    return sorted(available)[0] if available else None


def diff_plan(old_variants: Iterable[str], new_variants: Iterable[str]) -> list[tuple[str, str, str]]:
    """(label, old variant, new variant) of every diff to score for one diff gold.

    Undegraded variants (txt, pdf) are diffed like with like when both sides have them.
    A degraded variant is diffed against the other side's best input, once with the old
    side degraded (label ``scan:old``) and once with the new side (``scan:new``).
    """
    olds, news = set(old_variants), set(new_variants)
    plan = [(v, v, v) for v in CLEAN_VARIANTS if v in olds and v in news]
    best_old, best_new = best_variant(olds & set(CLEAN_VARIANTS)), best_variant(news & set(CLEAN_VARIANTS))
    for v in sorted((olds | news) - set(CLEAN_VARIANTS)):
        if v in olds and best_new:
            plan.append((f"{v}:old", v, best_new))
        if v in news and best_old:
            plan.append((f"{v}:new", best_old, v))
    if not plan and olds and news:  # only degraded inputs: their best against each other
        plan.append(("best", best_variant(olds), best_variant(news)))
    return plan


# --- aggregation -----------------------------------------------------------------------------

def _pool(rows: list[dict], get) -> dict[str, float]:
    matched = predicted = gold = 0
    for row in rows:
        d = get(row)
        if d:
            matched += d["matched"]
            predicted += d["predicted"]
            gold += d["gold"]
    return scoring.prf(matched, predicted, gold)


def summarise(rows: list[dict], diff_rows: list[dict] | None = None) -> dict[str, Any]:
    """Pooled scores of one variant's input rows (and of its diff rows).

    CERs are pooled over characters (sum of edit distances / sum of gold lengths), P/R/F1
    over items (sum of matches / sums of predictions and golds), correction precision
    over changes, metadata over fields: a long document weighs more than a short one.
    """
    ok = [r for r in rows if "error" not in r]
    chars = sum(r["gold_chars"] for r in ok)

    def pooled_cer(key):
        return sum(r[key] * r["gold_chars"] for r in ok) / chars if chars else None

    right = sum(r["corrections"]["right"] for r in ok)
    wrong = sum(r["corrections"]["wrong"] for r in ok)
    fields = [ok_ for r in ok for ok_ in r["metadata"].values()]
    per_field: dict[str, list[bool]] = {}
    for r in ok:
        for f, v in r["metadata"].items():
            per_field.setdefault(f, []).append(v)
    out = {"docs": len(rows), "errors": len(rows) - len(ok),
           "raw_cer": pooled_cer("raw_cer"), "raw_body_cer": pooled_cer("raw_body_cer"),
           "clean_cer": pooled_cer("text_cer"),
           "corrections": {"right": right, "wrong": wrong,
                           "unscored": sum(r["corrections"]["unscored"] for r in ok),
                           "precision": right / (right + wrong) if right + wrong else None},
           "markers": _pool(ok, lambda r: r["footnotes"]["pairs"]),
           "footnote_links": _pool(ok, lambda r: r["footnotes"]["in_place"]),
           "paragraphs": {s: _pool(ok, lambda r, s=s: r["paragraphs"].get(s))
                          for s in ("preamble", "operative", "all")},
           "counts_exact": (sum(r["counts"]["predicted"] == r["counts"]["gold"] for r in ok) / len(ok)
                            if ok else None),
           "metadata_exact": sum(fields) / len(fields) if fields else None,
           "metadata_fields": {f: sum(v) / len(v) for f, v in per_field.items()},
           "cites": _pool(ok, lambda r: r.get("cites"))}
    if diff_rows:
        good = [d for d in diff_rows if "error" not in d]
        out["diff"] = {"diffs": len(diff_rows),
                       "links": _pool(good, lambda d: d["links"]),
                       "pairs": _pool(good, lambda d: d["pairs"])}
    return out
