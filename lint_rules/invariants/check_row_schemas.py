"""TXI001-TXI006, TXI009: one pydantic row schema per table whose RowShape matches the columns."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from lint_rules.invariants.model import Message, message
from lint_rules.invariants.parity import ParityCodes, check_parity, pascal
from lint_rules.invariants.project import Project
from lint_rules.invariants.pysource import PyModule, positional_args
from lint_rules.invariants.shapes import ShapeInfo, is_typed_dict, read_shape
from lint_rules.invariants.tables import ColumnInfo, SchemaInfo, TableInfo

CODES = frozenset({"TXI001", "TXI002", "TXI003", "TXI004", "TXI005", "TXI006", "TXI009"})
_PARITY = ParityCodes("TXI001", "TXI002", "TXI004", "row-schema module")
_TYPE_ADAPTERS = frozenset({"pydantic.TypeAdapter", "pydantic.type_adapter.TypeAdapter"})
_PYTHON_TYPES = {
    "uuid": "UUID",
    "datetime": "datetime",
    "date": "date",
    "timedelta": "timedelta",
    "text": "str",
    "int": "int",
    "bool": "bool",
    "float": "float",
    "decimal": "Decimal",
    "bytes": "bytes",
    "json": "a JSON type (JsonObject, JsonValue or a TypedDict)",
    "enum": "a Literal alias of the literals module",
}


def _schema_unreadable(project: Project, schema: SchemaInfo) -> Iterator[Message]:
    rel = project.settings.roles.schema_module
    for line, text in schema.unreadable:
        yield message("TXI009", rel, line, f"cannot read the schema module: {text}")
    if schema.module is not None and schema.module.tree is not None and not schema.tables:
        yield message(
            "TXI009",
            rel,
            1,
            f"no `Table(...)` declaration could be read in `{rel}`",
            'declare each table as `name = Table("name", metadata, Column(...), ...)`',
        )
    for table in schema.tables.values():
        for line, text in table.unreadable:
            yield message("TXI009", rel, line, f"cannot read table `{table.name}`: {text}")
        for column in table.columns:
            if column.type.family is None:
                yield message(
                    "TXI009",
                    rel,
                    column.line,
                    f"cannot read the type of column `{table.name}.{column.name}` "
                    f"(`{column.type.detail}`)",
                )
            if column.nullable is None:
                yield message(
                    "TXI009",
                    rel,
                    column.line,
                    f"cannot read whether column `{table.name}.{column.name}` is nullable",
                    "write `nullable=True` or `nullable=False` literally",
                )


def _is_pydantic_schema(module: PyModule, schema_name: str, shape_name: str) -> bool:
    value = module.bindings.get(schema_name)
    if not isinstance(value, cst.Call) or module.qualify(value.func) not in _TYPE_ADAPTERS:
        return False
    args = positional_args(value)
    return bool(args) and isinstance(args[0].value, cst.Name) and args[0].value.value == shape_name


def _compare_column(
    rel: str, table: TableInfo, column: ColumnInfo, shape: ShapeInfo
) -> Iterator[Message]:
    field = shape.fields[column.name]
    where = f"`{shape.name}.{column.name}`"
    if field.type.family is None:
        yield message(
            "TXI009",
            rel,
            field.line,
            f"cannot read the type of field {where} (`{field.type.detail}`)",
            f"annotate it with {_PYTHON_TYPES.get(column.type.family or '', 'a plain type')}",
        )
        return
    if column.nullable is not None and field.type.nullable != column.nullable:
        wanted = (
            "nullable, so the field needs `| None`"
            if column.nullable
            else ("NOT NULL, so the field must not allow None")
        )
        yield message(
            "TXI005",
            rel,
            field.line,
            f"field {where} is `{field.type.detail}` but column `{table.name}.{column.name}` "
            f"is {wanted}",
        )
    family = column.type.family
    if family is None:
        return
    if family == "text" and field.type.family == "enum":
        return  # a Literal of strings narrows a text column (values enforced when decoding)
    if field.type.family != family:
        yield message(
            "TXI005",
            rel,
            field.line,
            f"field {where} is `{field.type.detail}` but column `{table.name}.{column.name}` "
            f"is `{column.type.detail}`",
            f"annotate it with {_PYTHON_TYPES.get(family, family)}",
        )
    elif family == "json" and field.type.weak is not None:
        yield message(
            "TXI006",
            rel,
            field.line,
            f"JSON column `{table.name}.{column.name}` is weakly typed as {field.type.weak} "
            f"in {where}",
        )
    elif family == "enum" and field.type.enum_values != column.type.enum_values:
        column_values = column.type.enum_values or frozenset()
        field_values = field.type.enum_values or frozenset()
        parts = []
        if column_values - field_values:
            parts.append(f"missing {sorted(column_values - field_values)}")
        if field_values - column_values:
            parts.append(f"extra {sorted(field_values - column_values)}")
        yield message(
            "TXI005",
            rel,
            field.line,
            f"field {where} Literal values differ from enum column "
            f"`{table.name}.{column.name}`: {'; '.join(parts)}",
            "annotate it with the Literal alias built from the same literals tuple as the enum",
        )


def _check_module(project: Project, table: TableInfo, rel: str) -> Iterator[Message]:
    module = project.module(rel)
    if module is None:
        return
    if module.tree is None:
        yield message(
            "TXI003",
            rel,
            module.error_line,
            f"cannot parse `{rel}`: {module.error}",
            "fix the syntax error",
        )
        return
    name = pascal(table.name)
    shape_name, schema_name = f"{name}RowShape", f"{name}RowSchema"
    shape = read_shape(project, module, shape_name)
    cls = module.classes.get(shape_name)
    if shape is None or (cls is not None and not is_typed_dict(project, module, cls)):
        yield message(
            "TXI003",
            rel,
            1,
            f"`{rel}` defines no TypedDict `{shape_name}`",
            f"define `class {shape_name}(TypedDict)` with one field per column of `{table.name}`",
        )
        shape = None
    if not _is_pydantic_schema(module, schema_name, shape_name):
        yield message(
            "TXI003",
            rel,
            module.line_of_name(schema_name),
            f"`{rel}` defines no `{schema_name} = TypeAdapter({shape_name}, ...)` (pydantic)",
            f"define `{schema_name}: Final = TypeAdapter({shape_name}, "
            "config=ConfigDict(strict=True))` with `TypeAdapter` imported from pydantic",
        )
    if shape is None:
        return
    for line, text in shape.unreadable:
        yield message("TXI009", rel, line, f"cannot read `{shape_name}`: {text}")
    columns = {column.name: column for column in table.columns}
    for column in table.columns:
        if column.name not in shape.fields:
            yield message(
                "TXI005",
                rel,
                shape.line,
                f"`{shape_name}` has no field for column `{table.name}.{column.name}`",
                f"add `{column.name}: {_PYTHON_TYPES.get(column.type.family or '', '...')}`",
            )
        else:
            yield from _compare_column(rel, table, column, shape)
    for field in shape.fields.values():
        if field.name not in columns:
            yield message(
                "TXI005",
                rel,
                field.line,
                f"`{shape_name}.{field.name}` matches no column of table `{table.name}`",
                "remove the field or add the column to the table",
            )


def check(project: Project, schema: SchemaInfo) -> Iterator[Message]:
    """Yield TXI001-TXI006 and TXI009 messages for the project's row schemas."""
    directory = project.settings.row_schemas
    yield from _schema_unreadable(project, schema)
    yield from check_parity(
        project,
        schema,
        directory,
        _PARITY,
        lambda stem: (f"{pascal(stem)}RowSchema", f"{pascal(stem)}RowShape"),
    )
    for table in schema.tables.values():
        yield from _check_module(project, table, f"{directory}/{table.name}.py")
