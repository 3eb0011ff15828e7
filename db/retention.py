"""The retention job: prune every enabled table per the stored settings (`txdb retention run`).

Dry run: the very same prunes run inside one transaction that is then rolled back, so the
reported counts are exactly what a real run would delete at that moment (including invitations
that would first be marked expired). The price is that a dry run does the deletion work and holds
the row locks of the doomed rows until it ends; rows locked by others are skipped, as in a real
run.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final, Literal

from db.client import Database, active_database, safe_url
from db.env import EnvError
from db.errors import DbError
from db.repositories.auth_login_oidc_states import auth_login_oidc_states_repository
from db.repositories.auth_login_refresh_tokens import auth_login_refresh_tokens_repository
from db.repositories.auth_login_sessions import auth_login_sessions_repository
from db.repositories.domain_events import domain_events_repository
from db.repositories.invitations import invitations_repository
from db.repositories.password_reset_tokens import password_reset_tokens_repository
from db.repositories.subscription_events import subscription_events_repository
from db.repositories.system_settings import (
    RetentionSettings,
    RetentionSettingsError,
    system_settings_repository,
)
from db.system_settings_defaults import RETENTION_DEFAULTS, RETENTION_SETTINGS_KEY

OutcomeStatus = Literal["pruned", "disabled", "not_configured"]


@dataclass(frozen=True)
class PruneCounts:
    """What one prune did: rows deleted, and rows first marked expired (invitations only)."""

    deleted: int
    expired: int = 0


Pruner = Callable[[datetime, datetime], Awaitable[PruneCounts]]
"""A prune: called with the threshold (delete what is older) and the run's `now`."""


@dataclass(frozen=True)
class TableOutcome:
    """The retention result of one logical table."""

    logical_name: str
    table: str
    status: OutcomeStatus
    retention_days: float | None = None
    older_than: datetime | None = None
    counts: PruneCounts = PruneCounts(deleted=0)


@dataclass(frozen=True)
class RetentionReport:
    """The result of one retention run."""

    dry_run: bool
    now: datetime
    outcomes: tuple[TableOutcome, ...]
    unknown_names: tuple[str, ...]

    @property
    def total_deleted(self) -> int:
        """Rows deleted (or, in a dry run, that would be deleted) over all tables."""
        return sum(outcome.counts.deleted for outcome in self.outcomes)


def _deleting(prune: Callable[[datetime], Awaitable[int]]) -> Pruner:
    async def run(older_than: datetime, now: datetime) -> PruneCounts:
        return PruneCounts(deleted=await prune(older_than))

    return run


async def _prune_invitations(older_than: datetime, now: datetime) -> PruneCounts:
    expired = await invitations_repository.expire_overdue(now)
    deleted = await invitations_repository.prune_terminal(older_than)
    return PruneCounts(deleted=deleted, expired=expired)


PRUNERS: Final[dict[str, Pruner]] = {
    # Children before parents: refresh tokens go before the sessions they cascade from,
    # so each table's count is its own.
    "audit_events": _deleting(auth_login_sessions_repository.prune_audit_events),
    "auth_login_refresh_tokens": _deleting(auth_login_refresh_tokens_repository.prune_expired),
    "auth_login_sessions": _deleting(auth_login_sessions_repository.prune_expired),
    "auth_login_oidc_states": _deleting(auth_login_oidc_states_repository.prune_expired),
    "password_reset_tokens": _deleting(password_reset_tokens_repository.prune_expired),
    "invitations": _prune_invitations,
    "subscription_events": _deleting(subscription_events_repository.prune_processed),
    "domain_events": _deleting(domain_events_repository.prune_published),
}
"""The prune of every logical name of `RETENTION_DEFAULTS`, in the order they run."""


class _DryRunRollbackError(Exception):
    def __init__(self, outcomes: tuple[TableOutcome, ...]) -> None:
        super().__init__("dry run")
        self.outcomes = outcomes


async def _prune_all(settings: RetentionSettings, now: datetime) -> tuple[TableOutcome, ...]:
    outcomes = []
    for name, prune in PRUNERS.items():
        table = RETENTION_DEFAULTS[name].table
        config = settings.get(name)
        if config is None:
            outcomes.append(TableOutcome(name, table, "not_configured"))
            continue
        days = config["retention_days"]
        if not config["enabled"]:
            outcomes.append(TableOutcome(name, table, "disabled", days))
            continue
        older_than = now - timedelta(days=days)
        counts = await prune(older_than, now)
        outcomes.append(TableOutcome(name, table, "pruned", days, older_than, counts))
    return tuple(outcomes)


