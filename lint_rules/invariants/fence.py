"""`txlint fence`: the import fence for any project, generated from its `[tool.txlint]` roles.

Only the db package may import the fenced modules (SQLAlchemy, drivers, alembic). The contract is
written for import-linter and checked with `lint-imports`, so other repositories need no
`.importlinter` of their own for it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from lint_rules.config import ConfigError, Roles

CONTRACT_ID = "tx-import-fence"


def _is_package(path: Path) -> bool:
    return path.is_dir() and (path / "__init__.py").is_file()


def _import_roots(root: Path) -> list[Path]:
    src = root / "src"
    return [root, src] if src.is_dir() else [root]


def _dotted(root: Path, db_package: str) -> tuple[Path, str]:
    """Return the import root holding DB_PACKAGE and its dotted name."""
    for base in _import_roots(root):
        path = base / db_package
        if _is_package(path):
            return base, path.relative_to(base).as_posix().replace("/", ".")
    if db_package.startswith("src/") and _is_package(root / db_package):
        return root / "src", db_package[len("src/") :].replace("/", ".")
    raise ConfigError(f"{root}: db package `{db_package}` is not a package (no __init__.py)")


def fenced_sources(root: Path, db_package: str) -> tuple[list[str], list[str]]:
    """Return the root packages to analyse and every module outside the db package to fence."""
    base, dotted = _dotted(root, db_package)
    parts = dotted.split(".")
    top_level = sorted(
        entry.name
        for import_root in _import_roots(root)
        for entry in import_root.iterdir()
        if _is_package(entry) and entry.name not in ("tests", "test")
    )
    if parts[0] not in top_level:
        top_level.append(parts[0])
    sources = [name for name in top_level if name != parts[0]]
    # For a nested db package (`app.db`), fence its siblings at every level too.
    for depth in range(1, len(parts)):
        parent = base.joinpath(*parts[:depth])
        for entry in sorted(parent.iterdir()):
            name = entry.name[:-3] if entry.suffix == ".py" else entry.name
            if name == parts[depth] or name == "__init__":
                continue
            if _is_package(entry) or entry.suffix == ".py":
                sources.append(".".join([*parts[:depth], name]))
    return top_level, sources


def render_contract(root: Path, roles: Roles) -> str | None:
    """Return the import-linter configuration of the fence, or None with nothing to fence."""
    top_level, sources = fenced_sources(root, roles.db_package)
    if not sources or not roles.fenced_imports:
        return None
    lines = ["[importlinter]", "root_packages ="]
    lines += [f"    {name}" for name in top_level]
    lines += ["include_external_packages = True", "", f"[importlinter:contract:{CONTRACT_ID}]"]
    lines += [
        f"name = Only {roles.db_package} imports {', '.join(roles.fenced_imports)}",
        "type = forbidden",
        "allow_indirect_imports = True",
        "source_modules =",
    ]
    lines += [f"    {name}" for name in sources]
    lines += ["forbidden_modules ="] + [f"    {name}" for name in roles.fenced_imports]
    return "\n".join(lines) + "\n"


def run_fence(root: Path, roles: Roles) -> int:
    """Check the fence with `lint-imports`; return its exit code (0 kept, 1 broken)."""
    contract = render_contract(root, roles)
    if contract is None:
        print(f"txlint fence: nothing outside `{roles.db_package}` to fence")
        return 0
    script = Path(sys.executable).with_name("lint-imports")
    found = str(script) if script.exists() else shutil.which("lint-imports")
    if found is None:
        raise ConfigError(
            "`lint-imports` not found: install import-linter (pip install import-linter)"
        )
    with tempfile.TemporaryDirectory() as scratch:
        config = Path(scratch) / "fence.ini"
        config.write_text(contract, encoding="utf-8")
        paths = [str(p.resolve()) for p in _import_roots(root)]
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([*paths, os.environ.get("PYTHONPATH", "")]),
        }
        result = subprocess.run(
            [found, "--no-cache", "--no-logo", str(config)], cwd=root, env=env, check=False
        )
    return 1 if result.returncode else 0
