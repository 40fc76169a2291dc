"""``docpipe health``: is every part this deployment needs reachable?

Each check is a small function returning (ok, detail); the command exits
non-zero when one fails, so container probes can use it.
"""

from __future__ import annotations

from typing import Callable

import sqlalchemy as sa

from config.settings import STAGES, Settings

Check = Callable[[Settings], tuple[bool, str]]


def check_store(settings: Settings) -> tuple[bool, str]:
    from docpipe.store import open_store
    store = open_store(settings.store_url, settings.s3_endpoint_url)
    next(iter(store.list(settings.inbox_prefix)), None)
    return True, settings.store_url


def check_ledger(settings: Settings) -> tuple[bool, str]:
    from docpipe.ledger import Ledger
    with Ledger(settings.db_url).engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
    return True, settings.db_url.split("@")[-1]  # never print credentials


def check_index(settings: Settings) -> tuple[bool, str]:
    from docpipe.search_index import open_index
    return True, f"{open_index(settings.index_url).count()} paragraphs"


def check_broker(settings: Settings) -> tuple[bool, str]:
    import redis
    redis.Redis.from_url(settings.broker_url, socket_timeout=5).ping()
    return True, settings.broker_url.split("@")[-1]


def check_workers(settings: Settings) -> tuple[bool, str]:
    from workers.app import app
    replies = app.control.inspect(timeout=3).active_queues() or {}
    served = {queue["name"] for queues in replies.values() for queue in queues}
    missing = [stage for stage in STAGES if stage not in served]
    if missing:
        return False, f"no worker consumes: {', '.join(missing)}"
    return True, f"{len(replies)} workers"


def checks_for(settings: Settings) -> dict[str, Check]:
    checks: dict[str, Check] = {"store": check_store, "ledger": check_ledger,
                                "index": check_index}
    if settings.distributed:
        checks.update(broker=check_broker, workers=check_workers)
    return checks


def run_checks(settings: Settings, only: list[str] | None = None) -> dict[str, dict]:
    results = {}
    for name, check in checks_for(settings).items():
        if only and name not in only:
            continue
        try:
            ok, detail = check(settings)
        except Exception as exc:  # a probe reports; it does not crash
            ok, detail = False, f"{type(exc).__name__}: {exc}"
        results[name] = {"ok": ok, "detail": detail}
    return results