async def run_retention(*, dry_run: bool, now: datetime | None = None) -> RetentionReport:
    """Prune every enabled table older than its retention; a dry run only counts."""
    moment = datetime.now(UTC) if now is None else now
    if moment.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    settings = await system_settings_repository.require_retention_settings()
    if dry_run:
        try:
            async with active_database().transaction():
                raise _DryRunRollbackError(await _prune_all(settings, moment))
        except _DryRunRollbackError as rolled_back:
            outcomes = rolled_back.outcomes
    else:
        outcomes = await _prune_all(settings, moment)
    unknown = tuple(sorted(name for name in settings if name not in PRUNERS))
    return RetentionReport(dry_run, moment, outcomes, unknown)


def _describe(outcome: TableOutcome, dry_run: bool) -> str:
    if outcome.status == "not_configured":
        return "skipped: not in the settings"
    if outcome.status == "disabled":
        return "skipped: disabled"
    verb = "would delete" if dry_run else "deleted"
    text = f"{verb} {outcome.counts.deleted}"
    if outcome.counts.expired:
        text += f" (after marking {outcome.counts.expired} overdue expired)"
    return text


def _row(table: str, keep: str, cutoff: str, result: str) -> str:
    return f"  {table:<28} {keep:>6}  {cutoff:<25}  {result}"


def format_report(report: RetentionReport) -> str:
    """Render REPORT as the per-table lines `txdb retention run` prints."""
    mode = "dry run, nothing deleted" if report.dry_run else "rows deleted"
    lines = [
        f"retention run at {report.now.isoformat(timespec='seconds')} ({mode})",
        _row("table", "keep", "older than", "result"),
    ]
    for outcome in report.outcomes:
        days = "-" if outcome.retention_days is None else f"{outcome.retention_days:g}d"
        cutoff = "-" if outcome.older_than is None else outcome.older_than.isoformat("T", "seconds")
        lines.append(_row(outcome.table, days, cutoff, _describe(outcome, report.dry_run)))
    verb = "would delete" if report.dry_run else "deleted"
    lines.append(f"total: {verb} {report.total_deleted} rows")
    return "\n".join(lines)


class _ConnectionFailedError(Exception):
    pass


async def _run(database: Database, dry_run: bool) -> RetentionReport:
    async with database:
        try:
            await database.ping()
        except DbError as exc:
            raise _ConnectionFailedError(exc.message) from exc
        return await run_retention(dry_run=dry_run)


def run_cli(url: str, dry_run: bool) -> int:
    """Run retention against URL and print counts per table; return the process exit code."""
    where = safe_url(url)
    try:
        database = Database.from_url(url)
    except (DbError, EnvError) as exc:
        print(f"txdb retention run: {exc}", file=sys.stderr)
        return 2
    try:
        report = asyncio.run(_run(database, dry_run))
    except _ConnectionFailedError as exc:
        print(
            f"txdb retention run: cannot connect to {where}: {exc}\n"
            "Check that PostgreSQL is running and that --url or DATABASE_URL points at it.",
            file=sys.stderr,
        )
        return 2
    except RetentionSettingsError as exc:
        print(
            f"txdb retention run: {exc}\nNothing was pruned. Restore the desired settings with "
            f"`txdb schemas apply`, or fix the {RETENTION_SETTINGS_KEY!r} row of system_settings.",
            file=sys.stderr,
        )
        return 1
    except DbError as exc:
        print(
            f"txdb retention run failed on {where}: {exc.message}\n"
            "Tables reported before the failure stay pruned; fix the cause and run it again "
            "(a database without the schema needs `txdb migrate` and `txdb schemas apply`).",
            file=sys.stderr,
        )
        return 1
    print(format_report(report))
    if report.unknown_names:
        print(
            f"txdb retention run: {RETENTION_SETTINGS_KEY!r} names unknown tables "
            f"{', '.join(report.unknown_names)}; they were not pruned. Known names: "
            f"{', '.join(PRUNERS)}. Fix the setting or run `txdb schemas apply`.",
            file=sys.stderr,
        )
        return 1
    return 0
