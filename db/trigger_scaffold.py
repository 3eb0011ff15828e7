"""`txdb trigger new`: scaffold a trigger migration and a pgTAP suite that fails until written."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pglast import keywords

EXIT_OK: Final = 0
EXIT_USAGE: Final = 2

IDENTIFIER: Final = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_IDENTIFIER_LENGTH: Final = 63
TIMINGS: Final = ("BEFORE", "AFTER")
EVENTS: Final = ("INSERT", "UPDATE", "DELETE", "TRUNCATE")
LEVELS: Final = ("ROW", "STATEMENT")
TRIGGER_PREFIX: Final = "trg_"
FUNCTION_SUFFIX: Final = "_fn"
MIGRATION_NUMBER: Final = re.compile(r"^(?P<number>[0-9]{4})_(?P<stem>.+)\.sql$")
SUITE_NUMBER: Final = re.compile(r"^(?P<number>[0-9]{3})_(?P<stem>.+)\.sql$")
ALLOCATION_ATTEMPTS: Final = 20

_UNQUOTABLE: Final = frozenset(keywords.RESERVED_KEYWORDS) | frozenset(
    keywords.TYPE_FUNC_NAME_KEYWORDS
)


class ScaffoldError(ValueError):
    """Invalid scaffolding input, or files that would clash with existing ones."""


@dataclass(frozen=True)
class TriggerSpec:
    """A validated trigger request and the names derived from it."""

    name: str
    schema: str | None
    table: str
    timing: str
    events: tuple[str, ...]
    level: str

    @property
    def trigger(self) -> str:
        """The trigger's name, `trg_<name>`."""
        return f"{TRIGGER_PREFIX}{self.name}"

    @property
    def function(self) -> str:
        """The trigger function's name, `<name>_fn`."""
        return f"{self.name}{FUNCTION_SUFFIX}"

    @property
    def qualified_table(self) -> str:
        """The table as written in SQL, schema-qualified when a schema was given."""
        return f"{self.schema}.{self.table}" if self.schema else self.table

    @property
    def qualified_function(self) -> str:
        """The function as written in SQL, in the table's schema when one was given."""
        return f"{self.schema}.{self.function}" if self.schema else self.function


