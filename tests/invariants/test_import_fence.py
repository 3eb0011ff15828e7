"""`.importlinter`: the real tree keeps every contract; each contract fails when broken."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.invariants.conftest import REPO_ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# contract id -> (file to write or append to, line that breaks the contract)
PLANTS: dict[str, tuple[str, str]] = {
    "driver-fence": ("lint_rules/_planted.py", "import sqlalchemy\n"),
    "linter-independence": ("db/_planted.py", "import lint_rules.config\n"),
    "no-test-code-in-core": ("db/repositories/_planted.py", "from db.factories import users\n"),
    "pure-types": ("db/row_schemas/_planted.py", "import sqlalchemy\n"),
    "db-layers": ("db/client.py", "\nimport db.repositories  # planted\n"),
}


def _contract_ids() -> list[str]:
    parser = configparser.ConfigParser()
    parser.read(REPO_ROOT / ".importlinter")
    prefix = "importlinter:contract:"
    return [section[len(prefix) :] for section in parser.sections() if section.startswith(prefix)]


def _lint_imports(root: Path, *contracts: str) -> subprocess.CompletedProcess[str]:
    args = [str(LINT_IMPORTS), "--no-cache", ".importlinter"]
    for contract in contracts:
        args += ["--contract", contract]
    env = {**os.environ, "PYTHONPATH": str(root), "COLUMNS": "200"}
    return subprocess.run(args, cwd=root, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the two root packages and the contracts, to plant violations in."""
    root = tmp_path_factory.mktemp("fence")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in ("db", "lint_rules"):
        shutil.copytree(REPO_ROOT / package, root / package, ignore=ignore)
    shutil.copy(REPO_ROOT / ".importlinter", root / ".importlinter")
    return root


def test_every_contract_has_a_plant() -> None:
    """Each contract of `.importlinter` is proven breakable below."""
    assert sorted(_contract_ids()) == sorted(PLANTS)


def test_copy_keeps_every_contract(tree_copy: Path) -> None:
    """The copied tree, unmodified, keeps every contract (the copy is what is planted in)."""
    result = _lint_imports(tree_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(PLANTS)} kept, 0 broken" in result.stdout


@pytest.mark.parametrize("contract", sorted(PLANTS))
def test_planted_violation_breaks_contract(tree_copy: Path, contract: str) -> None:
    """Planting a violating import makes `lint-imports` fail on that contract."""
    rel, line = PLANTS[contract]
    path = tree_copy / rel
    original = path.read_text() if path.exists() else None
    path.write_text((original or "") + line)
    try:
        result = _lint_imports(tree_copy, contract)
    finally:
        if original is None:
            path.unlink()
        else:
            path.write_text(original)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout
    assert "0 kept, 1 broken" in result.stdout
