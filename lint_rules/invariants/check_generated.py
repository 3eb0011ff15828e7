"""TXI041: generated desired-state files still match their generator inputs and bodies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lint_rules.invariants.generated import is_generated, verify_generated
from lint_rules.invariants.model import Message, message
from lint_rules.invariants.project import Project

CODES = frozenset({"TXI041"})


class ReadInput:
    """Reads a generator input by project-relative path, refusing paths outside the project."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(self, rel: str) -> bytes | None:
        """Return the bytes of REL, or None when it is missing or outside the project."""
        path = (self.root / rel).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        return path.read_bytes()


def check(project: Project) -> Iterator[Message]:
    """Yield TXI041 messages for stale generated files under the desired-state directory."""
    read_input = ReadInput(project.root.resolve())
    for rel in project.list_files(project.settings.roles.schemas, ".sql", recursive=True):
        data = (project.root / rel).read_bytes()
        if not is_generated(data):
            continue
        for problem in verify_generated(data, read_input):
            yield message("TXI041", rel, problem.line, f"generated file is stale: {problem.text}")
