"""What changed between two versions of a document, for people: summary lines, a terminal
view and a self-contained HTML redline.

Pure functions over ``Document`` pairs and the ``Link`` list ``pipeline.diff.align`` gives
(or a stored ``DiffResult.links``). Nothing here reads files or the store.

Paragraph labels follow the printed document: ``PP3`` is the third preambular paragraph,
``OP7`` the operative paragraph printed as 7 (its printed number, not its position).
Word changes (``Link.words``) are computed on marker-free text; for display they are laid
back onto the paragraphs as printed, so footnote markers, sub-paragraph line breaks and
typographic quotes survive in the redline.
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass

from pipeline.model import DIFF_GOLD_FORMAT, Document, Link, WordChange

# Summary fragments: changed words plus this many words of context when a side is empty.
CONTEXT_WORDS = 3
# Two changes separated by more equal words than this are reported as separate hunks.
HUNK_GAP_WORDS = 6
# A quoted fragment longer than this (characters) is shortened in its middle.
MAX_FRAGMENT = 90
# Added/deleted paragraphs are quoted by their first words.
QUOTE_WORDS = 8
# At most this many hunks per summary line; the rest is counted.
MAX_HUNKS = 3

STATUS_ORDER = ("modified", "moved", "added", "deleted", "unchanged")
_MARKER = re.compile(r"\[\^([^\]]*)\]")
_SKIP = {"\u00ad"}  # characters ``strip_markers`` drops


# --- labels --------------------------------------------------------------------

def _paragraph(doc: Document, pid: str | None):
    if not pid:
        return None
    index = int(pid[1:]) - 1
    paras = doc.preamble if pid[0] == "P" else doc.operative
    return paras[index] if 0 <= index < len(paras) else None


def label(doc: Document, pid: str | None) -> str:
    """``P3`` -> ``PP3``; ``O7`` -> ``OP`` + the printed number of the 7th operative paragraph."""
    if not pid:
        return ""
    if pid[0] == "P":
        return f"PP{pid[1:]}"
    para = _paragraph(doc, pid)
    number = (getattr(para, "number", "") or "").strip().rstrip(".")
    return f"OP{number or pid[1:]}"


def _text(doc: Document, pid: str | None) -> str:
    para = _paragraph(doc, pid)
    return para.text if para is not None else ""


# --- summary lines -------------------------------------------------------------

def _plain(text: str) -> str:
    return " ".join(_MARKER.sub("", text).split())


def _shorten(text: str, limit: int = MAX_FRAGMENT) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    keep = (limit - 5) // 2
    head = text[:keep].rsplit(" ", 1)[0]
    tail = text[-keep:].split(" ", 1)[-1]
    return f"{head} … {tail}"


def _first_words(text: str, n: int = QUOTE_WORDS) -> str:
    words = _plain(text).split()
    quote = " ".join(words[:n])
    return quote + " ..." if len(words) > n else quote


def _tokens(words: list[WordChange]) -> list[tuple[str, str]]:
    """(op, token) with tokens split at word boundaries, whitespace attached to the word before."""
    out: list[tuple[str, str]] = []
    for change in words:
        for token in re.findall(r"\S+\s*|\s+", change.text):
            out.append((change.op, token))
    return out


def _hunks(words: list[WordChange]) -> list[tuple[str, str]]:
    """(old fragment, new fragment) per group of nearby changes."""
    tokens = _tokens(words)
    changed = [i for i, (op, tok) in enumerate(tokens) if op != "equal" and tok.strip()]
    if not changed:
        return []
    groups: list[list[int]] = [[changed[0], changed[0]]]
    for i in changed[1:]:
        gap = sum(1 for op, tok in tokens[groups[-1][1] + 1:i] if op == "equal" and tok.strip())
        if gap > HUNK_GAP_WORDS:
            groups.append([i, i])
        else:
            groups[-1][1] = i
    out = []
    for start, end in groups:
        while start > 0 and not tokens[start - 1][1].strip():
            start -= 1  # whitespace that belongs to the change (" <b>" inserted before ";")
        span = tokens[start:end + 1]
        old = "".join(t for op, t in span if op != "insert").strip()
        new = "".join(t for op, t in span if op != "delete").strip()
        if not _has_word(old) or not _has_word(new):
            # A pure insertion or deletion: quote a few words around it so it can be found.
            before = [t for op, t in tokens[:start] if op == "equal"][-CONTEXT_WORDS:]
            after = [t for op, t in tokens[end + 1:] if op == "equal"][:CONTEXT_WORDS]
            pre, post = "".join(before), "".join(after)
            old = (pre + "".join(t for op, t in span if op != "insert") + post).strip()
            new = (pre + "".join(t for op, t in span if op != "delete") + post).strip()
        out.append((_shorten(old), _shorten(new)))
    return out


def _has_word(text: str) -> bool:
    return bool(re.search(r"\w", text))


def _changes_text(words: list[WordChange]) -> str:
    hunks = _hunks(words)
    parts = [f'"{a}" → "{b}"' for a, b in hunks[:MAX_HUNKS]]
    if len(hunks) > MAX_HUNKS:
        parts.append(f"and {len(hunks) - MAX_HUNKS} more changes")
    return "; ".join(parts)


def summary_lines(old: Document, new: Document, links: list[Link]) -> list[str]:
    """One line per change, in the new document's order, e.g.
    ``OP7 modified: "in 2004" → "during its sixty-first session, in 2006"``."""
    from collections import Counter
    old_uses = Counter(link.old for link in links if link.old and link.new)
    new_uses = Counter(link.new for link in links if link.old and link.new)
    lines: list[str] = []
    seen_merges: set[str] = set()
    for link in links:
        o, n = label(old, link.old), label(new, link.new)
        if link.status == "unchanged":
            continue
        if link.status == "added":
            lines.append(f'{n} added: "{_first_words(_text(new, link.new))}"')
        elif link.status == "deleted":
            lines.append(f'{o} deleted: "{_first_words(_text(old, link.old))}"')
        elif link.old and old_uses[link.old] > 1:
            lines.append(f"{n} split from {o}")
        elif link.new and new_uses[link.new] > 1:
            if link.new not in seen_merges:
                seen_merges.add(link.new)
                parts = [label(old, l.old) for l in links if l.new == link.new and l.old]
                lines.append(f"{n} merged from {', '.join(parts)}")
        elif link.status == "moved":
            changes = _changes_text(link.words)
            lines.append(_moved(o, n, link.old) + (f": {changes}" if changes else ""))
        else:  # modified
            changes = _changes_text(link.words)
            if not changes:
                changes = "wording"
            renumbered = f" (was {o})" if o != n else ""
            lines.append(f"{n} modified{renumbered}: {changes}")
    return lines


def _moved(o: str, n: str, pid: str | None) -> str:
    """``OP5 moved from OP7``; when the printed number stayed, say where it moved."""
    if o != n:
        return f"{n} moved from {o}"
    section = "preamble" if (pid or "P")[0] == "P" else "operative part"
    return f"{n} moved (same number, new place in the {section})"


def counts(links: list[Link]) -> dict[str, int]:
    out = {status: 0 for status in STATUS_ORDER}
    for link in links:
        out[link.status] = out.get(link.status, 0) + 1
    return out


def diff_json(old: Document, new: Document, links: list[Link], old_name: str | None,
              new_name: str | None) -> dict:
    """The ``docpipe-diff-gold/1`` object plus the word changes and the summary lines."""
    return {
        "format": DIFF_GOLD_FORMAT, "old": old_name, "new": new_name,
        "links": [link.as_gold() for link in links],
        "changes": [{"old": link.old, "new": link.new, "status": link.status,
                     "words": [[w.op, w.text] for w in link.words]}
                    for link in links if link.status != "unchanged"],
        "summary": summary_lines(old, new, links),
    }


# --- laying word changes back onto the printed text ------------------------------

@dataclass
class _Piece:
    op: str  # equal / insert / delete
    text: str  # as printed: markers, line breaks and quotes kept


def _anchors(text: str) -> list[int] | None:
    """Offset in ``text`` of each non-space character ``strip_markers`` keeps."""
    out, i = [], 0
    while i < len(text):
        m = _MARKER.match(text, i)
        if m:
            i = m.end()
            continue
        if not text[i].isspace() and text[i] not in _SKIP:
            out.append(i)
        i += 1
    return out


def _slices(text: str, words: list[WordChange], side_ops: tuple[str, ...]) -> dict[int, str] | None:
    """Index of each word change of one side -> the printed slice of ``text`` it covers.

    Slices start at a change's first non-space character and run to the next change's,
    so markers and whitespace go with the words before them.
    """
    pos = _anchors(text)
    runs = [(i, sum(1 for c in w.text if not c.isspace())) for i, w in enumerate(words)
            if w.op in side_ops]
    if sum(n for _, n in runs) != len(pos):
        return None  # text and words disagree (an older artifact): show the words instead
    out: dict[int, str] = {}
    k, start = 0, 0
    for i, n in runs:
        k += n
        end = len(text) if k >= len(pos) else pos[k]
        out[i] = text[start:end]
        start = end
    return out


def _piece(op: str, text: str) -> list[_Piece]:
    """A marked piece with its trailing whitespace left unmarked."""
    if op == "equal":
        return [_Piece(op, text)]
    body = text.rstrip()
    return [_Piece(op, body), _Piece("equal", text[len(body):])]


def _merge(pieces: list[_Piece]) -> list[_Piece]:
    out: list[_Piece] = []
    for p in pieces:
        if not p.text:
            continue
        if out and out[-1].op == p.op:
            out[-1] = _Piece(p.op, out[-1].text + p.text)
        else:
            out.append(p)
    return out


def _maps(old_text: str, new_text: str, words: list[WordChange]):
    old = _slices(old_text, words, ("equal", "delete"))
    new = _slices(new_text, words, ("equal", "insert"))
    if old is None or new is None:  # fall back to the marker-free words
        old = {i: w.text for i, w in enumerate(words) if w.op != "insert"}
        new = {i: w.text for i, w in enumerate(words) if w.op != "delete"}
    return old, new


def sides(old_text: str, new_text: str, words: list[WordChange]) -> tuple[list[_Piece], list[_Piece]]:
    """Old side (equal + delete) and new side (equal + insert), on the printed texts."""
    if not words:
        return [_Piece("equal", old_text)], [_Piece("equal", new_text)]
    old, new = _maps(old_text, new_text, words)
    left = [p for i in sorted(old) for p in _piece(words[i].op, old[i])]
    right = [p for i in sorted(new) for p in _piece(words[i].op, new[i])]
    return _merge(left), _merge(right)


def inline(old_text: str, new_text: str, words: list[WordChange]) -> list[_Piece]:
    """One sequence: equal text as in the new version, deletions and insertions in place."""
    if not words:
        return [_Piece("equal", new_text)]
    old, new = _maps(old_text, new_text, words)
    out: list[_Piece] = []
    for i, w in enumerate(words):
        text = old[i] if w.op == "delete" else new[i]
        if w.op != "equal" and out and out[-1].op != "equal" and out[-1].op != w.op:
            out.append(_Piece("equal", " "))  # a deletion and its replacement, apart
        out += _piece(w.op, text)
        out = _merge(out)
    return out


# --- terminal --------------------------------------------------------------------

_TERM_STYLE = {"modified": "yellow", "moved": "magenta", "added": "green", "deleted": "red",
               "unchanged": "dim"}


def render_terminal(old: Document, new: Document, links: list[Link]):
    """A rich renderable: counts, then each changed pair with deletions struck through in
    red and insertions in green."""
    from rich.console import Group
    from rich.text import Text

    parts = []
    head = Text()
    head.append(f"{old.symbol or 'old'} → {new.symbol or 'new'}", style="bold")
    parts.append(head)
    c = counts(links)
    line = Text()
    for status in STATUS_ORDER:
        if line:
            line.append("  ")
        line.append(f"{c[status]} {status}", style=_TERM_STYLE[status] if c[status] else "dim")
    parts.append(line)
    parts.append(Text(""))
    for link in links:
        if link.status == "unchanged":
            continue
        o, n = label(old, link.old), label(new, link.new)
        heading = Text()
        if link.status == "added":
            heading.append(f"{n} added", style="bold green")
        elif link.status == "deleted":
            heading.append(f"{o} deleted", style="bold red")
        elif link.status == "moved":
            heading.append(_moved(o, n, link.old), style="bold magenta")
        else:
            heading.append(f"{n} modified" + (f" (was {o})" if o != n else ""), style="bold yellow")
        parts.append(heading)
        body = Text()
        if link.status == "added":
            body.append(_text(new, link.new), style="green")
        elif link.status == "deleted":
            body.append(_text(old, link.old), style="red strike")
        else:
            for p in inline(_text(old, link.old), _text(new, link.new), link.words):
                body.append(p.text, style={"delete": "red strike", "insert": "bold green"}.get(p.op, ""))
        parts.append(body)
        parts.append(Text(""))
    if not any(link.status != "unchanged" for link in links):
        parts.append(Text("no changes", style="dim"))
    return Group(*parts)


# --- HTML ------------------------------------------------------------------------

def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _html_text(text: str, side: str | None) -> str:
    """Escaped text, footnote markers as superscript links, line breaks kept."""
    out = []
    last = 0
    for m in _MARKER.finditer(text):
        out.append(_esc(text[last:m.start()]))
        mark = _esc(m.group(1))
        href = f' href="#fn-{side}-{mark}"' if side else ""
        out.append(f'<sup class="fn"><a{href}>{mark}</a></sup>')
        last = m.end()
    out.append(_esc(text[last:]))
    return "".join(out).replace("\n", "<br>")


def _html_pieces(pieces: list[_Piece], side: str | None) -> str:
    out = []
    for p in pieces:
        body = _html_text(p.text, side)
        if p.op == "delete":
            out.append(f"<del>{body}</del>")
        elif p.op == "insert":
            out.append(f"<ins>{body}</ins>")
        else:
            out.append(body)
    return "".join(out)


_BADGE = {"modified": "modified", "moved": "moved", "added": "added", "deleted": "deleted",
          "unchanged": "unchanged"}


def _badge(status: str, extra: str = "") -> str:
    return f'<span class="badge {status}">{_esc(_BADGE[status] + extra)}</span>'


def _num(lab: str) -> str:
    return f'<span class="pid">{_esc(lab)}</span>' if lab else ""


def _with_sections(links: list[Link]):
    """(heading or None, link): the heading of a section before its first link."""
    section = None
    for link in links:
        sec = (link.new or link.old or "P")[0]
        heading = None
        if sec != section:
            section = sec
            heading = "Preamble" if sec == "P" else "Operative part"
        yield heading, link


def _side_rows(old: Document, new: Document, links: list[Link]) -> str:
    rows = []
    for heading, link in _with_sections(links):
        if heading:
            rows.append(f'<tr class="section"><th colspan="3">{heading}</th></tr>')
        o, n = label(old, link.old), label(new, link.new)
        ot, nt = _text(old, link.old), _text(new, link.new)
        st = link.status
        if st == "added":
            left = '<td class="cell empty"></td>'
            right = f'<td class="cell added">{_num(n)}{_html_text(nt, "new")}</td>'
        elif st == "deleted":
            left = f'<td class="cell deleted">{_num(o)}{_html_text(ot, "old")}</td>'
            right = '<td class="cell empty"></td>'
        else:
            lp, rp = sides(ot, nt, link.words if st in ("modified", "moved") else [])
            lnote, rnote = (f"moved to {n}", f"moved from {o}") if o != n else ("moved", "moved")
            lextra = f'<span class="moved-note">{_esc(lnote)}</span>' if st == "moved" else ""
            rextra = f'<span class="moved-note">{_esc(rnote)}</span>' if st == "moved" else ""
            left = f'<td class="cell {st}">{_num(o)}{lextra}{_html_pieces(lp, "old")}</td>'
            right = f'<td class="cell {st}">{_num(n)}{rextra}{_html_pieces(rp, "new")}</td>'
        gutter = f'<td class="gutter">{_badge(st)}</td>'
        rows.append(f'<tr class="row {st}">{left}{gutter}{right}</tr>')
    return "\n".join(rows)


def _inline_rows(old: Document, new: Document, links: list[Link]) -> str:
    rows = []
    for heading, link in _with_sections(links):
        if heading:
            rows.append(f'<h3 class="section">{heading}</h3>')
        o, n = label(old, link.old), label(new, link.new)
        ot, nt = _text(old, link.old), _text(new, link.new)
        st = link.status
        if st == "added":
            body = f"<ins>{_html_text(nt, 'new')}</ins>"
            badge, lab = _badge("added"), n
        elif st == "deleted":
            body = f"<del>{_html_text(ot, 'old')}</del>"
            badge, lab = _badge("deleted"), o
        else:
            body = _html_pieces(inline(ot, nt, link.words if st in ("modified", "moved") else []),
                                "new")
            lab = n
            if st == "moved":
                badge = _badge("moved", f" from {o}" if o != n else "")
            elif st == "modified" and o != n:
                badge = _badge("modified", f" (was {o})")
            else:
                badge = _badge(st) if st != "unchanged" else ""
        rows.append(f'<div class="para {st}"><div class="plabel">{_num(lab)}{badge}</div>'
                    f'<div class="ptext">{body}</div></div>')
    return "\n".join(rows)


def _word_pieces(a: str, b: str) -> tuple[list[_Piece], list[_Piece], list[_Piece]]:
    """Old side, new side and inline pieces of a short text (footnotes, titles)."""
    ta, tb = re.findall(r"\S+|\s+", a), re.findall(r"\S+|\s+", b)
    left, right, both = [], [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes():
        x, y = "".join(ta[i1:i2]), "".join(tb[j1:j2])
        if tag == "equal":
            left.append(_Piece("equal", x))
            right.append(_Piece("equal", y))
            both.append(_Piece("equal", y))
        else:
            if x:
                left.append(_Piece("delete", x))
                both.append(_Piece("delete", x))
            if y:
                right.append(_Piece("insert", y))
                if x:
                    both.append(_Piece("equal", " "))
                both.append(_Piece("insert", y))
    return _merge(left), _merge(right), both


def _footnotes(old: Document, new: Document) -> tuple[str, str]:
    """Side-by-side and inline footnote tables, paired by position."""
    n = max(len(old.footnotes), len(new.footnotes))
    side, inl = [], []
    for i in range(n):
        fo = old.footnotes[i] if i < len(old.footnotes) else None
        fn = new.footnotes[i] if i < len(new.footnotes) else None
        if fo and fn:
            lp, rp, bp = _word_pieces(fo.text, fn.text)
            st = "unchanged" if fo.text.split() == fn.text.split() else "modified"
            left = (f'<td class="cell {st}" id="fn-old-{_esc(fo.mark)}"><sup>{_esc(fo.mark)}</sup> '
                    f'{_html_pieces(lp, None)}</td>')
            right = (f'<td class="cell {st}" id="fn-new-{_esc(fn.mark)}"><sup>{_esc(fn.mark)}</sup> '
                     f'{_html_pieces(rp, None)}</td>')
            body = f"<sup>{_esc(fn.mark)}</sup> {_html_pieces(bp, None)}"
        elif fn:
            st = "added"
            left = '<td class="cell empty"></td>'
            right = (f'<td class="cell added" id="fn-new-{_esc(fn.mark)}"><sup>{_esc(fn.mark)}</sup> '
                     f'{_esc(fn.text)}</td>')
            body = f"<ins><sup>{_esc(fn.mark)}</sup> {_esc(fn.text)}</ins>"
        else:
            st = "deleted"
            left = (f'<td class="cell deleted" id="fn-old-{_esc(fo.mark)}"><sup>{_esc(fo.mark)}</sup> '
                    f'{_esc(fo.text)}</td>')
            right = '<td class="cell empty"></td>'
            body = f"<del><sup>{_esc(fo.mark)}</sup> {_esc(fo.text)}</del>"
        gutter = f'<td class="gutter">{_badge(st) if st != "unchanged" else ""}</td>'
        side.append(f'<tr class="row {st}">{left}{gutter}{right}</tr>')
        inl.append(f'<div class="para {st}"><div class="ptext">{body}</div></div>')
    return "\n".join(side), "\n".join(inl)


def _doc_heading(doc: Document) -> str:
    bits = [doc.symbol or "(no symbol)"]
    if doc.date:
        bits.append(doc.date)
    if doc.kind:
        bits.append(doc.kind)
    return " · ".join(bits)


_CSS = """
:root { --ink:#1f2328; --muted:#656d76; --line:#d0d7de; --bg:#ffffff; --panel:#f6f8fa;
  --ins:#1a7f37; --ins-bg:#dafbe1; --del:#cf222e; --del-bg:#ffebe9;
  --mod:#9a6700; --mod-bg:#fff8c5; --mov:#8250df; --mov-bg:#fbefff; --unch:#8c959f; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--panel); color: var(--ink);
  font: 16px/1.55 Georgia, "Times New Roman", "DejaVu Serif", serif; }
