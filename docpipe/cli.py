"""The ``docpipe`` command: ingest, search, show, status, and the distributed plumbing."""

from __future__ import annotations

import hashlib
import json
import logging
import signal
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Column, Table

from config.settings import STAGES, Settings, get_settings
from docpipe.events import ObjectCreated
from docpipe.logs import configure_logging
from docpipe.runner import StageRunner, run_document
from docpipe.service import (document_view, original_view, status_rows, stored_comparison,
                             stored_document)
from pipeline.errors import DocpipeError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Ingest United Nations General Assembly documents: extract, clean, "
                       "segment, diff against earlier sessions, and search them.")
console = Console(stderr=True)
out = Console(highlight=False, soft_wrap=True)

JsonOpt = typer.Option(False, "--json", help="JSON Lines on standard output.")


def _settings(json_logs: bool = False) -> Settings:
    """Settings, and logging set up for the command: the long-running commands
    (listen, serve) log every event as JSON lines; the interactive ones only
    warnings, so that their own output stays readable."""
    settings = get_settings()
    configure_logging(json_lines=settings.log_json if settings.log_json is not None
                      else json_logs,
                      level=logging.INFO if json_logs else logging.WARNING)
    return settings


def _runner(settings: Settings | None = None) -> StageRunner:
    return StageRunner.from_settings(settings or _settings())


def _starter(settings: Settings, runner: StageRunner):
    """How a new run starts: sent to the extract queue when distributed, else in-process."""
    if settings.distributed:
        from workers.tasks import start_run
        return start_run
    return lambda ref: run_document(runner, ref)


def _emit(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def _fail(message: str, code: int = 2) -> None:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)


@app.command()
def ingest(files: list[Path] = typer.Argument(..., help="PDF or text files."),
           json_out: bool = JsonOpt) -> None:
    """Run every stage in-process on FILES and print a summary per document.

    Exits 1 when a file was missing or a document ended quarantined."""
    runner = _runner()
    store = runner.store
    failed = 0
    for path in files:
        if not path.is_file():
            failed += 1
            _emit({"source": str(path), "status": "quarantined",
                   "error": "no such file"}) if json_out else console.print(
                f"[red]{path}: no such file[/red]")
            continue
        data = path.read_bytes()
        key = runner.settings.inbox_prefix + path.name
        store.put(key, data)
        event = ObjectCreated(store.bucket, key, hashlib.md5(data).hexdigest(), len(data),
                              None, "Ingest")
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=console,
                      transient=True, disable=json_out) as progress:
            task = progress.add_task(f"{path.name}: queued")
            reg = runner.submit(event, "ingest", lambda ref: run_document(
                runner, ref, on_stage=lambda s: progress.update(
                    task, description=f"{path.name}: {s}")))
        view = original_view(runner, reg.original_id, source=str(path))
        failed += view["status"] == "quarantined"
        if json_out:
            _emit(view)
        else:
            _print_summary(view)
    if failed:
        raise typer.Exit(1)


def _print_summary(view: dict) -> None:
    table = Table(show_header=False, box=None, title=view["source"], title_justify="left")
    table.add_row("status", view["status"])
    if view["status"] == "quarantined":
        table.add_row("reason", view.get("error") or "")
    if view.get("symbol") is not None or view["status"] in ("indexed", "duplicate"):
        table.add_row("symbol", str(view.get("symbol")))
        table.add_row("kind", str(view.get("kind")))
        table.add_row("session", str(view.get("session")))
        table.add_row("paragraphs", f"{len(view.get('preamble', []))} preambular, "
                      f"{len(view.get('operative', []))} operative")
        table.add_row("footnotes", str(len(view.get("footnotes", []))))
        predecessor = view.get("predecessor")
        if predecessor:
            changes = ", ".join(f"{n} {s}" for s, n in sorted(view["changes"].items()))
            table.add_row("predecessor",
                          f"{predecessor} (confidence {view['predecessor_confidence']:.2f})")
            table.add_row("changes", changes)
        else:
            table.add_row("predecessor", "none found")
    if view.get("duplicate_of"):
        table.add_row("duplicate of", view["duplicate_of"])
    out.print(table)
    out.print()


@app.command()
def status(json_out: bool = JsonOpt) -> None:
    """Every original with its state and its stages."""
    rows = status_rows(_runner())
    if json_out:
        for row in rows:
            _emit(row)
        return
    table = Table("symbol", "state", "indexed at", "stages / reason")
    table.columns.insert(0, Column("key", overflow="fold"))  # a key is shown whole
    for row in rows:
        if row["state"] == "quarantined":
            detail = row["error"] or ""
        else:
            # One word per stage: what a person scans for is the first that is not done.
            pending = [f"{s} {row['stages'][s]}" for s in STAGES if row["stages"][s] != "done"]
            detail = pending[0] if pending else "all done"
        moved = f"\n→ {row['location']}" if row["location"] != row["key"] else ""
        table.add_row(row["key"] + moved, row["symbol"] or "", row["state"],
                      (row["indexed_at"] or "")[:19].replace("T", " "), detail)
    out.print(table)


