"""How `txlint check` scales: synthetic projects of 50, 500 and 2,000 tables, timed end to end.

Each synthetic table has a schema declaration (uuid, text, enum, JSONB, timestamptz columns), a
row schema, a factory, a repository that prunes it, a retention default, a trigger in a migration
and a pgTAP assertion, so every TXI check has real work. The script asserts each project is clean,
times the `txlint` console script (process start included, median of several runs) and rewrites
only its own section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from lint_rules.invariants.generated import generated_header

SIZES = (50, 500, 2000)
TABLES_PER_MIGRATION = 25
TABLES_PER_SUITE = 50
TXLINT = Path(sys.executable).with_name("txlint")
DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
SECTION = "invariants_scale"

_LITERALS = """from typing import Final, Literal

STATES: Final = ("new", "active", "closed")
State = Literal["new", "active", "closed"]
DOMAIN_EVENT_TYPES: Final = ("thing.created", "thing.closed")
"""
_JSON_TYPES = """from typing import TypeAlias, TypedDict

JsonValue: TypeAlias = str | int | float | bool | None | list["JsonValue"] | dict[str, "JsonValue"]
JsonObject: TypeAlias = dict[str, JsonValue]


class Settings(TypedDict):
    colour: str
"""
_ROW_SCHEMA = """from datetime import datetime
from typing import Final, TypedDict
from uuid import UUID

from pydantic import ConfigDict, TypeAdapter

from db.json_types import JsonObject, Settings
from db.literals import State


class {pascal}RowShape(TypedDict):
    id: UUID
    name: str
    note: str | None
    state: State
    settings: Settings
    extra: JsonObject | None
    count: int
    created_at: datetime


{pascal}RowSchema: Final = TypeAdapter({pascal}RowShape, config=ConfigDict(strict=True))
"""
_FACTORY = """from typing import Any


def create_{table}_factory(**overrides: Any) -> dict[str, Any]:
    return {{"name": "{table}", **overrides}}
"""
_REPOSITORY = """from sqlalchemy import delete, select

from db.client import provide_db
from db.row_schemas.{table} import {pascal}RowSchema
from db.schema import {table}


class _Repository:
    async def get(self, key):
        async with provide_db() as conn:
            row = (await conn.execute(select({table}).where({table}.c.id == key))).mappings().one()
            return {pascal}RowSchema.validate_python(dict(row))

    async def prune_expired(self, older_than):
        async with provide_db() as conn:
            statement = delete({table}).where({table}.c.created_at < older_than)
            return (await conn.execute(statement)).rowcount