.sans, header, .summary, .legend, .tabs, .badge, .pid, .gutter, th, h2, h3, .moved-note, footer {
  font-family: -apple-system, "Segoe UI", "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; }
.page { max-width: 1320px; margin: 0 auto; padding: 28px 32px 48px; }
header { border-bottom: 3px solid #009edb; padding-bottom: 14px; margin-bottom: 20px; }
header .org { color: #009edb; font-weight: 700; letter-spacing: .06em; text-transform: uppercase;
  font-size: 12px; }
header h1 { font-size: 26px; margin: 4px 0 6px; font-weight: 600; line-height: 1.25; }
header .versions { color: var(--muted); font-size: 14px; }
header .versions b { color: var(--ink); font-weight: 600; }
.summary { display: grid; grid-template-columns: 300px 1fr; gap: 20px; background: var(--bg);
  border: 1px solid var(--line); border-radius: 8px; padding: 18px 20px; margin-bottom: 18px; }
.counts { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; align-content: start; }
.count { border-radius: 6px; padding: 8px 10px; border: 1px solid var(--line); }
.count .n { font-size: 24px; font-weight: 700; line-height: 1.1; display: block; }
.count .l { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
.count.modified { background: var(--mod-bg); border-color: #eed888; } .count.modified .n { color: var(--mod); }
.count.moved { background: var(--mov-bg); border-color: #e0c8fa; } .count.moved .n { color: var(--mov); }
.count.added { background: var(--ins-bg); border-color: #aceebb; } .count.added .n { color: var(--ins); }
.count.deleted { background: var(--del-bg); border-color: #ffcecb; } .count.deleted .n { color: var(--del); }
.count.unchanged .n { color: var(--unch); }
.changes h2 { font-size: 15px; margin: 0 0 8px; }
.changes ol { margin: 0; padding-left: 22px; font-size: 14px; }
.changes li { margin: 3px 0; }
.changes code { font-family: inherit; font-weight: 600; }
.nochange { color: var(--muted); font-size: 14px; }
.toolbar { display: flex; align-items: center; justify-content: space-between; gap: 16px;
  flex-wrap: wrap; margin: 0 0 12px; }
.legend { display: flex; gap: 14px; flex-wrap: wrap; font-size: 13px; color: var(--muted);
  align-items: center; }
.tabs { display: flex; gap: 0; font-size: 14px; }
.tabs label { padding: 6px 14px; border: 1px solid var(--line); background: var(--bg);
  cursor: pointer; user-select: none; }
.tabs label:first-child { border-radius: 6px 0 0 6px; }
.tabs label:nth-child(2) { border-radius: 0 6px 6px 0; border-left: 0; }
.tabs .toggle { margin-left: 14px; border: 0; background: none; padding: 6px 0; color: var(--muted); }
.tabs .toggle::before { content: "☐ "; }
#hide-unchanged:checked ~ .page .tabs .toggle::before { content: "☑ "; color: #0969da; }
input.view { position: absolute; opacity: 0; pointer-events: none; }
#v-side:checked ~ .page label[for=v-side], #v-inline:checked ~ .page label[for=v-inline] {
  background: #0969da; border-color: #0969da; color: #fff; }
#v-side:checked ~ .page .inline-view { display: none; }
#v-inline:checked ~ .page .side-view { display: none; }
#hide-unchanged:checked ~ .page .row.unchanged, #hide-unchanged:checked ~ .page .para.unchanged {
  display: none; }
.panel { background: var(--bg); border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
table.sbs { width: 100%; border-collapse: collapse; table-layout: fixed; }
table.sbs col.side { width: calc(50% - 60px); } table.sbs col.mid { width: 120px; }
table.sbs thead th { background: var(--panel); text-align: left; font-size: 13px; padding: 10px 14px;
  border-bottom: 1px solid var(--line); color: var(--muted); font-weight: 600; }
table.sbs thead th.mid { text-align: center; }
tr.section th, h3.section { text-align: left; font-size: 12px; text-transform: uppercase;
  letter-spacing: .08em; color: var(--muted); background: #fbfcfd; padding: 14px 14px 6px;
  border-bottom: 1px solid var(--line); margin: 0; font-weight: 600; }
td.cell { vertical-align: top; padding: 10px 14px; border-bottom: 1px solid #eaeef2; }
td.gutter { vertical-align: top; text-align: center; padding: 12px 4px;
  border-bottom: 1px solid #eaeef2; background: #fbfcfd; border-left: 1px solid #eaeef2;
  border-right: 1px solid #eaeef2; }
tr.unchanged td.cell { color: #57606a; }
td.cell.added { background: #f0fff4; box-shadow: inset 3px 0 0 var(--ins); }
td.cell.deleted { background: #fff5f5; box-shadow: inset 3px 0 0 var(--del); }
td.cell.deleted, .para.deleted .ptext { color: #82071e; }
td.cell.modified { box-shadow: inset 3px 0 0 #d4a72c; }
td.cell.moved { background: #fdf8ff; box-shadow: inset 3px 0 0 var(--mov); }
td.cell.empty { background: repeating-linear-gradient(135deg, #f6f8fa 0 6px, #eef1f4 6px 12px); }
.pid { display: inline-block; min-width: 42px; font-size: 12px; font-weight: 700; color: var(--muted);
  margin-right: 6px; }
.badge { display: inline-block; font-size: 11px; font-weight: 600; padding: 1px 8px; border-radius: 10px;
  letter-spacing: .02em; white-space: nowrap; border: 1px solid transparent; }
.badge.modified { background: var(--mod-bg); color: var(--mod); border-color: #eed888; }
.badge.moved { background: var(--mov); color: #fff; }
.badge.added { background: var(--ins-bg); color: var(--ins); border-color: #aceebb; }
.badge.deleted { background: var(--del-bg); color: var(--del); border-color: #ffcecb; }
.badge.unchanged { color: var(--unch); background: none; }
.moved-note { display: inline-block; font-size: 12px; font-weight: 600; color: var(--mov);
  background: var(--mov-bg); border: 1px solid #e0c8fa; border-radius: 4px; padding: 0 6px;
  margin-right: 8px; }
ins { background: var(--ins-bg); color: #116329; text-decoration: none;
  border-bottom: 2px solid #4ac26b; padding: 0 1px; }
del { background: var(--del-bg); color: #a40e26; text-decoration: line-through;
  text-decoration-color: var(--del); padding: 0 1px; }
sup.fn a { color: #0969da; text-decoration: none; font-size: 11px; font-family: sans-serif; }
.inline-view .para { display: grid; grid-template-columns: 190px 1fr; gap: 12px; padding: 10px 16px;
  border-bottom: 1px solid #eaeef2; }
.inline-view .para.unchanged .ptext { color: #57606a; }
.inline-view .para.added { background: #f0fff4; box-shadow: inset 3px 0 0 var(--ins); }
.inline-view .para.deleted { background: #fff5f5; box-shadow: inset 3px 0 0 var(--del); }
.inline-view .para.modified { box-shadow: inset 3px 0 0 #d4a72c; }
.inline-view .para.moved { background: #fdf8ff; box-shadow: inset 3px 0 0 var(--mov); }
.inline-view .para.added ins, .inline-view .para.deleted del { background: none; border: 0; }
.inline-view .plabel { padding-top: 2px; }
.inline-view .footnotes .para { grid-template-columns: 1fr; }
h2.block { font-size: 15px; margin: 26px 0 10px; }
footer { color: var(--muted); font-size: 12px; margin-top: 26px; }
@media print { body { background: #fff; } .tabs { display: none; }
  .inline-view { display: none !important; } .side-view { display: block !important; } }
"""


def render_html(old: Document, new: Document, links: list[Link], *, title: str) -> str:
    """A self-contained HTML redline: summary, side-by-side and inline views, footnotes."""
    c = counts(links)
    lines = summary_lines(old, new, links)
    count_cells = "".join(
        f'<div class="count {s}"><span class="n">{c[s]}</span><span class="l">{s}</span></div>'
        for s in STATUS_ORDER)
    if lines:
        change_list = "<ol>" + "".join(f"<li>{_summary_html(line)}</li>" for line in lines) + "</ol>"
    else:
        change_list = '<p class="nochange">No paragraph changed.</p>'
    fn_side, fn_inline = _footnotes(old, new)
    has_fn = bool(old.footnotes or new.footnotes)
    titles = ""
    if (old.title or "") != (new.title or "") and (old.title or new.title):
        _, _, tp = _word_pieces(old.title or "", new.title or "")
        titles = f'<div class="versions">Title: {_html_pieces(tp, None)}</div>'
    doc_title = new.title or old.title or ""
    legend = (
        '<div class="legend"><span>Legend:</span><span><del>deleted words</del></span>'
        '<span><ins>inserted words</ins></span>'
        f'<span>{_badge("modified")}</span><span>{_badge("moved")}</span>'
        f'<span>{_badge("added")}</span><span>{_badge("deleted")}</span>'
        '<span>PP = preambular, OP = operative paragraph (printed number)</span></div>')
    return f"""<!DOCTYPE html>
<html lang="{_esc(new.language or 'en')}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_esc(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<input class="view" type="radio" name="view" id="v-side" checked>
<input class="view" type="radio" name="view" id="v-inline">
<input class="view" type="checkbox" id="hide-unchanged">
<div class="page">
<header>
<div class="org">United Nations · General Assembly · redline</div>
<h1>{_esc(title)}</h1>
<div class="versions"><b>{_esc(_doc_heading(old))}</b> &nbsp;→&nbsp; <b>{_esc(_doc_heading(new))}</b>
{(' &nbsp;·&nbsp; ' + _esc(doc_title)) if doc_title and doc_title != title else ''}</div>
{titles}
</header>
<section class="summary" id="summary">
<div class="counts">{count_cells}</div>
<div class="changes"><h2>What changed</h2>{change_list}</div>
</section>
<div class="toolbar">
<div class="tabs"><label for="v-side">Side by side</label><label for="v-inline">Inline</label>
<label class="toggle" for="hide-unchanged">hide unchanged paragraphs</label></div>
{legend}
</div>
<section class="side-view" id="side-by-side">
<div class="panel"><table class="sbs">
<colgroup><col class="side"><col class="mid"><col class="side"></colgroup>
<thead><tr><th>{_esc(old.symbol or 'Old version')}</th><th class="mid">change</th>
<th>{_esc(new.symbol or 'New version')}</th></tr></thead>
<tbody>
<tr class="section"><th colspan="3">{_esc(old.opening)}{'' if old.opening == new.opening else ' → ' + _esc(new.opening)}</th></tr>
{_side_rows(old, new, links)}
</tbody></table></div>
{f'<h2 class="block">Footnotes</h2><div class="panel"><table class="sbs"><colgroup><col class="side"><col class="mid"><col class="side"></colgroup><tbody>{fn_side}</tbody></table></div>' if has_fn else ''}
</section>
<section class="inline-view" id="inline">
<div class="panel">
{_inline_rows(old, new, links)}
</div>
{f'<h2 class="block">Footnotes</h2><div class="panel footnotes">{fn_inline}</div>' if has_fn else ''}
</section>
<footer>Generated by docpipe. Paragraph ids as in the diff gold format: P&lt;k&gt;/O&lt;k&gt; by position;
labels show printed numbers. Footnote renumbering and whitespace alone are not changes.</footer>
</div>
</body>
</html>
"""


def _summary_html(line: str) -> str:
    """A summary line with its label in bold and its quoted fragments marked."""
    m = re.match(r"^((?:PP|OP)\S*)(.*)$", line, re.S)
    if not m:
        return _esc(line)
    return f"<code>{_esc(m.group(1))}</code>{_esc(m.group(2))}"
