"""TXD2xx: only `insert_domain_event_in_transaction` writes the transactional outbox."""

from __future__ import annotations

import re

import libcst as cst

from lint_rules.core.context import FileContext
from lint_rules.core.patterns import (
    argument,
    inserts_into_domain_events,
    is_transaction_handle,
    sqlalchemy,
    string_text,
)
from lint_rules.core.report import Edit
from lint_rules.core.roles import Where
from lint_rules.core.rule import Invalid, Rule, Valid

HELPER = "insert_domain_event_in_transaction"
_INSERT_WORD = re.compile(r"insert", re.IGNORECASE)
_DOMAIN_EVENTS_WORD = re.compile(r"domain_events", re.IGNORECASE)


def _is_domain_events_table(ctx: FileContext, node: cst.BaseExpression | None) -> bool:
    if node is None:
        return False
    return ctx.qualname(node) == f"{ctx.names.schema}.domain_events"


def is_helper(ctx: FileContext, node: cst.BaseExpression) -> bool:
    """Whether NODE is the outbox helper: from its module or re-exported by a parent package."""
    qualname = ctx.qualname(node)
    if qualname is None or not qualname.endswith("." + HELPER):
        return False
    module = qualname[: -len(HELPER) - 1]
    return ctx.names.domain_events == module or ctx.names.domain_events.startswith(module + ".")


class OutboxInsert(Rule):
    """Insert into `domain_events` built with SQLAlchemy outside the domain-events module.

    The outbox has one writer, `insert_domain_event_in_transaction(conn, event)`, which
    assigns the gapless per-aggregate sequence number. `insert(domain_events)`,
    `domain_events.insert()`, `postgresql.insert(...)` and `Insert(...)` are found through
    any alias or module path. Autofix: `await conn.execute(insert(domain_events).values(...))`
    inside an `async with` transaction becomes `await insert_domain_event_in_transaction(conn,
    {...})`.
    """

    code = "TXD201"
    where = Where.NOT_DOMAIN_EVENTS
    fixable = True
    VALID = (
        Valid(
            """
            from db.repositories.domain_events import insert_domain_event_in_transaction
            from db.schema import users
            from sqlalchemy import insert


            async def create(conn, values, event):
                await conn.execute(insert(users).values(values))
                await insert_domain_event_in_transaction(conn, event)
            """,
            role="repository",
        ),
        Valid(
            """
            from sqlalchemy import insert

            domain_events = []
            stmt = insert(domain_events)
            """,
            role="repository",
        ),
        Valid(
            """
            from sqlalchemy import insert

            from db.schema import domain_events

            stmt = insert(domain_events)
            """,
            role="domain_events",
        ),
    )
    INVALID = (
        Invalid(
            """
            from db.client import provide_db
            from db.schema import domain_events
            from sqlalchemy import insert


            async def create(event_type: str) -> None:
                async with provide_db() as conn:
                    await conn.execute(insert(domain_events).values({"event_type": event_type}))
            """,
            role="repository",
            line=8,
            fixed="""
            from db.client import provide_db
            from db.schema import domain_events
            from sqlalchemy import insert
            from db.repositories.domain_events import insert_domain_event_in_transaction


            async def create(event_type: str) -> None:
                async with provide_db() as conn:
                    await insert_domain_event_in_transaction(conn, {"event_type": event_type})
            """,
        ),
        Invalid(
            """
            from db import schema


            async def create(conn, event):
                await conn.execute(schema.domain_events.insert().values(**event))
            """,
            role="repository",
            line=5,
        ),
        Invalid(
            """
            from sqlalchemy.dialects import postgresql

            import db.schema as s

            stmt = postgresql.insert(s.domain_events).on_conflict_do_nothing()
            """,
            role="db",
            line=5,
        ),
        Invalid(
            """
            from sqlalchemy.sql.dml import Insert as Ins

            from db.schema import domain_events as de

            stmt = Ins(de)
            """,
            role="service",
            line=5,
        ),
    )

    @classmethod
    def wants(cls, ctx: FileContext) -> bool:
        """Only files that mention `domain_events`."""
        return ctx.has_word("domain_events")

    def visit_Call(self, node: cst.Call) -> None:
        """`insert(domain_events)` and `domain_events.insert()`."""
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "insert"
            and _is_domain_events_table(self.ctx, func.value)
        ):
            self._report(node)
            return
        if sqlalchemy(self.ctx.qualname(func), "insert", "Insert") and _is_domain_events_table(
            self.ctx, argument(node, 0, "table")
        ):
            self._report(node)

    def _report(self, node: cst.Call) -> None:
        self.report(
            node,
            "insert into `domain_events` outside the domain-events module: call "
            f"`{HELPER}(conn, event)` inside the transaction",
            self._fix(),
        )

    def _fix(self) -> list[tuple[cst.CSTNode, Edit]]:
        chain = [self.parent(level) for level in range(1, 8)]
        attribute, values_call, arg, execute, await_, expr, line = chain
        if not (
            isinstance(attribute, cst.Attribute)
            and attribute.attr.value == "values"
            and isinstance(values_call, cst.Call)
            and isinstance(arg, cst.Arg)
            and isinstance(execute, cst.Call)
            and len(execute.args) == 1
            and isinstance(execute.func, cst.Attribute)
            and execute.func.attr.value == "execute"
            and isinstance(await_, cst.Await)
            and isinstance(expr, cst.Expr)
            and isinstance(line, cst.SimpleStatementLine)
        ):
            return []
        conn = execute.func.value
        payload = _payload(values_call)
        if payload is None or not is_transaction_handle(self.ctx, conn, self.ancestors()):
            return []
        call = cst.Call(cst.Name(HELPER), [cst.Arg(conn.deep_clone()), cst.Arg(payload)])
        edits: list[tuple[cst.CSTNode, Edit]] = [
            (await_, lambda n: cst.Await(call) if isinstance(n, cst.Await) else n)
        ]
        if not any(
            b.qualname == f"{self.ctx.names.domain_events}.{HELPER}"
            for b in self.ctx.resolver.bindings_named(HELPER)
        ):
            edits.append((self.ctx.module, self._add_import))
        return edits

    def _add_import(self, node: cst.CSTNode) -> cst.CSTNode:
        if not isinstance(node, cst.Module):
            return node
        statement = cst.parse_statement(f"from {self.ctx.names.domain_events} import {HELPER}\n")
        if any(statement.deep_equals(line) for line in node.body):
            return node
        body = list(node.body)
        index = 0
        for position, line in enumerate(body):
            if isinstance(line, cst.SimpleStatementLine) and all(
                isinstance(s, cst.Import | cst.ImportFrom) for s in line.body
            ):
                index = position + 1
            elif index or not _is_docstring(line):
                break
        body.insert(index, statement)
        return node.with_changes(body=body)