{table}_repository = _Repository()
"""
_TABLE = """{table} = Table(
    "{table}",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("name", Text, nullable=False),
    Column("note", Text),
    Column("state", state, nullable=False),
    Column("settings", JSONB, nullable=False),
    Column("extra", JSONB),
    Column("count", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("{table}_created_at_idx", "created_at"),
)
"""
_SQL_TABLE = """CREATE TABLE {table} (
    id uuid PRIMARY KEY, name text NOT NULL, note text, state state NOT NULL,
    settings jsonb NOT NULL, extra jsonb, count integer NOT NULL, created_at timestamptz NOT NULL
);
CREATE INDEX {table}_created_at_idx ON {table} (created_at);
CREATE TRIGGER {table}_touch BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION touch();
"""


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def generate_project(root: Path, tables: int) -> int:
    """Write a clean synthetic project of TABLES tables under ROOT; return its file count."""
    names = [f"table_{index:05d}" for index in range(tables)]
    pascals = ["".join(part.capitalize() for part in name.split("_")) for name in names]
    _write(root / "pyproject.toml", '[tool.txlint]\ndb-package = "db"\n')
    _write(root / "db/__init__.py", "")
    _write(root / "db/literals.py", _LITERALS)
    _write(root / "db/json_types.py", _JSON_TYPES)
    _write(root / "db/client.py", "async def provide_db():\n    ...\n")
    schema_header = (
        "from sqlalchemy import Column, DateTime, Index, Integer, MetaData, Table, Text\n"
        "from sqlalchemy.dialects.postgresql import ENUM, JSONB, UUID\n\n"
        "from db.literals import STATES\n\nmetadata = MetaData()\n"
        'state = ENUM(*STATES, name="state", create_type=False)\n\n'
    )
    _write(root / "db/schema.py", schema_header + "\n".join(_TABLE.format(table=t) for t in names))
    row_init, factory_init = [], []
    for table, pascal in zip(names, pascals, strict=True):
        _write(root / f"db/row_schemas/{table}.py", _ROW_SCHEMA.format(pascal=pascal))
        _write(root / f"db/factories/{table}.py", _FACTORY.format(table=table))
        _write(root / f"db/repositories/{table}.py", _REPOSITORY.format(table=table, pascal=pascal))
        row_init.append(f"from .{table} import {pascal}RowSchema, {pascal}RowShape\n")
        factory_init.append(f"from .{table} import create_{table}_factory\n")
    _write(root / "db/row_schemas/__init__.py", "".join(row_init))
    _write(root / "db/factories/__init__.py", "".join(factory_init))
    _write(root / "db/repositories/__init__.py", "")
    defaults = "".join(
        f'    "{t}": RetentionDefault(table="{t}", retention_days=30),\n' for t in names
    )
    defaults_text = (
        "from dataclasses import dataclass\n\n\n@dataclass\nclass RetentionDefault:\n"
        "    table: str\n    retention_days: int\n\n\nRETENTION_DEFAULTS = {\n"
        f"{defaults}}}\nNEVER_PRUNED_TABLES = ()\n"
    )
    _write(root / "db/system_settings_defaults.py", defaults_text)
    prelude = (
        "CREATE TYPE state AS ENUM ('new', 'active', 'closed');\n"
        "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN NEW.created_at = now(); RETURN NEW; END $$;\n"
    )
    for start in range(0, tables, TABLES_PER_MIGRATION):
        chunk = names[start : start + TABLES_PER_MIGRATION]
        body = (prelude if start == 0 else "") + "".join(_SQL_TABLE.format(table=t) for t in chunk)
        _write(root / f"migrations/{start // TABLES_PER_MIGRATION + 1:04d}_tables.sql", body)
    for start in range(0, tables, TABLES_PER_SUITE):
        chunk = names[start : start + TABLES_PER_SUITE]
        checks = "".join(f"SELECT has_trigger('{t}', '{t}_touch');\n" for t in chunk)
        suite = f"BEGIN;\nSELECT plan({len(chunk)});\n{checks}SELECT * FROM finish();\nROLLBACK;\n"
        _write(root / f"pgtap/{start // TABLES_PER_SUITE + 1:03d}_triggers.sql", suite)
    generated_body = b"SELECT 1;\n"
    inputs = [("db/system_settings_defaults.py", defaults_text.encode())]
    header = generated_header(inputs, generated_body)
    _write(root / "schemas/retention.sql", header + generated_body.decode())
    return sum(1 for path in root.rglob("*") if path.is_file())


def time_check(root: Path, runs: int) -> tuple[list[float], list[float]]:
    """Run the `txlint` script RUNS times on ROOT: wall and CPU seconds; fail unless clean."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        result = subprocess.run([TXLINT, "check", str(root)], capture_output=True, text=True)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if result.returncode != 0:
            raise SystemExit(f"synthetic project is not clean:\n{result.stdout}{result.stderr}")
    return walls, cpus


def machine() -> str:
    """One line naming the machine (cores, memory, system, Python) and the date (UTC)."""
    memory = "?"
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            total = next(line for line in meminfo if line.startswith("MemTotal:"))
            memory = f"{int(total.split()[1]) / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration):
        pass
    return (
        f"{os.cpu_count()} cores, {memory}, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}; measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )


def rewrite_section(body: str, doc: Path = DOC) -> None:
    """Replace only the text between this script's two markers in DOC."""
    start, end = f"<!-- bench:{SECTION}:start -->", f"<!-- bench:{SECTION}:end -->"
    text = doc.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise SystemExit(f"{doc}: markers of section {SECTION!r} not found")
    replacement = f"{start}\n{body.strip()}\n{end}"
    doc.write_text(pattern.sub(lambda _: replacement, text, count=1), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Measure every size and rewrite the docs section (unless --no-write)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print instead of rewriting docs")
    args = parser.parse_args(argv)
    rows = []
    for size in (int(part) for part in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as scratch:
            files = generate_project(Path(scratch), size)
            walls, cpus = time_check(Path(scratch), args.runs)
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        rows.append(
            f"| {size} | {files} | {wall:.2f} | {max(walls):.2f} | {cpu:.2f} | "
            f"{wall / size * 1000:.2f} | {cpu / size * 1000:.2f} |"
        )
        print(f"{size} tables, {files} files: median {wall:.2f}s wall, {cpu:.2f}s CPU", flush=True)
    header = (
        "| tables | files | wall, median (s) | wall, slowest (s) | CPU, median (s) "
        "| wall per table (ms) | CPU per table (ms) |"
    )
    table = "\n".join([header, "|---|---|---|---|---|---|---|", *rows])
    body = (
        f"`txlint check` (the console script, process start included; median of {args.runs} "
        "runs) on synthetic projects where every table has a schema declaration, row schema, "
        "factory, pruning repository, retention default, trigger and pgTAP assertion. CPU is "
        "user + system time of txlint and its forked workers (on projects this size the check "
        "groups run in two processes), which other load on the machine does not inflate. "
        "Target: under 5 s at 500 tables, growing linearly.\n\n"
        f"{table}\n\nMachine: {machine()}. Load average when measured: "
        f"{os.getloadavg()[0]:.1f}."
    )
    if args.no_write:
        print(body)
    else:
        rewrite_section(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
