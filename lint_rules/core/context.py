"""Per-file context: the source, its role, and the lazily built libcst module and resolver."""

from __future__ import annotations

import ast
import re
from functools import cached_property

import libcst as cst

from lint_rules.config import Roles
from lint_rules.core.resolve import Binding, Resolver
from lint_rules.core.roles import FileRole, ModuleNames


class FileContext:
    """Everything a rule may ask about one file; expensive parts are built on first use."""

    def __init__(self, source: str, path: str, roles: Roles, tree: ast.AST | None = None) -> None:
        self.source = source
        self.path = path
        self.roles = roles
        self.role = FileRole.of(path, roles)
        self.names = ModuleNames.of(roles)
        self.tree = tree
        self.children_cache: dict[int, list[cst.CSTNode]] = {}

    def has_word(self, *words: str) -> bool:
        """Cheap pre-filter: whether any of WORDS occurs in the source text."""
        return any(word in self.source for word in words)

    def has_all(self, *words: str) -> bool:
        """Cheap pre-filter: whether all of WORDS occur in the source text."""
        return all(word in self.source for word in words)

    def search(self, pattern: re.Pattern[str]) -> bool:
        """Cheap pre-filter: whether PATTERN matches the source text."""
        return pattern.search(self.source) is not None

    @cached_property
    def module(self) -> cst.Module:
        """The libcst module (parsed once, on first use)."""
        return cst.parse_module(self.source)

    @cached_property
    def ast_tree(self) -> ast.Module | None:
        """The `ast` tree (flake8's when given); used to place reports cheaply."""
        if isinstance(self.tree, ast.Module):
            return self.tree
        try:
            return ast.parse(self.source)
        except (SyntaxError, ValueError):
            return None

    @cached_property
    def resolver(self) -> Resolver:
        """The binding resolver (built only when a rule resolves a name)."""
        return Resolver(
            self.module, self.role.module, self.role.is_package_init, self.children_cache
        )

    def qualname(self, node: cst.BaseExpression) -> str | None:
        """Qualified name NODE refers to, or None when it cannot be traced."""
        return self.resolver.qualname(node)

    def binding(self, node: cst.BaseExpression) -> Binding | None:
        """The binding a Name refers to, or None."""
        return self.resolver.binding(node) if isinstance(node, cst.Name) else None
