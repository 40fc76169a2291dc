"""The HTTP side: the S3 event webhook and a read-only API.

The webhook receives S3-format event records from S3-compatible stores
(MinIO, Ceph RGW) and is protected by a shared token
(``DOCPIPE_WEBHOOK_TOKEN``), sent as ``Authorization: Bearer <token>`` or as
the bare token (MinIO's ``auth_token`` sends it as configured).
"""

from __future__ import annotations

import hmac
from typing import Callable

import structlog
from fastapi import FastAPI, HTTPException, Query, Request

from config.settings import Settings
from docpipe.events import MalformedEvent, parse_notification
from docpipe.runner import StageRunner
from docpipe.service import document_view, status_rows

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

    @api.get("/search", summary="Paragraphs matching a query")
    def search(q: str = Query(..., max_length=10_000), limit: int = Query(20, le=200),
               session: int | None = None, type: str | None = None,
               phrase: str | None = None, change: str | None = None,
               symbol: str | None = None) -> list[dict]:
        from docpipe.search_index import QueryError
        try:
            hits = runner.index.search(q, limit=limit, session=session, type=type,
                                       phrase=phrase, change=change,
                                       symbol_prefix=symbol.rstrip("*") if symbol else None)
        except QueryError as exc:
            raise HTTPException(400, str(exc)) from None
        return [hit.model_dump() for hit in hits]

    @api.get("/documents/{symbol:path}", summary="One document and its diff")
    def document(symbol: str) -> dict:
        row = runner.ledger.document_by_symbol(symbol)
        if row is None:
            raise HTTPException(404, f"no indexed document with symbol {symbol!r}")
        return document_view(runner, row)

    @api.get("/status", summary="Every original and its state")
    def status() -> list[dict]:
        return status_rows(runner)

    return api