@app.command()
def search(query: str = typer.Argument(..., help='Words, "phrases", word*, OR, NOT / -word.'),
           limit: int = typer.Option(20, help="At most this many hits."),
           # Session numbers are read as text and checked by Filters.of, whose message
           # names the option and the value ("introduced must be a session number ...").
           session: Optional[str] = typer.Option(None, metavar="SESSION",
                                                 help="Only this session."),
           since: Optional[str] = typer.Option(None, metavar="SESSION",
                                               help="This session or later."),
           until: Optional[str] = typer.Option(None, metavar="SESSION",
                                               help="This session or earlier."),
           body: Optional[str] = typer.Option(
               None, help='Issuing body, e.g. "General Assembly, Second Committee".'),
           kind: Optional[str] = typer.Option(None, help='e.g. "draft resolution".'),
           agenda_item: Optional[str] = typer.Option(None, "--agenda-item",
                                                     help='e.g. "93 (c)".'),
           type: Optional[str] = typer.Option(None, "--type",
                                              help="preamble, operative or footnote."),
           phrase: Optional[str] = typer.Option(None, help="Opening phrase, e.g. Requests."),
           change: Optional[str] = typer.Option(None, help="added, modified, moved, unchanged."),
           symbol: Optional[str] = typer.Option(None, help="Symbol prefix, e.g. A/C.2/58/*"),
           introduced: Optional[str] = typer.Option(
               None, metavar="SESSION",
               help="Only paragraphs that first appeared in this session."),
           facets: bool = typer.Option(False, "--facets",
                                       help="Also count the matches per session and per body."),
           json_out: bool = JsonOpt) -> None:
    """Paragraphs matching QUERY, best first.

    With --json, one JSON object per hit; with --facets, then one line {"facets": {...}}.
    """
    from rich.markup import escape

    from docpipe.search_index import Filters, QueryError, check_filters
    try:
        # Checked before anything is opened: a mistyped value is the user's to fix.
        filters = Filters.of(session=session, since=since, until=until, body=body, kind=kind,
                             agenda_item=agenda_item, type=type, phrase=phrase, change=change,
                             symbol_prefix=symbol, introduced=introduced)
        check_filters(filters)
    except QueryError as exc:
        _fail(escape(str(exc)))
    values = {k: v for k, v in vars(filters).items() if v is not None}
    runner = _runner()
    try:
        hits = runner.index.search(query, limit=limit, **values)
        counts = runner.index.facets(query, **values) if facets else None
    except QueryError as exc:
        _fail(escape(str(exc)))
    for hit in hits:
        row = hit.model_dump() if hasattr(hit, "model_dump") else dict(hit.__dict__)
        if json_out:
            _emit(row)
        else:
            # Document text is not markup: "[on the report of ...]" must print as it is.
            out.print(f"[bold]{escape(str(row['symbol']))}[/bold] {row['paragraph']}  "
                      f"{escape(row['snippet'])}")
    if not hits and not json_out:
        console.print("no matches")
    if counts is not None:
        if json_out:
            _emit({"facets": {"session": {str(k): v for k, v in counts["session"].items()},
                              "body": counts["body"], "total": counts["total"]}})
            return
        total = counts["total"]
        out.print(f"\n{total} paragraph{'s' if total != 1 else ''} match"
                  f"{'es' if total == 1 else ''}"
                  + (f"; the best {len(hits)} shown" if len(hits) < total else ""))
        if counts["session"]:
            out.print("per session:")
            for number, n in counts["session"].items():
                out.print(f"  {number:>4}  {n}")
        if counts["body"]:
            out.print("per body:")
            for name, n in counts["body"].items():
                out.print(f"  {n:>6}  {escape(name)}")


