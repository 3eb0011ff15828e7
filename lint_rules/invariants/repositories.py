"""Static reader of repository modules: exports, provider use, RowSchema imports, prune deletes."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from lint_rules.invariants.project import Project
from lint_rules.invariants.pysource import PyModule, child_nodes, iter_calls, positional_args
from lint_rules.invariants.tables import SchemaInfo

_DELETES = frozenset(
    {
        "sqlalchemy.delete",
        "sqlalchemy.sql.delete",
        "sqlalchemy.sql.expression.delete",
        "sqlalchemy.dialects.postgresql.delete",
    }
)


@dataclass(frozen=True)
class PruneDelete:
    """A `delete(<table>)` inside a `prune_*` function."""

    table: str
    function: str
    line: int


@dataclass
class RepositoryInfo:
    """What one repository module does that the invariants care about."""

    module: PyModule
    repositories: list[str] = field(default_factory=list)
    enters_provider: bool = False
    imports_row_schema: bool = False
    prunes: list[PruneDelete] = field(default_factory=list)


_MAX_HELPER_DEPTH = 4


def _positional_names(function: cst.FunctionDef) -> list[str]:
    params = function.params
    return [p.name.value for p in (*params.posonly_params, *params.params)]


def bound_arguments(function: cst.FunctionDef, call: cst.Call) -> dict[str, cst.BaseExpression]:
    """Map the parameter names of FUNCTION to the argument expressions CALL passes them."""
    positional = _positional_names(function)
    if positional[:1] in (["self"], ["cls"]) and isinstance(call.func, cst.Attribute):
        positional = positional[1:]
    bound: dict[str, cst.BaseExpression] = {}
    index = 0
    for arg in call.args:
        if arg.keyword is not None:
            bound[arg.keyword.value] = arg.value
        elif arg.star == "" and index < len(positional):
            bound[positional[index]] = arg.value
            index += 1
    return bound


def deleted_parameters(
    project: Project, module: PyModule, function: cst.FunctionDef, depth: int = 0
) -> frozenset[str]:
    """Return the parameters of FUNCTION whose table it deletes from, directly or via helpers.

    `delete(p)`, `p.delete()`, or passing `p` on to a project function that deletes from that
    parameter (such as a batched-delete helper) all count.
    """
    key = ("deleted-params", module.rel, function.name.value)
    cached = project.memo.get(key)
    if isinstance(cached, frozenset):
        return cached
    if key in project.memo or depth > _MAX_HELPER_DEPTH:
        return frozenset()  # recursion in progress, or too deep to follow
    project.memo[key] = None
    names = {p.name.value for p in function.params.kwonly_params} | set(_positional_names(function))
    found: set[str] = set()
    for call in iter_calls(function.body):
        for target in deleted_targets(project, module, call, depth + 1):
            if isinstance(target, cst.Name) and target.value in names:
                found.add(target.value)
    result = frozenset(found)
    project.memo[key] = result
    return result


def deleted_targets(
    project: Project, module: PyModule, call: cst.Call, depth: int = 0
) -> list[cst.BaseExpression]:
    """Return the expressions CALL deletes rows from (its table arguments), if any."""
    args = positional_args(call)
    if module.qualify(call.func) in _DELETES:
        return [args[0].value] if args else []
    if isinstance(call.func, cst.Attribute) and call.func.attr.value == "delete":
        return [call.func.value]
    qualified = module.qualify(call.func)
    symbol = project.symbol(qualified) if qualified else None
    if symbol is None or symbol.name not in symbol.module.functions:
        return []
    helper = symbol.module.functions[symbol.name]
    deleted = deleted_parameters(project, symbol.module, helper, depth)
    bound = bound_arguments(helper, call)
    return [bound[name] for name in sorted(deleted) if name in bound]


class _Scanner:
    """One pass over a repository module: provider use and prune deletes."""

    def __init__(
        self, project: Project, info: RepositoryInfo, tables: dict[str, str], schema_dotted: str
    ) -> None:
        self.project = project
        self.info = info
        self.module = info.module
        self.tables = tables
        self.schema_dotted = schema_dotted

    def scan(self, node: cst.CSTNode, prune: str | None) -> None:
        """Visit NODE and its children; PRUNE names the enclosing `prune_*` function."""
        if prune is None and isinstance(node, cst.SimpleStatementLine | cst.BaseExpression):
            return  # outside prune functions only `async with` statements matter
        if isinstance(node, cst.FunctionDef) and node.name.value.startswith("prune_"):
            prune = node.name.value
        elif isinstance(node, cst.With) and node.asynchronous is not None:
            self.with_items(node)
        elif isinstance(node, cst.Call) and prune is not None:
            self.call(node, prune)
        for child in child_nodes(node):
            self.scan(child, prune)

    def with_items(self, node: cst.With) -> None:
        for item in node.items:
            call = item.item
            if isinstance(call, cst.Call):
                qualified = self.module.qualify(call.func) or ""
                if qualified.rpartition(".")[2] == "provide_db":
                    self.info.enters_provider = True

    def table_of(self, node: cst.BaseExpression) -> str | None:
        qualified = self.module.qualify(node) or ""
        owner, _, name = qualified.rpartition(".")
        if owner == self.schema_dotted:
            return self.tables.get(name)
        return None

    def call(self, node: cst.Call, prune: str) -> None:
        for target in deleted_targets(self.project, self.module, node):
            table = self.table_of(target)
            if table is not None:
                line = self.module.line_of(rf"\bdef\s+{prune}\b")
                self.info.prunes.append(PruneDelete(table, prune, line))


def read_repositories(project: Project, schema: SchemaInfo) -> list[RepositoryInfo]:
    """Read every module of the repositories package (cached per run)."""
    key = ("repositories", "", "")
    cached = project.memo.get(key)
    if isinstance(cached, list):
        return cached
    settings = project.settings
    row_schemas = project.dotted(f"{settings.row_schemas}/__init__.py")
    schema_dotted = project.dotted(settings.roles.schema_module)
    tables = {table.constant: table.name for table in schema.tables.values()}
    found: list[RepositoryInfo] = []
    for rel in project.list_files(settings.roles.repositories, ".py", recursive=True):
        module = project.module(rel)
        if module is None or module.tree is None or rel.endswith("__init__.py"):
            continue
        info = RepositoryInfo(module)
        info.repositories = sorted(name for name in module.bindings if name.endswith("_repository"))
        info.imports_row_schema = any(
            (target == row_schemas or target.startswith(row_schemas + "."))
            and local.endswith("RowSchema")
            for local, target in (
                (local, qualified.rpartition(".")[0]) for local, qualified in module.imports.items()
            )
        ) or any(star.startswith(row_schemas) for star in module.star_imports)
        _Scanner(project, info, tables, schema_dotted).scan(module.tree, None)
        found.append(info)
    project.memo[key] = found
    return found