def _is_docstring(line: cst.BaseStatement) -> bool:
    return (
        isinstance(line, cst.SimpleStatementLine)
        and len(line.body) == 1
        and isinstance(line.body[0], cst.Expr)
        and isinstance(line.body[0].value, cst.SimpleString | cst.ConcatenatedString)
    )


def _payload(values_call: cst.Call) -> cst.BaseExpression | None:
    args = values_call.args
    if len(args) == 1 and args[0].keyword is None and not args[0].star:
        return args[0].value.deep_clone() if isinstance(args[0].value, cst.Dict) else None
    if args and all(arg.keyword is not None and not arg.star for arg in args):
        return cst.Dict(
            [
                cst.DictElement(cst.SimpleString(f'"{arg.keyword.value}"'), arg.value.deep_clone())
                for arg in args
                if arg.keyword is not None
            ]
        )
    return None


def _sql(template: str) -> str:
    """An example source; `{events}` keeps the forbidden SQL out of this module's own literals."""
    return template.replace("{events}", "domain_events")


class OutboxSqlInsert(Rule):
    """SQL string that inserts into `domain_events` outside the domain-events module.

    `INSERT INTO [schema.]["]domain_events` in any case and across line breaks; raw SQL
    bypasses the single outbox writer just like a SQLAlchemy insert does.
    """

    code = "TXD202"
    where = Where.NOT_DOMAIN_EVENTS
    VALID = (
        Valid('SQL = "SELECT * FROM domain_events WHERE status = :status"\n', role="db"),
        Valid('SQL = "INSERT INTO domain_events_archive SELECT 1"\n', role="db"),
        Valid(_sql('SQL = "INSERT INTO {events} (id) VALUES (1)"\n'), role="domain_events"),
    )
    INVALID = (
        Invalid(_sql('SQL = "insert into {events} (id) values (:id)"\n'), role="db", line=1),
        Invalid(
            'SQL = (\n    "INSERT INTO\\n public.\\"domain_events\\" "\n    "(id) VALUES (1)"\n)\n',
            role="service",
            line=2,
        ),
        Invalid(_sql('SQL = f"""\nINSERT  INTO {events} ({1})\n"""\n'), role="db", line=1),
    )

    @classmethod
    def wants(cls, ctx: FileContext) -> bool:
        """Only files whose text mentions both `insert` and `domain_events` in any case."""
        return ctx.search(_DOMAIN_EVENTS_WORD) and ctx.search(_INSERT_WORD)

    def visit_Expr(self, node: cst.Expr) -> bool:
        """Docstrings and other bare strings are not SQL that runs."""
        return not isinstance(
            node.value, cst.SimpleString | cst.ConcatenatedString | cst.FormattedString
        )

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        """A plain string literal."""
        self._check(node)

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        """An f-string."""
        self._check(node)

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> bool:
        """Implicitly concatenated strings, checked as one text."""
        self._check(node)
        return False

    def _check(self, node: cst.BaseExpression) -> None:
        text = string_text(node)
        if text is not None and inserts_into_domain_events(text):
            self.report(
                node,
                "SQL string inserts into `domain_events`: write events with "
                f"`{HELPER}(conn, event)` in the domain-events module",
            )


