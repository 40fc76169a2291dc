"""The sweep: the pipeline's unattended housekeeping, one small function per step.

1. ``reconcile_inbox``  inbox objects the ledger does not know get a run;
   ``recover_stuck``    runs with no live task and no progress are dispatched again;
2. ``archive_indexed``  indexed, checksum-verified originals move inbox/ -> archive/<session>/;
3. ``retry_transient``  documents quarantined for a transient failure are retried (capped);
4. ``prune_artifacts``  artifacts of superseded stage versions nobody references are deleted;
5. ``write_report``     counts, failures and durations go to ``reports/sweep-<UTC>.json``.

``run_sweep`` runs them in order under a lock (Redis in the distributed mode,
a ledger row otherwise). Celery beat runs it nightly (``workers.maintenance``),
and ``recover_stuck`` alone every minute; ``docpipe sweep`` runs it by hand.
Every step takes ``dry_run`` and then only reports what it would do.

``dispatch(stage, ref)`` sends one stage of a run: to its Celery queue in the
distributed mode, in-process (``run_document`` from that stage) in the embedded one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Callable, Iterator

import structlog

from config.settings import STAGES
from docpipe.events import ObjectCreated
from docpipe.ledger import utcnow
from docpipe.moves import move_verified, relative_key
from docpipe.runner import QUARANTINE_PREFIX, StageRunner, run_document, stage_version
from docpipe.store import ObjectMissing

log = structlog.get_logger("docpipe.sweep")

Dispatch = Callable[[str, dict], None]

# Hard time limits per stage (seconds); mirrors workers.app.TIME_LIMITS without importing Celery.
HARD_LIMITS = {"extract": 2100, "clean": 360, "segment": 150, "diff": 360, "index": 360}
ARTIFACT_NAME = re.compile(r"(?P<stage>[a-z]+)-v(?P<version>[0-9A-Za-z_.]+)\.json")


@dataclass
class SweepContext:
    runner: StageRunner
    dispatch: Dispatch
    dry_run: bool = False
    now: dt.datetime = field(default_factory=utcnow)
    # Original ids some worker holds right now (active, reserved or scheduled); None: unknown.
    live: set[int] | None = None
    # Messages waiting in a stage's queue; None: unknown (embedded mode).
    queue_length: Callable[[str], int] | None = None

    @property
    def settings(self):
        return self.runner.settings


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:  # SQLite hands back naive UTC
        return value.replace(tzinfo=dt.timezone.utc)
    return value


def embedded_dispatch(runner: StageRunner) -> Dispatch:
    return lambda stage, ref: run_document(runner, ref, first=stage)


# --- step 1: reconcile ------------------------------------------------------------------

def reconcile_inbox(ctx: SweepContext) -> dict:
    """Start runs for inbox objects the ledger does not know (events lost or never sent)."""
    runner, seen, started, keys = ctx.runner, 0, 0, []
    for info in runner.store.list(ctx.settings.inbox_prefix):
        seen += 1
        if runner.ledger.knows(runner.store.bucket, info.key, info.etag):
            continue
        keys.append(info.key)
        if not ctx.dry_run:
            reg = runner.submit(ObjectCreated(runner.store.bucket, info.key, info.etag,
                                              info.size, None, "Reconcile"), "reconcile",
                                lambda ref: ctx.dispatch("extract", ref))
            started += int(reg.new)
    return {"seen": seen, "unknown": len(keys), "started": started, "keys": keys[:100]}


def stuck_threshold(ctx: SweepContext, stage: str) -> float:
    """With live-task information a short threshold is safe (a live task is never
    dispatched again); without it, wait for the stage's hard time limit."""
    hard = HARD_LIMITS.get(stage, 3600)
    if ctx.live is None:
        return max(hard, ctx.settings.stuck_after_seconds)
    return min(hard, ctx.settings.stuck_after_seconds)


def _resume_point(row: dict, stage_rows: dict[str, dict]) -> tuple[str | None, dt.datetime]:
    """The stage a run is in (or waits for) and since when nothing has happened."""
    last = _aware(row["updated_at"])
    for stage in STAGES:
        info = stage_rows.get(stage)
        if info is None:
            return stage, last
        if info["state"] in ("running", "failed"):
            return stage, max(t for t in (_aware(info["started_at"]), _aware(
                info["finished_at"]), last) if t is not None)
        last = max(t for t in (last, _aware(info["finished_at"])) if t is not None)
    return None, last