@app.command()
def show(symbol: str, json_out: bool = JsonOpt,
         html: Optional[Path] = typer.Option(None, "--html", help="Write the redline against "
                                             "the stored predecessor to this HTML file."),
         akn: bool = typer.Option(False, "--akn", help="Print the document as Akoma Ntoso "
                                  "3.0 XML (AKN4UN).")) -> None:
    """One document's structure and its diff against its predecessor."""
    runner = _runner()
    row = runner.ledger.document_by_symbol(symbol)
    if row is None:
        _fail(f"no indexed document with symbol {symbol!r}", 1)
    view = document_view(runner, row)
    if html is not None:
        _write_stored_redline(runner, row, html)
    if akn:
        from pipeline.akn import to_akn
        sys.stdout.write(to_akn(stored_document(runner, row)))
        return
    if json_out:
        _emit(view)
        return
    out.print(f"[bold]{view['symbol']}[/bold]  {view['kind']}  session {view['session']}  "
              f"{view.get('body') or ''}")
    if view.get("title"):
        out.print(view["title"])
    out.print(view["opening"])
    for i, p in enumerate(view["preamble"], 1):
        out.print(f"[dim]P{i}[/dim] {p['text']}")
    for i, p in enumerate(view["operative"], 1):
        out.print(f"[dim]O{i}[/dim] {p['number']}. {p['text']}")
    for note in view["footnotes"]:
        out.print(f"[dim][^{note['mark']}][/dim] {note['text']}")
    if view["predecessor"]:
        out.print(f"\npredecessor {view['predecessor']} "
                  f"(confidence {view['predecessor_confidence']:.2f})")
        for old, new, state in view["diff"]:
            if state != "unchanged":
                out.print(f"  {old or '-'} -> {new or '-'}  {state}")


def _write_stored_redline(runner: StageRunner, row: dict, path: Path) -> None:
    """The redline of an indexed document against the predecessor its diff stage chose."""
    from pipeline.redline import render_html
    diff, new, old = stored_comparison(runner, row)
    if old is None:
        _fail(f"{row['symbol']} has no stored predecessor to compare with", 1)
    path.write_text(render_html(old, new, diff.links, title=f"{old.symbol} → {new.symbol}"),
                    encoding="utf-8")
    console.print(f"redline written to {path}")


def _diff_input(ref: str):
    """(name, Document) of a file (extract, clean, segment in-process) or an indexed symbol."""
    path = Path(ref)
    if path.is_file():
        from pipeline import clean, extract, segment
        options = extract.ExtractOptions.from_settings(get_settings())
        document = segment.segment(clean.clean(extract.extract(path.read_bytes(), path.name,
                                                               options)))
        name = path.name
        for suffix in (".ocr.txt", ".scan-hard.pdf", ".scan.pdf", ".txt", ".pdf"):
            if name.lower().endswith(suffix):
                return name[:-len(suffix)], document
        return path.stem, document
    runner = _runner()
    row = runner.ledger.document_by_symbol(ref)
    if row is None:
        _fail(f"{ref!r} is neither a file nor the symbol of an indexed document", 1)
    return ref, stored_document(runner, row)


@app.command("diff")
def diff_command(old: str = typer.Argument(..., help="Earlier version: a file or an indexed symbol."),
                 new: str = typer.Argument(..., help="Later version: a file or an indexed symbol."),
                 json_out: bool = typer.Option(False, "--json", help="One JSON object: links "
                                               "(docpipe-diff-gold/1), word changes, summary."),
                 html: Optional[Path] = typer.Option(None, "--html",
                                                     help="Write an HTML redline to this file.")
                 ) -> None:
    """What changed from OLD to NEW, paragraph by paragraph."""
    from pipeline.diff import align
    from pipeline.redline import diff_json, render_html, render_terminal
    (old_name, old_doc), (new_name, new_doc) = _diff_input(old), _diff_input(new)
    links = align(old_doc, new_doc)
    if html is not None:
        html.write_text(render_html(old_doc, new_doc, links,
                                    title=f"{old_doc.symbol or old_name} → "
                                          f"{new_doc.symbol or new_name}"), encoding="utf-8")
        console.print(f"redline written to {html}")
    if json_out:
        _emit(diff_json(old_doc, new_doc, links, old_name, new_name))
    elif html is None:
        out.print(render_terminal(old_doc, new_doc, links))


@app.command()
def history(symbol: str, json_out: bool = typer.Option(False, "--json", help="One JSON object: "
                                                      "the lineage and every paragraph's history.")
            ) -> None:
    """Where each paragraph of SYMBOL first appeared, and which later versions changed it
    (following the stored predecessor chain back to its first document)."""
    from docpipe.history import history_view
    runner = _runner()
    row = runner.ledger.document_by_symbol(symbol)
    if row is None:
        _fail(f"no indexed document with symbol {symbol!r}", 1)
    view = history_view(runner, row)
    if json_out:
        _emit(view)
        return
    out.print("lineage: " + " → ".join(f"{d['symbol']} ({d['session']})" for d in view["lineage"]))
    for p in view["paragraphs"]:
        changed = ", ".join(f"{c['session']} {c['symbol']}" for c in p["changed_in"]) or "-"
        out.print(f"[dim]{p['paragraph']:>4}[/dim]  first {p['first_session']} "
                  f"{p['first_symbol']}  changed in: {changed}  {p['opening']}")


