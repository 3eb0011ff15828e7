"""Runs every TXI check family over a project and formats the result."""

from __future__ import annotations

import gc
import itertools
import json
import multiprocessing
import os
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

Check = Callable[[Project, SchemaInfo], Iterable[Message]]


def _plain(check: Callable[[Project], Iterable[Message]]) -> Check:
    return lambda project, _schema: check(project)


# Families grouped so that each group can run in its own process on a large project: a group's
# families share cached reads (repositories feed both TXI042 and TXI051).
GROUPS: tuple[tuple[tuple[frozenset[str], Check], ...], ...] = (
    ((check_row_schemas.CODES, check_row_schemas.check),),
    (
        (check_repositories.CODES, check_repositories.check),
        (check_retention.CODES, check_retention.check),
    ),
    (
        (check_factories.CODES, check_factories.check),
        (check_triggers.CODES, _plain(check_triggers.check)),
        (check_migrations.CODES, _plain(check_migrations.check)),
        (check_generated.CODES, _plain(check_generated.check)),
        (check_events.CODES, _plain(check_events.check)),
    ),
)
# Below this many Python files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 300
_FORKED: tuple[Project, SchemaInfo] | None = None


def _run_group(index: int) -> list[Message]:
    """Run group INDEX on the project inherited from the parent (fork) or given directly."""
    assert _FORKED is not None
    project, schema = _FORKED
    found: list[Message] = []
    for codes, check in GROUPS[index]:
        if any(project.settings.wants(code) for code in codes):
            found.extend(check(project, schema))
    return found


def _parallel(package: Path, jobs: int | None) -> bool:
    if jobs is not None:
        return jobs > 1
    if (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return False
    modules = itertools.islice(package.rglob("*.py"), PARALLEL_THRESHOLD)
    return sum(1 for _ in modules) >= PARALLEL_THRESHOLD


def run_checks(root: Path, settings: Settings, jobs: int | None = None) -> list[Message]:
    """Check the project at ROOT statically and return its messages, sorted by path and line.

    JOBS > 1 runs the check groups in forked processes (None: only for large projects).
    """
    global _FORKED
    if not root.is_dir():
        raise ConfigError(f"{root}: not a directory")
    project = Project(root, settings)
    schema_rel = settings.roles.schema_module
    if not (root / schema_rel).is_file():
        raise ConfigError(
            f"{root}: schema module `{schema_rel}` not found; set `schema-module` (and "
            "`db-package`) in [tool.txlint] of pyproject.toml or pass --schema-module"
        )
    # The parsed trees are large and acyclic: the cyclic collector only costs time (and grows
    # superlinearly with the project), so it is paused for the run.
    collecting = gc.isenabled()
    gc.disable()
    try:
        _FORKED = (project, read_schema(project))
        indexes = range(len(GROUPS))
        package = root / settings.roles.db_package
        if _parallel(package, jobs) and "fork" in multiprocessing.get_all_start_methods():
            with multiprocessing.get_context("fork").Pool(min(len(GROUPS), 2)) as pool:
                results = pool.map(_run_group, indexes)
        else:
            results = [_run_group(index) for index in indexes]
    finally:
        _FORKED = None
        if collecting:
            gc.enable()
    found = [message for group in results for message in group]
    return sorted({m for m in found if settings.wants(m.code)})


def format_messages(messages: list[Message], output_format: str) -> str:
    """Render MESSAGES as text lines or as a JSON array."""
    if output_format == "json":
        return json.dumps([m.as_dict() for m in messages], indent=2)
    return "\n".join(m.as_text() for m in messages)
