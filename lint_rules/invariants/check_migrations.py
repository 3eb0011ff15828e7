"""TXI031-TXI033: migration file names, SQL syntax and transaction safety."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lint_rules.invariants.model import Message, message
from lint_rules.invariants.project import Project
from lint_rules.invariants.sqlsource import NO_TRANSACTION_MARKER, Statement

CODES = frozenset({"TXI031", "TXI032", "TXI033"})
_NAME = re.compile(r"^(\d{4})_[a-z][a-z0-9_]*\.sql$")
_CONTROL = {
    "TRANS_STMT_BEGIN": "BEGIN",
    "TRANS_STMT_START": "START TRANSACTION",
    "TRANS_STMT_COMMIT": "COMMIT",
    "TRANS_STMT_ROLLBACK": "ROLLBACK",
    "TRANS_STMT_PREPARE": "PREPARE TRANSACTION",
    "TRANS_STMT_COMMIT_PREPARED": "COMMIT PREPARED",
    "TRANS_STMT_ROLLBACK_PREPARED": "ROLLBACK PREPARED",
}
_ALWAYS_OUTSIDE = {
    "AlterSystemStmt": "ALTER SYSTEM",
    "CreatedbStmt": "CREATE DATABASE",
    "DropdbStmt": "DROP DATABASE",
    "CreateTableSpaceStmt": "CREATE TABLESPACE",
    "DropTableSpaceStmt": "DROP TABLESPACE",
    "CreateSubscriptionStmt": "CREATE SUBSCRIPTION",
    "DropSubscriptionStmt": "DROP SUBSCRIPTION",
}


def non_transactional(statement: Statement) -> str | None:
    """Return what makes STATEMENT impossible inside a transaction block, or None."""
    node, kind = statement.node, statement.kind
    if kind in _ALWAYS_OUTSIDE:
        return _ALWAYS_OUTSIDE[kind]
    if kind == "IndexStmt" and node.get("concurrent"):
        return "CREATE INDEX CONCURRENTLY"
    if kind == "DropStmt" and node.get("concurrent"):
        return "DROP INDEX CONCURRENTLY"
    if kind == "ReindexStmt":
        options = {p.get("DefElem", {}).get("defname") for p in node.get("params", [])}
        if "concurrently" in options:
            return "REINDEX CONCURRENTLY"
        if node.get("kind") in ("REINDEX_OBJECT_SYSTEM", "REINDEX_OBJECT_DATABASE"):
            return "REINDEX SYSTEM/DATABASE"
    if kind == "VacuumStmt" and node.get("is_vacuumcmd"):
        return "VACUUM"
    if kind == "ClusterStmt" and not node.get("relation"):
        return "CLUSTER without a table"
    return None


def check(project: Project) -> Iterator[Message]:
    """Yield TXI031-TXI033 messages."""
    directory = project.settings.roles.migrations
    seen: dict[str, str] = {}
    for rel in project.list_files(directory, ".sql"):
        name = rel.rsplit("/", 1)[-1]
        match = _NAME.match(name)
        if match is None:
            yield message(
                "TXI031", rel, 1, f"migration `{name}` is not named `NNNN_snake_case.sql`"
            )
        elif match.group(1) in seen:
            yield message(
                "TXI031",
                rel,
                1,
                f"migration prefix `{match.group(1)}` is already used by `{seen[match.group(1)]}`",
            )
        else:
            seen[match.group(1)] = name
        loaded = project.sql(rel)
        if loaded is None:
            yield message(
                "TXI032", rel, 1, "migration is not readable UTF-8 text", "save the file as UTF-8"
            )
            continue
        text, parsed = loaded
        if parsed.error:
            yield message(
                "TXI032",
                rel,
                parsed.error_line,
                f"PostgreSQL rejects the migration: {parsed.error}",
            )
            continue
        marked = text.split("\n", 1)[0].strip() == NO_TRANSACTION_MARKER
        for statement in parsed.statements:
            if statement.kind == "TransactionStmt" and statement.node.get("kind") in _CONTROL:
                yield message(
                    "TXI033",
                    rel,
                    statement.line,
                    f"migration has its own `{_CONTROL[statement.node['kind']]}`",
                    "remove it: the runner wraps each file and its journal row in one "
                    "transaction (or runs `-- txdb:no-transaction` files statement by statement)",
                )
                continue
            what = None if marked else non_transactional(statement)
            if what is not None:
                yield message(
                    "TXI033",
                    rel,
                    statement.line,
                    f"`{what}` cannot run inside a transaction, and the migration does not "
                    f"start with `{NO_TRANSACTION_MARKER}`",
                    f"put it in its own migration whose first line is `{NO_TRANSACTION_MARKER}`",
                )