class OutboxOutsideTransaction(Rule):
    """`insert_domain_event_in_transaction(x, ...)` where `x` is not a transaction handle.

    The first argument must be bound by an enclosing `async with ... as x` on
    `transaction()`, `begin()` or `provide_db()`, or be a parameter annotated as a connection
    or transaction, so the event commits or rolls back with the change it describes.
    """

    code = "TXD203"
    where = Where.EVERYWHERE
    VALID = (
        Valid(
            """
            from db.client import provide_db
            from db.repositories.domain_events import insert_domain_event_in_transaction


            async def create(event):
                async with provide_db() as conn:
                    await insert_domain_event_in_transaction(conn, event)
            """,
            role="repository",
        ),
        Valid(
            """
            from sqlalchemy.ext.asyncio import AsyncConnection

            from db.repositories.domain_events import insert_domain_event_in_transaction


            async def append(trx: AsyncConnection, event):
                return await insert_domain_event_in_transaction(trx, event)
            """,
            role="repository",
        ),
        Valid(
            """
            async def insert_domain_event_in_transaction(conn, event):
                return event


            async def f(event):
                await insert_domain_event_in_transaction(None, event)
            """,
            role="repository",
        ),
    )
    INVALID = (
        Invalid(
            """
            from db.repositories.domain_events import insert_domain_event_in_transaction


            async def create(conn, event):
                await insert_domain_event_in_transaction(conn, event)
            """,
            role="repository",
            line=5,
        ),
        Invalid(
            """
            from db.repositories import domain_events as de


            async def create(database, event):
                async with database.connect() as conn:
                    await de.insert_domain_event_in_transaction(conn, event)
            """,
            role="repository",
            line=6,
        ),
    )

    @classmethod
    def wants(cls, ctx: FileContext) -> bool:
        """Only files that mention the helper."""
        return ctx.has_word(HELPER)

    def visit_Call(self, node: cst.Call) -> None:
        """A call of the outbox helper."""
        if not is_helper(self.ctx, node.func):
            return
        handle = argument(node, 0, "trx", "conn", "connection", "transaction")
        if handle is not None and is_transaction_handle(self.ctx, handle, self.ancestors()):
            return
        shown = self.ctx.module.code_for_node(handle) if handle is not None else "nothing"
        self.report(
            node,
            f"`{HELPER}` called with `{shown}`, not a transaction: pass the "
            "connection of an enclosing `async with provide_db() as conn:`",
        )
