"""TXI051: repository modules run queries through the provider and decode with RowSchemas."""

from __future__ import annotations

from collections.abc import Iterator

from lint_rules.invariants.model import Message, message
from lint_rules.invariants.project import Project
from lint_rules.invariants.repositories import read_repositories
from lint_rules.invariants.tables import SchemaInfo

CODES = frozenset({"TXI051"})


def check(project: Project, schema: SchemaInfo) -> Iterator[Message]:
    """Yield TXI051 messages for repository modules that skip the provider or the decoders."""
    for info in read_repositories(project, schema):
        if not info.repositories:
            continue
        module = info.module
        line = module.line_of_name(info.repositories[0])
        if not info.enters_provider:
            yield message(
                "TXI051",
                module.rel,
                line,
                f"repository module `{module.rel}` never enters `async with provide_db()`",
                "obtain every connection with `async with provide_db() as conn:`",
            )
        if not info.imports_row_schema:
            yield message(
                "TXI051",
                module.rel,
                line,
                f"repository module `{module.rel}` imports no RowSchema from "
                f"`{project.settings.row_schemas}`",
                "decode the rows it returns with `<Table>RowSchema.validate_python(...)`",
            )
