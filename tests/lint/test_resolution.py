"""Name resolution (SPEC 3): aliases, re-binding, project re-exports, unknown names, look-alikes."""

from __future__ import annotations

import textwrap

import pytest

from lint_rules.config import Roles
from lint_rules.core.runner import lint_source

ROLES = Roles()


def codes(source: str, path: str = "app/service.py", roles: Roles = ROLES) -> list[tuple[int, str]]:
    """(line, code) of every TXD report on SOURCE linted as PATH."""
    reports = lint_source(textwrap.dedent(source).lstrip("\n"), path, roles)
    return [(report.line, report.code) for report in reports]


OUTBOX_SPELLINGS = [
    "from sqlalchemy import insert as ins\nfrom db import schema\n"
    "stmt = ins(schema.domain_events)\n",
    "import sqlalchemy as sa\nimport db.schema as s\nstmt = sa.insert(s.domain_events)\n",
    "import sqlalchemy.sql\nimport db.schema\n"
    "stmt = sqlalchemy.sql.insert(db.schema.domain_events)\n",
    "from sqlalchemy.dialects.postgresql import insert\nfrom db.schema import domain_events as d\n"
    "stmt = insert(d)\n",
    "from db.schema import domain_events\nevents = domain_events\nstmt = events.insert()\n",
    "from sqlalchemy import Insert\nfrom ..schema import domain_events\n"
    "stmt = Insert(domain_events)\n",
]


@pytest.mark.parametrize("source", OUTBOX_SPELLINGS)
def test_outbox_insert_is_found_through_every_spelling(source: str) -> None:
    assert (3, "TXD201") in codes(source, "db/repositories/users.py")


LOOK_ALIKES = [
    "domain_events = []\n\n\ndef insert(x):\n    return x\n\n\nstmt = insert(domain_events)\n",
    "from sqlalchemy import insert\n\ndomain_events = ['a']\nstmt = insert(domain_events)\n",
    "from somewhere import *\n\nstmt = insert(domain_events)\n",
    "from unknown_lib import insert, domain_events\n\nstmt = insert(domain_events)\n",
]


@pytest.mark.parametrize("source", LOOK_ALIKES)
def test_local_look_alikes_and_unknown_names_are_not_flagged(source: str) -> None:
    found = codes(source, "db/repositories/users.py")
    assert "TXD201" not in [code for _, code in found]


def test_table_look_alike_class_is_not_flagged() -> None:
    source = """
    class Table:
        def __init__(self, *args: object) -> None:
            self.args = args


    T = Table
    tables = [Table("a") for _ in range(3)]
    """
    assert codes(source) == []


def test_rebinding_follows_chains_and_shadowing() -> None:
    source = """
    import sqlalchemy as sa

    A = sa.Table
    B = A
    x = B("x", sa.MetaData())


    def f():
        Table = dict
        return Table(a=1)
    """
    found = codes(source)
    assert (3, "TXD101") in found
    assert (4, "TXD101") in found
    assert (5, "TXD102") in found
    assert all(line < 8 for line, _ in found)


def test_rebinding_to_something_unknown_stops_the_trace() -> None:
    source = """
    from sqlalchemy import Table
    from mylib import Factory

    Table = Factory
    t = Table("x")
    """
    assert codes(source, "db/pagination.py") == []


def test_aliasing_rule_flags_even_unused_aliases_but_unknown_modules_are_ignored() -> None:
    found = codes("from sqlalchemy.sql.schema import Table as T\n")
    assert sorted(found) == [(1, "TXD101"), (1, "TXD501")]
    assert codes("from notsqlalchemy import Table as T\n") == []


def test_relative_imports_resolve_against_the_package() -> None:
    tail = "from sqlalchemy import insert\nq = insert(domain_events)\n"
    source = "from ..schema import domain_events\n" + tail
    assert (3, "TXD201") in codes(source, "db/repositories/users.py")
    assert (3, "TXD201") in codes("from .schema import domain_events\n" + tail, "db/__init__.py")


def test_function_scope_sees_module_bindings_made_later() -> None:
    source = """
    def read():
        return env.get("X")


    from os import environ as env
    """
    assert codes(source, "db/pagination.py") == [(2, "TXD601")]


def test_parameters_shadow_module_names() -> None:
    source = """
    import os


    def read(os):
        return os.environ
    """
    assert codes(source, "db/pagination.py") == []


def test_roles_follow_the_configured_paths() -> None:
    roles = Roles().with_overrides({"db-package": "core", "env-module": "core/settings.py"})
    source = "import os\n\nX = os.getenv('A')\n"
    assert codes(source, "core/x.py", roles) == [(3, "TXD601")]
    assert codes(source, "core/settings.py", roles) == []
    assert codes(source, "db/x.py", roles) == []


def test_report_columns_point_at_the_construct() -> None:
    source = (
        "import os\n\n\nclass A:\n    def f(self):\n"
        "        if True:\n            return os.environ['X']\n"
    )
    reports = lint_source(source, "db/pagination.py", ROLES)
    assert [(r.line, r.col, r.code) for r in reports] == [(7, 19, "TXD601")]
