"""`txlint fix PATH...`: apply the safe libcst autofixes (TXD101, TXD201, TXD304)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TypeVar, cast

import libcst as cst

from lint_rules.config import Roles
from lint_rules.core.context import FileContext
from lint_rules.core.report import Edit, Report
from lint_rules.core.roles import relative_posix
from lint_rules.core.rule import Rule
from lint_rules.core.runner import lint_context

_MAX_ROUNDS = 5
NodeT = TypeVar("NodeT", bound=cst.CSTNode)


def fixable_rules() -> tuple[type[Rule], ...]:
    """The rules that carry autofixes."""
    from lint_rules.rules import ALL_RULES

    return tuple(rule for rule in ALL_RULES if rule.fixable)


class _ApplyEdits(cst.CSTTransformer):
    """Replace nodes by identity; edits receive the already-transformed node."""

    def __init__(self, edits: Sequence[tuple[cst.CSTNode, Edit]]) -> None:
        super().__init__()
        self.edits: dict[cst.CSTNode, list[Edit]] = {}
        for node, edit in edits:
            self.edits.setdefault(node, []).append(edit)

    def on_leave(
        self, original_node: NodeT, updated_node: NodeT
    ) -> NodeT | cst.RemovalSentinel | cst.FlattenSentinel[NodeT]:
        """Apply the edits registered for ORIGINAL_NODE."""
        result: cst.CSTNode | cst.RemovalSentinel = updated_node
        for edit in self.edits.get(original_node, ()):
            if isinstance(result, cst.RemovalSentinel):
                break
            result = edit(result)
        return cast(NodeT, result)


def fix_source(source: str, path: str, roles: Roles) -> tuple[str, list[Report]]:
    """Return SOURCE with every safe autofix applied, and the reports that were fixed."""
    fixed: list[Report] = []
    rules = fixable_rules()
    for _ in range(_MAX_ROUNDS):
        ctx = FileContext(source, path, roles)
        reports = [report for report in lint_context(ctx, rules) if report.fixable]
        if not reports:
            break
        edits = [edit for report in reports for edit in report.edits]
        new_source = ctx.module.visit(_ApplyEdits(edits)).code
        if new_source == source:
            break
        fixed.extend(reports)
        source = new_source
    return source, fixed


def _python_files(paths: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*.py")
                    if not any(part.startswith(".") for part in p.parts)
                )
            )
        else:
            found.append(path)
    return found


def fix_paths(paths: list[Path], roles: Roles) -> int:
    """Fix every Python file under PATHS in place, printing each change; 0 unless a file failed."""
    root = os.getcwd()
    status = 0
    for path in _python_files(paths):
        try:
            source = path.read_text(encoding="utf-8")
            cst.parse_module(source)
            rel = relative_posix(path, root)
            new_source, fixed = fix_source(source, rel, roles)
        except (OSError, UnicodeDecodeError, cst.ParserSyntaxError) as exc:
            print(f"{path}: cannot fix: {type(exc).__name__}: {exc}", file=sys.stderr)
            status = 1
            continue
        if new_source == source:
            continue
        path.write_text(new_source, encoding="utf-8")
        for report in fixed:
            print(f"{path}:{report.line}:{report.col + 1}: fixed {report.text}")
    return status
