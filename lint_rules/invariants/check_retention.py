"""TXI042: retention defaults cover exactly the tables repositories prune."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from lint_rules.invariants.model import Message, message
from lint_rules.invariants.project import Project
from lint_rules.invariants.pysource import PyModule, call_keyword, string_value
from lint_rules.invariants.repositories import PruneDelete, read_repositories
from lint_rules.invariants.tables import SchemaInfo

CODES = frozenset({"TXI042"})
DEFAULTS_NAME = "RETENTION_DEFAULTS"
NEVER_NAME = "NEVER_PRUNED_TABLES"


@dataclass(frozen=True)
class RetentionEntry:
    """One `RetentionDefault(table=...)` entry of the defaults."""

    key: str
    table: str | None
    line: int


def read_entries(module: PyModule) -> list[RetentionEntry] | None:
    """Return the entries of RETENTION_DEFAULTS, or None when it is absent or not a dict literal."""
    value = module.bindings.get(DEFAULTS_NAME)
    if not isinstance(value, cst.Dict):
        return None
    start = module.line_of_name(DEFAULTS_NAME)
    entries = []
    for element in value.elements:
        if not isinstance(element, cst.DictElement):
            entries.append(RetentionEntry("**", None, start))
            continue
        key = string_value(element.key) or "?"
        line = start = module.line_containing((f'"{key}"', f"'{key}'"), start)
        table_arg = (
            call_keyword(element.value, "table") if isinstance(element.value, cst.Call) else None
        )
        table = string_value(table_arg.value) if table_arg is not None else None
        entries.append(RetentionEntry(key, table, line))
    return entries


def check(project: Project, schema: SchemaInfo) -> Iterator[Message]:
    """Yield TXI042 messages."""
    rel = project.settings.retention_defaults_module
    module = project.module(rel)
    pruned: dict[str, tuple[str, PruneDelete]] = {}
    for info in read_repositories(project, schema):
        for prune in info.prunes:
            pruned.setdefault(prune.table, (info.module.rel, prune))
    if module is None or module.tree is None:
        if pruned:
            yield message(
                "TXI042",
                rel,
                1,
                f"repositories prune tables but `{rel}` is missing or does not parse",
                f"define {DEFAULTS_NAME} in `{rel}`",
            )
        return
    entries = read_entries(module)
    if entries is None:
        if pruned:
            yield message(
                "TXI042",
                rel,
                1,
                f"cannot read `{DEFAULTS_NAME}` as a dict literal in `{rel}`",
                f'write `{DEFAULTS_NAME}: Final = {{"name": '
                'RetentionDefault(table="...", retention_days=N), ...}`',
            )
        return
    never_node = module.bindings.get(NEVER_NAME)
    never = project.str_tuple(module, never_node) if never_node is not None else ()
    if never is None:
        never = ()
        yield message(
            "TXI042",
            rel,
            module.line_of_name(NEVER_NAME),
            f"cannot read `{NEVER_NAME}` as a tuple of table names",
        )
    covered = set()
    for entry in entries:
        if entry.table is None:
            yield message(
                "TXI042",
                rel,
                entry.line,
                f"retention entry `{entry.key}` has no literal `table=` name",
                'write `RetentionDefault(table="<table>", retention_days=N)`',
            )
            continue
        covered.add(entry.table)
        if entry.table not in schema.tables:
            yield message(
                "TXI042",
                rel,
                entry.line,
                f"retention entry `{entry.key}` names `{entry.table}`, which is not a "
                f"table of `{project.settings.roles.schema_module}`",
            )
        elif entry.table in never:
            yield message(
                "TXI042",
                rel,
                entry.line,
                f"retention entry `{entry.key}` names `{entry.table}`, which is in {NEVER_NAME}",
                "remove the entry: that table is never pruned",
            )
    for table in never:
        if table not in schema.tables:
            yield message(
                "TXI042",
                rel,
                module.line_of_name(NEVER_NAME),
                f"{NEVER_NAME} names `{table}`, which is not a schema table",
            )
    for table, (where, prune) in sorted(pruned.items()):
        if table in never:
            yield message(
                "TXI042",
                where,
                prune.line,
                f"`{prune.function}` deletes from `{table}`, which is in {NEVER_NAME}",
                "do not prune financial audit trails; remove the prune method",
            )
        elif table not in covered:
            yield message(
                "TXI042",
                where,
                prune.line,
                f"`{prune.function}` prunes `{table}` but {DEFAULTS_NAME} in `{rel}` "
                f'has no entry with `table="{table}"`',
                f'add `RetentionDefault(table="{table}", retention_days=N)` to {DEFAULTS_NAME}',
            )
