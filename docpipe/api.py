"""The HTTP side: the S3 event webhook, a read-only API and a small web page.

The webhook receives S3-format event records from S3-compatible stores
(MinIO, Ceph RGW) and is protected by a shared token
(``DOCPIPE_WEBHOOK_TOKEN``), sent as ``Authorization: Bearer <token>`` or as
the bare token (MinIO's ``auth_token`` sends it as configured).

Read-only routes (OpenAPI at ``/openapi.json``, docs at ``/docs``):

* ``GET /api/search`` -- hits (ranked, ``<mark>`` snippets) and facets (per session, per body)
* ``GET /api/documents/{symbol}`` -- one document's structure, lineage and diff links
* ``GET /api/documents/{symbol}/diff`` -- its diff: links, counts, summary lines, redline URL
* ``GET /api/status``, ``GET /healthz``
* ``GET /`` (search page), ``GET /documents/{symbol}`` (HTML for browsers, the JSON view for
  other clients, as before), ``GET /documents/{symbol}/redline`` (the HTML redline)
* the older ``GET /search`` and ``GET /status`` (JSON) are kept as they were.

Bad input answers 400 with ``{"detail": "<what is wrong>"}``; never a stack trace.
"""

from __future__ import annotations

import hmac
from typing import Callable, Literal

import structlog
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse

from config.settings import Settings
from docpipe.events import MalformedEvent, parse_notification
from docpipe.runner import StageRunner
from docpipe.service import document_view, status_rows, stored_comparison

log = structlog.get_logger("docpipe.api")


def _token_ok(header: str | None, token: str) -> bool:
    if not header:
        return False
    given = header.removeprefix("Bearer ").strip()
    return hmac.compare_digest(given.encode(), token.encode())


def create_app(settings: Settings, runner: StageRunner | None = None,
               start: Callable[[dict], None] | None = None) -> FastAPI:
    runner = runner or StageRunner.from_settings(settings)
    if start is None:
        from workers.tasks import start_run as start
    api = FastAPI(title="docpipe", version="0.1.0",
                  description="Search and read UN General Assembly documents; S3 event webhook.")
    api.add_exception_handler(RequestValidationError, _bad_request)

    @api.post("/events", summary="S3-format event notification (webhook)")
    async def events(request: Request) -> dict:
        token = settings.webhook_token.get_secret_value() if settings.webhook_token else None
        if not token:
            raise HTTPException(503, "the webhook is disabled: set DOCPIPE_WEBHOOK_TOKEN")
        if not _token_ok(request.headers.get("authorization"), token):
            raise HTTPException(401, "missing or wrong webhook token")
        try:
            records = parse_notification(await request.body(), settings.inbox_prefix)
        except MalformedEvent as exc:
            raise HTTPException(400, f"not an S3 event notification: {exc}") from None
        started = 0
        for event in records:
            started += int(runner.submit(event, "webhook", start).new)
        return {"records": len(records), "started": started}

    _read_routes(api, runner)
    return api


# --- read side -------------------------------------------------------------------

MAX_QUERY_LENGTH = 10_000
TypeParam = Literal["preamble", "operative", "footnote"]
ChangeParam = Literal["added", "modified", "moved", "unchanged"]


async def _bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    """FastAPI's 422 for a malformed parameter becomes a 400 with one readable sentence."""
    parts = []
    for error in exc.errors():
        where = ".".join(str(x) for x in error.get("loc", ()) if x not in ("query", "path", "body"))
        message = error.get("msg", "invalid")
        if error.get("type") == "string_too_long":
            message = f"is longer than {MAX_QUERY_LENGTH} characters"
        elif error.get("type") == "literal_error":
            message = message.replace("Input should be", "must be")
        elif error.get("type") in ("int_parsing", "int_type"):
            message = "must be a whole number"
        elif error.get("type") == "missing":
            message = "is required"
        parts.append(f"{where}: {message}" if where else message)
    return JSONResponse({"detail": "; ".join(parts) or "bad request"}, status_code=400)


