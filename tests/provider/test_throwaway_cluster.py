"""The test plugin's fallback: a private cluster when no server answers, removed afterwards."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from db.testing import (
    create_database,
    drop_database,
    find_server,
    migrate_database,
    start_throwaway_cluster,
    stop_throwaway_cluster,
)


def test_a_throwaway_cluster_starts_migrates_and_is_removed(
    txdb_project_root: Path,
) -> None:
    server = start_throwaway_cluster()
    assert server.cluster_dir is not None
    try:
        url = create_database(server, "txdb_throwaway")
        migrate_database(url, txdb_project_root)
        with psycopg.connect(url) as conn:
            tables = conn.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
            ).fetchone()
        assert tables is not None
        assert tables[0] == 21  # 20 tables and the migration journal
        drop_database(server, url)
    finally:
        stop_throwaway_cluster(server)
    assert not server.cluster_dir.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(server.url, connect_timeout=2)


def test_find_server_falls_back_to_a_throwaway_cluster(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TXDB_TEST_DATABASE_URL", raising=False)
    monkeypatch.setattr("db.testing.LOCAL_SERVER_URL", "postgresql://postgres@127.0.0.1:1/postgres")
    server = find_server()
    try:
        assert server.cluster_dir is not None
        with psycopg.connect(server.url) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        stop_throwaway_cluster(server)


def test_a_configured_server_that_does_not_answer_is_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TXDB_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:1/postgres")
    with pytest.raises(RuntimeError, match="TXDB_TEST_DATABASE_URL"):
        find_server()
