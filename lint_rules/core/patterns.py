"""Shared recognisers: library names, connections, query calls, RowSchema decodes and SQL text."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import libcst as cst

from lint_rules.core.context import FileContext
from lint_rules.core.resolve import Kind

TABLE_QUALNAMES = frozenset(
    {"sqlalchemy.Table", "sqlalchemy.schema.Table", "sqlalchemy.sql.schema.Table"}
)
#: Calls whose `async with ... as x` binds a transaction-scoped connection.
TRANSACTION_FACTORIES = frozenset({"transaction", "begin", "provide_db"})
#: Calls that yield a connection (TXD304, TXD404).
CONNECTION_FACTORIES = TRANSACTION_FACTORIES | {"connect", "Session", "AsyncSession"}
#: Methods that run a statement on a connection or session.
QUERY_METHODS = frozenset({"execute", "exec_driver_sql", "scalar", "scalars", "stream"})
_CONNECTION_ANNOTATION = re.compile(r"Connection|Transaction|Session|Conn\b|Trx\b")
_INSERT_DOMAIN_EVENTS = re.compile(
    r"\binsert\s+into\s+(?:(?:\"[^\"]+\"|\w+)\s*\.\s*)?\"?domain_events\"?(?!\w)",
    re.IGNORECASE,
)


def last_part(node: cst.BaseExpression) -> str | None:
    """`c` for `a.b.c` or `c`, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return None


def callee(node: cst.BaseExpression) -> str | None:
    """The last part of a call's function (`transaction` for `db.transaction()`), else None."""
    node = unwrap_await(node)
    return last_part(node.func) if isinstance(node, cst.Call) else None


def unwrap_await(node: cst.BaseExpression) -> cst.BaseExpression:
    """NODE without a leading `await`."""
    while isinstance(node, cst.Await):
        node = node.expression
    return node


def in_library(qualname: str | None, libraries: Sequence[str], *names: str) -> bool:
    """Whether QUALNAME lives in one of LIBRARIES and ends with one of NAMES."""
    if qualname is None:
        return False
    top, _, _ = qualname.partition(".")
    return top in libraries and qualname.rpartition(".")[2] in names


def sqlalchemy(qualname: str | None, *names: str) -> bool:
    """Whether QUALNAME is a SQLAlchemy object called one of NAMES (any module path)."""
    return in_library(qualname, ("sqlalchemy",), *names)


def asyncio_name(qualname: str | None, *names: str) -> bool:
    """Whether QUALNAME is an asyncio function called one of NAMES (any module path)."""
    return in_library(qualname, ("asyncio",), *names)


def positional_args(call: cst.Call) -> list[cst.Arg]:
    """The positional (non-keyword, non-star) arguments of CALL."""
    return [arg for arg in call.args if arg.keyword is None and not arg.star]


def argument(call: cst.Call, index: int, *keywords: str) -> cst.BaseExpression | None:
    """The INDEX-th positional argument of CALL, or a keyword argument of one of KEYWORDS."""
    positional = positional_args(call)
    if index < len(positional):
        return positional[index].value
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in keywords:
            return arg.value
    return None


def annotation_is_connection(ctx: FileContext, annotation: cst.BaseExpression | None) -> bool:
    """Whether a parameter annotation names a connection, transaction or session type."""
    if annotation is None:
        return False
    return _CONNECTION_ANNOTATION.search(ctx.module.code_for_node(annotation)) is not None


def with_item_of(ancestors: Sequence[cst.CSTNode], item: cst.CSTNode) -> cst.With | None:
    """The enclosing `with` statement (among ANCESTORS) that owns the with-item ITEM."""
    for node in ancestors:
        if isinstance(node, cst.With) and any(it is item for it in node.items):
            return node
    return None


def is_transaction_handle(
    ctx: FileContext, node: cst.BaseExpression, ancestors: Sequence[cst.CSTNode]
) -> bool:
    """Whether NODE is bound by an enclosing `async with transaction()/begin()/provide_db() as`.

    A parameter annotated as a connection or transaction also counts.
    """
    binding = ctx.binding(node)
    if binding is None or binding.value is None:
        return False
    if binding.kind is Kind.PARAM:
        return annotation_is_connection(ctx, binding.value)
    if binding.kind is Kind.WITH and callee(binding.value) in TRANSACTION_FACTORIES:
        enclosing = with_item_of(ancestors, binding.node)
        return enclosing is not None and enclosing.asynchronous is not None
    return False


