"""TXD4xx: repositories decode every row and get their connection from `provide_db()`."""

from __future__ import annotations

import libcst as cst

from lint_rules.core.context import FileContext
from lint_rules.core.patterns import (
    QUERY_METHODS,
    callee,
    in_library,
    is_connection,
    is_decode_call,
    is_query_call,
    is_row_schema,
    unwrap_await,
)
from lint_rules.core.roles import Where
from lint_rules.core.rule import Invalid, Rule, Valid

_FETCH = frozenset(
    {
        "all",
        "one",
        "first",
        "fetchall",
        "fetchone",
        "fetchmany",
        "one_or_none",
        "mappings",
        "partitions",
    }
)
_SCALAR = frozenset({"scalar", "scalars", "scalar_one", "scalar_one_or_none"})
_EXECUTE = frozenset({"execute", "exec_driver_sql", "stream"})
_CONTAINERS = frozenset({"builtins.list", "builtins.dict", "builtins.tuple"})
_BYPASS = (
    "create_engine",
    "create_async_engine",
    "engine_from_config",
    "async_engine_from_config",
    "Session",
    "AsyncSession",
    "sessionmaker",
    "async_sessionmaker",
    "scoped_session",
    "async_scoped_session",
    "Engine",
    "AsyncEngine",
    "connect",
    "create_pool",
    "ConnectionPool",
    "AsyncConnectionPool",
    "NullConnectionPool",
    "AsyncNullConnectionPool",
)
_DRIVERS = ("sqlalchemy", "psycopg", "psycopg_pool", "asyncpg")