def slugify(name: str) -> str:
    """Return NAME in snake_case: lowercase, runs of other characters turned into `_`."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def _check_identifier(value: str, what: str) -> None:
    if not IDENTIFIER.match(value):
        raise ScaffoldError(
            f"{what} {value!r} is not a valid identifier: use lowercase letters, digits and "
            "underscores, starting with a letter"
        )
    if len(value) > MAX_IDENTIFIER_LENGTH:
        raise ScaffoldError(
            f"{what} {value!r} is {len(value)} characters long; PostgreSQL identifiers are at "
            f"most {MAX_IDENTIFIER_LENGTH}"
        )


def _parse_table(table: str) -> tuple[str | None, str]:
    parts = table.strip().split(".")
    if len(parts) > 2 or not all(parts):
        raise ScaffoldError(f"table {table!r} must be `table` or `schema.table`")
    for part in parts:
        _check_identifier(part, "table name part" if len(parts) == 2 else "table")
        if part in _UNQUOTABLE:
            raise ScaffoldError(
                f"table name part {part!r} is a reserved SQL keyword; rename the table"
            )
    return (parts[0], parts[1]) if len(parts) == 2 else (None, parts[0])


def _choice(value: str, allowed: Sequence[str], what: str) -> str:
    normalized = value.strip().upper()
    if normalized not in allowed:
        raise ScaffoldError(f"{what} {value!r} is not one of {', '.join(allowed)}")
    return normalized


def _parse_events(events: Sequence[str]) -> tuple[str, ...]:
    parsed: list[str] = []
    for event in events:
        normalized = _choice(event, EVENTS, "event")
        if normalized in parsed:
            raise ScaffoldError(f"event {normalized} is listed twice")
        parsed.append(normalized)
    if not parsed:
        raise ScaffoldError(f"give at least one event out of {', '.join(EVENTS)}")
    return tuple(sorted(parsed, key=EVENTS.index))


def trigger_spec(
    *, name: str, table: str, timing: str, events: Sequence[str], level: str
) -> TriggerSpec:
    """Validate a trigger request and return it normalised (slugified name, upper-case words)."""
    slug = slugify(name)
    if not slug:
        raise ScaffoldError(f"trigger name {name!r} has no letters or digits")
    _check_identifier(slug, "trigger name")
    _check_identifier(f"{TRIGGER_PREFIX}{slug}", "trigger")
    _check_identifier(f"{slug}{FUNCTION_SUFFIX}", "trigger function")
    schema, bare_table = _parse_table(table)
    parsed_timing = _choice(timing, TIMINGS, "timing")
    parsed_events = _parse_events(events)
    parsed_level = _choice(level, LEVELS, "level")
    if "TRUNCATE" in parsed_events and parsed_level != "STATEMENT":
        raise ScaffoldError("TRUNCATE triggers fire once per statement: use level STATEMENT")
    return TriggerSpec(slug, schema, bare_table, parsed_timing, parsed_events, parsed_level)


def _return_clause(spec: TriggerSpec) -> str:
    if spec.level == "STATEMENT":
        return "    -- The return value of a statement-level trigger is ignored.\n    RETURN NULL;"
    if spec.timing == "AFTER":
        return "    -- The return value of an AFTER ROW trigger is ignored.\n    RETURN NULL;"
    if spec.events == ("DELETE",):
        return "    -- Return OLD to let the delete proceed (NULL skips it).\n    RETURN OLD;"
    if "DELETE" in spec.events:
        return (
            "    -- Return the row to let the operation proceed (NULL skips it).\n"
            "    IF TG_OP = 'DELETE' THEN\n"
            "        RETURN OLD;\n"
            "    END IF;\n"
            "    RETURN NEW;"
        )
    return (
        "    -- Return the (possibly modified) row to let the operation proceed.\n    RETURN NEW;"
    )


def render_migration(spec: TriggerSpec) -> str:
    """Return the SQL of the migration creating the trigger function stub and the trigger."""
    events = " OR ".join(spec.events)
    return (
        f"-- Trigger {spec.trigger} on {spec.qualified_table}: {spec.timing} {events}, "
        f"FOR EACH {spec.level}.\n"
        "-- Scaffolded by `txdb trigger new`: write the function body, then replace the failing\n"
        "-- placeholder of its pgTAP suite with assertions on what the trigger does.\n"
        "\n"
        f"CREATE FUNCTION {spec.qualified_function}() RETURNS trigger\n"
        "LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        f"{_return_clause(spec)}\n"
        "END;\n"
        "$$;\n"
        "\n"
        f"CREATE TRIGGER {spec.trigger} {spec.timing} {events} ON {spec.qualified_table}\n"
        f"    FOR EACH {spec.level} EXECUTE FUNCTION {spec.qualified_function}();\n"
    )


def render_suite(spec: TriggerSpec) -> str:
    """Return the pgTAP suite for the trigger: existence, function, and a failing placeholder."""
    if spec.schema:
        table_args = f"'{spec.schema}', '{spec.table}'"
        function_args = f"'{spec.schema}', '{spec.function}'"
    else:  # the table and function visible on the search path, as the migration creates them
        table_args = f"'{spec.table}'"
        function_args = f"'{spec.function}'"
    return (
        f"-- {spec.trigger} on {spec.qualified_table}. Scaffolded by `txdb trigger new`.\n"
        "-- The last assertion fails on purpose: replace it with assertions on the trigger's\n"
        "-- behaviour (insert or update rows, then `is(...)`, `results_eq(...)`,\n"
        "-- `throws_ok(...)`) and update plan(N).\n"
        "BEGIN;\n"
        "SELECT plan(3);\n"
        "\n"
        f"SELECT has_trigger({table_args}, '{spec.trigger}', "
        f"'trigger {spec.trigger} exists on {spec.qualified_table}');\n"
        f"SELECT trigger_is({table_args}, '{spec.trigger}', {function_args}, "
        f"'{spec.trigger} calls {spec.function}()');\n"
        f"SELECT fail('replace this placeholder with real assertions for {spec.trigger}');\n"
        "\n"
        "SELECT * FROM finish();\n"
        "ROLLBACK;\n"
    )


def _next_number(directory: Path, pattern: re.Pattern[str], stem: str, limit: int) -> int:
    """Return the number after the highest in DIRECTORY; refuse when STEM is already used."""
    highest = 0
    for path in sorted(directory.iterdir()):
        match = pattern.match(path.name)
        if match is None:
            continue
        if match.group("stem") == stem:
            raise ScaffoldError(f"{path} already exists: pick another trigger name")
        highest = max(highest, int(match.group("number")))
    if highest >= limit:
        raise ScaffoldError(f"no free number left in {directory} (the highest is {limit})")
    return highest + 1


def _create_exclusive(
    directory: Path, first: int, width: int, stem: str, text: str, limit: int
) -> Path:
    """Create `<number>_<stem>.sql` exclusively, moving on if another writer took the number."""
    for number in range(first, min(first + ALLOCATION_ATTEMPTS, limit + 1)):
        path = directory / f"{number:0{width}d}_{stem}.sql"
        try:
            with path.open("x", encoding="utf-8") as handle:
                handle.write(text)
        except FileExistsError:
            continue
        return path
    raise ScaffoldError(f"could not allocate a free number for {stem}.sql in {directory}")


def _directory(root: Path, relative: str, what: str) -> Path:
    directory = root / relative
    if not directory.is_dir():
        raise ScaffoldError(f"{what} directory {directory} does not exist; create it first")
    return directory


def scaffold_trigger(
    root: Path,
    *,
    name: str,
    table: str,
    timing: str = "BEFORE",
    events: Sequence[str] = ("INSERT",),
    level: str = "ROW",
    migrations_dir: str = "migrations",
    pgtap_dir: str = "pgtap",
) -> tuple[Path, Path]:
    """Write the next migration and pgTAP suite for a new trigger; return their paths."""
    spec = trigger_spec(name=name, table=table, timing=timing, events=events, level=level)
    migrations = _directory(root, migrations_dir, "migrations")
    suites = _directory(root, pgtap_dir, "pgTAP")
    first_migration = _next_number(migrations, MIGRATION_NUMBER, spec.name, 9999)
    first_suite = _next_number(suites, SUITE_NUMBER, spec.name, 999)
    try:
        migration = _create_exclusive(
            migrations, first_migration, 4, spec.name, render_migration(spec), 9999
        )
    except OSError as exc:
        raise ScaffoldError(f"cannot write the migration: {exc}") from exc
    try:
        suite = _create_exclusive(suites, first_suite, 3, spec.name, render_suite(spec), 999)
    except (OSError, ScaffoldError) as exc:
        migration.unlink(missing_ok=True)
        raise ScaffoldError(f"cannot write the pgTAP suite (nothing written): {exc}") from exc
    return migration, suite


def run_cli(root: Path, name: str, table: str, timing: str, events: str, level: str) -> int:
    """Run `txdb trigger new` (EVENTS comma-separated); 0 on success, 2 on invalid input."""
    try:
        migration, suite = scaffold_trigger(
            root,
            name=name,
            table=table,
            timing=timing,
            events=[event for event in events.split(",") if event.strip()],
            level=level,
        )
    except ScaffoldError as exc:
        print(f"txdb trigger new: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"created {migration}")
    print(f"created {suite}")
    print(
        "next: write the trigger function in the migration, replace the failing placeholder in "
        "the suite with real assertions, then run `txdb migrate` and `txdb pgtap`"
    )
    return EXIT_OK
