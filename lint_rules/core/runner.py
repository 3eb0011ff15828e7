"""Run the TXD rules over one file: role filter, cheap pre-filters, one libcst parse, reports."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence

import libcst as cst

from lint_rules.config import Roles
from lint_rules.core.context import FileContext
from lint_rules.core.positions import locate
from lint_rules.core.report import Report
from lint_rules.core.rule import Rule
from lint_rules.core.walk import dispatch

INTERNAL_ERROR = "TXD000"


def active_rules(ctx: FileContext, rules: Iterable[type[Rule]]) -> list[type[Rule]]:
    """The rules whose role matches the file and whose pre-filter admits it."""
    return [rule for rule in rules if ctx.role.matches(rule.where) and rule.wants(ctx)]


def lint_context(ctx: FileContext, rules: Sequence[type[Rule]]) -> list[Report]:
    """Run RULES over CTX; never raises (internal errors become one TXD000 report)."""
    try:
        active = active_rules(ctx, rules)
        if not active:
            return []
        try:
            module = ctx.module
        except cst.ParserSyntaxError:
            return []  # flake8 reports real syntax errors itself (E999)
    except Exception as exc:  # must never escape into flake8
        return [_internal_error(exc, "pre-filter")]
    reports: list[Report] = []
    failure: Report | None = None
    visitors: list[Rule] = []
    for rule in active:
        try:
            visitors.append(rule(ctx))
        except Exception as exc:  # must never escape into flake8
            failure = failure or _internal_error(exc, rule.code)
    stack: list[cst.CSTNode] = []
    for visitor in visitors:
        visitor.stack = stack
    try:
        failed = dispatch(module, visitors, stack, ctx.children_cache)
        for index, error in failed.items():
            failure = failure or _internal_error(error, visitors[index].code)
        working = [v for index, v in enumerate(visitors) if index not in failed]
        tree = ctx.ast_tree if any(visitor.pending for visitor in working) else None
        for visitor in working:
            for pending in visitor.pending:
                line, col = locate(module, tree, pending.path)
                reports.append(Report(line, col, visitor.code, pending.message, pending.edits))
    except Exception as exc:  # must never escape into flake8
        failure = failure or _internal_error(exc, "rules")
    if failure is not None:
        reports.append(failure)
    return _dedupe(reports)


def lint_source(
    source: str,
    path: str,
    roles: Roles,
    rules: Sequence[type[Rule]] | None = None,
    tree: ast.AST | None = None,
) -> list[Report]:
    """Lint SOURCE as the file at relative posix PATH under ROLES with RULES (default: all)."""
    if rules is None:
        from lint_rules.rules import ALL_RULES

        rules = ALL_RULES
    try:
        ctx = FileContext(source, path, roles, tree)
    except Exception as exc:  # must never escape into flake8
        return [_internal_error(exc, "context")]
    return lint_context(ctx, rules)


def _internal_error(exc: BaseException, where: str) -> Report:
    detail = str(exc).splitlines()[0] if str(exc) else ""
    message = (
        f"internal error in {where}: {type(exc).__name__}: {detail[:120]}; "
        "please report it with this file"
    )
    return Report(1, 0, INTERNAL_ERROR, message)


def _dedupe(reports: list[Report]) -> list[Report]:
    seen: set[tuple[int, str]] = set()
    unique: list[Report] = []
    for report in sorted(reports, key=lambda r: (r.line, r.col, r.code)):
        key = (report.line, report.code)
        if key not in seen:
            seen.add(key)
            unique.append(report)
    return unique
