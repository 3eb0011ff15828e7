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


def _is_delete(module: PyModule, call: cst.Call) -> bool:
    return module.qualify(call.func) in _DELETES


def deletes_first_parameter(module: PyModule, function: cst.FunctionDef) -> bool:
    """Return whether FUNCTION runs `delete(<its first parameter>)` (a batched-delete helper)."""
    params = function.params.params
    if not params:
        return False
    first = params[0].name.value
    for call in iter_calls(function.body):
        args = positional_args(call)
        if (
            _is_delete(module, call)
            and args
            and isinstance(args[0].value, cst.Name)
            and args[0].value.value == first
        ):
            return True
    return False


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

    def _is_delete_helper(self, node: cst.Call) -> bool:
        qualified = self.module.qualify(node.func)
        symbol = self.project.symbol(qualified) if qualified else None
        if symbol is None or symbol.name not in symbol.module.functions:
            return False
        key = ("delete-helper", symbol.module.rel, symbol.name)
        if key not in self.project.memo:
            function = symbol.module.functions[symbol.name]
            self.project.memo[key] = deletes_first_parameter(symbol.module, function)
        return self.project.memo[key] is True

    def call(self, node: cst.Call, prune: str) -> None:
        table = None
        args = positional_args(node)
        if _is_delete(self.module, node):
            table = self.table_of(args[0].value) if args else None
        elif isinstance(node.func, cst.Attribute) and node.func.attr.value == "delete":
            table = self.table_of(node.func.value)
        elif args and self._is_delete_helper(node):
            table = self.table_of(args[0].value)
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
