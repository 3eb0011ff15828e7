"""TXI043: domain event types are named `aggregate.event_name`."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lint_rules.invariants.model import Message, message
from lint_rules.invariants.project import Project

CODES = frozenset({"TXI043"})
EVENT_TYPES_NAME = "DOMAIN_EVENT_TYPES"
EVENT_TYPE = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")


def check(project: Project) -> Iterator[Message]:
    """Yield TXI043 messages for badly named entries of DOMAIN_EVENT_TYPES."""
    rel = project.settings.roles.literals_module
    module = project.module(rel)
    if module is None or module.tree is None or EVENT_TYPES_NAME not in module.bindings:
        return
    line = module.line_of_name(EVENT_TYPES_NAME)
    values = project.str_tuple(module, module.bindings[EVENT_TYPES_NAME])
    if values is None:
        yield message(
            "TXI043",
            rel,
            line,
            f"cannot read `{EVENT_TYPES_NAME}` as a tuple of strings",
            "write it as a tuple of string literals",
        )
        return
    for value in values:
        if not EVENT_TYPE.match(value):
            yield message(
                "TXI043",
                rel,
                module.line_of(re.escape(repr(value)[1:-1]), line),
                f"domain event type `{value}` is not named `aggregate.event_name`",
            )