def _wants_html(request: Request) -> bool:
    """Browsers ask for text/html first; API clients (curl, httpx: */*) keep getting JSON."""
    accept = request.headers.get("accept", "")
    return "text/html" in accept.split(",")[0]


def _read_routes(api: FastAPI, runner: StageRunner) -> None:
    from docpipe.search_index import CHANGES, TYPES, Filters, QueryError, check_filters
    from docpipe.web import pages

    def find(symbol: str) -> dict:
        row = runner.ledger.document_by_symbol(symbol)
        if row is None:
            raise HTTPException(404, f"no indexed document with symbol {symbol!r}")
        return row

    def run_search(q: str, limit: int, filters: dict, with_facets: bool):
        f = Filters.of(**filters)
        check_filters(f)
        values = {k: v for k, v in vars(f).items() if v is not None}
        hits = runner.index.search(q, limit=limit, **values)
        facets = runner.index.facets(q, **values) if with_facets else None
        return hits, facets

    # --- the JSON API ---

    @api.get("/api/search", summary="Paragraphs matching a query, with counts per session and body")
    def api_search(
            q: str = Query(..., max_length=MAX_QUERY_LENGTH,
                           description='words, "phrases", word*, OR, NOT / -word'),
            limit: int = Query(20, ge=1, le=200),
            session: int | None = Query(None, description="exactly this session"),
            since: int | None = Query(None, description="this session or later"),
            until: int | None = Query(None, description="this session or earlier"),
            body: str | None = Query(None, max_length=200,
                                     description="e.g. General Assembly, Second Committee"),
            kind: str | None = Query(None, max_length=100, description="e.g. draft resolution"),
            agenda_item: str | None = Query(None, max_length=100),
            type: TypeParam | None = None,
            phrase: str | None = Query(None, max_length=200, description="opening phrase"),
            change: ChangeParam | None = None,
            symbol: str | None = Query(None, max_length=200,
                                       description="symbol prefix, e.g. A/C.2/58/*"),
            introduced: int | None = Query(
                None, description="paragraphs that first appeared in this session"),
            facets: bool = Query(True, description="also count matches per session and body"),
    ) -> dict:
        filters = dict(session=session, since=since, until=until, body=body, kind=kind,
                       agenda_item=agenda_item, type=type, phrase=phrase, change=change,
                       symbol_prefix=symbol, introduced=introduced)
        try:
            hits, counts = run_search(q, limit, filters, facets)
        except QueryError as exc:
            raise HTTPException(400, str(exc)) from None
        out = {"query": q, "hits": [hit.model_dump() for hit in hits]}
        if counts is not None:
            out["total"] = counts["total"]
            out["facets"] = {"session": {str(k): v for k, v in counts["session"].items()},
                             "body": counts["body"]}
        return out

    @api.get("/api/documents/{symbol:path}/diff", summary="A document against its predecessor")
    def api_diff(symbol: str) -> dict:
        from pipeline.redline import counts, summary_lines
        row = find(symbol)
        diff, new, old = stored_comparison(runner, row)
        links = diff.links if diff else []
        return {
            "symbol": row["symbol"], "doc_id": row["doc_id"],
            "predecessor": diff.predecessor if diff else None,
            "predecessor_confidence": diff.predecessor_confidence if diff else None,
            "links": [link.as_gold() for link in links],
            "counts": counts(links) if old is not None else {},
            "summary": summary_lines(old, new, links) if old is not None else [],
            "redline": f"{pages.doc_url(row['symbol'])}/redline" if old is not None else None,
        }

    @api.get("/api/documents/{symbol:path}", summary="One document: structure, lineage, diff links")
    def api_document(symbol: str) -> dict:
        return document_view(runner, find(symbol))

    @api.get("/api/status", summary="Every original and its state")
    def api_status() -> list[dict]:
        return status_rows(runner)

    @api.get("/healthz", summary="Liveness: the index answers")
    def healthz() -> JSONResponse:
        try:
            return JSONResponse({"status": "ok", "paragraphs": runner.index.count()})
        except Exception as exc:  # noqa: BLE001 - a probe reports, it does not raise
            log.warning("healthz.failed", error=str(exc))
            return JSONResponse({"status": "unavailable", "error": type(exc).__name__},
                                status_code=503)

    # --- the older JSON routes, unchanged for their clients ---

    @api.get("/search", summary="Paragraphs matching a query (use /api/search)")
    def search(q: str = Query(..., max_length=MAX_QUERY_LENGTH), limit: int = Query(20, le=200),
               session: int | None = None, type: str | None = None,
               phrase: str | None = None, change: str | None = None,
               symbol: str | None = None) -> list[dict]:
        try:
            hits = runner.index.search(q, limit=limit, session=session, type=type,
                                       phrase=phrase, change=change,
                                       symbol_prefix=symbol.rstrip("*") if symbol else None)
        except QueryError as exc:
            raise HTTPException(400, str(exc)) from None
        return [hit.model_dump() for hit in hits]

    @api.get("/status", summary="Every original and its state (use /api/status)")
    def status() -> list[dict]:
        return status_rows(runner)

    # --- the web page ---

    @api.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> HTMLResponse:
        params = request.query_params
        q = params.get("q", "")
        form = {name: params.get(name, "") for name in
                ("session", "since", "type", "change", "phrase", "symbol", "body")}
        error, hits, counts, code = None, [], None, 200
        if len(q) > MAX_QUERY_LENGTH:
            error, code = f"The query is longer than {MAX_QUERY_LENGTH} characters.", 400
        elif q.strip():
            filters = {("symbol_prefix" if k == "symbol" else k): (v or None)
                       for k, v in form.items()}
            try:
                hits, counts = run_search(q, 20, filters, True)
            except QueryError as exc:
                error, code = str(exc)[:1].upper() + str(exc)[1:] + ".", 400
        count = runner.index.count() if not q.strip() else None
        return HTMLResponse(pages.render_search(q=q, form=form, error=error, hits=hits,
                                                facets=counts, count=count, types=TYPES,
                                                changes=CHANGES), status_code=code)

    @api.get("/documents/{symbol:path}/redline", response_class=HTMLResponse,
             summary="The HTML redline of a document against its predecessor")
    def redline(symbol: str) -> HTMLResponse:
        from pipeline.redline import render_html
        row = runner.ledger.document_by_symbol(symbol)
        if row is None:
            return HTMLResponse(pages.render_error(404, f"No indexed document {symbol}."), 404)
        diff, new, old = stored_comparison(runner, row)
        if old is None:
            return HTMLResponse(pages.render_error(
                404, f"{symbol} has no stored predecessor to compare with."), 404)
        return HTMLResponse(render_html(old, new, diff.links,
                                        title=f"{old.symbol} → {new.symbol}"))

    @api.get("/documents/{symbol:path}", summary="One document and its diff (JSON; HTML for browsers)")
    def document(symbol: str, request: Request):
        row = runner.ledger.document_by_symbol(symbol)
        html = _wants_html(request)
        if row is None:
            if html:
                return HTMLResponse(pages.render_error(404, f"No indexed document {symbol}."), 404)
            raise HTTPException(404, f"no indexed document with symbol {symbol!r}")
        view = document_view(runner, row)
        if not html:
            return view
        from pipeline.index import change_by_paragraph
        from pipeline.redline import summary_lines
        diff, new, old = stored_comparison(runner, row)
        changes = change_by_paragraph(diff) if old is not None else None
        if changes is not None:  # a paragraph no link names is new
            for prefix, paras in (("P", new.preamble), ("O", new.operative)):
                for i in range(1, len(paras) + 1):
                    changes.setdefault(f"{prefix}{i}", "added")
            changes = {k: v for k, v in changes.items() if v != "unchanged"}
        return HTMLResponse(pages.render_document(
            view, changes=changes,
            summary=summary_lines(old, new, diff.links) if old is not None else None,
            redline=f"{pages.doc_url(row['symbol'])}/redline" if old is not None else None))
