"""Fixtures for the migration, desired-state, drift and CLI tests."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from db.migrate import apply_desired_state, apply_migrations

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TXDB = Path(sys.executable).parent / "txdb"

RunTxdb = Callable[..., subprocess.CompletedProcess[str]]
WriteMigrations = Callable[[Mapping[str, str]], Path]


@pytest.fixture
def migrated_url(empty_database_url: str) -> str:
    """A fresh database with the project's migrations and desired state applied."""
    apply_migrations(empty_database_url, PROJECT_ROOT / "migrations")
    apply_desired_state(empty_database_url, PROJECT_ROOT / "schemas")
    return empty_database_url


@pytest.fixture
def run_txdb() -> RunTxdb:
    """Run the installed `txdb` command in the project root and capture its output."""

    def _run(*args: str, cwd: Path = PROJECT_ROOT) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(TXDB), *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
        )

    return _run


@pytest.fixture
def write_migrations(tmp_path: Path) -> WriteMigrations:
    """Write FILES (name -> SQL) into a temporary migrations directory and return it."""
    directory = tmp_path / "migrations"
    directory.mkdir()

    def _write(files: Mapping[str, str]) -> Path:
        for name, content in files.items():
            (directory / name).write_text(content)
        return directory

    return _write
