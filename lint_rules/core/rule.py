"""Base class of every TXD rule, and the example types rules carry (in the spirit of Fixit)."""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from lint_rules.core.context import FileContext
from lint_rules.core.report import Edit
from lint_rules.core.roles import Where
from lint_rules.core.walk import children

#: Where an example is linted, by the role it plays (paths under the default roles).
ROLE_PATHS: dict[str, str] = {
    "service": "app/services/accounts.py",
    "db": "db/pagination.py",
    "schema": "db/schema.py",
    "repository": "db/repositories/users.py",
    "domain_events": "db/repositories/domain_events.py",
    "query": "db/client.py",
    "env": "db/env.py",
    "errors": "db/errors.py",
}


@dataclass(frozen=True)
class Valid:
    """Code the rule must not report on, linted as a file of the given role."""

    code: str
    role: str = "service"

    @property
    def source(self) -> str:
        """The example as a file's source text."""
        return textwrap.dedent(self.code).strip("\n") + "\n"

    @property
    def path(self) -> str:
        """The path the example is linted as."""
        return ROLE_PATHS[self.role]


@dataclass(frozen=True)
class Invalid(Valid):
    """Code the rule must report exactly once, at LINE; FIXED is the autofix result if any."""

    line: int = 1
    fixed: str | None = None

    @property
    def fixed_source(self) -> str | None:
        """The expected source after autofix."""
        return None if self.fixed is None else textwrap.dedent(self.fixed).strip("\n") + "\n"


@dataclass
class Pending:
    """A report before positions are known."""

    path: tuple[cst.CSTNode, ...]
    message: str
    edits: tuple[tuple[cst.CSTNode, Edit], ...]


class Rule(cst.CSTVisitor):
    """A libcst visitor for one TXD code; subclasses set the class attributes below."""

    code: ClassVar[str]
    where: ClassVar[Where] = Where.EVERYWHERE
    fixable: ClassVar[bool] = False
    VALID: ClassVar[Sequence[Valid]] = ()
    INVALID: ClassVar[Sequence[Invalid]] = ()

    def __init__(self, ctx: FileContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.pending: list[Pending] = []
        self.stack: list[cst.CSTNode] = []

    @classmethod
    def wants(cls, ctx: FileContext) -> bool:
        """Cheap pre-filter on the source text or `ast` tree: can this file contain the subject?"""
        return True

    @classmethod
    def summary(cls) -> str:
        """The first line of the rule's docstring."""
        return (inspect.getdoc(cls) or "").splitlines()[0]

    @classmethod
    def description(cls) -> str:
        """The rule's docstring after its first line."""
        lines = (inspect.getdoc(cls) or "").splitlines()[1:]
        return "\n".join(lines).strip()

    def on_visit(self, node: cst.CSTNode) -> bool:
        """Track ancestors, then dispatch to `visit_<Node>`."""
        self.stack.append(node)
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        """Dispatch to `leave_<Node>`, then pop the ancestor stack."""
        super().on_leave(original_node)
        self.stack.pop()

    def parent(self, levels: int = 1) -> cst.CSTNode | None:
        """The ancestor LEVELS above the node being visited (1 = direct parent)."""
        index = len(self.stack) - 1 - levels
        return self.stack[index] if index >= 0 else None

    def ancestors(self) -> Sequence[cst.CSTNode]:
        """Ancestors of the node being visited, innermost first."""
        return self.stack[-2::-1]

    def report(
        self, node: cst.CSTNode, message: str, edits: Sequence[tuple[cst.CSTNode, Edit]] = ()
    ) -> None:
        """Record a finding at NODE (the visited node or one of its children)."""
        path = list(self.stack)
        if path and path[-1] is not node:
            path = self._path_to(path, node)
        self.pending.append(Pending(tuple(path), message, tuple(edits)))

    @staticmethod
    def _path_to(path: list[cst.CSTNode], node: cst.CSTNode) -> list[cst.CSTNode]:
        """Extend PATH (ending at an ancestor of NODE) down to NODE, or cut it back to NODE."""
        for index in range(len(path) - 1, -1, -1):
            if path[index] is node:
                return path[: index + 1]
        todo: list[list[cst.CSTNode]] = [[path[-1]]]
        while todo:
            trail = todo.pop()
            if trail[-1] is node:
                return path[:-1] + trail
            todo.extend([*trail, child] for child in children(trail[-1]))
        return [*path, node]