def recover_stuck(ctx: SweepContext) -> dict:
    """Dispatch again the runs that stopped moving: a stage `running` (or `failed`,
    awaiting a retry) with no live task, or a hand-over that never arrived (the next
    stage has not started and its queue is empty), older than the stage's threshold."""
    ledger = ctx.runner.ledger
    recovered, live, waiting, young = [], 0, 0, 0
    for row in ledger.originals_in_state("queued", "running"):
        if ctx.live is not None and row["id"] in ctx.live:
            live += 1
            continue
        stage_rows = ledger.stage_rows(row["id"])
        stage, since = _resume_point(row, stage_rows)
        if stage is None:
            continue
        in_flight = stage in stage_rows
        if not in_flight and ctx.queue_length is not None and ctx.queue_length(stage) > 0:
            waiting += 1  # its message may be in the queue behind others
            continue
        if (ctx.now - since).total_seconds() < stuck_threshold(ctx, stage):
            young += 1
            continue
        if stage != "extract" and not row["sha256"]:
            stage = "extract"
        ref = {"original_id": row["id"], "key": row["key"], "sha256": row["sha256"]}
        if row["symbol"] and STAGES.index(stage) > STAGES.index("segment"):
            ref["symbol"] = row["symbol"]
        recovered.append({"key": row["key"], "stage": stage,
                          "idle_seconds": round((ctx.now - since).total_seconds())})
        if not ctx.dry_run:
            log.warning("run.recovered", key=row["key"], stage=stage, original_id=row["id"])
            ctx.dispatch(stage, ref)
    return {"recovered": len(recovered), "live": live, "waiting_in_queue": waiting,
            "not_yet_stuck": young, "runs": recovered[:100]}


# --- step 2: archive --------------------------------------------------------------------

def archive_key(settings, key: str, session: int | None) -> str:
    return (f"{settings.archive_prefix}{session if session is not None else 'unknown'}/"
            f"{relative_key(key, settings.inbox_prefix)}")


def archive_indexed(ctx: SweepContext) -> dict:
    """Move indexed originals out of the inbox: copy, verify sha256, delete, record."""
    runner, settings = ctx.runner, ctx.settings
    moved, failures = [], []
    for row in runner.ledger.originals_in_state("indexed"):
        src = row["location"] or row["key"]
        if not src.startswith(settings.inbox_prefix) or not row["sha256"]:
            continue
        doc = runner.ledger.document(row["sha256"]) or {}
        dst = archive_key(settings, src, doc.get("session"))
        if ctx.dry_run:
            moved.append({"from": src, "to": dst})
            continue
        try:
            move_verified(runner.store, src, dst, expected_sha256=row["sha256"],
                          storage_class=settings.archive_storage_class)
            runner.ledger.set_location(row["id"], dst)
            moved.append({"from": src, "to": dst})
        except ObjectMissing:
            failures.append({"key": src, "error": "not in the store"})
        except Exception as exc:  # the original stays in the inbox; next sweep tries again
            failures.append({"key": src, "error": f"{type(exc).__name__}: {exc}"})
    return {"archived": len(moved), "failed": len(failures), "moves": moved[:100],
            "failures": failures[:100]}


# --- step 3: retry ----------------------------------------------------------------------

class RetryRefused(Exception):
    """The named original cannot be retried (unknown, not quarantined, a conflict)."""


def retry_original(runner: StageRunner, key: str, start: Callable[[dict], None],
                   trigger: str = "retry", auto: bool = False) -> dict:
    """Move a quarantined original back to the inbox and start a new run of it.

    ``key``: its quarantine key or its original inbox key."""
    row = runner.ledger.find_original(key)
    if row is None:
        raise RetryRefused(f"no original known at {key!r}")
    if row["state"] != "quarantined":
        raise RetryRefused(f"{key!r} is {row['state']}, not quarantined")
    where = row["location"] or row["key"]
    if where.startswith(QUARANTINE_PREFIX):
        store = runner.store
        if store.exists(row["key"]) and store.head(row["key"]).etag != store.head(where).etag:
            raise RetryRefused(f"{row['key']!r} holds another upload now; the quarantined "
                               f"original stays at {where!r}")
        move_verified(store, where, row["key"], expected_sha256=row["sha256"])
        store.delete(where + ".reason.json")
        runner.ledger.set_location(row["id"], None)
    runner.ledger.start_run(row["id"], trigger, auto=auto)
    log.info("run.retried", key=row["key"], original_id=row["id"], trigger=trigger)
    start({"original_id": row["id"], "key": row["key"], "sha256": None})
    return {"key": row["key"], "from": where, "original_id": row["id"], "trigger": trigger}


def retry_transient(ctx: SweepContext) -> dict:
    """Retry documents quarantined for a transient failure, at most ``sweep_retry_cap`` times."""
    cap = ctx.settings.sweep_retry_cap
    retried, capped, failures = [], 0, []
    for row in ctx.runner.ledger.originals_in_state("quarantined"):
        if not row["error_transient"]:
            continue
        if (row["auto_retries"] or 0) >= cap:
            capped += 1
            continue
        key = row["location"] or row["key"]
        if ctx.dry_run:
            retried.append(key)
            continue
        try:
            retry_original(ctx.runner, key, lambda ref: ctx.dispatch("extract", ref),
                           trigger="sweep-retry", auto=True)
            retried.append(key)
        except Exception as exc:
            failures.append({"key": key, "error": f"{type(exc).__name__}: {exc}"})
    return {"retried": len(retried), "capped": capped, "failed": len(failures),
            "keys": retried[:100], "failures": failures[:100]}


