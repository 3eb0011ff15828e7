"""TXI021-TXI023: every live trigger is asserted by a well-formed pgTAP suite."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from lint_rules.invariants.model import Message, message
from lint_rules.invariants.project import Project
from lint_rules.invariants.sqlsource import (
    executable_names,
    func_names,
    parse_sql,
    strip_psql_meta,
    trigger_ops,
)

CODES = frozenset({"TXI021", "TXI022", "TXI023"})


@dataclass(frozen=True)
class LiveTrigger:
    """A trigger that exists after every migration and desired-state file has run."""

    table: str
    name: str
    path: str
    line: int


def live_triggers(project: Project) -> tuple[list[LiveTrigger], list[Message]]:
    """Replay the trigger changes of migrations then desired-state files; also unreadable ones."""
    roles = project.settings.roles
    files = project.list_files(roles.migrations, ".sql") + project.list_files(
        roles.schemas, ".sql", recursive=True
    )
    live: dict[tuple[str, str], LiveTrigger] = {}
    problems: list[Message] = []
    for rel in files:
        loaded = project.sql(rel)
        if loaded is None or loaded[1].error:
            continue  # TXI032 reports migrations PostgreSQL cannot parse
        for op in trigger_ops(loaded[1]):
            if op.kind == "create":
                live[(op.table, op.name)] = LiveTrigger(op.table, op.name, rel, op.line)
            elif op.kind == "drop":
                live.pop((op.table, op.name), None)
            elif op.kind == "drop_table":
                live = {key: value for key, value in live.items() if key[0] != op.table}
            elif op.kind == "rename" and (op.table, op.name) in live:
                old = live.pop((op.table, op.name))
                live[(op.table, op.new_name)] = LiveTrigger(
                    op.table, op.new_name, old.path, old.line
                )
            elif op.kind == "rename_table":
                live = {
                    (op.new_name if table == op.table else table, name): LiveTrigger(
                        op.new_name if table == op.table else table, name, value.path, value.line
                    )
                    for (table, name), value in live.items()
                }
            elif op.kind == "unreadable":
                problems.append(
                    message(
                        "TXI021",
                        rel,
                        op.line,
                        f"a trigger is created or dropped by SQL txlint cannot read statically "
                        f"({op.name})",
                        "write the CREATE/DROP TRIGGER statement with a literal name "
                        "(or `format()` with constant arguments)",
                    )
                )
    return list(live.values()), problems


def _suite_shape(rel: str, text: str) -> Iterator[Message]:
    parsed = parse_sql(strip_psql_meta(text))
    if parsed.error:
        yield message(
            "TXI023",
            rel,
            parsed.error_line,
            f"pgTAP suite does not parse: {parsed.error}",
            "fix the SQL syntax",
        )
        return
    statements = parsed.statements
    if not statements:
        yield message("TXI023", rel, 1, "pgTAP suite has no statements")
        return
    first, last = statements[0], statements[-1]
    if first.kind != "TransactionStmt" or first.node.get("kind") not in (
        "TRANS_STMT_BEGIN",
        "TRANS_STMT_START",
    ):
        yield message("TXI023", rel, first.line, "pgTAP suite does not start with `BEGIN;`")
    if last.kind != "TransactionStmt" or last.node.get("kind") != "TRANS_STMT_ROLLBACK":
        yield message("TXI023", rel, last.line, "pgTAP suite does not end with `ROLLBACK;`")
    called: set[str] = set()
    for statement in statements:
        called |= func_names(statement.node)
    if not called & {"plan", "no_plan"}:
        yield message("TXI023", rel, 1, "pgTAP suite never calls `plan(N)`")
    if "finish" not in called:
        yield message("TXI023", rel, last.line, "pgTAP suite never calls `finish()`")


def check(project: Project) -> Iterator[Message]:
    """Yield TXI021-TXI023 messages."""
    roles, settings = project.settings.roles, project.settings
    migrations = project.list_files(roles.migrations, ".sql")
    suites = project.list_files(roles.pgtap, ".sql")
    if not migrations:
        yield message(
            "TXI022", roles.migrations, 1, f"no migrations (`*.sql`) found in `{roles.migrations}/`"
        )
    if not suites:
        yield message(
            "TXI022", roles.pgtap, 1, f"no pgTAP suites (`*.sql`) found in `{roles.pgtap}/`"
        )
    triggers, problems = live_triggers(project)
    yield from problems
    if migrations and not triggers and not problems and settings.expect_triggers:
        yield message(
            "TXI022",
            roles.migrations,
            1,
            "no trigger exists after the migrations, but triggers are expected",
        )
    if not suites:
        return  # TXI022 already says there is nothing that could cover the triggers
    texts = {rel: project.read_text(rel) or "" for rel in suites}
    for rel, text in texts.items():
        yield from _suite_shape(rel, text)
    if settings.trigger_coverage == "marker":
        corpus = "\n".join(texts.values())
        covered = {t.name for t in triggers if re.search(rf"\b{re.escape(t.name)}\b", corpus)}
    else:
        names: set[str] = set()
        for text in texts.values():
            names |= executable_names(text)
        covered = {t.name for t in triggers if t.name in names or t.name.lower() in names}
    for trigger in triggers:
        if trigger.name not in covered:
            where = (
                "names it in an executable statement"
                if settings.trigger_coverage == ("statement")
                else "mentions it"
            )
            yield message(
                "TXI021",
                trigger.path,
                trigger.line,
                f"trigger `{trigger.name}` on `{trigger.table}` is live after all migrations "
                f"but no pgTAP suite in `{roles.pgtap}/` {where}",
                f"assert it in a pgTAP suite: `SELECT has_trigger('{trigger.table}', "
                f"'{trigger.name}');` (comments do not count)",
            )
