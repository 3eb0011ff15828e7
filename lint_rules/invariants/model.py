"""Messages, the TXI code catalogue and the project being checked (a cache of parsed files)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from lint_rules.invariants.settings import Settings


class CodeInfo(NamedTuple):
    """What a TXI code checks and the default hint that says what to do."""

    summary: str
    hint: str


CODES: dict[str, CodeInfo] = {
    "TXI001": CodeInfo(
        "a table in the schema module without `row_schemas/<table>.py`",
        "add `<row-schemas>/<table>.py` with `<Pascal>RowShape` and `<Pascal>RowSchema`",
    ),
    "TXI002": CodeInfo(
        "a row-schema module without a table",
        "delete the module, rename it to the table it decodes, or declare the table",
    ),
    "TXI003": CodeInfo(
        "a row-schema module without `<Pascal>RowSchema` and `<Pascal>RowShape`, or not pydantic",
        "define `class <Pascal>RowShape(TypedDict)` and "
        "`<Pascal>RowSchema: Final = TypeAdapter(<Pascal>RowShape, "
        "config=ConfigDict(strict=True))`",
    ),
    "TXI004": CodeInfo(
        "`row_schemas/__init__.py` does not re-export a row-schema module",
        "add `from .<table> import <Pascal>RowSchema, <Pascal>RowShape` to `__init__.py`",
    ),
    "TXI005": CodeInfo(
        "RowShape fields differ from the table's columns (names, nullability or type family)",
        "make the RowShape match the table: one field per column, `X | None` exactly for "
        "nullable columns, and the column's Python type",
    ),
    "TXI006": CodeInfo(
        "a JSON or JSONB column whose RowShape field is weakly typed",
        "annotate the field with a concrete TypedDict or a type from the JSON types module "
        "(`JsonObject`, `JsonValue`), not `Any`, `object`, `dict` or `dict[str, Any]`",
    ),
    "TXI009": CodeInfo(
        "a column or field the checker cannot read (unknown is not clean)",
        "write it in the plain form txlint reads (see docs/invariants.md), "
        "or ignore TXI009 for this project",
    ),
    "TXI011": CodeInfo(
        "a table without `factories/<table>.py`",
        "add `<factories>/<table>.py` defining `create_<table>_factory(**overrides)`",
    ),
    "TXI012": CodeInfo(
        "a factory module without a table",
        "delete the module, rename it to the table it builds rows for, or declare the table",
    ),
    "TXI013": CodeInfo(
        "a factory module without `create_<table>_factory`",
        "define `def create_<table>_factory(**overrides)` in the module",
    ),
    "TXI014": CodeInfo(
        "`factories/__init__.py` does not re-export a factory",
        "add `from .<table> import create_<table>_factory` to `__init__.py`",
    ),
    "TXI021": CodeInfo(
        "a live trigger that no pgTAP suite names in an executable statement",
        "assert it in a pgTAP suite, e.g. `SELECT has_trigger('<table>', '<trigger>');` "
        "(a comment does not count)",
    ),
    "TXI022": CodeInfo(
        "no migrations, no pgTAP suites, or no triggers found where some are expected",
        "check the `migrations`/`pgtap` settings in [tool.txlint], or set "
        "`expect-triggers = false` for a project without triggers",
    ),
    "TXI023": CodeInfo(
        "a pgTAP suite without `plan(`, without `finish()`, or not wrapped in BEGIN ... ROLLBACK",
        "write the suite as `BEGIN; SELECT plan(N); ... SELECT * FROM finish(); ROLLBACK;`",
    ),
    "TXI031": CodeInfo(
        "a migration file not named `NNNN_snake_case.sql`, or a duplicate prefix",
        "rename the file to the next free four-digit prefix and a snake_case description",
    ),
    "TXI032": CodeInfo(
        "a migration that PostgreSQL's parser rejects",
        "fix the SQL syntax at the reported line",
    ),
    "TXI033": CodeInfo(
        "a migration with its own BEGIN/COMMIT/ROLLBACK, or a non-transactional statement "
        "without `-- txdb:no-transaction`",
        "remove transaction control (the runner wraps each file), or move the statement to its "
        "own file whose first line is `-- txdb:no-transaction`",
    ),
    "TXI041": CodeInfo(
        "a generated desired-state file that differs from what its generator renders",
        "run `txdb schemas generate` and commit the result; never edit generated files by hand",
    ),
    "TXI042": CodeInfo(
        "retention defaults that miss a prunable table or name an unknown one",
        "give every table a repository prunes a `RetentionDefault(table=...)` entry in "
        "RETENTION_DEFAULTS, and name only schema tables that are not in NEVER_PRUNED_TABLES",
    ),
    "TXI043": CodeInfo(
        "a domain event type not named `aggregate.event_name`",
        "rename the event type to lowercase `aggregate.event_name` "
        "(`^[a-z][a-z_]*\\.[a-z][a-z_]*$`)",
    ),
    "TXI051": CodeInfo(
        "a repository module that never enters `provide_db()` or imports no RowSchema",
        "run every query inside `async with provide_db() as conn:` and decode rows with a "
        "RowSchema imported from the row-schemas package",
    ),
}


@dataclass(frozen=True, order=True)
class Message:
    """One finding: where, which code, what is wrong and what to do about it."""

    path: str
    line: int
    col: int
    code: str
    message: str
    hint: str

    def as_text(self) -> str:
        """Return the one-line `path:line:col: CODE message (hint: ...)` form."""
        return f"{self.path}:{self.line}:{self.col}: {self.code} {self.message} (hint: {self.hint})"

    def as_dict(self) -> dict[str, str | int]:
        """Return the JSON form of the message."""
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }


def message(code: str, path: str, line: int, text: str, hint: str | None = None) -> Message:
    """Build a message for CODE at PATH:LINE; the hint defaults to the catalogue's."""
    return Message(path, max(line, 1), 1, code, text, hint or CODES[code].hint)


@dataclass
class ProjectPaths:
    """The root of the checked project and its settings."""

    root: Path
    settings: Settings

    def exists(self, rel: str) -> bool:
        """Return whether the project-relative path REL exists."""
        return (self.root / rel).exists()

    def read_text(self, rel: str) -> str | None:
        """Return the text of REL, or None when it is missing or not UTF-8."""
        try:
            return (self.root / rel).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def list_files(self, rel_dir: str, suffix: str, recursive: bool = False) -> list[str]:
        """Return the project-relative paths of files ending in SUFFIX under REL_DIR, sorted."""
        base = self.root / rel_dir
        if not base.is_dir():
            return []
        found = base.rglob(f"*{suffix}") if recursive else base.glob(f"*{suffix}")
        return sorted(p.relative_to(self.root).as_posix() for p in found if p.is_file())