# --- step 4: prune ----------------------------------------------------------------------

def prune_artifacts(ctx: SweepContext) -> dict:
    """Delete ``artifacts/<sha>/<stage>-v<old version>.json`` that nothing references."""
    current = {stage: stage_version(stage) for stage in STAGES}
    referenced = ctx.runner.ledger.referenced_artifacts()
    deleted, kept_referenced, current_count = [], 0, 0
    for info in ctx.runner.store.list("artifacts/"):
        match = ARTIFACT_NAME.fullmatch(info.key.rsplit("/", 1)[-1])
        if not match or match["stage"] not in current:
            continue
        if match["version"] == current[match["stage"]]:
            current_count += 1
            continue
        if info.key in referenced:  # an indexed document still points at it
            kept_referenced += 1
            continue
        deleted.append(info.key)
        if not ctx.dry_run:
            ctx.runner.store.delete(info.key)
    return {"deleted": len(deleted), "kept_referenced": kept_referenced,
            "current": current_count, "keys": deleted[:100]}


# --- step 5: report ---------------------------------------------------------------------

def report_key(now: dt.datetime) -> str:
    return f"reports/sweep-{now.astimezone(dt.timezone.utc).strftime('%Y%m%dT%H%M%SZ')}.json"


def write_report(ctx: SweepContext, report: dict) -> str | None:
    log.info("sweep.report", **{k: v for k, v in report.items() if k != "steps"},
             counts={name: {k: v for k, v in step.items() if isinstance(v, int)}
                     for name, step in report["steps"].items()})
    if ctx.dry_run:
        return None
    key = report_key(ctx.now)
    ctx.runner.store.put(key, json.dumps(report, ensure_ascii=False, indent=1,
                                         default=str).encode())
    return key


# --- the whole sweep --------------------------------------------------------------------

STEPS: dict[str, Callable[[SweepContext], dict]] = {
    "reconcile": reconcile_inbox, "recover": recover_stuck, "archive": archive_indexed,
    "retry": retry_transient, "prune": prune_artifacts}


@contextlib.contextmanager
def maintenance_lock(runner: StageRunner, name: str, ttl: float) -> Iterator[bool]:
    """One holder at a time: a Redis key (SET NX PX) when distributed, a ledger row otherwise.
    Yields False when someone else holds it. The TTL frees a lock whose holder died."""
    holder = uuid.uuid4().hex
    if runner.settings.distributed:
        import redis
        client = redis.Redis.from_url(runner.settings.broker_url, socket_timeout=10)
        key = f"docpipe:lock:{name}"
        got = bool(client.set(key, holder, nx=True, px=int(ttl * 1000)))
        try:
            yield got
        finally:
            if got:  # delete only our own lock
                client.eval("if redis.call('get', KEYS[1]) == ARGV[1] then "
                            "return redis.call('del', KEYS[1]) else return 0 end", 1, key, holder)
        return
    got = runner.ledger.acquire_lock(name, holder, ttl)
    try:
        yield got
    finally:
        if got:
            runner.ledger.release_lock(name, holder)


def run_steps(ctx: SweepContext, steps: list[str]) -> dict:
    report: dict = {"started_at": ctx.now.isoformat().replace("+00:00", "Z"),
                    "dry_run": ctx.dry_run, "steps": {}, "failures": [], "durations_ms": {}}
    for name in steps:
        started = time.perf_counter()
        try:
            report["steps"][name] = STEPS[name](ctx)
        except Exception as exc:  # one broken step must not stop the others
            log.exception("sweep.step_failed", step=name)
            report["steps"][name] = {"error": f"{type(exc).__name__}: {exc}"}
            report["failures"].append({"step": name, "error": f"{type(exc).__name__}: {exc}"})
        report["durations_ms"][name] = round((time.perf_counter() - started) * 1000, 1)
        report["failures"] += [{"step": name, **f}
                               for f in report["steps"][name].get("failures", [])]
    return report


def run_sweep(runner: StageRunner, dispatch: Dispatch, *, dry_run: bool = False,
              steps: list[str] | None = None, live: set[int] | None = None,
              queue_length: Callable[[str], int] | None = None,
              lock_ttl: float = 3300, write: bool = True) -> dict:
    """All steps (or ``steps``) in order under the sweep lock; the report, also written
    to the store unless ``dry_run`` or not ``write``."""
    ctx = SweepContext(runner, dispatch, dry_run=dry_run, live=live, queue_length=queue_length)
    steps = steps or list(STEPS)
    with maintenance_lock(runner, "sweep" if len(steps) > 1 else steps[0], lock_ttl) as got:
        if not got:
            log.info("sweep.skipped", reason="another sweep holds the lock")
            return {"skipped": "another sweep holds the lock", "steps": {}}
        started = time.perf_counter()
        report = run_steps(ctx, steps)
        report["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
        if write:
            report["report_key"] = write_report(ctx, report)
    return report
