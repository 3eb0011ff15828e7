"""One module per table: parity shared by row schemas and factories (missing, orphan, export)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from lint_rules.invariants.model import Message, message
from lint_rules.invariants.project import Project
from lint_rules.invariants.tables import SchemaInfo


def pascal(table: str) -> str:
    """Return the PascalCase form of a snake_case table name."""
    return "".join(part[:1].upper() + part[1:] for part in table.split("_"))


@dataclass(frozen=True)
class ParityCodes:
    """The codes and words one per-table package uses."""

    missing: str
    orphan: str
    reexport: str
    kind: str


def table_modules(project: Project, directory: str) -> list[str]:
    """Return the per-table modules of DIRECTORY: its `.py` files but `__init__` and `_private`."""
    return [
        rel
        for rel in project.list_files(directory, ".py")
        if not rel.rsplit("/", 1)[-1].startswith("_")
    ]


def check_parity(
    project: Project,
    schema: SchemaInfo,
    directory: str,
    codes: ParityCodes,
    exported: Callable[[str], tuple[str, ...]],
) -> Iterator[Message]:
    """Yield missing per-table modules, orphan modules and missing `__init__` re-exports."""
    schema_rel = project.settings.roles.schema_module
    for table in schema.tables.values():
        rel = f"{directory}/{table.name}.py"
        if not project.exists(rel):
            yield message(
                codes.missing,
                schema_rel,
                table.line,
                f"table `{table.name}` has no {codes.kind} `{rel}`",
                f"add `{rel}` defining {', '.join(f'`{n}`' for n in exported(table.name))}",
            )
    modules = table_modules(project, directory)
    init_rel = f"{directory}/__init__.py"
    init = project.module(init_rel)
    if modules and init is None:
        yield message(
            codes.reexport,
            init_rel,
            1,
            f"`{init_rel}` is missing",
            f"add `{init_rel}` re-exporting every {codes.kind}",
        )
    package = project.dotted(init_rel)
    for rel in modules:
        stem = rel.rsplit("/", 1)[-1][: -len(".py")]
        if stem not in schema.tables:
            yield message(
                codes.orphan,
                rel,
                1,
                f"{codes.kind} `{rel}` matches no table of `{schema_rel}`",
            )
            continue
        if init is None or init.tree is None:
            continue
        submodule = f"{package}.{stem}"
        if submodule in init.star_imports:
            continue
        missing = [
            name for name in exported(stem) if init.imports.get(name) != f"{submodule}.{name}"
        ]
        if missing:
            yield message(
                codes.reexport,
                init_rel,
                1,
                f"`{init_rel}` does not re-export {', '.join(f'`{n}`' for n in missing)} "
                f"from `.{stem}`",
                f"add `from .{stem} import {', '.join(exported(stem))}` to `{init_rel}`",
            )
