"""Drift check: the real schema is clean, planted differences are listed."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import create_engine, text

from db.client import normalize_url
from db.drift import compare, find_drift, normalized_index
from tests.migrations.conftest import RunTxdb


def test_migrated_database_matches_the_declared_schema(txdb_url: str) -> None:
    assert find_drift(txdb_url) == []


def test_expression_index_spellings_normalise_alike() -> None:
    declared = "CREATE UNIQUE INDEX users_email_ci_unique ON users (lower(trim(email)))"
    catalog = (
        "CREATE UNIQUE INDEX users_email_ci_unique ON public.users USING btree "
        "(lower(TRIM(BOTH FROM email)))"
    )
    other = "CREATE UNIQUE INDEX users_email_ci_unique ON users (lower(email))"

    assert normalized_index(declared) == normalized_index(catalog)
    assert normalized_index(declared) != normalized_index(other)


@pytest.mark.parametrize(
    ("planted", "expected"),  # expected: "|"-separated fragments, one per difference
    [
        ("DROP INDEX teams_name_id_idx", "teams: index teams_name_id_idx is declared"),
        (
            "ALTER TABLE users ALTER COLUMN name SET DEFAULT 'anonymous'",
            "users: column name default differs",
        ),
        (
            "ALTER TABLE org_members DROP CONSTRAINT org_members_user_id_fkey;"
            " ALTER TABLE org_members ADD CONSTRAINT org_members_user_id_fkey"
            " FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL",
            "org_members: constraint org_members_user_id_fkey differs: database "
            "'FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL",
        ),
        (
            "ALTER TABLE teams ADD COLUMN extra integer",
            "teams: column extra exists in the database",
        ),
        (
            "ALTER TABLE teams DROP COLUMN name",
            "teams: column name is declared|teams: index teams_name_id_idx is declared",
        ),
        ("ALTER TABLE users ALTER COLUMN name DROP NOT NULL", "users: column name nullable"),
        ("ALTER TABLE users ALTER COLUMN name TYPE varchar(50)", "users: column name type"),
        ("ALTER TYPE membership_type ADD VALUE 'guest'", "enum membership_type labels differ"),
        ("CREATE TYPE mood AS ENUM ('ok')", "enum mood exists in the database"),
        (
            "DROP INDEX invitations_pending_expires_at_idx;"
            " CREATE INDEX invitations_pending_expires_at_idx ON invitations (expires_at)"
            " WHERE status = 'accepted'",
            "invitations: index invitations_pending_expires_at_idx differs",
        ),
        (
            "DROP INDEX users_email_ci_unique;"
            " CREATE UNIQUE INDEX users_email_ci_unique ON users (lower(email))",
            "users: index users_email_ci_unique differs",
        ),
        (
            "ALTER TABLE roles DROP CONSTRAINT roles_name_key",
            "roles: unique constraint roles_name_key (UNIQUE (name)) is declared",
        ),
        (
            "ALTER TABLE teams ADD CONSTRAINT teams_name_check CHECK (name <> '')",
            "teams: check teams_name_check",
        ),
        ("CREATE TABLE stray (id integer)", "stray: table exists in the database"),
        ("CREATE INDEX stray_idx ON users (name)", "users: index stray_idx exists in the database"),
    ],
    ids=lambda value: value[:40],
)
def test_planted_difference_is_reported(txdb_url: str, planted: str, expected: str) -> None:
    engine = create_engine(normalize_url(txdb_url))
    try:
        with engine.connect() as conn:  # planted inside a transaction that is rolled back
            conn.execute(text(planted))
            differences = compare(conn)
            conn.rollback()
    finally:
        engine.dispose()

    wanted = expected.split("|")
    assert len(differences) == len(wanted), differences
    for fragment in wanted:
        assert any(fragment in line for line in differences), (fragment, differences)


def test_check_drift_command_exits_1_and_lists_every_difference(
    migrated_url: str, run_txdb: RunTxdb
) -> None:
    clean = run_txdb("check-drift", "--url", migrated_url)
    with psycopg.connect(migrated_url, autocommit=True) as conn:
        conn.execute("DROP INDEX teams_name_id_idx")
        conn.execute("ALTER TABLE teams ADD COLUMN extra integer")

    drifted = run_txdb("check-drift", "--url", migrated_url)

    assert clean.returncode == 0, clean.stderr
    assert "matches" in clean.stdout
    assert drifted.returncode == 1
    assert "2 difference(s)" in drifted.stderr
    assert "teams_name_id_idx" in drifted.stderr
    assert "column extra" in drifted.stderr
