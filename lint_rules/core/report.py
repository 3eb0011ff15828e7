"""The report type every rule produces, and autofix edits attached to it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import libcst as cst

Edit = Callable[[cst.CSTNode], cst.CSTNode | cst.RemovalSentinel]


@dataclass(frozen=True)
class Report:
    """One finding: position (1-based line, 0-based column), code and one-line message."""

    line: int
    col: int
    code: str
    message: str
    edits: tuple[tuple[cst.CSTNode, Edit], ...] = field(default=(), compare=False, repr=False)

    @property
    def text(self) -> str:
        """The flake8 message text: code first."""
        return f"{self.code} {self.message}"

    @property
    def fixable(self) -> bool:
        """Whether the report carries an autofix."""
        return bool(self.edits)
