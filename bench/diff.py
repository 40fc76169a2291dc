"""Paragraph alignment speed: two 200-paragraph versions of a resolution, diffed 50 times.

    .venv/bin/python -m bench.diff [--paragraphs 200] [--runs 50] [--seed 1] [--no-write]

The documents are synthetic but read like the General Assembly's: every paragraph is an
opening phrase taken from a real paragraph of the corpus (``corpus/sources/*.gold.json``,
``tests/data/*.gold.json``) followed by runs of 4-12 consecutive words cut from real
paragraphs, 15-90 words long (the corpus's range), preamble ending in a comma and operative
paragraphs in a semicolon; about 40 % of the paragraphs are preambular. A few paragraphs
carry footnote markers and sub-paragraph lines, as real ones do.

The later version is the earlier one edited the way a revision edits a draft:

* modified: ~15 % of the paragraphs get 1-4 word-level edits (a word replaced, a phrase
  inserted or dropped, a date changed);
* moved: 4 paragraphs (2 of them also changed) taken out and put elsewhere in their section;
* added: 8 new paragraphs; deleted: 8;
* split: 2 paragraphs cut in two at a comma; merged: 2 pairs of neighbours joined.

Each run is ``pipeline.diff.align`` in full (similarities, alignment, word-level changes of
every changed pair). Prints and writes ``bench/results/diff-<date>.json`` with the median,
p95, min and max of the runs (wall clock, and CPU time of the process, which is what counts
on a shared, loaded machine; the 1-minute load average is recorded) and the link counts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.diff import align  # noqa: E402
from pipeline.model import Document, OperativeParagraph, Paragraph  # noqa: E402

SOURCES = [*sorted((ROOT / "corpus/sources").glob("*.gold.json")),
           *sorted((ROOT / "tests/data").glob("*.gold.json"))]
_MARKER = re.compile(r"\[\^[^\]]*\]")


def load_paragraphs() -> list[str]:
    out = []
    for path in SOURCES:
        try:
            gold = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for p in [*gold.get("preamble", []), *gold.get("operative", [])]:
            text = " ".join(_MARKER.sub("", p.get("text", "")).split())
            if len(text.split()) >= 6:
                out.append(text)
    if not out:
        raise SystemExit("no corpus paragraphs found under corpus/sources or tests/data")
    return out


class Generator:
    def __init__(self, paragraphs: list[str], rng: random.Random) -> None:
        self.rng = rng
        self.words = [p.split() for p in paragraphs]
        self.lengths = [len(w) for w in self.words]  # the corpus's own length distribution
        self.openers_pre = [w[0] for w in self.words if w[0].endswith("ing") or w[0] in
                            ("Recalling", "Reaffirming", "Noting", "Aware", "Convinced",
                             "Concerned", "Mindful", "Deeply", "Bearing")]
        self.openers_op = [w[0] for w in self.words if w[0].endswith("s") and w[0][0].isupper()]
        self.vocab = sorted({t.strip(",;.:()") for w in self.words for t in w if t.isalpha()})

    def run(self, n: int) -> list[str]:
        src = self.rng.choice(self.words)
        start = self.rng.randrange(max(1, len(src) - n))
        return [t.strip(";") for t in src[start:start + n]]

    def paragraph(self, preamble: bool) -> str:
        opener = self.rng.choice(self.openers_pre if preamble else self.openers_op)
        target = max(6, self.rng.choice(self.lengths) - 1)
        body: list[str] = []
        while len(body) < target:
            body += self.run(self.rng.randint(4, 12))
        text = opener + " " + " ".join(body[:target]).rstrip(",;.")
        if self.rng.random() < 0.1:
            words = text.split()
            k = self.rng.randrange(3, len(words))
            words[k] += f"[^{self.rng.randint(1, 9)}]"
            text = " ".join(words)
        if not preamble and self.rng.random() < 0.05:
            text += ":\n" + "\n".join(f"({c}) " + " ".join(self.run(self.rng.randint(6, 14)))
                                      for c in "abc")
        return text + ("," if preamble else ";")

    def edit(self, text: str) -> str:
        words = text.split(" ")
        for _ in range(self.rng.randint(1, 4)):
            kind = self.rng.random()
            k = self.rng.randrange(1, max(2, len(words)))
            if kind < 0.4:
                words[k - 1] = self.rng.choice(self.vocab)
            elif kind < 0.7:
                words[k:k] = self.run(self.rng.randint(2, 6))
            elif len(words) > 12:
                del words[k:k + self.rng.randint(1, 4)]
            else:
                words.insert(k, str(self.rng.randint(1990, 2030)))
        return " ".join(words)


def make_pair(n: int, seed: int) -> tuple[Document, Document, dict]:
    rng = random.Random(seed)
    gen = Generator(load_paragraphs(), rng)
    n_pre = int(n * 0.4)
    pre = [gen.paragraph(True) for _ in range(n_pre)]
    ops = [gen.paragraph(False) for _ in range(n - n_pre)]
    edits = {"modified": 0, "moved": 0, "added": 0, "deleted": 0, "split": 0, "merged": 0}

    def revise(paras: list[str], share: float, preamble: bool) -> list[str]:
        out = list(paras)
        # modified in place
        for k in rng.sample(range(len(out)), int(len(out) * 0.15)):
            out[k] = gen.edit(out[k])
            edits["modified"] += 1
        # splits and merges (from the end so that indices stay valid)
        for k in sorted(rng.sample(range(2, len(out) - 2), 2 * share), reverse=True):
            if k % 2 == 0:
                text = out[k]
                commas = [m.start() for m in re.finditer(",", text)]
                if commas:
                    cut = commas[len(commas) // 2]
                    first, second = text[:cut], text[cut + 1:].strip()
                    out[k:k + 1] = [first + text[-1], "Also " + second]
                    edits["split"] += 1
            else:
                out[k:k + 2] = [out[k][:-1] + " and " + out[k + 1][0].lower() + out[k + 1][1:]]
                edits["merged"] += 1
        # deletions and additions
        for _ in range(4 * share):
            del out[rng.randrange(len(out))]
            edits["deleted"] += 1
        for _ in range(4 * share):
            out.insert(rng.randrange(len(out) + 1), gen.paragraph(preamble))
            edits["added"] += 1
        # moves, half of them also changed
        for m in range(2 * share):
            text = out.pop(rng.randrange(len(out)))
            if m % 2:
                text = gen.edit(text)
            out.insert(rng.randrange(len(out) + 1), text)
            edits["moved"] += 1
        return out

    old = Document(symbol="A/C.2/99/L.1", session=99, preamble=[Paragraph(text=t) for t in pre],
                   operative=[OperativeParagraph(number=str(i), text=t) for i, t in enumerate(ops, 1)])
    new_pre, new_ops = revise(pre, 1, True), revise(ops, 1, False)
    new = Document(symbol="A/C.2/99/L.1/Rev.1", session=99,
                   preamble=[Paragraph(text=t) for t in new_pre],
                   operative=[OperativeParagraph(number=str(i), text=t)
                              for i, t in enumerate(new_ops, 1)])
    return old, new, edits


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--paragraphs", type=int, default=200)
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-write", action="store_true", help="Print only.")
    args = ap.parse_args(argv)

    old, new, edits = make_pair(args.paragraphs, args.seed)
    align(old, new)  # warm up (imports, C++ scorer set-up)
    times, cpu, links = [], [], []
    for _ in range(args.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        links = align(old, new)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    counts: dict[str, int] = {}
    for link in links:
        counts[link.status] = counts.get(link.status, 0) + 1
    ms = [t * 1000 for t in times]
    cpu_ms = [t * 1000 for t in cpu]
    summary = {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.node() and 'vm'} {platform.machine()} python {platform.python_version()}",
        "paragraphs": [len(old.preamble) + len(old.operative), len(new.preamble) + len(new.operative)],
        "words": [sum(len(t.split()) for _, t in d.paragraph_ids()) for d in (old, new)],
        "edits": edits,
        "runs": args.runs,
        "median_ms": round(statistics.median(ms), 2),
        "p95_ms": round(percentile(ms, 0.95), 2),
        "min_ms": round(min(ms), 2),
        "max_ms": round(max(ms), 2),
        # CPU time of the process: what the wall-clock figures would be on an idle machine.
        "cpu_median_ms": round(statistics.median(cpu_ms), 2),
        "cpu_p95_ms": round(percentile(cpu_ms, 0.95), 2),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "links": counts,
        "word_diffs": sum(1 for l in links if l.words),
    }
    print(json.dumps(summary, indent=2))
    if not args.no_write:
        out_dir = ROOT / "bench" / "results"
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"diff-{dt.date.today().isoformat()}.json"
        path.write_text(json.dumps({"summary": summary, "raw_ms": [round(x, 3) for x in ms]},
                                   indent=2) + "\n", encoding="utf-8")
        print(f"written {path.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
