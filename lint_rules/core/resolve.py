"""A cheap, flow-aware binding resolver: maps names and attribute chains to qualified names.

One pass over the module records every binding (imports, assignments, definitions,
parameters, `with ... as`, loop targets) per scope, in source order. A name is then
resolved to the latest binding before its use in its own scope, or to the last binding
of an enclosing (non-class) scope. Names that cannot be traced resolve to `None`.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import libcst as cst

from lint_rules.core.walk import children

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


Action = Callable[[], None]


class _Collector:
    """Records bindings and the scope/order of every name use, in one walk of the module."""

    def __init__(
        self, module_name: str, package: str, cache: dict[int, list[cst.CSTNode]] | None
    ) -> None:
        self.cache = cache
        self.module_name = module_name
        self.package = package
        self.root = Scope("module", None, module_name)
        self.stack: list[Scope] = [self.root]
        self.order = 0
        self.uses: dict[int, tuple[cst.Name, Scope, int]] = {}
        self.star_import = False
        self.every: dict[str, list[Binding]] = {}
        self.todo: list[cst.CSTNode | Action] = []

    @property
    def scope(self) -> Scope:
        return self.stack[-1]

    def run(self, module: cst.Module) -> None:
        """Walk MODULE (iteratively: deep expressions must not hit the recursion limit)."""
        self.todo.append(module)
        while self.todo:
            item = self.todo.pop()
            if isinstance(item, cst.CSTNode):
                self._enter(item)
            else:
                item()

    def _then(self, *items: cst.CSTNode | Action | None) -> None:
        """Schedule ITEMS to run in order, before anything already scheduled."""
        self.todo.extend(item for item in reversed(items) if item is not None)

    def _children(self, node: cst.CSTNode) -> None:
        self._then(*children(node, self.cache))

    def _enter(self, node: cst.CSTNode) -> None:
        handler = getattr(self, "_" + type(node).__name__, None)
        if handler is None:
            self._children(node)
        else:
            handler(node)

    def _next(self) -> int:
        self.order += 1
        return self.order

    def _bind(self, name: str, kind: Kind, node: cst.CSTNode, **extra: Any) -> None:
        binding = Binding(name, kind, self._next(), node, scope=self.scope, **extra)
        self.scope.add(binding)
        self.every.setdefault(name, []).append(binding)

    def _member_qualname(self, name: str) -> str | None:
        scope = self.scope
        if scope.qualname is None or scope.kind == "function":
            return None
        return f"{scope.qualname}.{name}"

    def _push(self, kind: str, name: str | None, node: cst.CSTNode) -> Action:
        def push() -> None:
            parent = self.scope
            qualname = None
            if name is not None and parent.qualname is not None and parent.kind != "function":
                qualname = f"{parent.qualname}.{name}"
            self.stack.append(Scope(kind, parent, qualname, node))

        return push

    def _pop(self) -> None:
        self.stack.pop()

    # names
    def _Name(self, node: cst.Name) -> None:
        self.uses[id(node)] = (node, self.scope, self._next())

    def _Attribute(self, node: cst.Attribute) -> None:
        self._then(node.value)

    def _Arg(self, node: cst.Arg) -> None:
        self._then(node.value)

    # imports
    def _Import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = dotted_name(alias.name)
            if full is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self._bind(alias.asname.name.value, Kind.IMPORT, node, qualname=full)
            else:
                top = full.split(".")[0]
                self._bind(top, Kind.IMPORT, node, qualname=top)

    def _ImportFrom(self, node: cst.ImportFrom) -> None:
        module = _import_from_module(node, self.package)
        if isinstance(node.names, cst.ImportStar):
            self.star_import = True
            return
        for alias in node.names:
            if not isinstance(alias.name, cst.Name):
                continue
            bound = alias.name.value
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                bound = alias.asname.name.value
            qualname = None if module is None else f"{module}.{alias.name.value}"
            self._bind(bound, Kind.IMPORT, node, qualname=qualname)

    # assignments: the value is evaluated before the target is bound
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
        if not isinstance(target, cst.Name | cst.Tuple | cst.List | cst.StarredElement):
            self._then(target)  # `obj.attr = ...`, `x[i] = ...`: uses of obj / x

    def _Assign(self, node: cst.Assign) -> None:
        def bind() -> None:
            for target in node.targets:
                self._bind_target(target.target, node.value, node)

        self._then(node.value, bind)

    def _AnnAssign(self, node: cst.AnnAssign) -> None:
        def bind() -> None:
            if node.value is not None:
                self._bind_target(node.target, node.value, node)
            elif not isinstance(node.target, cst.Name):
                self._then(node.target)

        self._then(node.annotation, node.value, bind)

    def _AugAssign(self, node: cst.AugAssign) -> None:
        def bind() -> None:
            for name in _names_in_target(node.target):
                self._bind(name.value, Kind.OTHER, node)

        self._then(node.target, node.value, bind)

    def _NamedExpr(self, node: cst.NamedExpr) -> None:
        self._then(node.value, lambda: self._bind_target(node.target, node.value, node))

    def _bind_names(self, target: cst.BaseExpression, node: cst.CSTNode) -> Action:
        def bind() -> None:
            for name in _names_in_target(target):
                self._bind(name.value, Kind.OTHER, node)

        return bind

    def _For(self, node: cst.For) -> None:
        self._then(node.iter, self._bind_names(node.target, node), node.body, node.orelse)

    def _WithItem(self, node: cst.WithItem) -> None:
        def bind() -> None:
            if node.asname is not None:
                for name in _names_in_target(node.asname.name):
                    self._bind(name.value, Kind.WITH, node, value=node.item)

        self._then(node.item, bind)

    def _ExceptHandler(self, node: cst.ExceptHandler | cst.ExceptStarHandler) -> None:
        def bind() -> None:
            if node.name is not None and isinstance(node.name.name, cst.Name):
                self._bind(node.name.name.value, Kind.OTHER, node)

        self._then(node.type, bind, node.body)

    _ExceptStarHandler = _ExceptHandler

    def _MatchAs(self, node: cst.MatchAs) -> None:
        if node.name is not None:
            self._bind(node.name.value, Kind.OTHER, node)
        self._then(node.pattern)

    def _MatchStar(self, node: cst.MatchStar) -> None:
        if node.name is not None:
            self._bind(node.name.value, Kind.OTHER, node)

    # definitions and scopes
    def _FunctionDef(self, node: cst.FunctionDef) -> None:
        kind = Kind.ASYNC_DEF if node.asynchronous is not None else Kind.DEF
        name = node.name.value

        def bind() -> None:
            self._bind(name, kind, node, qualname=self._member_qualname(name))

        self._then(
            *node.decorators,
            node.params,
            node.returns,
            bind,
            self._push("function", name, node),
            lambda: self._bind_params(node.params),
            node.body,
            self._pop,
        )

    def _Param(self, node: cst.Param) -> None:
        self._then(node.annotation, node.default)  # the name is bound in the body's scope

    def _Lambda(self, node: cst.Lambda) -> None:
        self._then(
            node.params,
            self._push("function", None, node),
            lambda: self._bind_params(node.params),
            node.body,
            self._pop,
        )

    def _bind_params(self, params: cst.Parameters) -> None:
        every: list[cst.Param] = [*params.posonly_params, *params.params, *params.kwonly_params]
        if isinstance(params.star_arg, cst.Param):
            every.append(params.star_arg)
        if params.star_kwarg is not None:
            every.append(params.star_kwarg)
        for param in every:
            annotation = param.annotation.annotation if param.annotation is not None else None
            self._bind(param.name.value, Kind.PARAM, param, value=annotation)

    def _ClassDef(self, node: cst.ClassDef) -> None:
        name = node.name.value

        def bind() -> None:
            self._bind(name, Kind.CLASS, node, qualname=self._member_qualname(name))

        self._then(
            *node.decorators,
            *node.bases,
            *node.keywords,
            bind,
            self._push("class", name, node),
            node.body,
            self._pop,
        )

    def _comprehension(self, node: cst.BaseComp | cst.DictComp) -> None:
        self._then(self._push("comprehension", None, node), *children(node, self.cache), self._pop)

    _ListComp = _SetComp = _GeneratorExp = _DictComp = _comprehension

    def _CompFor(self, node: cst.CompFor) -> None:
        self._then(node.iter, self._bind_names(node.target, node), *node.ifs, node.inner_for_in)


class Resolver:
    """Answers "what is this name bound to" for one module."""

    def __init__(
        self,
        module: cst.Module,
        module_name: str,
        is_package: bool,
        cache: dict[int, list[cst.CSTNode]] | None = None,
    ) -> None:
        package = module_name if is_package else module_name.rpartition(".")[0]
        collector = _Collector(module_name, package, cache)
        collector.run(module)
        self.module_name = module_name
        self.root = collector.root
        self._uses = collector.uses
        self._star = collector.star_import
        self._every = collector.every
        self._candidates: dict[str, frozenset[str]] = {}

    def all_bindings(self, name: str) -> Sequence[Binding]:
        """Every binding of NAME, in any scope."""
        return self._every.get(name, [])

    def references(self, binding: Binding) -> list[cst.Name]:
        """Every Name node that refers to BINDING."""
        return [
            node
            for node, _, _ in self._uses.values()
            if node.value == binding.name and self.binding(node) is binding
        ]

    def binding(self, name: cst.Name) -> Binding | None:
        """Return the binding NAME refers to at its position, or None when unbound."""
        use = self._uses.get(id(name))
        if use is None or use[0] is not name:
            return None
        _, scope, order = use
        first: Scope | None = scope
        current: Scope | None = scope
        while current is not None:
            if current.kind == "class" and current is not first:
                current = current.parent
                continue
            found = current.bindings.get(name.value)
            if found:
                if current is first:
                    for binding in reversed(found):
                        if binding.order < order:
                            return binding
                return found[-1]
            current = current.parent
        return None

    def names_resolving_to(self, key: str, wanted: Callable[[str], bool]) -> frozenset[str]:
        """Names with some binding whose qualified name satisfies WANTED (cached under KEY)."""
        cached = self._candidates.get(key)
        if cached is None:
            found = set()
            for name, bindings in self._every.items():
                for binding in bindings:
                    qualname = binding.qualname
                    if binding.kind is Kind.ALIAS and binding.value is not None:
                        qualname = self.qualname(binding.value)
                    if qualname is not None and wanted(qualname):
                        found.add(name)
                        break
            cached = self._candidates[key] = frozenset(found)
        return cached

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
            if node.value in _BUILTINS and not self._star and id(node) in self._uses:
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
