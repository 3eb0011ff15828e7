"""The retention job end to end on a real PostgreSQL: settings, per-table prunes, dry run, CLI."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from db.client import Database
from db.factories import (
    create_auth_login_audit_events_factory,
    create_auth_login_oidc_states_factory,
    create_auth_login_refresh_tokens_factory,
    create_auth_login_sessions_factory,
    create_domain_events_factory,
    create_invitations_factory,
    create_organizations_factory,
    create_password_reset_tokens_factory,
    create_subscription_events_factory,
    create_users_factory,
)
from db.json_types import JsonObject
from db.repositories.system_settings import RetentionSettingsError, system_settings_repository
from db.retention import (
    PRUNERS,
    PruneCounts,
    RetentionReport,
    TableOutcome,
    format_report,
    run_cli,
    run_retention,
)
from db.schema import (
    auth_login_audit_events,
    auth_login_oidc_states,
    auth_login_refresh_tokens,
    auth_login_sessions,
    domain_events,
    invitations,
    metadata,
    organizations,
    password_reset_tokens,
    subscription_events,
    system_settings,
    users,
)
from db.system_settings_defaults import RETENTION_DEFAULTS, RETENTION_SETTINGS_KEY
from db.testing import Persist

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
PRUNED_TABLES = [RETENTION_DEFAULTS[name].table for name in RETENTION_DEFAULTS]


def days(n: float) -> timedelta:
    return timedelta(days=n)


async def seed(persist: Persist) -> None:
    """Per table, rows just past the default retention (doomed) and rows just inside it."""
    user = await persist(users, create_users_factory())
    org = await persist(organizations, create_organizations_factory())
    for age in (91, 89):
        await persist(
            auth_login_audit_events,
            create_auth_login_audit_events_factory(user_id=user["id"], created_at=NOW - days(age)),
        )
    live_session = await persist(
        auth_login_sessions,
        create_auth_login_sessions_factory(user_id=user["id"], expires_at=NOW + days(1)),
    )
    await persist(
        auth_login_sessions,
        create_auth_login_sessions_factory(user_id=user["id"], expires_at=NOW - days(91)),
    )
    for expires in (NOW - days(91), NOW - days(89)):
        await persist(
            auth_login_refresh_tokens,
            create_auth_login_refresh_tokens_factory(
                session_id=live_session["id"], expires_at=expires
            ),
        )
    for age in (8, 6):
        await persist(
            auth_login_oidc_states,
            create_auth_login_oidc_states_factory(expires_at=NOW - days(age)),
        )
    for age in (31, 29):
        await persist(
            password_reset_tokens,
            create_password_reset_tokens_factory(user_id=user["id"], expires_at=NOW - days(age)),
        )
    invitation = {"organization_id": org["id"], "invited_by_user_id": user["id"]}
    await persist(  # terminal and old: pruned
        invitations,
        create_invitations_factory(**invitation, status="accepted", created_at=NOW - days(181)),
    )
    await persist(  # pending but overdue and old: marked expired, then pruned
        invitations,
        create_invitations_factory(
            **invitation, created_at=NOW - days(200), expires_at=NOW - days(190)
        ),
    )
    await persist(  # terminal but recent: kept
        invitations,
        create_invitations_factory(**invitation, status="revoked", created_at=NOW - days(179)),
    )
    for processed in (NOW - days(91), None):
        await persist(
            subscription_events,
            create_subscription_events_factory(processed_at=processed, created_at=NOW - days(120)),
        )
    await persist(
        domain_events,
        create_domain_events_factory(
            status="published", published_at=NOW - days(31), occurred_at=NOW - days(31)
        ),
    )
    await persist(domain_events, create_domain_events_factory(occurred_at=NOW - days(40)))


async def row_counts(database: Database) -> dict[str, int]:
    counts = {}
    async with database.connect() as conn:
        for name in PRUNED_TABLES:
            counts[name] = len((await conn.execute(metadata.tables[name].select())).all())
    return counts


async def pending_invitations(database: Database) -> int:
    async with database.connect() as conn:
        rows = (await conn.execute(invitations.select())).all()
    return sum(row.status == "pending" for row in rows)


EXPECTED_DELETED = {
    "auth_login_audit_events": 1,
    "auth_login_refresh_tokens": 1,
    "auth_login_sessions": 1,
    "auth_login_oidc_states": 1,
    "password_reset_tokens": 1,
    "invitations": 2,
    "subscription_events": 1,
    "domain_events": 1,
}


def test_every_retention_default_has_exactly_one_prune() -> None:
    assert set(PRUNERS) == set(RETENTION_DEFAULTS)


async def test_dry_run_counts_exactly_what_a_real_run_deletes(
    database: Database, persist: Persist
) -> None:
    await seed(persist)
    before = await row_counts(database)
    preview = await run_retention(dry_run=True, now=NOW)
    assert {o.table: o.counts.deleted for o in preview.outcomes} == EXPECTED_DELETED
    assert await row_counts(database) == before
    assert await pending_invitations(database) == 1  # the expiry was rolled back too
    assert preview.dry_run
    assert preview.total_deleted == 9

    report = await run_retention(dry_run=False, now=NOW)
    assert {o.table: o.counts for o in report.outcomes} == {
        **{table: PruneCounts(deleted=n) for table, n in EXPECTED_DELETED.items()},
        "invitations": PruneCounts(deleted=2, expired=1),
    }
    assert [o.counts for o in report.outcomes] == [o.counts for o in preview.outcomes]
    after = await row_counts(database)
    assert after == {table: before[table] - n for table, n in EXPECTED_DELETED.items()}
    assert all(o.status == "pruned" for o in report.outcomes)
    audit = next(o for o in report.outcomes if o.logical_name == "audit_events")
    assert audit.older_than == NOW - days(90)
    assert report.unknown_names == ()
    again = await run_retention(dry_run=False, now=NOW)
    assert again.total_deleted == 0


async def test_concurrent_runs_delete_each_row_once(database: Database, persist: Persist) -> None:
    await seed(persist)
    await seed(persist)
    before = await row_counts(database)
    reports = await asyncio.gather(*(run_retention(dry_run=False, now=NOW) for _ in range(3)))
    deleted = {
        table: sum(o.counts.deleted for r in reports for o in r.outcomes if o.table == table)
        for table in PRUNED_TABLES
    }
    assert deleted == {table: 2 * n for table, n in EXPECTED_DELETED.items()}
    expired = sum(o.counts.expired for r in reports for o in r.outcomes)
    assert expired == 2
    after = await row_counts(database)
    assert after == {table: before[table] - deleted[table] for table in PRUNED_TABLES}


async def test_disabled_missing_and_unknown_names(database: Database, persist: Persist) -> None:
    await seed(persist)
    settings: JsonObject = {
        "audit_events": {"enabled": False, "retention_days": 90},
        "auth_login_oidc_states": {"enabled": True, "retention_days": 0.5},
        "auth_refresh_tokens": {"enabled": True, "retention_days": 1},
    }
    await system_settings_repository.upsert(RETENTION_SETTINGS_KEY, settings)
    before = await row_counts(database)
    report = await run_retention(dry_run=False, now=NOW)
    status = {o.logical_name: o.status for o in report.outcomes}
    assert status["audit_events"] == "disabled"
    assert status["auth_login_oidc_states"] == "pruned"
    assert status["auth_login_refresh_tokens"] == "not_configured"
    assert report.unknown_names == ("auth_refresh_tokens",)
    after = await row_counts(database)
    assert after["auth_login_audit_events"] == before["auth_login_audit_events"]
    assert after["auth_login_refresh_tokens"] == before["auth_login_refresh_tokens"]
    assert after["auth_login_oidc_states"] == before["auth_login_oidc_states"] - 2
    assert report.total_deleted == 2


async def test_malformed_settings_stop_the_run_before_any_prune(
    database: Database, persist: Persist
) -> None:
    await seed(persist)
    before = await row_counts(database)
    async with database.connect() as conn:
        await conn.execute(
            system_settings.update()
            .where(system_settings.c.key == RETENTION_SETTINGS_KEY)
            .values(value={"audit_events": {"enabled": True, "retention_days": -3}})
        )
    with pytest.raises(RetentionSettingsError, match=r"audit_events\.retention_days"):
        await run_retention(dry_run=False, now=NOW)
    assert await row_counts(database) == before


async def test_naive_now_is_rejected(database: Database) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        await run_retention(dry_run=True, now=datetime(2026, 1, 1))


def test_format_report_lists_every_table_with_its_outcome() -> None:
    report = RetentionReport(
        dry_run=True,
        now=NOW,
        outcomes=(
            TableOutcome(
                "audit_events", "auth_login_audit_events", "pruned", 90, NOW, PruneCounts(3)
            ),
            TableOutcome(
                "invitations", "invitations", "pruned", 180, NOW, PruneCounts(2, expired=1)
            ),
            TableOutcome("domain_events", "domain_events", "disabled", 30),
            TableOutcome("subscription_events", "subscription_events", "not_configured"),
        ),
        unknown_names=(),
    )
    lines = format_report(report).splitlines()
    assert "dry run" in lines[0]
    assert lines[1].split() == ["table", "keep", "older", "than", "result"]
    assert lines[2].split()[:3] == ["auth_login_audit_events", "90d", NOW.isoformat()]
    assert lines[2].endswith("would delete 3")
    assert lines[3].endswith("would delete 2 (after marking 1 overdue expired)")
    assert lines[4].split()[:3] == ["domain_events", "30d", "-"]
    assert lines[4].endswith("skipped: disabled")
    assert lines[5].endswith("skipped: not in the settings")
    assert lines[-1] == "total: would delete 5 rows"


async def _cli(url: str, *, dry_run: bool) -> int:
    return await asyncio.to_thread(run_cli, url, dry_run)


async def test_cli_dry_run_then_run(
    database: Database,
    persist: Persist,
    clean_database_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await seed(persist)
    before = await row_counts(database)
    assert await _cli(clean_database_url, dry_run=True) == 0
    out = capsys.readouterr().out
    assert "dry run" in out
    for table in PRUNED_TABLES:
        assert table in out
    assert await row_counts(database) == before
    assert await _cli(clean_database_url, dry_run=False) == 0
    out = capsys.readouterr().out
    assert "rows deleted" in out
    assert "total: deleted" in out


async def test_cli_malformed_or_missing_settings_exit_1_and_prune_nothing(
    database: Database,
    persist: Persist,
    clean_database_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await seed(persist)
    before = await row_counts(database)
    key = system_settings.c.key == RETENTION_SETTINGS_KEY
    cases: list[tuple[Any, str]] = [
        ({"audit_events": {"enabled": 1, "retention_days": 30}}, "enabled"),
        ({}, "at least 1"),
        (None, "missing"),
    ]
    for value, reason in cases:
        async with database.connect() as conn:
            if value is None:
                await conn.execute(system_settings.delete().where(key))
            else:
                await conn.execute(system_settings.update().where(key).values(value=value))
        assert await _cli(clean_database_url, dry_run=False) == 1, reason
        err = capsys.readouterr().err
        assert reason in err
        assert "txdb schemas apply" in err
    assert await row_counts(database) == before


async def test_cli_unknown_names_are_pruned_around_and_exit_1(
    database: Database, clean_database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings: JsonObject = {
        "audit_events": {"enabled": True, "retention_days": 90},
        "auth_password_reset_tokens": {"enabled": True, "retention_days": 30},
    }
    await system_settings_repository.upsert(RETENTION_SETTINGS_KEY, settings)
    assert await _cli(clean_database_url, dry_run=False) == 1
    captured = capsys.readouterr()
    assert "auth_login_audit_events" in captured.out
    assert "auth_password_reset_tokens" in captured.err
    assert "password_reset_tokens" in captured.err


async def test_cli_connection_error_exit_2_hides_the_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = "postgresql://admin:s3cret-pw@127.0.0.1:1/nowhere"
    assert await _cli(url, dry_run=True) == 2
    err = capsys.readouterr().err
    assert "cannot connect" in err
    assert "127.0.0.1:1" in err
    assert "s3cret-pw" not in err


async def test_cli_bad_url_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert await _cli("mysql://root:pw@localhost/db", dry_run=False) == 2
    err = capsys.readouterr().err
    assert "postgresql://" in err
    assert ":pw@" not in err