class RepositoryWithoutRowSchema(Rule):
    """A repository module that imports no RowSchema from the row-schemas package.

    A module exporting `<name>_repository` returns decoded rows, so it imports the
    `<Pascal>RowSchema` of its table(s) from the row-schemas package.
    """

    code = "TXD401"
    where = Where.REPOSITORIES
    VALID = (
        Valid(
            "from db.row_schemas import UsersRowSchema\n\nusers_repository = object()\n",
            role="repository",
        ),
        Valid(
            "from ..row_schemas.users import UsersRowSchema\n\nusers_repository = object()\n",
            role="repository",
        ),
        Valid("from db.repositories.users import users_repository\n", role="repository"),
    )
    INVALID = (
        Invalid(
            "from db.client import provide_db\n\nusers_repository = object()\n",
            role="repository",
            line=3,
        ),
        Invalid(
            "from db.fakes import UsersRowSchema\n\nusers_repository = object()\n",
            role="repository",
            line=3,
        ),
    )

    @classmethod
    def wants(cls, ctx: FileContext) -> bool:
        """Only modules that mention `_repository`."""
        return ctx.has_word("_repository")

    def visit_Module(self, node: cst.Module) -> None:
        """Find the exported repository object."""
        self.export: cst.CSTNode | None = None
        self.imports_schema = False
        for line in node.body:
            if not isinstance(line, cst.SimpleStatementLine):
                continue
            for statement in line.body:
                targets = []
                if isinstance(statement, cst.Assign):
                    targets = [t.target for t in statement.targets]
                elif isinstance(statement, cst.AnnAssign) and statement.value is not None:
                    targets = [statement.target]
                if any(
                    isinstance(t, cst.Name)
                    and t.value.endswith("_repository")
                    and not t.value.startswith("_")
                    for t in targets
                ):
                    self.export = self.export or statement

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        """`from db.row_schemas import UsersRowSchema` (relative imports included)."""
        if self.export is None or self.imports_schema or isinstance(node.names, cst.ImportStar):
            return
        prefix = self.ctx.names.row_schemas + "."
        for alias in node.names:
            bound = alias.evaluated_alias or alias.evaluated_name
            for binding in self.ctx.resolver.all_bindings(bound):
                qualname = binding.qualname or ""
                if binding.node is node and qualname.startswith(prefix):
                    self.imports_schema = qualname.endswith("RowSchema")

    def visit_Name(self, node: cst.Name) -> None:
        """A RowSchema reference."""
        if self.export is not None and not self.imports_schema:
            self.imports_schema = is_row_schema(self.ctx, node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        """`row_schemas.UsersRowSchema`."""
        if self.export is not None and not self.imports_schema:
            self.imports_schema = is_row_schema(self.ctx, node)

    def leave_Module(self, original_node: cst.Module) -> None:
        """Report the export when no RowSchema was imported."""
        if self.export is not None and not self.imports_schema:
            self.report(
                self.export,
                "repository module imports no RowSchema: decode its rows "
                f"with a `<Pascal>RowSchema` from `{self.ctx.names.row_schemas}`",
            )


class UndecodedRows(Rule):
    """A function that returns rows straight from a query result without a RowSchema decode.

    `.all()`, `.one()`, `.first()`, `.fetchall()`, `.mappings()...`, `list(result)` return
    driver rows; decode them with `<Pascal>RowSchema.validate_python(...)` or any helper
    whose arguments include the RowSchema (`decode_rows(UsersRowSchema, rows, context)`).
    Scalar results (`.scalar_one()`, `.scalars().all()`) are not rows.
    """

    code = "TXD402"
    where = Where.REPOSITORIES
    VALID = (
        Valid(
            """
            from db.decode import decode_rows
            from db.row_schemas import UsersRowSchema


            async def list_users(conn, stmt):
                result = await conn.execute(stmt)
                return decode_rows(UsersRowSchema, result.mappings().all(), "users.list")
            """,
            role="repository",
        ),
        Valid(
            """
            from db.row_schemas.users import UsersRowSchema


            async def get(conn, stmt):
                row = (await conn.execute(stmt)).mappings().one_or_none()
                if row is None:
                    return None
                return UsersRowSchema.validate_python(dict(row))
            """,
            role="repository",
        ),
        Valid(
            """
            async def count(conn, stmt):
                result = await conn.execute(stmt)
                return result.scalar_one()
            """,
            role="repository",
        ),
    )
    INVALID = (
        Invalid(
            """
            async def list_users(conn, stmt):
                result = await conn.execute(stmt)
                return result.mappings().all()
            """,
            role="repository",
            line=3,
        ),
        Invalid(
            """
            async def get(conn, stmt):
                row = (await conn.execute(stmt)).first()
                return row
            """,
            role="repository",
            line=3,
        ),
        Invalid(
            """
            async def rows(conn, stmt):
                return [dict(r) for r in await conn.execute(stmt)]
            """,
            role="repository",
            line=2,
        ),
        Invalid(
            """
            async def rows(conn, stmt):
                result = await conn.execute(stmt)
                return list(result)
            """,
            role="repository",
            line=3,
        ),
    )

    @classmethod
    def wants(cls, ctx: FileContext) -> bool:
        """Only modules that run statements."""
        return ctx.has_word("execute", "stream")

    def visit_Return(self, node: cst.Return) -> None:
        """A returned value built from a query result."""
        if node.value is not None and self._raw(node.value, 0):
            function = next((a for a in self.ancestors() if isinstance(a, cst.FunctionDef)), None)
            name = function.name.value if function is not None else "<module>"
            self.report(
                node,
                f"`{name}` returns rows without a RowSchema decode: decode them "
                "with `<Pascal>RowSchema.validate_python(...)` or a decode helper",
            )

    def _raw(self, node: cst.BaseExpression, depth: int) -> bool:
        if depth > 8:
            return False
        node = unwrap_await(node)
        if isinstance(node, cst.Name):
            value = self.ctx.resolver.value_of(node)
            return value is not None and self._raw(value, depth + 1)
        if isinstance(node, cst.Tuple | cst.List):
            return any(self._raw(el.value, depth + 1) for el in node.elements)
        if isinstance(node, cst.ListComp | cst.GeneratorExp | cst.SetComp):
            if is_decode_call(self.ctx, node.elt):
                return False
            return self._result(node.for_in.iter, depth + 1) or self._raw(
                node.for_in.iter, depth + 1
            )
        if not isinstance(node, cst.Call) or is_decode_call(self.ctx, node):
            return False
        func = node.func
        if isinstance(func, cst.Name) and self.ctx.qualname(func) in _CONTAINERS and node.args:
            inner = node.args[0].value
            return self._result(inner, depth + 1) or self._raw(inner, depth + 1)
        if isinstance(func, cst.Attribute) and func.attr.value in _FETCH:
            receiver = func.value
            return self._result(receiver, depth + 1) or self._raw(receiver, depth + 1)
        return False

    def _result(self, node: cst.BaseExpression, depth: int) -> bool:
        if depth > 8:
            return False
        node = unwrap_await(node)
        if isinstance(node, cst.Name):
            value = self.ctx.resolver.value_of(node)
            return value is not None and self._result(value, depth + 1)
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            if node.func.attr.value in _SCALAR:
                return False
            return node.func.attr.value in _EXECUTE
        return False


class ProviderBypass(Rule):
    """A repository that bypasses the provider.

    `create_engine`, `create_async_engine`, `psycopg.connect`, `AsyncConnection.connect`,
    hand-made sessions, engines or pools; or a module that executes queries but never
    enters `provide_db()`. Repositories get their connection from `async with provide_db()`.
    """

    code = "TXD403"
    where = Where.REPOSITORIES
    VALID = (
        Valid(
            """
            from db.client import provide_db


            async def touch(stmt):
                async with provide_db() as conn:
                    await conn.execute(stmt)
            """,
            role="repository",
        ),
    )
    INVALID = (
        Invalid(
            "from sqlalchemy.ext.asyncio import create_async_engine\n\n"
            "engine = create_async_engine('postgresql+psycopg://')\n",
            role="repository",
            line=3,
        ),
        Invalid(
            "import psycopg\n\n\nasync def f():\n"
            "    conn = await psycopg.AsyncConnection.connect('')\n",
            role="repository",
            line=5,
        ),
        Invalid(
            "async def touch(conn, stmt):\n    await conn.execute(stmt)\n",
            role="repository",
            line=2,
        ),
    )

    @classmethod
    def wants(cls, ctx: FileContext) -> bool:
        """Only modules that run statements or mention a driver."""
        return ctx.has_word(*QUERY_METHODS, *_DRIVERS)

    def visit_Module(self, node: cst.Module) -> None:
        """Reset the per-module facts."""
        self.first_query: cst.Call | None = None
        self.enters_provider = False

    def visit_WithItem(self, node: cst.WithItem) -> None:
        """`with provide_db() as conn`."""
        if callee(node.item) == "provide_db":
            self.enters_provider = True

    def visit_Call(self, node: cst.Call) -> None:
        """Engines, sessions and driver connections made by hand; query execution."""
        qualname = self.ctx.qualname(node.func)
        if in_library(qualname, _DRIVERS, *_BYPASS):
            shown = self.ctx.module.code_for_node(node.func)
            self.report(
                node,
                f"`{shown}()` bypasses the provider: get the connection from "
                "`async with provide_db() as conn:`",
            )
        elif self.first_query is None and is_query_call(node):
            self.first_query = node

    def leave_Module(self, original_node: cst.Module) -> None:
        """A module that executes queries without ever entering the provider."""
        if self.first_query is not None and not self.enters_provider:
            self.report(
                self.first_query,
                "module executes queries but never enters "
                "`provide_db()`: run them inside `async with provide_db() as conn:`",
            )


class QueryOutsideRepositories(Rule):
    """A query executed on a connection or session outside repositories and query modules.

    Only repositories (and the provider, migration runner, pgTAP runner and test plugin)
    execute queries; other db modules build statements or call repository methods.
    """

    code = "TXD404"
    where = Where.DB_OUTSIDE_QUERY
    VALID = (
        Valid(
            """
            from db.client import provide_db


            async def touch(stmt):
                async with provide_db() as conn:
                    await conn.execute(stmt)
            """,
            role="query",
        ),
        Valid("def run(tool, cmd):\n    tool.execute(cmd)\n", role="db"),
    )
    INVALID = (
        Invalid(
            """
            from db.client import provide_db


            async def touch(stmt):
                async with provide_db() as conn:
                    await conn.execute(stmt)
            """,
            role="db",
            line=6,
        ),
        Invalid(
            """
            from sqlalchemy.ext.asyncio import AsyncConnection


            async def count(conn: AsyncConnection, stmt) -> int:
                return await conn.scalar(stmt)
            """,
            role="db",
            line=5,
        ),
    )

    @classmethod
    def wants(cls, ctx: FileContext) -> bool:
        """Only modules that run statements."""
        return ctx.has_word(*QUERY_METHODS)

    def visit_Call(self, node: cst.Call) -> None:
        """`conn.execute(...)` on a known connection or session."""
        if not is_query_call(node) or not isinstance(node.func, cst.Attribute):
            return
        if is_connection(self.ctx, node.func.value):
            shown = self.ctx.module.code_for_node(node.func)
            self.report(
                node,
                f"`{shown}()` executes a query outside the repositories: "
                "move it into a repository method",
            )
