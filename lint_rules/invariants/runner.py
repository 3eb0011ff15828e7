"""Runs every TXI check family over a project and formats the result."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

from lint_rules.config import ConfigError
from lint_rules.invariants import (
    check_events,
    check_factories,
    check_generated,
    check_migrations,
    check_repositories,
    check_retention,
    check_row_schemas,
    check_triggers,
)
from lint_rules.invariants.model import Message
from lint_rules.invariants.project import Project
from lint_rules.invariants.settings import Settings
from lint_rules.invariants.tables import SchemaInfo, read_schema

SchemaCheck = Callable[[Project, SchemaInfo], Iterable[Message]]
PlainCheck = Callable[[Project], Iterable[Message]]

SCHEMA_CHECKS: tuple[tuple[frozenset[str], SchemaCheck], ...] = (
    (check_row_schemas.CODES, check_row_schemas.check),
    (check_factories.CODES, check_factories.check),
    (check_retention.CODES, check_retention.check),
    (check_repositories.CODES, check_repositories.check),
)
PLAIN_CHECKS: tuple[tuple[frozenset[str], PlainCheck], ...] = (
    (check_triggers.CODES, check_triggers.check),
    (check_migrations.CODES, check_migrations.check),
    (check_generated.CODES, check_generated.check),
    (check_events.CODES, check_events.check),
)


def run_checks(root: Path, settings: Settings) -> list[Message]:
    """Check the project at ROOT statically and return its messages, sorted by path and line."""
    if not root.is_dir():
        raise ConfigError(f"{root}: not a directory")
    project = Project(root, settings)
    schema_rel = settings.roles.schema_module
    if not (root / schema_rel).is_file():
        raise ConfigError(
            f"{root}: schema module `{schema_rel}` not found; set `schema-module` (and "
            "`db-package`) in [tool.txlint] of pyproject.toml or pass --schema-module"
        )
    found: list[Message] = []
    schema: SchemaInfo | None = None
    for codes, schema_check in SCHEMA_CHECKS:
        if any(settings.wants(code) for code in codes):
            schema = schema or read_schema(project)
            found.extend(schema_check(project, schema))
    for codes, plain_check in PLAIN_CHECKS:
        if any(settings.wants(code) for code in codes):
            found.extend(plain_check(project))
    return sorted({m for m in found if settings.wants(m.code)})


def format_messages(messages: list[Message], output_format: str) -> str:
    """Render MESSAGES as text lines or as a JSON array."""
    if output_format == "json":
        return json.dumps([m.as_dict() for m in messages], indent=2)
    return "\n".join(m.as_text() for m in messages)
