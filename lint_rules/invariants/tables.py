"""Static reader of the schema module: `Table(...)` declarations, their columns and types."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import libcst as cst

from lint_rules.invariants.project import Project
from lint_rules.invariants.pysource import (
    LazyText,
    PyModule,
    call_keyword,
    positional_args,
    string_value,
)

# SQLAlchemy type name (last dotted part) -> type family shared with the RowShape reader.
TYPE_FAMILIES: dict[str, str] = {
    **dict.fromkeys(("UUID", "Uuid"), "uuid"),
    **dict.fromkeys(
        ("Text", "TEXT", "String", "VARCHAR", "Unicode", "UnicodeText", "CHAR", "CITEXT"), "text"
    ),
    **dict.fromkeys(
        ("Integer", "INTEGER", "BigInteger", "BIGINT", "SmallInteger", "SMALLINT"), "int"
    ),
    **dict.fromkeys(("Boolean", "BOOLEAN"), "bool"),
    **dict.fromkeys(("DateTime", "TIMESTAMP"), "datetime"),
    **dict.fromkeys(("Date", "DATE"), "date"),
    **dict.fromkeys(("Interval", "INTERVAL"), "timedelta"),
    **dict.fromkeys(("Numeric", "NUMERIC"), "decimal"),
    **dict.fromkeys(("Float", "FLOAT", "Double", "DOUBLE_PRECISION", "REAL"), "float"),
    **dict.fromkeys(("LargeBinary", "BYTEA"), "bytes"),
    **dict.fromkeys(("JSON", "JSONB"), "json"),
}
ENUM_TYPES = frozenset({"ENUM", "Enum"})
NON_COLUMN_ITEMS: frozenset[str] = frozenset(
    {
        "Index",
        "UniqueConstraint",
        "CheckConstraint",
        "ForeignKeyConstraint",
        "PrimaryKeyConstraint",
        "ExcludeConstraint",
        "Computed",
        "Identity",
    }
)


@dataclass(frozen=True)
class ColumnType:
    """The type family of a column (None when unreadable) and, for enums, its values."""

    family: str | None
    detail: str | LazyText
    enum_values: frozenset[str] | None = None


@dataclass(frozen=True)
class ColumnInfo:
    """One `Column(...)` of a table as read from source."""

    name: str
    type: ColumnType
    nullable: bool | None
    line: int


@dataclass
class TableInfo:
    """One `name = Table("name", metadata, ...)` declaration."""

    name: str
    constant: str
    line: int
    columns: list[ColumnInfo] = field(default_factory=list)
    unreadable: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class SchemaInfo:
    """Every table of the schema module, or why the module could not be read."""

    module: PyModule | None
    tables: dict[str, TableInfo] = field(default_factory=dict)
    unreadable: list[tuple[int, str]] = field(default_factory=list)


def _is_sqlalchemy(qualified: str | None, names: frozenset[str]) -> str | None:
    if qualified is None:
        return None
    last = qualified.rpartition(".")[2]
    if last in names and qualified.startswith("sqlalchemy"):
        return last
    return None


def _source(module: PyModule, node: cst.CSTNode) -> LazyText:
    assert module.tree is not None
    return LazyText(module.tree, node)


_FOREIGN_KEY = frozenset({"ForeignKey"})
_COLUMN = frozenset({"Column"})
_TABLE = frozenset({"Table"})
_KNOWN_TYPES = frozenset(TYPE_FAMILIES)


class _SchemaReader:
    def __init__(self, project: Project, module: PyModule) -> None:
        self.project = project
        self.module = module
        self.enums: dict[str, ColumnType] = {}
        # Columns typed by their foreign key alone: (table, column index, "table.column").
        self.typed_by_key: list[tuple[TableInfo, int, str]] = []

    def enum_type(self, call: cst.Call) -> ColumnType:
        detail = _source(self.module, call)
        values: list[str] = []
        for arg in positional_args(call):
            if arg.star == "*":
                found = self.project.str_tuple(self.module, arg.value)
                if found is None:
                    return ColumnType(
                        None, detail.with_suffix(" (enum values not a readable tuple)")
                    )
                values.extend(found)
                continue
            text = string_value(arg.value)
            if text is None:
                found_enum = self.project.str_tuple(self.module, arg.value)
                if found_enum is None:
                    return ColumnType(None, detail.with_suffix(" (enum values not readable)"))
                values.extend(found_enum)
                continue
            values.append(text)
        if not values:
            return ColumnType(None, detail.with_suffix(" (enum without values)"))
        return ColumnType("enum", detail, frozenset(values))

    def column_type(self, node: cst.BaseExpression) -> ColumnType:
        target = node.func if isinstance(node, cst.Call) else node
        qualified = self.module.qualify(target)
        if isinstance(node, cst.Name) and node.value in self.enums:
            return self.enums[node.value]
        enum_name = _is_sqlalchemy(qualified, ENUM_TYPES)
        if enum_name is not None and isinstance(node, cst.Call):
            return self.enum_type(node)
        type_name = _is_sqlalchemy(qualified, _KNOWN_TYPES)
        if type_name is not None:
            return ColumnType(TYPE_FAMILIES[type_name], _source(self.module, node))
        return ColumnType(None, _source(self.module, node))

    def _foreign_key(self, node: cst.BaseExpression) -> str | None:
        """Return the `"table.column"` target of a `ForeignKey(...)` NODE, else None."""
        if not isinstance(node, cst.Call):
            return None
        if not _is_sqlalchemy(self.module.qualify(node.func), _FOREIGN_KEY):
            return None
        args = positional_args(node)
        return (string_value(args[0].value) if args else None) or ""

    def resolve_key_types(self, tables: dict[str, TableInfo]) -> None:
        """Give columns declared with only a ForeignKey the type of the column they reference."""
        for table, index, target in self.typed_by_key:
            table_name, _, column_name = target.rpartition(".")
            referenced = tables.get(table_name.rpartition(".")[2])
            found = (
                next((c for c in referenced.columns if c.name == column_name), None)
                if referenced
                else None
            )
            if found is not None and found.type.family is not None:
                column = table.columns[index]
                table.columns[index] = replace(column, type=found.type)

    def nullable(self, call: cst.Call, primary_key: bool) -> bool | None:
        arg = call_keyword(call, "nullable")
        if arg is None:
            return not primary_key
        if isinstance(arg.value, cst.Name) and arg.value.value in ("True", "False"):
            return arg.value.value == "True"
        return None

    def column(self, table: TableInfo, call: cst.Call, line: int) -> None:
        args = positional_args(call)
        name = string_value(args[0].value) if args else None
        if name is None:
            table.unreadable.append((line, "a Column whose first argument is not a string name"))
            return
        line = self.module.line_containing((f'"{name}"', f"'{name}'"), table.line)
        type_arg = call_keyword(call, "type_")
        type_node = (
            type_arg.value if type_arg is not None else (args[1].value if len(args) > 1 else None)
        )
        if type_node is None or self._foreign_key(type_node) is not None:
            column_type = ColumnType(None, "no type given")
            target = next(
                (self._foreign_key(arg.value) for arg in args[1:] if self._foreign_key(arg.value)),
                None,
            )
            if target is not None:
                self.typed_by_key.append((table, len(table.columns), target))
        else:
            column_type = self.column_type(type_node)
        primary = call_keyword(call, "primary_key")
        is_primary = (
            primary is not None
            and isinstance(primary.value, cst.Name)
            and primary.value.value == "True"
        )
        table.columns.append(ColumnInfo(name, column_type, self.nullable(call, is_primary), line))

    def table(self, constant: str, call: cst.Call) -> TableInfo | None:
        args = positional_args(call)
        name = string_value(args[0].value) if args else None
        line = self.module.line_of_name(constant)
        if name is None:
            return None
        table = TableInfo(name, constant, line)
        for arg in args[2:]:
            item = arg.value
            func = item.func if isinstance(item, cst.Call) else None
            qualified = self.module.qualify(func) if func is not None else None
            if isinstance(item, cst.Call) and _is_sqlalchemy(qualified, _COLUMN):
                self.column(table, item, line)
            elif isinstance(item, cst.Call) and _is_sqlalchemy(qualified, NON_COLUMN_ITEMS):
                continue
            else:
                text = str(_source(self.module, item))[:60]
                table.unreadable.append((line, f"table item `{text}` is not a Column"))
        return table

    def read(self) -> SchemaInfo:
        info = SchemaInfo(self.module)
        for name, value in self.module.bindings.items():
            if not isinstance(value, cst.Call):
                continue
            qualified = self.module.qualify(value.func)
            if _is_sqlalchemy(qualified, ENUM_TYPES):
                self.enums[name] = self.enum_type(value)
        for name, value in self.module.bindings.items():
            if isinstance(value, cst.Call) and _is_sqlalchemy(
                self.module.qualify(value.func), _TABLE
            ):
                table = self.table(name, value)
                if table is None:
                    info.unreadable.append(
                        (self.module.line_of_name(name), f"table `{name}` has no literal SQL name")
                    )
                else:
                    info.tables[table.name] = table
        self.resolve_key_types(info.tables)
        return info


def read_schema(project: Project) -> SchemaInfo:
    """Read every table of the project's schema module (an empty result when it is missing)."""
    module = project.module(project.settings.roles.schema_module)
    if module is None:
        return SchemaInfo(None)
    if module.tree is None:
        return SchemaInfo(module, unreadable=[(module.error_line, f"syntax error: {module.error}")])
    return _SchemaReader(project, module).read()
