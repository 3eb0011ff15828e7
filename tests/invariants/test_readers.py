"""The shared readers: generated headers, SQL triggers and pgTAP names, annotations, tables."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from lint_rules.invariants.generated import (
    BANNER,
    generated_header,
    is_generated,
    verify_generated,
)
from lint_rules.invariants.project import Project
from lint_rules.invariants.settings import load_settings
from lint_rules.invariants.shapes import read_shape
from lint_rules.invariants.sqlsource import (
    executable_names,
    parse_sql,
    strip_psql_meta,
    trigger_ops,
)
from lint_rules.invariants.tables import read_schema
from tests.invariants.helpers import write


def test_generated_header_round_trip() -> None:
    """A rendered header verifies; the hashes follow the documented recipe."""
    inputs = [("db/a.py", b"A = 1\n"), ("db/b.py", b"")]
    body = b"SELECT 1;\n"
    header = generated_header(inputs, body)
    first, second = header.splitlines()
    assert first == BANNER
    expected_inputs = hashlib.sha256(b"db/a.py\0A = 1\n\0db/b.py\0\0").hexdigest()
    assert second == (
        f"-- txdb:generated inputs=db/a.py,db/b.py inputs-sha256={expected_inputs} "
        f"body-sha256={hashlib.sha256(body).hexdigest()}"
    )
    data = header.encode() + body
    assert is_generated(data)
    assert verify_generated(data, dict(inputs).get) == []


def test_generated_header_problems() -> None:
    """Edited bodies, changed or missing inputs and malformed headers are reported."""
    inputs = [("db/a.py", b"A = 1\n")]
    data = generated_header(inputs, b"SELECT 1;\n").encode() + b"SELECT 1;\n"
    edited = data.replace(b"SELECT 1", b"SELECT 2")
    assert [p.line for p in verify_generated(edited, dict(inputs).get)] == [3]
    changed = verify_generated(data, {"db/a.py": b"A = 2\n"}.get)
    assert ["inputs changed" in p.text for p in changed] == [True]
    nothing: dict[str, bytes] = {}
    missing = verify_generated(data, nothing.get)
    assert ["no longer exists" in p.text for p in missing] == [True]
    malformed = verify_generated(BANNER.encode() + b"\n-- something else\nSELECT 1;\n", nothing.get)
    assert ["malformed" in p.text for p in malformed] == [True]
    assert not is_generated(b"-- hand written\nSELECT 1;\n")


def _live(sql: str) -> set[tuple[str, str]]:
    live: set[tuple[str, str]] = set()
    for op in trigger_ops(parse_sql(sql)):
        if op.kind == "create":
            live.add((op.table, op.name))
        elif op.kind == "drop":
            live.discard((op.table, op.name))
        elif op.kind == "drop_table":
            live = {item for item in live if item[0] != op.table}
    return live


def test_trigger_ops_follow_sql_semantics() -> None:
    """Creates, drops (also via DROP TABLE), schema-qualified names and OR REPLACE are read."""
    sql = """
    CREATE TRIGGER a BEFORE UPDATE ON public.t FOR EACH ROW EXECUTE FUNCTION f();
    CREATE OR REPLACE TRIGGER b AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();
    CREATE TRIGGER c AFTER INSERT ON u FOR EACH ROW EXECUTE FUNCTION f();
    DROP TRIGGER IF EXISTS a ON public.t;
    DROP TABLE u;
    -- CREATE TRIGGER in_a_comment BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f();
    SELECT 'CREATE TRIGGER in_a_string';
    """
    assert _live(sql) == {("t", "b")}


def test_trigger_ops_inside_do_blocks() -> None:
    """DO blocks: static statements, EXECUTE of a constant and of format() with constants."""
    sql = """DO $body$
    BEGIN
      CREATE TRIGGER x BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f();
      EXECUTE 'DROP TRIGGER x ON t';
      EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I FOR EACH ROW EXECUTE FUNCTION f()',
                     'Mixed Case', 't');
    END
    $body$;"""
    assert _live(sql) == {("t", "Mixed Case")}
    ops = list(trigger_ops(parse_sql(sql)))
    assert [op.line for op in ops] == [3, 4, 5]


def test_unreadable_dynamic_trigger_sql() -> None:
    """EXECUTE of a computed string that creates a trigger is reported as unreadable."""
    sql = "DO $$ BEGIN EXECUTE 'CREATE TRIGGER ' || quote_ident(n) || ' ...'; END $$;"
    assert [op.kind for op in trigger_ops(parse_sql(sql))] == ["unreadable"]


def test_parse_errors_carry_lines_after_non_ascii_text() -> None:
    """Error lines are right even after multi-byte characters."""
    parsed = parse_sql("-- café ☕\nSELECT 1;\nSELEC 2;\n")
    assert parsed.error is not None
    assert parsed.error_line == 3


def test_executable_names_skip_comments_and_meta_commands() -> None:
    """Identifiers and whole strings count; comments, descriptions and psql commands do not."""
    text = """
    -- trg_comment
    /* trg_block */
    \\set trg_meta 1
    SELECT has_trigger('t', 'trg_string', 'trg_description is fine');
    SELECT results_eq($$SELECT tgname FROM pg_trigger WHERE tgname = 'trg_nested'$$, 'x');
    SELECT 1 AS trg_ident \\gset
    """
    names = executable_names(text)
    assert {"trg_string", "trg_nested", "trg_ident"} <= names
    assert not {"trg_comment", "trg_block", "trg_meta", "trg_description"} & names


def test_strip_psql_meta_keeps_sql_parseable() -> None:
    """psql meta-commands are blanked so the suite parses."""
    text = "BEGIN;\n\\set x 1\nSELECT 1 \\gset\n;\nROLLBACK;\n"
    assert parse_sql(text).error is not None
    assert parse_sql(strip_psql_meta(text)).error is None


@pytest.fixture
def mini(tmp_path: Path) -> Project:
    """A tiny project with one table and various ways of writing a RowShape."""
    write(tmp_path, "db/__init__.py", "")
    write(
        tmp_path,
        "db/schema.py",
        "import sqlalchemy as sa\nfrom sqlalchemy.dialects import postgresql as pg\n"
        "from db import literals as lit\n"
        "kind = sa.Enum(*lit.KINDS, name='kind')\n"
        "things = sa.Table('things', sa.MetaData(),\n"
        "    sa.Column('id', pg.UUID(as_uuid=True), primary_key=True),\n"
        "    sa.Column('kind', kind, nullable=True),\n"
        "    sa.Column(type_=sa.Text, name='odd'),\n"
        "    sa.Column('n', sa.Integer(), nullable=False),\n"
        "    sa.Column('parent_id', sa.ForeignKey('public.things.id')),\n"
        "    sa.Index('things_n', 'n'))\n",
    )
    write(tmp_path, "db/literals.py", "KINDS = ('a',) + ('b',)\n")
    write(
        tmp_path,
        "db/shapes.py",
        "from typing import Optional, TypedDict, NotRequired, Literal, Union\n"
        "import uuid\nimport pydantic\n"
        "class Base(TypedDict):\n    id: uuid.UUID\n"
        "class Shape(Base):\n"
        "    kind: Optional[Literal['b', 'a']]\n"
        "    n: NotRequired['int']\n"
        "    u: Union[int, str]\n"
        "    when: pydantic.AwareDatetime\n"
        "Functional = TypedDict('Functional', {'id': 'uuid.UUID', 'n': int})\n",
    )
    return Project(tmp_path, load_settings(tmp_path))


def test_table_reader(mini: Project) -> None:
    """Module aliases, Enum from a tuple sum, `type_=`, a type taken from its ForeignKey."""
    schema = read_schema(mini)
    table = schema.tables["things"]
    assert [(c.name, c.type.family, c.nullable) for c in table.columns] == [
        ("id", "uuid", False),
        ("kind", "enum", True),
        ("n", "int", False),
        ("parent_id", "uuid", True),
    ]
    assert table.columns[1].type.enum_values == frozenset({"a", "b"})
    assert [text for _, text in table.unreadable] == [
        "a Column whose first argument is not a string name"
    ]


def test_shape_reader(mini: Project) -> None:
    """Inheritance, Optional, Literal, NotRequired, string annotations and the functional form."""
    module = mini.module("db/shapes.py")
    assert module is not None
    shape = read_shape(mini, module, "Shape")
    assert shape is not None
    families = {name: (f.type.family, f.type.nullable) for name, f in shape.fields.items()}
    assert families == {
        "id": ("uuid", False),
        "kind": ("enum", True),
        "n": ("int", False),
        "u": (None, False),
        "when": ("datetime", False),
    }
    assert shape.fields["kind"].type.enum_values == frozenset({"a", "b"})
    functional = read_shape(mini, module, "Functional")
    assert functional is not None
    assert {n: f.type.family for n, f in functional.fields.items()} == {"id": "uuid", "n": "int"}
    assert read_shape(mini, module, "Missing") is None