@app.command()
def init(json_out: bool = JsonOpt) -> None:
    """Create the bucket, the SQS queue and the bucket notification (idempotent)."""
    from docpipe.aws import init as init_aws
    result = init_aws(_settings())
    _emit(result) if json_out else out.print(result)


@app.command()
def listen(once: bool = typer.Option(False, help="One long poll, then exit.")) -> None:
    """Long-poll the SQS queue and start a run for each uploaded file."""
    from docpipe.aws import SqsListener
    from workers.tasks import start_run
    settings = _settings(json_logs=True)
    runner = _runner(settings)
    listener = SqsListener(settings, lambda event, trigger: runner.submit(event, trigger,
                                                                          start_run))
    if once:
        listener.poll_once()
        return
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    listener.run_forever(stop=lambda: bool(stopping))


@app.command()
def reconcile(json_out: bool = JsonOpt) -> None:
    """Start runs for inbox objects the ledger does not know (lost events)."""
    from docpipe.aws import reconcile as reconcile_inbox
    settings = _settings()
    runner = _runner(settings)
    start_run = _starter(settings, runner)
    result = reconcile_inbox(runner, start_run)
    _emit(result) if json_out else out.print(result)


@app.command()
def sweep(dry_run: bool = typer.Option(False, "--dry-run", help="Report only; change nothing."),
          json_out: bool = JsonOpt) -> None:
    """Housekeeping by hand (beat runs it nightly): reconcile and recover stuck runs,
    archive indexed originals, retry transient failures, prune old artifacts, report."""
    from docpipe.sweep import embedded_dispatch, run_sweep
    settings = _settings()
    if settings.distributed:
        from workers.maintenance import sweep_distributed
        report = sweep_distributed(dry_run=dry_run)
    else:
        runner = _runner(settings)
        report = run_sweep(runner, embedded_dispatch(runner), dry_run=dry_run)
    _emit(report) if json_out else out.print_json(json.dumps(report, default=str))


@app.command()
def retry(key: str = typer.Argument(..., help="Quarantine key or original inbox key."),
          json_out: bool = JsonOpt) -> None:
    """Move a quarantined original back to the inbox and start a new run of it."""
    from docpipe.sweep import RetryRefused, retry_original
    settings = _settings()
    runner = _runner(settings)
    start_run = _starter(settings, runner)
    try:
        result = retry_original(runner, key, start_run)
    except RetryRefused as exc:
        _fail(str(exc), 1)
    result["state"] = runner.ledger.original(result["original_id"])["state"]
    _emit(result) if json_out else out.print(result)


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """The HTTP API and the S3 event webhook."""
    import uvicorn
    from docpipe.api import create_app
    settings = _settings(json_logs=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


@app.command()
def health(json_out: bool = JsonOpt,
           check: Optional[list[str]] = typer.Option(None, help="Only these checks "
                                                     "(store, ledger, index, broker, workers).")
           ) -> None:
    """Check store, ledger, index, broker and workers; exit 1 when one is down."""
    from docpipe.health import run_checks
    results = run_checks(_settings(), check)
    for name, result in results.items():
        if json_out:
            _emit({"check": name, **result})
        else:
            mark = "[green]ok[/green]" if result["ok"] else "[red]DOWN[/red]"
            out.print(f"{name:8} {mark}  {result['detail']}")
    if not all(result["ok"] for result in results.values()):
        raise typer.Exit(1)


@app.command("eval")
def eval_corpus(folder: Path = typer.Argument(..., help="A labelled corpus folder."),
                variants: Optional[str] = typer.Option(None, help="Only these, e.g. txt,pdf,scan,ocr."),
                verbose: bool = typer.Option(False, "-v", "--verbose", help="Per-input rows."),
                workers: int = typer.Option(2, help="Processes (OCR is ~2 s a page)."),
                json_out: bool = JsonOpt) -> None:
    """Score extract, clean, segment and diff on a labelled corpus, per variant."""
    from docpipe.evaluation import evaluate_corpus, json_lines, print_report
    if not folder.is_dir():
        _fail(f"{folder} is not a folder")
    wanted = [v.strip() for v in variants.split(",") if v.strip()] if variants else None
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=console,
                  transient=True, disable=json_out) as progress:
        task = progress.add_task("evaluating")
        result = evaluate_corpus(folder, wanted, workers, on_row=lambda row: progress.update(
            task, description=f"{row['input']} done"))
    if json_out:
        for line in json_lines(result):
            _emit(line)
    else:
        print_report(result, Console(highlight=False, width=max(out.width, 160)), verbose)  # a wide table: no truncated figures in logs


def main() -> None:
    try:
        app()
    except DocpipeError as exc:
        console.print(f"[red]error:[/red] {exc}")
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
