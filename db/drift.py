"""Drift check: differences between a migrated database and `db.schema.metadata`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final

import pglast
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import (
    CheckConstraint,
    Connection,
    ForeignKeyConstraint,
    Index,
    MetaData,
    Table,
    UniqueConstraint,
    create_engine,
    text,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex

from db.migrate import JOURNAL_TABLE, checked_url, connection_failed
from db.schema import metadata as project_metadata

IGNORED_TABLES: Final = frozenset({JOURNAL_TABLE})
# Alembic handles tables, columns, types, nullability and defaults; the catalog queries below
# handle indexes, constraints and enums, which Alembic compares loosely or not at all.
_ALEMBIC_SKIPPED_OPS: Final = frozenset(
    {"add_index", "remove_index", "add_constraint", "remove_constraint", "add_fk", "remove_fk"}
)
_FK_ACTIONS: Final = {
    "a": "NO ACTION",
    "r": "RESTRICT",
    "c": "CASCADE",
    "n": "SET NULL",
    "d": "SET DEFAULT",
}
_DIALECT: Final = postgresql.dialect()  # type: ignore[no-untyped-call]

_INDEXES_SQL: Final = text(
    """
    SELECT t.relname AS table_name, i.relname AS index_name, pg_get_indexdef(i.oid) AS definition
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = current_schema()
      AND NOT EXISTS (
          SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid AND c.contype IN ('p', 'u', 'x')
      )
    """
)
_CONSTRAINTS_SQL: Final = text(
    """
    SELECT t.relname AS table_name, c.conname AS name, c.contype AS kind,
           ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY AS k(num, ord)
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num
                 ORDER BY k.ord)::text[] AS columns,
           r.relname AS referred_table,
           ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY AS k(num, ord)
                 JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.num
                 ORDER BY k.ord)::text[] AS referred_columns,
           c.confdeltype AS on_delete, c.confupdtype AS on_update,
           CASE WHEN c.contype = 'c' THEN pg_get_expr(c.conbin, c.conrelid) END AS check_sql
    FROM pg_constraint c
    JOIN pg_class t ON t.oid = c.conrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    LEFT JOIN pg_class r ON r.oid = c.confrelid
    WHERE n.nspname = current_schema() AND c.contype IN ('p', 'u', 'f', 'c')
    """
)
_ENUMS_SQL: Final = text(
    """
    SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
    FROM pg_type t
    JOIN pg_enum e ON e.enumtypid = t.oid
    JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = current_schema()
    GROUP BY t.typname
    """
)


@dataclass(frozen=True)
class _Constraint:
    table: str
    name: str
    kind: str
    definition: str


@contextmanager
def _connection(url: str) -> Iterator[Connection]:
    engine = create_engine(checked_url(url), connect_args={"connect_timeout": 5})
    try:
        try:
            conn = engine.connect()
        except sa_exc.OperationalError as exc:
            raise connection_failed(url, exc.orig or exc) from exc
        with conn:
            yield conn
    finally:
        engine.dispose()


def _strip_locations(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip_locations(v) for k, v in node.items() if k not in ("location",)}
    if isinstance(node, list | tuple):
        return [_strip_locations(v) for v in node]
    return node


def _parse_one(sql: str) -> Any:
    stmt = pglast.parse_sql(sql)[0].stmt
    if stmt is None:
        raise ValueError(f"not a SQL statement: {sql!r}")
    return _strip_locations(stmt())


def normalized_index(sql: str) -> str:
    """Return a canonical form of a CREATE INDEX statement (ignores spelling, schema, name)."""
    tree = _parse_one(sql)
    relation = dict(tree["relation"])
    relation.pop("schemaname", None)
    tree["relation"] = relation
    tree.pop("idxname", None)
    return repr(sorted(tree.items()))


def normalized_expression(sql: str) -> str:
    """Return a canonical form of a SQL expression (ignores spelling and parentheses)."""
    return repr(_parse_one(f"SELECT {sql}"))


def _index_sql(index: Index) -> str:
    return str(CreateIndex(index).compile(dialect=_DIALECT, compile_kwargs={"literal_binds": True}))


def _describe_index(sql: str) -> str:
    return sql.split(" ON ", 1)[1] if " ON " in sql else sql


def _compare_indexes(conn: Connection, metadata: MetaData) -> Iterator[str]:
    actual = {
        (row.table_name, row.index_name): row.definition
        for row in conn.execute(_INDEXES_SQL)
        if row.table_name not in IGNORED_TABLES
    }
    expected = {
        (table.name, str(index.name)): _index_sql(index)
        for table in metadata.tables.values()
        for index in table.indexes
    }
    for key in sorted(expected.keys() - actual.keys()):
        yield f"{key[0]}: index {key[1]} is declared in db/schema.py but missing in the database"
    for key in sorted(actual.keys() - expected.keys()):
        yield f"{key[0]}: index {key[1]} exists in the database but not in db/schema.py"
    for key in sorted(expected.keys() & actual.keys()):
        if normalized_index(expected[key]) != normalized_index(actual[key]):
            yield (
                f"{key[0]}: index {key[1]} differs: database {_describe_index(actual[key])!r}, "
                f"db/schema.py {_describe_index(expected[key])!r}"
            )


def _fk_definition(
    columns: Sequence[str], table: str, referred: Sequence[str], on_delete: str, on_update: str
) -> str:
    return (
        f"FOREIGN KEY ({', '.join(columns)}) REFERENCES {table} ({', '.join(referred)}) "
        f"ON DELETE {on_delete} ON UPDATE {on_update}"
    )


def _actual_constraints(conn: Connection) -> dict[tuple[str, str], _Constraint]:
    found: dict[tuple[str, str], _Constraint] = {}
    for row in conn.execute(_CONSTRAINTS_SQL):
        if row.table_name in IGNORED_TABLES:
            continue
        columns = list(row.columns)
        if row.kind == "p":
            definition = f"PRIMARY KEY ({', '.join(columns)})"
        elif row.kind == "u":
            definition = f"UNIQUE ({', '.join(columns)})"
        elif row.kind == "f":
            definition = _fk_definition(
                columns,
                row.referred_table,
                list(row.referred_columns),
                _FK_ACTIONS[row.on_delete],
                _FK_ACTIONS[row.on_update],
            )
        else:
            definition = f"CHECK ({row.check_sql})"
        found[(row.table_name, row.name)] = _Constraint(
            row.table_name, row.name, row.kind, definition
        )
    return found


def _expected_constraints(metadata: MetaData) -> dict[tuple[str, str], _Constraint]:
    found: dict[tuple[str, str], _Constraint] = {}

    def add(table: Table, name: str, kind: str, definition: str) -> None:
        found[(table.name, name)] = _Constraint(table.name, name, kind, definition)

    for table in metadata.tables.values():
        pk_columns = [c.name for c in table.primary_key.columns]
        if pk_columns:
            pk_name = table.primary_key.name or f"{table.name}_pkey"
            add(table, str(pk_name), "p", f"PRIMARY KEY ({', '.join(pk_columns)})")
        for constraint in table.constraints:
            columns = [c.name for c in getattr(constraint, "columns", [])]
            if isinstance(constraint, UniqueConstraint):
                name = constraint.name or f"{table.name}_{'_'.join(columns)}_key"
                add(table, str(name), "u", f"UNIQUE ({', '.join(columns)})")
            elif isinstance(constraint, ForeignKeyConstraint):
                name = constraint.name or f"{table.name}_{'_'.join(columns)}_fkey"
                definition = _fk_definition(
                    columns,
                    constraint.referred_table.name,
                    [element.column.name for element in constraint.elements],
                    (constraint.ondelete or "NO ACTION").upper(),
                    (constraint.onupdate or "NO ACTION").upper(),
                )
                add(table, str(name), "f", definition)
            elif isinstance(constraint, CheckConstraint) and constraint.name:
                sqltext = constraint.sqltext.compile(
                    dialect=_DIALECT, compile_kwargs={"literal_binds": True}
                )
                add(table, str(constraint.name), "c", f"CHECK ({sqltext})")
        for column in table.columns:
            if column.unique:
                add(table, f"{table.name}_{column.name}_key", "u", f"UNIQUE ({column.name})")
    return found


def _same_constraint(expected: _Constraint, actual: _Constraint) -> bool:
    if expected.kind != actual.kind:
        return False
    if expected.kind == "c":
        return normalized_expression(expected.definition[6:-1]) == normalized_expression(
            actual.definition[6:-1]
        )
    return expected.definition == actual.definition


_KIND_NAMES: Final = {
    "p": "primary key",
    "u": "unique constraint",
    "f": "foreign key",
    "c": "check",
}


def _compare_constraints(conn: Connection, metadata: MetaData) -> Iterator[str]:
    actual = _actual_constraints(conn)
    expected = _expected_constraints(metadata)
    for key in sorted(expected.keys() - actual.keys()):
        item = expected[key]
        yield (
            f"{key[0]}: {_KIND_NAMES[item.kind]} {key[1]} ({item.definition}) is declared in "
            "db/schema.py but missing in the database"
        )
    for key in sorted(actual.keys() - expected.keys()):
        item = actual[key]
        yield (
            f"{key[0]}: {_KIND_NAMES[item.kind]} {key[1]} ({item.definition}) exists in the "
            "database but not in db/schema.py"
        )
    for key in sorted(expected.keys() & actual.keys()):
        if not _same_constraint(expected[key], actual[key]):
            yield (
                f"{key[0]}: constraint {key[1]} differs: database {actual[key].definition!r}, "
                f"db/schema.py {expected[key].definition!r}"
            )


def _expected_enums(metadata: MetaData) -> dict[str, list[str]]:
    enums: dict[str, list[str]] = {}
    for table in metadata.tables.values():
        for column in table.columns:
            kind = column.type
            if isinstance(kind, postgresql.ENUM) and kind.name:
                enums[kind.name] = list(kind.enums)
    return enums


def _compare_enums(conn: Connection, metadata: MetaData) -> Iterator[str]:
    actual = {row.name: list(row.labels) for row in conn.execute(_ENUMS_SQL)}
    expected = _expected_enums(metadata)
    for name in sorted(expected.keys() - actual.keys()):
        yield f"enum {name} is declared in db/schema.py but missing in the database"
    for name in sorted(actual.keys() - expected.keys()):
        yield f"enum {name} exists in the database but not in db/schema.py"
    for name in sorted(expected.keys() & actual.keys()):
        if expected[name] != actual[name]:
            yield (
                f"enum {name} labels differ: database {actual[name]}, db/schema.py {expected[name]}"
            )


def _include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    return not (type_ == "table" and name in IGNORED_TABLES)


def _describe_alembic(diff: Any) -> str | None:
    if isinstance(diff, list):
        return "; ".join(filter(None, (_describe_alembic(item) for item in diff))) or None
    op = diff[0]
    if op in _ALEMBIC_SKIPPED_OPS:
        return None
    if op == "add_table":
        return f"{diff[1].name}: table is declared in db/schema.py but missing in the database"
    if op == "remove_table":
        return f"{diff[1].name}: table exists in the database but not in db/schema.py"
    if op == "add_column":
        return f"{diff[2]}: column {diff[3].name} is declared in db/schema.py but missing"
    if op == "remove_column":
        return f"{diff[2]}: column {diff[3].name} exists in the database but not in db/schema.py"
    if op in ("modify_type", "modify_nullable", "modify_default", "modify_comment"):
        what = op.removeprefix("modify_")
        database, declared = diff[5], diff[6]
        if op == "modify_default":
            database = getattr(getattr(database, "arg", database), "text", database)
            declared = getattr(getattr(declared, "arg", declared), "text", declared)
        return (
            f"{diff[2]}: column {diff[3]} {what} differs: database {database!s}, "
            f"db/schema.py {declared!s}"
        )
    return f"{op}: {diff[1:]!r}"


def _compare_columns(conn: Connection, metadata: MetaData) -> Iterator[str]:
    context = MigrationContext.configure(
        conn,
        opts={
            "compare_type": True,
            "compare_server_default": True,
            "include_object": _include_object,
        },
    )
    for diff in compare_metadata(context, metadata):
        line = _describe_alembic(diff)
        if line:
            yield line


def compare(conn: Connection, metadata: MetaData = project_metadata) -> list[str]:
    """Return every difference between CONN's database and METADATA, one readable line each."""
    return [
        *_compare_columns(conn, metadata),
        *_compare_indexes(conn, metadata),
        *_compare_constraints(conn, metadata),
        *_compare_enums(conn, metadata),
    ]


def find_drift(url: str, metadata: MetaData = project_metadata) -> list[str]:
    """Return every difference between the database at URL and METADATA, one readable line each."""
    with _connection(url) as conn:
        return compare(conn, metadata)


def describe(differences: Sequence[str]) -> str:
    """Return DIFFERENCES as an indented, numbered report."""
    return "\n".join(f"  {n}. {line}" for n, line in enumerate(differences, start=1))
