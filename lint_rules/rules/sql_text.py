"""TXD7xx: SQL text is never built by string formatting."""

from __future__ import annotations

import libcst as cst

from lint_rules.core.context import FileContext
from lint_rules.core.patterns import argument, formatting, sqlalchemy
from lint_rules.core.roles import Where
from lint_rules.core.rule import Invalid, Rule, Valid


class FormattedSql(Rule):
    """SQL text built by formatting in the db package.

    f-strings, `%`, `.format()` or `+` inside `text(...)`, `exec_driver_sql(...)` or
    `execute("...")` invite SQL injection and defeat statement caching: use bound
    parameters (`text("... :id").bindparams(id=...)`) or SQLAlchemy constructs.
    """

    code = "TXD701"
    where = Where.DB_PACKAGE
    VALID = (
        Valid(
            """
            from sqlalchemy import text

            STMT = text("SELECT * FROM users WHERE id = :id")
            """,
            role="repository",
        ),
        Valid("def text(value):\n    return value\n\n\nx = text(f'{1}')\n", role="db"),
    )
    INVALID = (
        Invalid(
            """
            import sqlalchemy as sa


            def stmt(table):
                return sa.text(f"SELECT * FROM {table}")
            """,
            role="db",
            line=5,
        ),
        Invalid(
            """
            async def drop(conn, name):
                sql = "DROP TABLE %s" % name
                await conn.exec_driver_sql(sql)
            """,
            role="query",
            line=3,
        ),
        Invalid(
            'async def f(conn, n):\n    await conn.execute("SELECT {}".format(n))\n',
            role="repository",
            line=2,
        ),
        Invalid(
            'from sqlalchemy.sql import text\n\nq = text("SELECT " + "x")\n',
            role="db",
            line=3,
        ),
    )

    @classmethod
    def wants(cls, ctx: FileContext) -> bool:
        """Only files that build SQL text or run driver SQL."""
        return ctx.has_word("execute", "exec_driver_sql") or ctx.has_all("sqlalchemy", "text")

    def visit_Call(self, node: cst.Call) -> None:
        """`text(...)`, `exec_driver_sql(...)`, `execute(...)` with formatted SQL."""
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in ("execute", "exec_driver_sql"):
            name = func.attr.value
        elif sqlalchemy(self.ctx.qualname(func), "text"):
            name = "text"
        else:
            return
        sql = argument(node, 0, "statement", "text")
        if sql is None:
            return
        how = formatting(sql)
        if how is None and isinstance(sql, cst.Name):
            value = self.ctx.resolver.value_of(sql)
            how = formatting(value) if value is not None else None
        if how is not None:
            self.report(
                node,
                f"SQL text built with {how} in `{name}(...)`: use bound "
                "parameters or SQLAlchemy constructs",
            )
