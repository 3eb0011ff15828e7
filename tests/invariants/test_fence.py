"""`txlint fence`: the import fence generated from `[tool.txlint]`, checked with lint-imports."""

from __future__ import annotations

from pathlib import Path

import pytest

from lint_rules.cli import main
from lint_rules.config import Roles
from lint_rules.invariants.fence import fenced_sources, render_contract
from tests.invariants.helpers import move_package, write


def _project(root: Path, service: str) -> Path:
    move_package(root, "store")
    write(root, "services/__init__.py", "")
    write(root, "services/reports.py", service)
    write(root, "tests/__init__.py", "")
    write(root, "tests/test_store.py", "import sqlalchemy\n")
    return root


def test_fence_fails_on_a_direct_import_and_passes_through_the_package(
    project: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A service importing SQLAlchemy breaks the fence; using the db package does not."""
    _project(project, "import sqlalchemy.orm\n")
    assert main(["fence", str(project), "--db-package", "store"]) == 1
    assert "services is not allowed to import sqlalchemy" in capfd.readouterr().out
    write(project, "services/reports.py", "from store.repositories import users\n")
    assert main(["fence", str(project), "--db-package", "store"]) == 0


def test_fence_reads_the_db_package_from_pyproject(project: Path) -> None:
    """Without options the fence uses `[tool.txlint] db-package`; a wrong one exits 2."""
    _project(project, "import psycopg\n")
    write(
        project,
        "pyproject.toml",
        '[tool.txlint]\ndb-package = "store"\nfenced-imports = "psycopg"\n',
    )
    assert main(["fence", str(project)]) == 1
    write(project, "pyproject.toml", '[tool.txlint]\ndb-package = "nowhere"\n')
    assert main(["fence", str(project)]) == 2


def test_nested_db_package_fences_its_siblings(tmp_path: Path) -> None:
    """For `app/db`, the other modules of `app` and other top-level packages are fenced."""
    for rel in (
        "app/__init__.py",
        "app/db/__init__.py",
        "app/api/__init__.py",
        "app/main.py",
        "worker/__init__.py",
        "tests/__init__.py",
    ):
        write(tmp_path, rel, "")
    top_level, sources = fenced_sources(tmp_path, "app/db")
    assert top_level == ["app", "worker"]
    assert sources == ["worker", "app.api", "app.main"]
    contract = render_contract(tmp_path, Roles(db_package="app/db", fenced_imports=("sqlalchemy",)))
    assert contract is not None
    assert "allow_indirect_imports = True" in contract