def is_connection(ctx: FileContext, node: cst.BaseExpression) -> bool:
    """Whether NODE is a connection or session: from `with`, an assignment, or an annotation."""
    binding = ctx.binding(node)
    if binding is None or binding.value is None:
        return False
    if binding.kind is Kind.PARAM:
        return annotation_is_connection(ctx, binding.value)
    if binding.kind in (Kind.WITH, Kind.VALUE):
        return callee(binding.value) in CONNECTION_FACTORIES
    return False


_ASYNC_ANNOTATION = re.compile(r"Async\w*(Connection|Session|Transaction)")


def is_async_connection(
    ctx: FileContext, node: cst.BaseExpression, ancestors: Sequence[cst.CSTNode]
) -> bool:
    """Whether NODE is an async connection: `async with ... as`, `await x.connect()`, annotation."""
    binding = ctx.binding(node)
    if binding is None or binding.value is None:
        return False
    if binding.kind is Kind.PARAM:
        code = ctx.module.code_for_node(binding.value)
        return _ASYNC_ANNOTATION.search(code) is not None
    if binding.kind is Kind.WITH and callee(binding.value) in CONNECTION_FACTORIES:
        enclosing = with_item_of(ancestors, binding.node)
        return enclosing is not None and enclosing.asynchronous is not None
    if binding.kind is Kind.VALUE and isinstance(binding.value, cst.Await):
        return callee(binding.value) in CONNECTION_FACTORIES
    return False


def is_query_call(node: cst.Call) -> bool:
    """Whether NODE looks like running a statement: `x.execute(...)`, `x.scalar(stmt)`, ..."""
    if not isinstance(node.func, cst.Attribute) or not node.args:
        return False
    return node.func.attr.value in QUERY_METHODS


def is_row_schema(ctx: FileContext, node: cst.BaseExpression) -> bool:
    """Whether NODE names a `<Pascal>RowSchema` imported from the row-schemas package."""
    name = last_part(node)
    if name is None or not name.endswith("RowSchema"):
        return False
    qualname = ctx.qualname(node)
    return qualname is not None and qualname.startswith(ctx.names.row_schemas + ".")


def is_decode_call(ctx: FileContext, node: cst.BaseExpression) -> bool:
    """A RowSchema decode: `XRowSchema.validate_python(..)` or `f(XRowSchema, ..)`."""
    node = unwrap_await(node)
    if not isinstance(node, cst.Call):
        return False
    if isinstance(node.func, cst.Attribute) and is_row_schema(ctx, node.func.value):
        return True
    return any(is_row_schema(ctx, arg.value) for arg in node.args)


def string_text(node: cst.BaseExpression) -> str | None:
    """The text of a string literal (f-string placeholders become `{}`), else None."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left = string_text(node.left)
        right = string_text(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, cst.FormattedString):
        return "".join(
            part.value if isinstance(part, cst.FormattedStringText) else "{}" for part in node.parts
        )
    return None


def inserts_into_domain_events(text: str) -> bool:
    """Whether SQL TEXT contains `INSERT INTO [schema.]["]domain_events`."""
    return _INSERT_DOMAIN_EVENTS.search(text) is not None


def _is_string(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.SimpleString | cst.ConcatenatedString | cst.FormattedString)


def formatting(node: cst.BaseExpression) -> str | None:
    """How NODE builds SQL text by formatting (`an f-string`, ...), or None when it does not."""
    if isinstance(node, cst.FormattedString):
        if any(isinstance(p, cst.FormattedStringExpression) for p in node.parts):
            return "an f-string"
        return None
    if isinstance(node, cst.ConcatenatedString):
        return formatting(node.left) or formatting(node.right)
    if isinstance(node, cst.BinaryOperation):
        if isinstance(node.operator, cst.Modulo) and _is_string(node.left):
            return "`%` formatting"
        if isinstance(node.operator, cst.Add) and (
            _is_string(node.left) or _is_string(node.right) or formatting(node.left) is not None
        ):
            return "`+` concatenation"
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "format"
        and _is_string(node.func.value)
    ):
        return "`.format()`"
    return None


def walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every node under NODE, NODE first."""
    todo = [node]
    while todo:
        current = todo.pop()
        yield current
        todo.extend(reversed(current.children))
