"""The project under check: cached parsed files and symbol resolution across its modules."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from lint_rules.invariants.model import ProjectPaths
from lint_rules.invariants.pysource import (
    LITERAL_NAMES,
    PyModule,
    dotted_for,
    module_rel_candidates,
    parse_module,
    string_value,
)
from lint_rules.invariants.sqlsource import SqlParse, parse_sql

_MAX_HOPS = 8


@dataclass
class Symbol:
    """A name bound at the top level of a project module."""

    module: PyModule
    name: str

    @property
    def value(self) -> cst.BaseExpression | None:
        """Return the expression the name is assigned, if it is an assignment."""
        return self.module.bindings.get(self.name)


@dataclass
class Project(ProjectPaths):
    """A project root with its settings and a cache of parsed Python modules."""

    _modules: dict[str, PyModule | None] = field(default_factory=dict)
    _sql: dict[str, tuple[str, SqlParse] | None] = field(default_factory=dict)
    memo: dict[tuple[str, str, str], object] = field(default_factory=dict)

    def module(self, rel: str) -> PyModule | None:
        """Return the parsed module at project-relative REL, or None when the file is missing."""
        if rel not in self._modules:
            text = self.read_text(rel)
            self._modules[rel] = None if text is None else parse_module(rel, text)
        return self._modules[rel]

    def sql(self, rel: str) -> tuple[str, SqlParse] | None:
        """Return the text and parse of SQL file REL (cached), or None when it is unreadable."""
        if rel not in self._sql:
            text = self.read_text(rel)
            self._sql[rel] = None if text is None else (text, parse_sql(text))
        return self._sql[rel]

    def module_for_dotted(self, dotted: str) -> PyModule | None:
        """Return the project module named DOTTED (a `.py` file or a package `__init__.py`)."""
        for rel in module_rel_candidates(dotted):
            found = self.module(rel)
            if found is not None:
                return found
        return None

    def dotted(self, rel: str) -> str:
        """Return the dotted module name of project-relative REL."""
        return dotted_for(rel)[0]

    def symbol(self, qualified: str) -> Symbol | None:
        """Return where QUALIFIED (`pkg.mod.NAME`) is bound in the project, following re-exports."""
        for _ in range(_MAX_HOPS):
            owner, _, name = qualified.rpartition(".")
            if not owner:
                return None
            module = self.module_for_dotted(owner)
            if module is None:
                return None
            if name in module.imports:
                qualified = module.imports[name]
                continue
            return Symbol(module, name)
        return None

    def resolve(self, module: PyModule, node: cst.BaseExpression) -> Symbol | None:
        """Return the project symbol NODE (a name or attribute in MODULE) refers to."""
        qualified = module.qualify(node)
        if qualified is None or qualified.startswith("builtins."):
            return None
        return self.symbol(qualified)

    def str_tuple(
        self, module: PyModule, node: cst.BaseExpression, hops: int = 0
    ) -> tuple[str, ...] | None:
        """Return the strings of a tuple/list literal NODE, following names; None if unreadable."""
        if hops > _MAX_HOPS:
            return None
        if isinstance(node, cst.Tuple | cst.List):
            values: list[str] = []
            for element in node.elements:
                if isinstance(element, cst.StarredElement):
                    inner = self.str_tuple(module, element.value, hops + 1)
                    if inner is None:
                        return None
                    values.extend(inner)
                    continue
                text = string_value(element.value)
                if text is None:
                    return None
                values.append(text)
            return tuple(values)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            left = self.str_tuple(module, node.left, hops + 1)
            right = self.str_tuple(module, node.right, hops + 1)
            return None if left is None or right is None else left + right
        if isinstance(node, cst.Name | cst.Attribute):
            found = self.resolve(module, node)
            if found is None or found.value is None:
                return None
            return self.str_tuple(found.module, found.value, hops + 1)
        return None

    def literal_values(
        self, module: PyModule, node: cst.BaseExpression, hops: int = 0
    ) -> frozenset[str] | None:
        """Return the values of a `Literal[...]` NODE or alias of one, following names."""
        if hops > _MAX_HOPS:
            return None
        if isinstance(node, cst.Subscript) and module.qualify(node.value) in LITERAL_NAMES:
            values: set[str] = set()
            for element in node.slice:
                if not isinstance(element.slice, cst.Index):
                    return None
                text = string_value(element.slice.value)
                if text is not None:
                    values.add(text)
                    continue
                inner = self.literal_values(module, element.slice.value, hops + 1)
                if inner is None:
                    return None
                values |= inner
            return frozenset(values)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            left = self.literal_values(module, node.left, hops + 1)
            right = self.literal_values(module, node.right, hops + 1)
            return None if left is None or right is None else left | right
        if isinstance(node, cst.Name | cst.Attribute):
            found = self.resolve(module, node)
            if found is None or found.value is None:
                return None
            return self.literal_values(found.module, found.value, hops + 1)
        return None
