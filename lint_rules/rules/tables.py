"""TXD1xx: tables are SQLAlchemy Core `Table` constants of the schema module."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import libcst as cst

from lint_rules.core.context import FileContext
from lint_rules.core.patterns import TABLE_QUALNAMES, argument, sqlalchemy, string_text
from lint_rules.core.report import Edit
from lint_rules.core.resolve import Binding
from lint_rules.core.roles import Where
from lint_rules.core.rule import Invalid, Rule, Valid


def _is_table(ctx: FileContext, node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Attribute):
        if node.attr.value != "Table":
            return False
    elif isinstance(node, cst.Name):
        if node.value not in ctx.resolver.names_resolving_to("Table", TABLE_QUALNAMES.__contains__):
            return False
    else:
        return False
    return ctx.qualname(node) in TABLE_QUALNAMES


def _mentions_table(ctx: FileContext) -> bool:
    return ctx.has_all("sqlalchemy", "Table")


def table_constants(
    ctx: FileContext,
) -> Iterator[tuple[cst.CSTNode, cst.BaseExpression, cst.Call]]:
    """Module-level `name = Table(...)` statements: (statement, target, call)."""
    for line in ctx.module.body:
        if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
            continue
        statement = line.body[0]
        if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
            target: cst.BaseExpression = statement.targets[0].target
        elif isinstance(statement, cst.AnnAssign) and statement.value is not None:
            target = statement.target
        else:
            continue
        value = statement.value
        if isinstance(value, cst.Call) and _is_table(ctx, value.func):
            yield statement, target, value


def _prepend_lines(
    node: cst.CSTNode, lines: Sequence[cst.EmptyLine]
) -> cst.CSTNode | cst.RemovalSentinel:
    if isinstance(node, cst.SimpleStatementLine | cst.BaseCompoundStatement):
        return node.with_changes(leading_lines=[*lines, *node.leading_lines])
    return node


class TableAlias(Rule):
    """`Table` bound to another name.

    Tables are found by the name `Table`; an alias (`import ... as`, `X = Table`,
    annotated or walrus assignment, a default argument or an attribute) hides them from
    readers and tools. Autofix: the alias is removed and its uses restored to `Table`.
    """

    code = "TXD101"
    where = Where.EVERYWHERE
    fixable = True
    VALID = (
        Valid("from sqlalchemy import Table\n\nTABLES: list[Table] = []\n"),
        Valid("import sqlalchemy as sa\n\nT = sa.Column\n"),
        Valid("class Table:\n    pass\n\nT = Table\n"),
        Valid("from sqlalchemy import Table\n\nTable = Table\n"),
    )
    INVALID = (
        Invalid(
            """
            from sqlalchemy import Table as T, MetaData

            users = T("users", MetaData())
            """,
            role="schema",
            line=1,
            fixed="""
            from sqlalchemy import Table, MetaData

            users = Table("users", MetaData())
            """,
        ),
        Invalid(
            """
            import sqlalchemy as sa

            T = sa.Table
            users = T("users", sa.MetaData())
            """,
            role="schema",
            line=3,
            fixed="""
            import sqlalchemy as sa

            users = sa.Table("users", sa.MetaData())
            """,
        ),
        Invalid("from sqlalchemy.schema import Table\n\nmake: type = Table\n", line=3),
        Invalid("import sqlalchemy\n\nif (t := sqlalchemy.Table):\n    pass\n", line=3),
        Invalid("from sqlalchemy import Table\n\n\ndef f(factory=Table):\n    pass\n", line=4),
        Invalid("from sqlalchemy import Table\n\n\ndef f(obj):\n    obj.maker = Table\n", line=5),
    )

    @classmethod
    def wants(cls, ctx: FileContext) -> bool:
        """Only files that import SQLAlchemy and mention `Table`."""
        return _mentions_table(ctx)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        """`from sqlalchemy import Table as T`."""
        if isinstance(node.names, cst.ImportStar) or node.module is None or node.relative:
            return
        for alias in node.names:
            if alias.asname is None or not isinstance(alias.asname.name, cst.Name):
                continue
            asname = alias.asname.name.value
            if not isinstance(alias.name, cst.Name) or asname == "Table":
                continue
            module = self.ctx.module.code_for_node(node.module)
            if f"{module}.{alias.name.value}" not in TABLE_QUALNAMES:
                continue
            edits = self._restore(asname, alias, node)
            self.report(alias, f"`Table` imported as `{asname}`: import it as `Table`", edits)

    def visit_Assign(self, node: cst.Assign) -> None:
        """`X = Table`, `X = sa.Table`, `obj.x = Table`."""
        if not _is_table(self.ctx, node.value):
            return
        for target in node.targets:
            self._check_target(node, target.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        """`X: type = Table`."""
        if node.value is not None and _is_table(self.ctx, node.value):
            self._check_target(node, node.target, fixable=False)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        """`(X := Table)`."""
        if _is_table(self.ctx, node.value):
            self._check_target(node, node.target, fixable=False)

    def visit_Param(self, node: cst.Param) -> None:
        """`def f(x=Table)`."""
        if node.default is not None and _is_table(self.ctx, node.default):
            self.report(
                node,
                f"`Table` bound to parameter `{node.name.value}` as a default: "
                "call `Table` by its name",
            )

    def _check_target(
        self, node: cst.CSTNode, target: cst.BaseExpression, fixable: bool = True
    ) -> None:
        if isinstance(target, cst.Name):
            if target.value == "Table":
                return
            edits = self._inline(target.value, node) if fixable else ()
            self.report(node, f"`Table` bound to `{target.value}`: use `Table` itself", edits)
        else:
            shown = self.ctx.module.code_for_node(target)
            self.report(node, f"`Table` stored in `{shown}`: use `Table` itself")

    def _single_binding(self, name: str) -> Binding | None:
        bindings = self.ctx.resolver.all_bindings(name)
        if len(bindings) != 1 or self.ctx.resolver.all_bindings("Table"):
            return None
        return bindings[0]

    def _restore(
        self, asname: str, alias: cst.ImportAlias, statement: cst.ImportFrom
    ) -> list[tuple[cst.CSTNode, Edit]]:
        binding = self._single_binding(asname)
        if binding is None or binding.node is not statement:
            return []
        edits: list[tuple[cst.CSTNode, Edit]] = [
            (alias, lambda n: n.with_changes(asname=None) if isinstance(n, cst.ImportAlias) else n)
        ]
        edits.extend(self._rename(binding, lambda: cst.Name("Table")))
        return edits

    def _inline(self, name: str, node: cst.CSTNode) -> list[tuple[cst.CSTNode, Edit]]:
        parent = self.parent()
        grandparent = self.parent(2)
        if not (
            isinstance(node, cst.Assign)
            and len(node.targets) == 1
            and isinstance(parent, cst.SimpleStatementLine)
            and len(parent.body) == 1
            and isinstance(grandparent, cst.Module)
        ):
            return []
        binding = self.ctx.resolver.all_bindings(name)
        if len(binding) != 1 or binding[0].node is not node:
            return []
        value = node.value
        edits: list[tuple[cst.CSTNode, Edit]] = [(parent, lambda n: cst.RemovalSentinel.REMOVE)]
        body = list(grandparent.body)
        index = next(i for i, line in enumerate(body) if line is parent)
        if index + 1 < len(body):
            edits.append((body[index + 1], lambda n: _prepend_lines(n, parent.leading_lines)))
        edits.extend(self._rename(binding[0], lambda: value.deep_clone()))
        return edits

    def _rename(
        self, binding: Binding, make: Callable[[], cst.BaseExpression]
    ) -> list[tuple[cst.CSTNode, Edit]]:
        return [(ref, lambda n: make()) for ref in self.ctx.resolver.references(binding)]


class TableOutsideSchema(Rule):
    """`Table(...)` outside a module-level constant of the schema module, or `Table` as a value.

    Every table is declared once, as `name = Table("name", metadata, ...)` at the top level of
    the schema module, so that tools can read the schema statically. Wrappers, factories,
    loops, comprehensions, class bodies and other modules hide tables; so does passing
    `Table` around (`partial(Table, ...)`, returning or storing it). Annotations,
    `isinstance`/`issubclass` and `except` clauses are not values.
    """

    code = "TXD102"
    where = Where.EVERYWHERE
    VALID = (
        Valid(
            """
            from sqlalchemy import Column, MetaData, Table, Text

            metadata = MetaData()
            users = Table("users", metadata, Column("id", Text))
            """,
            role="schema",
        ),
        Valid(
            """
            from sqlalchemy import Table


            def name_of(table: Table) -> str:
                if isinstance(table, Table):
                    return table.name
                return ""
            """,
            role="repository",
        ),
        Valid("from mylib import Table\n\nx = Table('users')\n"),
        Valid(
            """
            from collections.abc import Callable

            from sqlalchemy import Table

            Persist = Callable[[Table | str], None]
            """,
            role="query",
        ),
    )
    INVALID = (
        Invalid(
            """
            from sqlalchemy import MetaData, Table

            metadata = MetaData()
            tables = [Table(name, metadata) for name in ("a", "b")]
            """,
            role="schema",
            line=4,
        ),
        Invalid(
            """
            import sqlalchemy as sa


            def make(name: str) -> sa.Table:
                return sa.Table(name, sa.MetaData())
            """,
            role="schema",
            line=5,
        ),
        Invalid(
            """
            from functools import partial

            from sqlalchemy import MetaData, Table

            make = partial(Table, metadata=MetaData())
            """,
            role="schema",
            line=5,
        ),
        Invalid(
            """
            from sqlalchemy import MetaData, Table

            users = Table("users", MetaData())
            """,
            role="db",
            line=3,
        ),
    )

    @classmethod
    def wants(cls, ctx: FileContext) -> bool:
        """Only files that import SQLAlchemy and mention `Table`."""
        return _mentions_table(ctx)

    def visit_Module(self, node: cst.Module) -> None:
        """Remember the calls that are proper table constants."""
        self.allowed: set[cst.Call] = set()
        if self.ctx.role.is_schema:
            for _, target, call in table_constants(self.ctx):
                if isinstance(target, cst.Name):
                    self.allowed.add(call)

    def visit_Import(self, node: cst.Import) -> bool:
        """Imports are not uses."""
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        """Imports are not uses."""
        return False

    def visit_Annotation(self, node: cst.Annotation) -> bool:
        """Annotations are not values."""
        return False

    def visit_Name(self, node: cst.Name) -> None:
        """A bare `Table`."""
        self._check(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        """`sa.Table`."""
        self._check(node)

    def _check(self, node: cst.Name | cst.Attribute) -> None:
        if not _is_table(self.ctx, node):
            return
        parent = self.parent()
        if isinstance(parent, cst.Call) and parent.func is node:
            if parent not in self.allowed:
                self.report(
                    parent,
                    "`Table(...)` outside a module-level constant of the "
                    "schema module: declare it as `name = Table(...)` there",
                )
            return
        if self._is_not_a_value(node, parent):
            return
        self.report(
            node,
            "`Table` used as a value: call `Table(...)` only in a module-level "
            "constant of the schema module",
        )

    def _is_not_a_value(self, node: cst.CSTNode, parent: cst.CSTNode | None) -> bool:
        if isinstance(parent, cst.Attribute) and parent.value is node:
            return True
        if isinstance(
            parent,
            cst.AssignTarget
            | cst.Assign
            | cst.AnnAssign
            | cst.NamedExpr
            | cst.Param
            | cst.Del
            | cst.For
            | cst.AugAssign,
        ):
            return True  # targets, and aliases (reported by TXD101)
        call: cst.Call | None = None
        for ancestor in self.ancestors():
            if isinstance(ancestor, cst.BaseSmallStatement | cst.BaseCompoundStatement):
                break
            if isinstance(ancestor, cst.ExceptHandler | cst.SubscriptElement):
                return True  # `except Table`, `list[Table]`, `Callable[[Table], None]`
            if isinstance(ancestor, cst.BinaryOperation) and isinstance(
                ancestor.operator, cst.BitOr
            ):
                return True  # `Table | str` in a type alias
            if call is None and isinstance(ancestor, cst.Call):
                call = ancestor
        if call is None:
            return False
        qualname = self.ctx.qualname(call.func)
        return qualname in ("builtins.isinstance", "builtins.issubclass") and not (
            call.args and call.args[0].value is node
        )


class TableConstantName(Rule):
    """Table constant whose name differs from its SQL name, is private, or is duplicated.

    `users = Table("users", ...)`: the constant's name equals the SQL table name, which is a
    plain string literal, so every tool can map one to the other without running code.
    """

    code = "TXD103"
    where = Where.SCHEMA
    VALID = (
        Valid(
            """
            from sqlalchemy import MetaData, Table

            metadata = MetaData()
            users = Table("users", metadata)
            teams = Table(name="teams", metadata=metadata)
            """,
            role="schema",
        ),
    )
    INVALID = (
        Invalid(
            "from sqlalchemy import MetaData, Table\n\nusers = Table('user', MetaData())\n",
            role="schema",
            line=3,
        ),
        Invalid(
            "from sqlalchemy import MetaData, Table\n\nNAME = 'users'\n"
            "users = Table(NAME, MetaData())\n",
            role="schema",
            line=4,
        ),
        Invalid(
            "from sqlalchemy import MetaData, Table\n\n_users = Table('_users', MetaData())\n",
            role="schema",
            line=3,
        ),
        Invalid(
            "from sqlalchemy import MetaData, Table\n\nm = MetaData()\n"
            "users = Table('users', m)\nusers = Table('users', m)\n",
            role="schema",
            line=5,
        ),
    )

    @classmethod
    def wants(cls, ctx: FileContext) -> bool:
        """Only schema modules that mention `Table`."""
        return _mentions_table(ctx)

    def visit_Module(self, node: cst.Module) -> None:
        """Check every module-level table constant."""
        seen: set[str] = set()
        for statement, target, call in table_constants(self.ctx):
            if not isinstance(target, cst.Name):
                continue
            name = target.value
            sql = argument(call, 0, "name")
            text = string_text(sql) if isinstance(sql, cst.SimpleString) else None
            if name.startswith("_"):
                self.report(
                    statement,
                    f"table constant `{name}` is private: "
                    "name it after its table, without a leading underscore",
                )
            elif name in seen:
                self.report(
                    statement, f"table constant `{name}` is declared twice: declare each table once"
                )
            elif text is None:
                self.report(
                    statement,
                    f"table `{name}` has no plain string literal SQL name: "
                    f'write `Table("{name}", ...)`',
                )
            elif text != name:
                self.report(
                    statement,
                    f'table constant `{name}` has SQL name "{text}": '
                    "name the constant after its table",
                )
            seen.add(name)


_ORM_BASES = ("DeclarativeBase", "DeclarativeBaseNoMeta", "MappedAsDataclass")
_ORM_CALLS = ("declarative_base", "registry", "as_declarative", "mapped_as_dataclass")


class OrmMapping(Rule):
    """ORM declarative mapping in the db package.

    Tables are Core `Table`s of the schema module: no `__tablename__`/`__table__` classes,
    no `DeclarativeBase`, `declarative_base()`, `registry` mappings or `map_imperatively`.
    """

    code = "TXD104"
    where = Where.DB_PACKAGE
    VALID = (
        Valid("from sqlalchemy import MetaData\n\nmetadata = MetaData()\n", role="db"),
        Valid("class Registry:\n    pass\n\n\nregistry = Registry()\n", role="db"),
        Valid(
            "from typing import Protocol\n\n\nclass HasTable(Protocol):\n    __table__: object\n",
            role="db",
        ),
    )
    INVALID = (
        Invalid(
            "from sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n"
            "    pass\n",
            role="db",
            line=4,
        ),
        Invalid(
            "from base import Base\n\n\nclass User(Base):\n    __tablename__ = 'users'\n",
            role="db",
            line=4,
        ),
        Invalid(
            "import sqlalchemy.orm as orm\n\nBase = orm.declarative_base()\n", role="db", line=3
        ),
        Invalid("from sqlalchemy.orm import registry\n\nreg = registry()\n", role="db", line=3),
        Invalid(
            "def map_all(reg, cls, table):\n    reg.map_imperatively(cls, table)\n",
            role="db",
            line=2,
        ),
    )

    @classmethod
    def wants(cls, ctx: FileContext) -> bool:
        """Only files that mention an ORM construct."""
        return ctx.has_word(
            "__table",
            "eclarative",
            "registry",
            "map_imperatively",
            "MappedAsDataclass",
            "mapped_as_dataclass",
        )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        """Mapped classes and declarative bases."""
        for base in node.bases:
            if sqlalchemy(self.ctx.qualname(base.value), *_ORM_BASES):
                self.report(
                    node,
                    f"class `{node.name.value}` is an ORM declarative base: "
                    "declare tables as Core `Table`s in the schema module",
                )
                return
        for line in node.body.body:
            if not isinstance(line, cst.SimpleStatementLine):
                continue
            for statement in line.body:
                targets = []
                if isinstance(statement, cst.Assign):
                    targets = [t.target for t in statement.targets]
                elif isinstance(statement, cst.AnnAssign) and statement.value is not None:
                    targets = [statement.target]  # a bare annotation maps nothing
                for target in targets:
                    if isinstance(target, cst.Name) and target.value in (
                        "__tablename__",
                        "__table__",
                    ):
                        self.report(
                            node,
                            f"class `{node.name.value}` maps a table with "
                            f"`{target.value}`: use the schema module's Core `Table`",
                        )
                        return

    def visit_Call(self, node: cst.Call) -> None:
        """`declarative_base()`, `registry()`, `x.map_imperatively(...)`."""
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "map_imperatively":
            self.report(
                node,
                "`map_imperatively` maps a class with the ORM: "
                "use the schema module's Core `Table`s",
            )
            return
        qualname = self.ctx.qualname(node.func)
        if sqlalchemy(qualname, *_ORM_CALLS):
            name = (qualname or "").rpartition(".")[2]
            self.report(
                node,
                f"`{name}()` sets up ORM declarative mapping: "
                "use the schema module's Core `Table`s",
            )


class InlineEnumValues(Rule):
    """Postgres enum whose values are written inline in the schema module.

    Closed value sets live once, as tuples in the literals module; the schema builds its
    enums from them: `Enum(*MEMBERSHIP_ROLES, name="membership_role")`.
    """

    code = "TXD105"
    where = Where.SCHEMA
    VALID = (
        Valid(
            """
            from sqlalchemy import Enum

            from db.literals import MEMBERSHIP_ROLES

            membership_role = Enum(*MEMBERSHIP_ROLES, name="membership_role")
            """,
            role="schema",
        ),
        Valid(
            """
            from sqlalchemy.dialects import postgresql

            from db import literals

            status = postgresql.ENUM(*literals.INVITATION_STATUSES, name="invitation_status")
            """,
            role="schema",
        ),
    )
    INVALID = (
        Invalid(
            'from sqlalchemy import Enum\n\nrole = Enum("owner", "member", name="role")\n',
            role="schema",
            line=3,
        ),
        Invalid(
            'import sqlalchemy as sa\n\nROLES = ("owner", "member")\n'
            'role = sa.Enum(*ROLES, name="role")\n',
            role="schema",
            line=4,
        ),
    )

    @classmethod
    def wants(cls, ctx: FileContext) -> bool:
        """Only schema modules that mention an enum."""
        return ctx.has_word("Enum", "ENUM")

    def visit_Call(self, node: cst.Call) -> None:
        """An `Enum(...)` / `postgresql.ENUM(...)` call."""
        if not sqlalchemy(self.ctx.qualname(node.func), "Enum", "ENUM"):
            return
        for arg in node.args:
            if arg.keyword is not None or arg.star == "**":
                continue
            if self._inline(arg.value):
                shown = self.ctx.module.code_for_node(arg)
                self.report(
                    node,
                    f"enum values `{shown}` are written inline: use a tuple from "
                    f"`{self.ctx.names.literals}`",
                )
                return

    def _inline(self, value: cst.BaseExpression) -> bool:
        if string_text(value) is not None or isinstance(value, cst.Tuple | cst.List | cst.Set):
            return True
        if isinstance(value, cst.Name | cst.Attribute):
            qualname = self.ctx.qualname(value)
            return qualname is not None and not qualname.startswith(self.ctx.names.literals + ".")
        return False
