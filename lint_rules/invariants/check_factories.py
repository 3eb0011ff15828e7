"""TXI011-TXI014: one factory module per table, defining and re-exporting its factory."""

from __future__ import annotations

from collections.abc import Iterator

from lint_rules.invariants.model import Message, message
from lint_rules.invariants.parity import ParityCodes, check_parity
from lint_rules.invariants.project import Project
from lint_rules.invariants.tables import SchemaInfo

CODES = frozenset({"TXI011", "TXI012", "TXI013", "TXI014"})
_PARITY = ParityCodes("TXI011", "TXI012", "TXI014", "factory module")


def factory_name(table: str) -> str:
    """Return the factory function name of TABLE."""
    return f"create_{table}_factory"


def check(project: Project, schema: SchemaInfo) -> Iterator[Message]:
    """Yield TXI011-TXI014 messages for the project's factories."""
    directory = project.settings.factories
    yield from check_parity(project, schema, directory, _PARITY, lambda s: (factory_name(s),))
    for table in schema.tables.values():
        rel = f"{directory}/{table.name}.py"
        module = project.module(rel)
        if module is None:
            continue
        name = factory_name(table.name)
        if module.tree is None:
            yield message(
                "TXI013",
                rel,
                module.error_line,
                f"cannot parse `{rel}`: {module.error}",
                "fix the syntax error",
            )
        elif name not in module.functions and name not in module.bindings:
            yield message(
                "TXI013",
                rel,
                1,
                f"`{rel}` defines no `{name}`",
                f"define `def {name}(**overrides)` in `{rel}`",
            )
