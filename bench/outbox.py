"""Outbox benchmark: append throughput against plain INSERTs, one-aggregate contention, relays.

Runs on a fresh database of the local server (dropped at the end), prints the numbers and
rewrites the `outbox` section of docs/benchmarks.md. Nothing here asserts on timing; the only
failures are correctness checks (gaps, duplicates, events published twice or never).

    python -m bench.outbox [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sqlalchemy import func, insert, select, text

from db.client import Database
from db.env import DbSettings
from db.errors import DbError
from db.repositories.domain_events import (
    DomainEventInput,
    domain_events_repository,
    insert_domain_event_in_transaction,
)
from db.schema import domain_events

if __package__ in (None, ""):  # run as `python bench/outbox.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._support import fresh_database, machine, markdown_table, ratio, rewrite_section

PAYLOAD: Final = {
    "organizationName": "Bench",
    "ownerUserId": "0b0b0b0b-0000-4000-8000-000000000000",
}
APPEND_GOAL: Final = 0.7
RELAY_BATCH: Final = 50  # the upstream worker's OUTBOX_POLL_BATCH_SIZE default

# Bulk load of pending events for the relay phase (bench set-up, not application code).
LOAD_PENDING: Final = text(
    "INSERT INTO domain_events"  # noqa: TXD202 - bench set-up: bulk load of pending events
    " (event_type, aggregate_type, aggregate_id, payload, sequence_number, occurred_at)"
    " SELECT 'organization.created', 'organization', md5('relay' || i)::uuid,"
    " jsonb_build_object('n', i), 1, now() - make_interval(secs => :count - i)"
    " FROM generate_series(1, :count) AS i"
)

Worker = Callable[[Database, float], Awaitable[int]]


@dataclass(frozen=True)
class Sizes:
    """How long and how much each phase runs."""

    append_seconds: float
    append_rounds: int
    contention_seconds: float
    relay_events: int


FULL: Final = Sizes(
    append_seconds=2.0, append_rounds=3, contention_seconds=10.0, relay_events=20_000
)
QUICK: Final = Sizes(
    append_seconds=0.5, append_rounds=2, contention_seconds=2.0, relay_events=2_000
)


def event(aggregate_id: uuid.UUID) -> DomainEventInput:
    """The event every appender writes."""
    return {
        "event_type": "organization.created",
        "aggregate_type": "organization",
        "aggregate_id": aggregate_id,
        "payload": dict(PAYLOAD),
    }


async def outbox_appender(database: Database, deadline: float) -> int:
    """Append events to a new aggregate, one per transaction, until DEADLINE; return the count."""
    aggregate_id, count = uuid.uuid4(), 0
    while time.perf_counter() < deadline:
        async with database.transaction() as trx:
            await insert_domain_event_in_transaction(trx, event(aggregate_id))
        count += 1
    return count


async def plain_inserter(database: Database, deadline: float) -> int:
    """The baseline: plain single-row INSERTs with a client-side sequence, one per transaction."""
    aggregate_id, count = uuid.uuid4(), 0
    statement = insert(domain_events)  # noqa: TXD201 - the plain-INSERT baseline
    while time.perf_counter() < deadline:
        count += 1
        async with database.transaction() as trx:
            await trx.execute(
                statement,
                {**event(aggregate_id), "sequence_number": count},
            )
    return count


async def run_phase(
    database: Database, worker: Worker, connections: int, seconds: float
) -> tuple[int, float]:
    """Run CONNECTIONS copies of WORKER for SECONDS; return (events, elapsed seconds)."""
    started = time.perf_counter()
    counts = await asyncio.gather(
        *(worker(database, started + seconds) for _ in range(connections))
    )
    return sum(counts), time.perf_counter() - started


async def append_throughput(database: Database, sizes: Sizes) -> list[list[object]]:
    """Outbox appends against plain INSERTs, alternated round by round, at 1 and 8 connections."""
    rows: list[list[object]] = []
    for connections in (1, 8):
        for worker in (plain_inserter, outbox_appender):  # warm the pool and statement caches
            await run_phase(database, worker, connections, 0.3)
        totals = {plain_inserter: [0, 0.0], outbox_appender: [0, 0.0]}
        round_ratios = []
        for _ in range(sizes.append_rounds):
            rates = {}
            for worker in (plain_inserter, outbox_appender):
                events, elapsed = await run_phase(
                    database, worker, connections, sizes.append_seconds
                )
                totals[worker][0] += events
                totals[worker][1] += elapsed
                rates[worker] = events / elapsed
            round_ratios.append(rates[outbox_appender] / rates[plain_inserter])
        plain = totals[plain_inserter][0] / totals[plain_inserter][1]
        outbox = totals[outbox_appender][0] / totals[outbox_appender][1]
        verdict = "met" if outbox / plain >= APPEND_GOAL else "MISSED"
        rows.append(
            [
                connections,
                f"{plain:,.0f}",
                f"{outbox:,.0f}",
                ratio(outbox, plain),
                f"{min(round_ratios):.2f}–{max(round_ratios):.2f}",
                f">= {APPEND_GOAL} {verdict}" if connections == 8 else "",
            ]
        )
        print(f"append x{connections}: plain {plain:,.0f}/s, outbox {outbox:,.0f}/s")
    return rows


async def contention(database: Database, sizes: Sizes, writers: int = 16) -> list[object]:
    """WRITERS connections appending to one aggregate; count failures and check gaplessness."""
    aggregate_id = uuid.uuid4()
    failures: list[str] = []

    async def writer(deadline: float) -> int:
        count = 0
        while time.perf_counter() < deadline:
            try:
                async with database.transaction() as trx:
                    await insert_domain_event_in_transaction(trx, event(aggregate_id))
                count += 1
            except DbError as error:
                failures.append(error.code)
        return count

    started = time.perf_counter()
    deadline = started + sizes.contention_seconds
    committed = sum(await asyncio.gather(*(writer(deadline) for _ in range(writers))))
    elapsed = time.perf_counter() - started
    stored = await domain_events_repository.list_for_aggregate(aggregate_id)
    numbers = [row["sequence_number"] for row in stored]
    gapless = numbers == list(range(1, committed + 1))
    print(f"contention x{writers}: {committed} events, {len(failures)} failed, gapless={gapless}")
    if not gapless or failures:
        raise SystemExit(f"contention: gapless={gapless}, failures={failures[:5]}")
    return [
        writers,
        f"{elapsed:.1f}",
        committed,
        len(failures),
        "yes 1..N",
        f"{committed / elapsed:,.0f}",
    ]


async def reload_pending(database: Database, count: int) -> None:
    """Empty the outbox and load COUNT pending events (one per aggregate, oldest first)."""
    async with database.transaction() as trx:
        await trx.execute(text("TRUNCATE domain_events"))
        await trx.execute(LOAD_PENDING, {"count": count})
    async with database.engine.connect() as conn:
        autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text("VACUUM ANALYZE domain_events"))


async def drain(database: Database, relays: int, count: int) -> float:
    """Drain COUNT pending events with RELAYS concurrent relays; verify; return events/s."""
    await reload_pending(database, count)
    seen: list[uuid.UUID] = []
    mismatches: list[tuple[int, int]] = []

    async def relay() -> None:
        while batch := await domain_events_repository.claim_pending(RELAY_BATCH):
            ids = [row["id"] for row in batch]
            published = await domain_events_repository.mark_published(ids)
            if published != len(ids):
                mismatches.append((published, len(ids)))
            seen.extend(ids)

    started = time.perf_counter()
    await asyncio.gather(*(relay() for _ in range(relays)))
    elapsed = time.perf_counter() - started
    async with database.transaction() as trx:
        stored = (
            await trx.execute(select(func.count()).where(domain_events.c.status == "published"))
        ).scalar_one()
    exactly_once = len(seen) == len(set(seen)) == stored == count and not mismatches
    print(f"relays x{relays}: {count / elapsed:,.0f} events/s, exactly once={exactly_once}")
    if not exactly_once:
        raise SystemExit(
            f"relays x{relays}: claimed {len(seen)} ({len(set(seen))} distinct), "
            f"published {stored} of {count}, mismatches {mismatches[:5]}"
        )
    return count / elapsed


async def relay_throughput(database: Database, sizes: Sizes) -> list[list[object]]:
    """Drain the same backlog with 1, 2 and 4 relays."""
    rates = {relays: await drain(database, relays, sizes.relay_events) for relays in (1, 2, 4)}
    return [
        [relays, sizes.relay_events, RELAY_BATCH, f"{rate:,.0f}", ratio(rate, rates[1]), "yes"]
        for relays, rate in rates.items()
    ]


async def server_version(database: Database) -> str:
    """`PostgreSQL <version>` of the server."""
    async with database.transaction() as trx:
        version = (await trx.execute(text("SHOW server_version"))).scalar_one()
    return f"PostgreSQL {str(version).split()[0]}"


async def run(url: str, sizes: Sizes) -> str:
    """Run every phase on the database at URL and return the Markdown section."""
    settings = DbSettings(database_url=url, pool_size=20, max_overflow=0)
    async with Database(settings) as database:
        version = await server_version(database)
        appends = await append_throughput(database, sizes)
        contended = await contention(database, sizes)
        relays = await relay_throughput(database, sizes)
    return "\n\n".join(
        [
            f"Machine: {machine(version)}.",
            "**Append throughput.** `insert_domain_event_in_transaction` (one event per "
            "transaction, each writer its own aggregate) against the baseline: plain "
            "single-row `INSERT`s into `domain_events` with a client-side sequence number "
            "over the same pool, alternated round by round "
            f"({sizes.append_rounds} rounds of {sizes.append_seconds:g} s each).",
            markdown_table(
                [
                    "connections",
                    "plain INSERT events/s",
                    "outbox events/s",
                    "ratio",
                    "per-round ratios",
                    "goal",
                ],
                appends,
            ),
            "**Contention.** 16 connections appending to one aggregate; every committed "
            "event is checked to form the sequence 1..N.",
            markdown_table(
                ["connections", "seconds", "events", "failed transactions", "gapless", "events/s"],
                [contended],
            ),
            "**Relays.** A backlog of pending events drained by concurrent relays "
            "(`claim_pending(batch)` then `mark_published`), each event checked to be "
            "published exactly once; the ratio is against one relay.",
            markdown_table(
                ["relays", "events", "batch", "events/s", "vs 1 relay", "exactly once"], relays
            ),
        ]
    )


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, run the benchmark on a throwaway database, rewrite the docs section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="small sizes, for development")
    parser.add_argument("--no-doc", action="store_true", help="print only; leave the docs alone")
    args = parser.parse_args(argv)
    with fresh_database("txdb_bench_outbox") as url:
        section = asyncio.run(run(url, QUICK if args.quick else FULL))
    print(section)
    if not args.no_doc:
        rewrite_section("outbox", section)


if __name__ == "__main__":
    main()
