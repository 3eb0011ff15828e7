"""A cheap, flow-aware binding resolver: maps names and attribute chains to qualified names.

One pass over the module records every binding (imports, assignments, definitions,
parameters, `with ... as`, loop targets) per scope, in source order. A name is then
resolved to the latest binding before its use in its own scope, or to the last binding
of an enclosing (non-class) scope. Names that cannot be traced resolve to `None`.
"""

# ruff: noqa: N802  # libcst dispatches on visit_<NodeType>/leave_<NodeType> method names

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

import libcst as cst

_BUILTINS = frozenset(dir(builtins))
_MAX_DEPTH = 12


class Kind(Enum):
    """How a name was bound."""

    IMPORT = "import"
    ALIAS = "alias"
    VALUE = "value"
    DEF = "def"
    ASYNC_DEF = "async def"
    CLASS = "class"
    PARAM = "param"
    WITH = "with"
    OTHER = "other"


@dataclass(frozen=True, eq=False)
class Binding:
    """One binding of a name: what bound it, to what, where."""

    name: str
    kind: Kind
    order: int
    node: cst.CSTNode
    qualname: str | None = None
    value: cst.BaseExpression | None = None
    scope: Scope | None = None


@dataclass(eq=False)
class Scope:
    """A module, class, function, lambda or comprehension scope."""

    kind: str
    parent: Scope | None
    qualname: str | None
    node: cst.CSTNode | None = None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)

    def add(self, binding: Binding) -> None:
        """Record BINDING in this scope."""
        self.bindings.setdefault(binding.name, []).append(binding)


def _names_in_target(target: cst.BaseExpression) -> list[cst.Name]:
    if isinstance(target, cst.Name):
        return [target]
    if isinstance(target, cst.Tuple | cst.List):
        found: list[cst.Name] = []
        for element in target.elements:
            found.extend(_names_in_target(element.value))
        return found
    if isinstance(target, cst.StarredElement):
        return _names_in_target(target.value)
    return []


