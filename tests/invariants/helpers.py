"""Small file-editing helpers for mutating a copy of the fixture project."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from lint_rules.invariants.generated import generated_header
from lint_rules.invariants.model import Message
from lint_rules.invariants.runner import run_checks
from lint_rules.invariants.settings import load_settings


def replace(root: Path, rel: str, old: str, new: str) -> None:
    """Replace OLD (which must occur) by NEW in ROOT/REL."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def write(root: Path, rel: str, text: str) -> None:
    """Write TEXT to ROOT/REL, creating parent directories."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def remove(root: Path, rel: str) -> None:
    """Delete the file ROOT/REL, which must exist."""
    (root / rel).unlink()


def check(root: Path, **overrides: Any) -> list[Message]:
    """Run every TXI check on ROOT with optional setting overrides."""
    return run_checks(root, load_settings(root, overrides))


def codes(messages: list[Message]) -> set[str]:
    """Return the set of codes in MESSAGES."""
    return {m.code for m in messages}


def move_package(project: Path, new: str) -> None:
    """Move the fixture's `db` package to NEW, rewriting imports, generated header and settings."""
    shutil.move(project / "db", project / new)
    for path in project.rglob("*.py"):
        text = path.read_text()
        text = re.sub(r"\bfrom db\b", f"from {new}", text)
        path.write_text(text.replace("from db.", f"from {new}."))
    generated = project / "schemas/system-settings/reconcile_retention_settings.sql"
    body = generated.read_bytes().split(b"\n", 2)[2]
    inputs = f"{new}/system_settings_defaults.py"
    header = generated_header([(inputs, (project / inputs).read_bytes())], body)
    generated.write_bytes(header.encode() + body)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(re.sub(r"\[tool\.txlint\][\s\S]*", "", pyproject.read_text()))
