"""A fast libcst tree walk: semantic children only, and one traversal for many rules.

libcst's visitor protocol calls hooks for every field of every node, whitespace included;
the rules only need expressions and statements, so this walk skips formatting fields and
dispatches `visit_<Node>`/`leave_<Node>` of all active rules in a single pass.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import libcst as cst

_SKIP_PREFIXES = ("whitespace", "lpar", "rpar", "lbr", "rbr")
_SKIP = frozenset(
    {
        "leading_lines", "lines_after_decorators", "comma", "semicolon", "header", "footer",
        "trailing_whitespace", "colon", "equal", "dot", "newline", "first_colon",
        "second_colon", "asynchronous", "operator", "default_indent", "default_newline",
        "encoding", "has_trailing_newline", "empty_lines", "trailing_comma", "separator",
        "star", "posonly_ind", "indent", "relative", "conversion", "comment", "first_line",
        "last_line", "leading_whitespace",
    }
)  # fmt: skip
_ORDER: dict[type[cst.CSTNode], tuple[str, ...]] = {
    cst.FunctionDef: ("decorators", "name", "params", "returns", "body"),
    cst.ClassDef: ("decorators", "name", "bases", "keywords", "body"),
    cst.ExceptHandler: ("type", "name", "body"),
    cst.ExceptStarHandler: ("type", "name", "body"),
}
_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}


def _fields(kind: type[cst.CSTNode]) -> tuple[str, ...]:
    found = _FIELDS.get(kind)
    if found is None:
        found = _ORDER.get(kind) or tuple(
            f.name
            for f in dataclasses.fields(kind)
            if f.name not in _SKIP and not f.name.startswith(_SKIP_PREFIXES)
        )
        _FIELDS[kind] = found
    return found


_IS_NODE: dict[type[Any], bool] = {}
_SEQUENCES = (list, tuple)


def _is_node(kind: type[Any]) -> bool:
    found = _IS_NODE.get(kind)
    if found is None:
        found = _IS_NODE[kind] = issubclass(kind, cst.CSTNode)
    return found


def children(
    node: cst.CSTNode, cache: dict[int, list[cst.CSTNode]] | None = None
) -> list[cst.CSTNode]:
    """The semantic children of NODE in source order (no whitespace, commas or parens).

    CACHE (keyed by node id, valid while the tree is alive) lets several walks share work.
    """
    if cache is not None:
        cached = cache.get(id(node))
        if cached is not None:
            return cached
    kind = type(node)
    names = _FIELDS.get(kind)
    if names is None:
        names = _fields(kind)
    found: list[cst.CSTNode] = []
    for name in names:
        value = getattr(node, name)
        value_kind = type(value)
        if value_kind in _SEQUENCES:
            found.extend(item for item in value if _is_node(type(item)))
        elif _is_node(value_kind):
            found.append(value)
    if cache is not None:
        cache[id(node)] = found
    return found


Handler = Callable[[Any], Any]


def _handlers(
    visitors: Sequence[Any], prefix: str, kind: type[cst.CSTNode]
) -> list[tuple[int, Handler]]:
    found: list[tuple[int, Handler]] = []
    for index, visitor in enumerate(visitors):
        function = getattr(visitor, prefix + kind.__name__, None)
        if function is not None:
            found.append((index, function))
    return found


def dispatch(
    root: cst.CSTNode,
    visitors: Sequence[Any],
    stack: list[cst.CSTNode],
    cache: dict[int, list[cst.CSTNode]] | None = None,
) -> dict[int, Exception]:
    """Walk ROOT once, calling each visitor's `visit_<Node>` and `leave_<Node>`.

    A visitor whose `visit_<Node>` returns False does not see that node's subtree (but its
    `leave_<Node>` still runs), as in libcst. STACK holds the ancestors, node last. A visitor
    that raises is dropped for the rest of the walk; its exception is returned by index.
    """
    visits: dict[type[cst.CSTNode], list[tuple[int, Handler]]] = {}
    leaves: dict[type[cst.CSTNode], list[tuple[int, Handler]]] = {}
    skipped: dict[int, cst.CSTNode] = {}
    failed: dict[int, Exception] = {}
    todo: list[cst.CSTNode | None] = [root]  # None marks "leave the node below"
    while todo:
        node = todo.pop()
        if node is not None:
            kind = type(node)
            stack.append(node)
            handlers = visits.get(kind)
            if handlers is None:
                handlers = visits[kind] = _handlers(visitors, "visit_", kind)
            for index, visit in handlers:
                if index in skipped or index in failed:
                    continue
                try:
                    if visit(node) is False:
                        skipped[index] = node
                except Exception as exc:  # isolated: the other rules keep running
                    failed[index] = exc
            todo.append(node)
            todo.append(None)
            kids = children(node, cache)
            if kids:
                todo.extend(reversed(kids))
            continue
        node = todo.pop()
        assert node is not None
        kind = type(node)
        handlers = leaves.get(kind)
        if handlers is None:
            handlers = leaves[kind] = _handlers(visitors, "leave_", kind)
        for index, leave in handlers:
            owner = skipped.get(index)
            if (owner is None or owner is node) and index not in failed:
                try:
                    leave(node)
                except Exception as exc:  # isolated: the other rules keep running
                    failed[index] = exc
        if skipped:
            for index in [i for i, owner in skipped.items() if owner is node]:
                del skipped[index]
        stack.pop()
    return failed