def dotted_name(node: cst.BaseExpression) -> str | None:
    """Return `a.b.c` for a Name/Attribute chain, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


def _import_from_module(node: cst.ImportFrom, package: str) -> str | None:
    base = dotted_name(node.module) if node.module is not None else ""
    if base is None:
        return None
    level = len(node.relative)
    if level == 0:
        return base
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return None
    parts = parts[: len(parts) - (level - 1)]
    if base:
        parts.append(base)
    return ".".join(parts) or None


class _Collector(cst.CSTVisitor):
    """Records bindings and the scope/order of every name use."""

    def __init__(self, module_name: str, package: str) -> None:
        self.module_name = module_name
        self.package = package
        self.root = Scope("module", None, module_name)
        self.stack: list[Scope] = [self.root]
        self.order = 0
        self.uses: dict[cst.Name, tuple[Scope, int]] = {}
        self.star_import = False
        self.every: dict[str, list[Binding]] = {}

    @property
    def scope(self) -> Scope:
        return self.stack[-1]

    def _next(self) -> int:
        self.order += 1
        return self.order

    def _bind(self, name: str, kind: Kind, node: cst.CSTNode, **extra: object) -> None:
        binding = Binding(name, kind, self._next(), node, scope=self.scope, **extra)  # type: ignore[arg-type]
        self.scope.add(binding)
        self.every.setdefault(name, []).append(binding)

    def leave_Arg(self, original_node: cst.Arg) -> None:
        if original_node.keyword is not None:
            self.uses.pop(original_node.keyword, None)

    def _member_qualname(self, name: str) -> str | None:
        scope = self.scope
        if scope.qualname is None:
            return None
        return f"{scope.qualname}.{name}"

    def _push(self, kind: str, name: str | None, node: cst.CSTNode) -> None:
        parent = self.scope
        qualname = None
        if name is not None and parent.qualname is not None and parent.kind != "function":
            qualname = f"{parent.qualname}.{name}"
        self.stack.append(Scope(kind, parent, qualname, node))

    def _pop(self) -> None:
        self.stack.pop()

    def visit_Name(self, node: cst.Name) -> None:
        self.uses[node] = (self.scope, self._next())

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return False

    # imports
    def leave_Import(self, original_node: cst.Import) -> None:
        for alias in original_node.names:
            full = dotted_name(alias.name)
            if full is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self._bind(alias.asname.name.value, Kind.IMPORT, original_node, qualname=full)
            else:
                top = full.split(".")[0]
                self._bind(top, Kind.IMPORT, original_node, qualname=top)

    def leave_ImportFrom(self, original_node: cst.ImportFrom) -> None:
        module = _import_from_module(original_node, self.package)
        if isinstance(original_node.names, cst.ImportStar):
            self.star_import = True
            return
        for alias in original_node.names:
            if not isinstance(alias.name, cst.Name):
                continue
            bound = alias.name.value
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                bound = alias.asname.name.value
            qualname = None if module is None else f"{module}.{alias.name.value}"
            self._bind(bound, Kind.IMPORT, original_node, qualname=qualname)

    # assignments
    def _bind_target(
        self, target: cst.BaseExpression, value: cst.BaseExpression | None, node: cst.CSTNode
    ) -> None:
        if isinstance(target, cst.Name):
            if value is not None and isinstance(value, cst.Name | cst.Attribute):
                self._bind(target.value, Kind.ALIAS, node, value=value)
            elif value is not None:
                self._bind(
                    target.value,
                    Kind.VALUE,
                    node,
                    value=value,
                    qualname=self._member_qualname(target.value),
                )
            else:
                self._bind(target.value, Kind.OTHER, node)
            return
        if (
            isinstance(target, cst.Tuple | cst.List)
            and isinstance(value, cst.Tuple | cst.List)
            and len(target.elements) == len(value.elements)
            and not any(isinstance(e, cst.StarredElement) for e in target.elements)
        ):
            for t_el, v_el in zip(target.elements, value.elements, strict=True):
                self._bind_target(t_el.value, v_el.value, node)
            return
        for name in _names_in_target(target):
            self._bind(name.value, Kind.OTHER, node)

    def leave_Assign(self, original_node: cst.Assign) -> None:
        for target in original_node.targets:
            self._bind_target(target.target, original_node.value, original_node)

    def leave_AnnAssign(self, original_node: cst.AnnAssign) -> None:
        if original_node.value is not None:
            self._bind_target(original_node.target, original_node.value, original_node)

    def leave_AugAssign(self, original_node: cst.AugAssign) -> None:
        for name in _names_in_target(original_node.target):
            self._bind(name.value, Kind.OTHER, original_node)

    def leave_NamedExpr(self, original_node: cst.NamedExpr) -> None:
        self._bind_target(original_node.target, original_node.value, original_node)

    def leave_For_target(self, node: cst.For) -> None:
        for name in _names_in_target(node.target):
            self._bind(name.value, Kind.OTHER, node)

    def leave_WithItem(self, original_node: cst.WithItem) -> None:
        if original_node.asname is None:
            return
        names = _names_in_target(original_node.asname.name)
        for name in names:
            self._bind(name.value, Kind.WITH, original_node, value=original_node.item)

    def leave_ExceptHandler_name(self, node: cst.ExceptHandler) -> None:
        if node.name is not None and isinstance(node.name.name, cst.Name):
            self._bind(node.name.name.value, Kind.OTHER, node)

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if node.name is not None:
            self._bind(node.name.value, Kind.OTHER, node)

    def visit_MatchStar(self, node: cst.MatchStar) -> None:
        if node.name is not None:
            self._bind(node.name.value, Kind.OTHER, node)

    # definitions and scopes
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        kind = Kind.ASYNC_DEF if node.asynchronous is not None else Kind.DEF
        self._bind(node.name.value, kind, node, qualname=self._member_qualname(node.name.value))

    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self._push("function", node.name.value, node)
        self._bind_params(node.params)

    def leave_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self._pop()

    def visit_Lambda_body(self, node: cst.Lambda) -> None:
        self._push("function", None, node)
        self._bind_params(node.params)

    def leave_Lambda_body(self, node: cst.Lambda) -> None:
        self._pop()

    def _bind_params(self, params: cst.Parameters) -> None:
        every: list[cst.Param] = [*params.posonly_params, *params.params, *params.kwonly_params]
        if isinstance(params.star_arg, cst.Param):
            every.append(params.star_arg)
        if params.star_kwarg is not None:
            every.append(params.star_kwarg)
        for param in every:
            annotation = param.annotation.annotation if param.annotation is not None else None
            self._bind(param.name.value, Kind.PARAM, param, value=annotation)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._bind(
            node.name.value, Kind.CLASS, node, qualname=self._member_qualname(node.name.value)
        )

    def visit_ClassDef_body(self, node: cst.ClassDef) -> None:
        self._push("class", node.name.value, node)

    def leave_ClassDef_body(self, node: cst.ClassDef) -> None:
        self._pop()

    def _visit_comp(self, node: cst.CSTNode) -> None:
        self._push("comprehension", None, node)

    def _leave_comp(self) -> None:
        self._pop()

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._visit_comp(node)

    def leave_ListComp(self, original_node: cst.ListComp) -> None:
        self._leave_comp()

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._visit_comp(node)

    def leave_SetComp(self, original_node: cst.SetComp) -> None:
        self._leave_comp()

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._visit_comp(node)

    def leave_DictComp(self, original_node: cst.DictComp) -> None:
        self._leave_comp()

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._visit_comp(node)

    def leave_GeneratorExp(self, original_node: cst.GeneratorExp) -> None:
        self._leave_comp()

    def leave_CompFor_target(self, node: cst.CompFor) -> None:
        for name in _names_in_target(node.target):
            self._bind(name.value, Kind.OTHER, node)


class Resolver:
    """Answers "what is this name bound to" for one module."""

    def __init__(self, module: cst.Module, module_name: str, is_package: bool) -> None:
        package = module_name if is_package else module_name.rpartition(".")[0]
        collector = _Collector(module_name, package)
        module.visit(collector)
        self.module_name = module_name
        self.root = collector.root
        self._uses = collector.uses
        self._star = collector.star_import
        self._every = collector.every

    def all_bindings(self, name: str) -> Sequence[Binding]:
        """Every binding of NAME, in any scope."""
        return self._every.get(name, [])

    def references(self, binding: Binding) -> list[cst.Name]:
        """Every Name node that refers to BINDING."""
        return [
            node
            for node in self._uses
            if node.value == binding.name and self.binding(node) is binding
        ]

    def binding(self, name: cst.Name) -> Binding | None:
        """Return the binding NAME refers to at its position, or None when unbound."""
        use = self._uses.get(name)
        if use is None:
            return None
        scope, order = use
        first: Scope | None = scope
        current: Scope | None = scope
        while current is not None:
            if current.kind == "class" and current is not first:
                current = current.parent
                continue
            found = current.bindings.get(name.value)
            if found:
                if current is first:
                    before = [b for b in found if b.order < order]
                    return before[-1] if before else found[-1]
                return found[-1]
            current = current.parent
        return None

    def bindings_named(self, name: str) -> Sequence[Binding]:
        """Return every module-level binding of NAME."""
        return self.root.bindings.get(name, [])

    def qualname(self, node: cst.BaseExpression, depth: int = 0) -> str | None:
        """Return the qualified name NODE (a Name or Attribute chain) refers to, or None."""
        if depth > _MAX_DEPTH:
            return None
        if isinstance(node, cst.Attribute):
            base = self.qualname(node.value, depth + 1)
            return None if base is None else f"{base}.{node.attr.value}"
        if not isinstance(node, cst.Name):
            return None
        binding = self.binding(node)
        if binding is None:
            if node.value in _BUILTINS and not self._star and node in self._uses:
                return f"builtins.{node.value}"
            return None
        if binding.kind is Kind.ALIAS and binding.value is not None:
            return self.qualname(binding.value, depth + 1)
        return binding.qualname

    def value_of(self, node: cst.BaseExpression) -> cst.BaseExpression | None:
        """Return the expression a local Name was last assigned from, if any."""
        if not isinstance(node, cst.Name):
            return None
        binding = self.binding(node)
        if binding is None or binding.kind not in (Kind.VALUE, Kind.ALIAS):
            return None
        return binding.value
