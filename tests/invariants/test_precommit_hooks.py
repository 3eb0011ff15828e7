"""`.pre-commit-hooks.yaml` from a consumer's point of view, through `pre-commit try-repo`.

The consumer is the clean fixture with its db package moved to `store/` (configured only through
`[tool.txlint]`) and a `services/` package beside it. A planted violation fails all three hooks;
fixing it makes them pass.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml  # type: ignore[import-untyped, unused-ignore]

from tests.invariants.conftest import FIXTURE, REPO_ROOT
from tests.invariants.helpers import move_package, write

PRE_COMMIT = Path(sys.executable).with_name("pre-commit")
HOOK_IDS = ("txd-flake8", "txlint", "tx-import-fence")
SNAPSHOT_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml")
SNAPSHOT_DIRS = ("db", "lint_rules")
CONSUMER_SETTINGS = """
[tool.txlint]
db-package = "store"
schema-module = "store/schema.py"
repositories = "store/repositories"
domain-events-module = "store/repositories/domain_events.py"
query-modules = ["store/client.py"]
env-module = "store/env.py"
errors-module = "store/errors.py"
literals-module = "store/literals.py"
"""
VIOLATION = "from sqlalchemy import select\n\n\ndef everything():\n    return select()\n"
FIXED = (
    "from store.repositories.users import users_repository\n\n\ndef everything():\n"
    "    return users_repository\n"
)


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _init_repo(path: Path) -> None:
    _git(path, "init", "-q")
    _git(path, "config", "user.email", "test@example.com")
    _git(path, "config", "user.name", "test")
    _git(path, "add", "-A")
    _git(path, "commit", "-q", "-m", "snapshot")


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed snapshot of this repository's distribution and hook manifest."""
    snapshot = tmp_path_factory.mktemp("hooks-repo")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SNAPSHOT_DIRS:
        shutil.copytree(REPO_ROOT / name, snapshot / name, ignore=ignore)
    for name in SNAPSHOT_FILES:
        shutil.copy(REPO_ROOT / name, snapshot / name)
    _init_repo(snapshot)
    return snapshot


@pytest.fixture
def consumer(tmp_path: Path) -> Path:
    """A consumer project with its own `store/` db package and a `services/` package."""
    root = tmp_path / "consumer"
    shutil.copytree(FIXTURE, root)
    move_package(root, "store")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + CONSUMER_SETTINGS)
    write(root, "services/__init__.py", "")
    write(root, "services/reports.py", FIXED)
    _init_repo(root)
    return root


def _try_repo(consumer: Path, hooks_repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    _git(consumer, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        [str(PRE_COMMIT), "try-repo", str(hooks_repo), "--ref", "HEAD", "--all-files"],
        cwd=consumer,
        env=env,
        capture_output=True,
        text=True,
        timeout=540,
    )


def _statuses(output: str) -> dict[str, str]:
    names = {
        "TXD rules": "txd-flake8",
        "txlint invariants": "txlint",
        "import fence": "tx-import-fence",
    }
    found = {}
    for line in output.splitlines():
        for prefix, hook in names.items():
            if line.startswith(prefix) and line.rstrip().endswith(("Passed", "Failed")):
                found[hook] = line.rstrip().rsplit(".", 1)[-1]
    return found


def test_manifest_publishes_the_hooks() -> None:
    """The manifest names the three hooks, each a python hook installing this repository."""
    manifest = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [hook["id"] for hook in manifest] == list(HOOK_IDS)
    assert {hook["language"] for hook in manifest} == {"python"}


@pytest.mark.slow
def test_try_repo_fails_on_violation_and_passes_once_fixed(
    consumer: Path, hooks_repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Planted: a service imports SQLAlchemy and a table lacks its row schema; all hooks fail."""
    home = tmp_path_factory.mktemp("pre-commit-home")
    write(consumer, "services/reports.py", VIOLATION)
    (consumer / "store/row_schemas/users.py").unlink()
    failed = _try_repo(consumer, hooks_repo, home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert _statuses(failed.stdout) == dict.fromkeys(HOOK_IDS, "Failed"), failed.stdout
    assert "TXD501" in failed.stdout
    assert "TXI001" in failed.stdout
    assert "services is not allowed to import sqlalchemy" in failed.stdout

    write(consumer, "services/reports.py", FIXED)
    shutil.copy(FIXTURE / "db/row_schemas/users.py", consumer / "store/row_schemas/users.py")
    passed = _try_repo(consumer, hooks_repo, home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert _statuses(passed.stdout) == dict.fromkeys(HOOK_IDS, "Passed"), passed.stdout


def test_repository_config_runs_the_whole_suite() -> None:
    """This repository's hooks run flake8 (TXD), txlint, lint-imports, ruff and mypy."""
    config = yaml.safe_load((REPO_ROOT / ".pre-commit-config.yaml").read_text())
    entries = [hook["entry"] for repo in config["repos"] for hook in repo["hooks"]]
    for tool in ("flake8", "txlint check", "lint-imports", "ruff check", "ruff format", "mypy"):
        assert any(tool in entry for entry in entries), tool
    for entry in entries:
        assert (REPO_ROOT / entry.split()[0]).name in {
            "flake8",
            "txlint",
            "lint-imports",
            "ruff",
            "mypy",
        }
