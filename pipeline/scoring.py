"""Scores of a predicted document against its gold, as /work/shared/corpus/README.md defines them.

Every function takes the prediction as a ``Document`` or as a gold-format dict
(``Document.gold_view()``), and the gold as a dict. Pure: no I/O.
"""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz.distance import Levenshtein

from pipeline.model import Document

MARKER_RE = re.compile(r"\[\^[^\]]+\]")
METADATA_FIELDS = ["symbol", "session", "body", "kind", "language", "title", "agenda_item", "opening"]
SIMILARITY_THRESHOLD = 0.9
# Glyphs a scan cannot tell apart (a hyphen or an en dash, a straight or curly quote): the
# context that places a marker is compared without the difference.
PLACE_FOLD = str.maketrans({"‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "−": "-",
                            "’": "'", "‘": "'", "“": '"', "”": '"'})


def as_dict(doc: Document | dict) -> dict:
    return doc.gold_view() if isinstance(doc, Document) else doc


def normalise(text: str) -> str:
    """Markers removed, whitespace collapsed to one space."""
    return " ".join(MARKER_RE.sub("", text).split())


def cer(predicted: str, gold: str) -> float:
    """Character error rate: Levenshtein distance / gold length, on normalised texts."""
    p, g = normalise(predicted), normalise(gold)
    return Levenshtein.distance(p, g) / max(len(g), 1)


def document_text(doc: Document | dict) -> str:
    """All paragraphs then all footnotes, in order (the text CER is computed over)."""
    d = as_dict(doc)
    parts = [p["text"] for p in d.get("preamble", [])] + [p["text"] for p in d.get("operative", [])]
    parts += [f["text"] for f in d.get("footnotes", [])]
    return " ".join(parts)


def text_cer(predicted: Document | dict, gold: dict) -> float:
    return cer(document_text(predicted), document_text(gold))


def raw_cer(raw_text: str, gold: dict) -> float:
    """CER of the input as received (furniture, interleaving and all) against the gold text."""
    return cer(raw_text, document_text(gold))


def similarity(a: str, b: str) -> float:
    return Levenshtein.normalized_similarity(normalise(a), normalise(b))


def prf(matched: int, predicted: int, gold: int) -> dict[str, float]:
    precision = matched / predicted if predicted else (1.0 if not gold else 0.0)
    recall = matched / gold if gold else (1.0 if not predicted else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "matched": matched,
            "predicted": predicted, "gold": gold}


def match_paragraphs(predicted: list[str], gold: list[str],
                     threshold: float = SIMILARITY_THRESHOLD) -> list[tuple[int, int]]:
    """One-to-one pairs (pred index, gold index) with similarity >= threshold, best first."""
    scored = sorted(((-similarity(p, g), i, j) for i, p in enumerate(predicted)
                     for j, g in enumerate(gold)))  # best first, ties by position
    used_p, used_g, pairs = set(), set(), []
    for negative, i, j in scored:
        if -negative < threshold:
            break
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def paragraph_scores(predicted: Document | dict, gold: dict) -> dict[str, dict[str, float]]:
    """Paragraph P/R/F1 per section (``preamble``, ``operative``) and over both (``all``)."""
    p = as_dict(predicted)
    out, total = {}, [0, 0, 0]
    for section in ("preamble", "operative"):
        if section not in gold:
            continue
        pred_texts = [x["text"] for x in p.get(section, [])]
        gold_texts = [x["text"] for x in gold[section]]
        matched = len(match_paragraphs(pred_texts, gold_texts))
        out[section] = prf(matched, len(pred_texts), len(gold_texts))
        total = [total[0] + matched, total[1] + len(pred_texts), total[2] + len(gold_texts)]
    out["all"] = prf(*total)
    return out


def marker_pairs(doc: Document | dict) -> set[tuple[str, str]]:
    """(paragraph id, mark) for every marker in the paragraphs (P1.., O1..)."""
    d = as_dict(doc)
    ids = [(f"P{i}", x["text"]) for i, x in enumerate(d.get("preamble", []), 1)]
    ids += [(f"O{i}", x["text"]) for i, x in enumerate(d.get("operative", []), 1)]
    return {(pid, m.group(0)[2:-1]) for pid, text in ids for m in MARKER_RE.finditer(text)}


def marker_contexts(doc: Document | dict, width: int = 12) -> set[tuple[str, str, str]]:
    """(paragraph id, mark, the ``width`` characters before it): a marker *in place*
    (dashes and quotes folded, ``PLACE_FOLD``: the place, not the glyph, is scored)."""
    d = as_dict(doc)
    ids = [(f"P{i}", x["text"]) for i, x in enumerate(d.get("preamble", []), 1)]
    ids += [(f"O{i}", x["text"]) for i, x in enumerate(d.get("operative", []), 1)]
    out = set()
    for pid, text in ids:
        for m in MARKER_RE.finditer(text):
            before = MARKER_RE.sub("", text[:m.start()])[-width:].translate(PLACE_FOLD)
            out.add((pid, m.group(0)[2:-1], before))
    return out


def footnote_scores(predicted: Document | dict, gold: dict) -> dict[str, Any]:
    """(paragraph, marker) pair P/R, the same with the marker's position, and footnote-text CER."""
    pred_pairs, gold_pairs = marker_pairs(predicted), marker_pairs(gold)
    pred_ctx, gold_ctx = marker_contexts(predicted), marker_contexts(gold)
    p = as_dict(predicted)
    pred_notes = " ".join(f["text"] for f in p.get("footnotes", []))
    gold_notes = " ".join(f["text"] for f in gold.get("footnotes", []))
    return {"pairs": prf(len(pred_pairs & gold_pairs), len(pred_pairs), len(gold_pairs)),
            "in_place": prf(len(pred_ctx & gold_ctx), len(pred_ctx), len(gold_ctx)),
            "count": {"predicted": len(p.get("footnotes", [])), "gold": len(gold.get("footnotes", []))},
            "text_cer": cer(pred_notes, gold_notes)}


def metadata_scores(predicted: Document | dict, gold: dict) -> dict[str, bool]:
    """Exact match per metadata field the gold carries (a missing field is not scored)."""
    p = as_dict(predicted)
    return {f: p.get(f) == gold[f] for f in METADATA_FIELDS if f in gold}


def cites_scores(predicted: Document | dict, gold: dict) -> dict[str, float]:
    if "cites" not in gold:
        return {}
    p, g = set(as_dict(predicted).get("cites", [])), set(gold["cites"])
    return prf(len(p & g), len(p), len(g))


def counts(doc: Document | dict) -> dict[str, int]:
    d = as_dict(doc)
    return {k: len(d.get(k, [])) for k in ("preamble", "operative", "footnotes", "cites")}


def score_document(predicted: Document | dict, gold: dict, raw_text: str | None = None) -> dict:
    """Every score of one document, ready to print or to aggregate."""
    out = {"text_cer": text_cer(predicted, gold),
           "counts": {"predicted": counts(predicted), "gold": counts(gold)},
           "paragraphs": paragraph_scores(predicted, gold),
           "footnotes": footnote_scores(predicted, gold),
           "metadata": metadata_scores(predicted, gold),
           "cites": cites_scores(predicted, gold)}
    if raw_text is not None:
        out["raw_cer"] = raw_cer(raw_text, gold)
    return out
