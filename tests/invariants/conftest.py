"""Fixtures for the txlint tests: a fresh copy of the clean fixture project per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "txi_project"
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Return a writable copy of the clean fixture project."""
    target = tmp_path / "project"
    shutil.copytree(FIXTURE, target)
    return target
