"""Positions of reported nodes without a whole-file position pass.

libcst's PositionProvider renders the whole module; instead the innermost enclosing
statement is found in the `ast` tree (which knows line numbers), and only that statement
is rendered with positions.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

_NESTING = (cst.FunctionDef, cst.ClassDef, cst.With, cst.For, cst.While, cst.If, cst.Try)


def _ast_index(body: Sequence[cst.BaseStatement], target: cst.CSTNode) -> int | None:
    index = 0
    for statement in body:
        if statement is target:
            return index
        index += len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
    return None


def _start(statement: ast.stmt) -> tuple[int, int]:
    decorators = getattr(statement, "decorator_list", None)
    if decorators:
        first = decorators[0]
        return first.lineno, max(first.col_offset - 1, 0)
    return statement.lineno, statement.col_offset


def _anchor(
    path: Sequence[cst.CSTNode], tree: ast.Module
) -> tuple[cst.BaseStatement, tuple[int, int]] | None:
    """The innermost statement of PATH that maps onto TREE, with its (line, column)."""
    cst_body: Sequence[cst.BaseStatement] = getattr(path[0], "body", ())
    ast_body: list[ast.stmt] = tree.body
    found: tuple[cst.BaseStatement, tuple[int, int]] | None = None
    index = 1
    while index < len(path):
        statement = path[index]
        position = _ast_index(cst_body, statement)
        if (
            position is None
            or position >= len(ast_body)
            or not isinstance(statement, cst.BaseStatement)
        ):
            break
        ast_statement = ast_body[position]
        found = (statement, _start(ast_statement))
        block = path[index + 1] if index + 1 < len(path) else None
        if not (
            isinstance(statement, _NESTING)
            and isinstance(block, cst.IndentedBlock)
            and block is statement.body
            and isinstance(getattr(ast_statement, "body", None), list)
        ):
            break
        cst_body = block.body
        ast_body = ast_statement.body  # type: ignore[attr-defined]
        index += 2
    return found


def locate(
    module: cst.Module, tree: ast.Module | None, path: Sequence[cst.CSTNode]
) -> tuple[int, int]:
    """1-based line and 0-based column of PATH[-1] (PATH: ancestors from the module down)."""
    node = path[-1]
    if isinstance(node, cst.Module):
        return 1, 0
    anchor = _anchor(path, tree) if tree is not None else None
    if anchor is None:
        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        found = positions.get(node)
        return (found.start.line, found.start.column) if found is not None else (1, 0)
    statement, (line, column) = anchor
    small = module.with_changes(body=[statement], header=[])
    positions = MetadataWrapper(small, unsafe_skip_copy=True).resolve(PositionProvider)
    start = positions[statement].start
    target = positions.get(node)
    if target is None:
        return line, column
    return line + target.start.line - start.line, column + target.start.column - start.column
