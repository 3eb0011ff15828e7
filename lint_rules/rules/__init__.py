"""The TXD rules, one module per family; `ALL_RULES` is the single code registry."""

from __future__ import annotations

from lint_rules.core.rule import Rule
from lint_rules.rules.asynchrony import (
    CallbackChaining,
    DetachedWork,
    FloatingCoroutine,
    LoopBridging,
)
from lint_rules.rules.fences import FencedImport, OutboxImport
from lint_rules.rules.outbox import OutboxInsert, OutboxOutsideTransaction, OutboxSqlInsert
from lint_rules.rules.repositories import (
    ProviderBypass,
    QueryOutsideRepositories,
    RepositoryWithoutRowSchema,
    UndecodedRows,
)
from lint_rules.rules.settings import EnvironmentRead, SqlstateLiteral
from lint_rules.rules.sql_text import FormattedSql
from lint_rules.rules.tables import (
    InlineEnumValues,
    OrmMapping,
    TableAlias,
    TableConstantName,
    TableOutsideSchema,
)


def _registry(*rules: type[Rule]) -> tuple[type[Rule], ...]:
    codes = [rule.code for rule in rules]
    if len(set(codes)) != len(codes):
        raise RuntimeError(f"duplicate TXD codes in {codes}")
    return tuple(sorted(rules, key=lambda rule: rule.code))


ALL_RULES: tuple[type[Rule], ...] = _registry(
    TableAlias,
    TableOutsideSchema,
    TableConstantName,
    OrmMapping,
    InlineEnumValues,
    OutboxInsert,
    OutboxSqlInsert,
    OutboxOutsideTransaction,
    CallbackChaining,
    DetachedWork,
    LoopBridging,
    FloatingCoroutine,
    RepositoryWithoutRowSchema,
    UndecodedRows,
    ProviderBypass,
    QueryOutsideRepositories,
    FencedImport,
    OutboxImport,
    EnvironmentRead,
    SqlstateLiteral,
    FormattedSql,
)
RULES_BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}
