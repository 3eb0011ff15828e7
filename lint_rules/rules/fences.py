"""TXD5xx: only the db package imports database libraries or writes the outbox directly."""

from __future__ import annotations

import libcst as cst

from lint_rules.core.context import FileContext
from lint_rules.core.patterns import argument, string_text
from lint_rules.core.resolve import dotted_name
from lint_rules.core.roles import Where
from lint_rules.core.rule import Invalid, Rule, Valid

_DYNAMIC_IMPORTS = frozenset({"importlib.import_module", "builtins.__import__"})
HELPER = "insert_domain_event_in_transaction"


def _dynamic_import(ctx: FileContext, node: cst.Call) -> str | None:
    """The literal module name of `importlib.import_module("x")` / `__import__("x")`."""
    if ctx.qualname(node.func) not in _DYNAMIC_IMPORTS:
        return None
    name = argument(node, 0, "name")
    return None if name is None else string_text(name)


class FencedImport(Rule):
    """Import of a fenced database module outside the db package.

    Only the db package talks to SQLAlchemy and the PostgreSQL drivers
    (`--txd-fenced-imports`); services call repositories. Dynamic imports
    (`importlib.import_module("sqlalchemy")`, `__import__("psycopg")`) count too.
    """

    code = "TXD501"
    where = Where.OUTSIDE_DB
    VALID = (
        Valid("from db.repositories import users_repository\n"),
        Valid("import sqlalchemy\n", role="db"),
        Valid("import sqlalchemy_utils_like_name_but_not\n"),
    )
    INVALID = (
        Invalid("import sqlalchemy.orm as orm\n", line=1),
        Invalid("from psycopg import sql\n", line=1),
        Invalid("import importlib\n\nsa = importlib.import_module('sqlalchemy.sql')\n", line=3),
        Invalid("pool = __import__('psycopg_pool')\n", line=1),
    )

    @classmethod
    def wants(cls, ctx: FileContext) -> bool:
        """Only files that mention a fenced module."""
        return ctx.has_word(*ctx.roles.fenced_imports)

    def _fenced(self, module: str | None) -> bool:
        return module is not None and module.split(".")[0] in self.ctx.roles.fenced_imports

    def _report(self, node: cst.CSTNode, module: str) -> None:
        self.report(
            node,
            f"import of `{module}` outside the db package: "
            "call a repository of the db package instead",
        )

    def visit_Import(self, node: cst.Import) -> None:
        """`import sqlalchemy`."""
        for alias in node.names:
            module = dotted_name(alias.name)
            if self._fenced(module):
                self._report(node, module or "")
                return

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        """`from sqlalchemy import ...`."""
        if node.relative or node.module is None:
            return
        module = dotted_name(node.module)
        if self._fenced(module):
            self._report(node, module or "")

    def visit_Call(self, node: cst.Call) -> None:
        """`importlib.import_module("sqlalchemy")`."""
        module = _dynamic_import(self.ctx, node)
        if self._fenced(module):
            self._report(node, module or "")


class OutboxImport(Rule):
    """Import of the outbox writer outside the db package.

    Services do not write domain events themselves: they call repository methods such as
    `create_with_event` that write the row and its event in one transaction. Importing
    `insert_domain_event_in_transaction` or the domain-events module is flagged.
    """

    code = "TXD502"
    where = Where.OUTSIDE_DB
    VALID = (
        Valid("from db.repositories import organizations_repository\n"),
        Valid(
            "from db.repositories.domain_events import insert_domain_event_in_transaction\n",
            role="repository",
        ),
    )
    INVALID = (
        Invalid(
            "from db.repositories.domain_events import insert_domain_event_in_transaction\n", line=1
        ),
        Invalid("import db.repositories.domain_events as events\n", line=1),
        Invalid("from db.repositories import domain_events\n", line=1),
        Invalid(
            "from db.repositories import insert_domain_event_in_transaction as write\n", line=1
        ),
    )

    @classmethod
    def wants(cls, ctx: FileContext) -> bool:
        """Only files that mention the module or the helper."""
        return ctx.has_word("domain_event")

    def _report(self, node: cst.CSTNode, what: str) -> None:
        self.report(
            node,
            f"import of `{what}` outside the db package: write events through "
            "a repository method such as `create_with_event`",
        )

    def visit_Import(self, node: cst.Import) -> None:
        """`import db.repositories.domain_events`."""
        target = self.ctx.names.domain_events
        for alias in node.names:
            module = dotted_name(alias.name) or ""
            if module == target or module.startswith(target + "."):
                self._report(node, module)
                return

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        """`from db.repositories import domain_events` and the helper itself."""
        if node.relative or node.module is None:
            return
        module = dotted_name(node.module) or ""
        target = self.ctx.names.domain_events
        if module == target:
            self._report(node, module)
            return
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            if f"{module}.{name}" == target or (
                name == HELPER and module.split(".")[0] == self.ctx.names.db
            ):
                self._report(node, f"{module}.{name}")
                return

    def visit_Call(self, node: cst.Call) -> None:
        """`importlib.import_module("db.repositories.domain_events")`."""
        module = _dynamic_import(self.ctx, node)
        if module == self.ctx.names.domain_events:
            self._report(node, module)
