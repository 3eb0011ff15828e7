"""TXD6xx: environment and SQLSTATE knowledge each live in one module."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import libcst as cst

from lint_rules.core.context import FileContext
from lint_rules.core.roles import Where
from lint_rules.core.rule import Invalid, Rule, Valid

_ENVIRONMENT = frozenset({"os.environ", "os.getenv", "os.environb", "os.getenvb", "posix.environ"})
_ENVIRONMENT_NAMES = frozenset(q.rpartition(".")[2] for q in _ENVIRONMENT)
_FIVE_CHARS = re.compile(r"""["']([0-9A-Z]{5})["']""")


@cache
def sqlstate_codes() -> frozenset[str]:
    """The known PostgreSQL SQLSTATE codes, read from the data file shipped with the linter."""
    text = resources.files("lint_rules").joinpath("data/sqlstate.txt").read_text("utf-8")
    return frozenset(
        line.split()[0] for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


class EnvironmentRead(Rule):
    """Reading the environment in the db package outside the env module.

    `os.environ`, `os.getenv` and `environ[...]` belong in the env module, the one place
    that documents and validates the package's settings.
    """

    code = "TXD601"
    where = Where.DB_NOT_ENV
    VALID = (
        Valid("import os\n\nURL = os.environ['DATABASE_URL']\n", role="env"),
        Valid("from db.env import settings\n\nurl = settings.database_url\n", role="db"),
        Valid("environ = {}\nx = environ['A']\n", role="db"),
    )
    INVALID = (
        Invalid("import os\n\nURL = os.environ.get('DATABASE_URL')\n", role="db", line=3),
        Invalid("from os import environ as env\n\nURL = env['DATABASE_URL']\n", role="db", line=3),
        Invalid(
            "import os as o\n\n\ndef url():\n    return o.getenv('X')\n", role="repository", line=5
        ),
    )

    @classmethod
    def wants(cls, ctx: FileContext) -> bool:
        """Only files that mention the environment."""
        return ctx.has_word("environ", "getenv")

    def visit_Import(self, node: cst.Import) -> bool:
        """Imports are not reads."""
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        """Imports are not reads."""
        return False

    def visit_Name(self, node: cst.Name) -> None:
        """`environ` imported from `os`."""
        self._check(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        """`os.environ`."""
        self._check(node)

    def _check(self, node: cst.Name | cst.Attribute) -> None:
        name = node.attr.value if isinstance(node, cst.Attribute) else node.value
        if name not in _ENVIRONMENT_NAMES and not (
            isinstance(node, cst.Name)
            and name in self.ctx.resolver.names_resolving_to("environ", _ENVIRONMENT.__contains__)
        ):
            return
        qualname = self.ctx.qualname(node)
        if qualname in _ENVIRONMENT:
            self.report(
                node,
                f"`{qualname}` read outside the env module: add the setting to "
                f"`{self.ctx.roles.env_module}` and import it from there",
            )


class SqlstateLiteral(Rule):
    """A string literal equal to a known PostgreSQL SQLSTATE code outside the errors module.

    The errors module is the only one that knows SQLSTATE codes; others match on `DbError`
    codes such as `DB_UNIQUE_VIOLATION`. The code list ships as data (no driver import).
    """

    code = "TXD602"
    where = Where.NOT_ERRORS
    VALID = (
        Valid('UNIQUE = "23505"\n', role="errors"),
        Valid('ZIP = "12345"\nCODE = "DB_UNIQUE_VIOLATION"\n', role="repository"),
    )
    INVALID = (
        Invalid(
            'def is_unique(exc):\n    return exc.sqlstate == "23505"\n', role="repository", line=2
        ),
        Invalid("RETRY = {'40001', '40P01'}\n", role="service", line=1),
    )

    @classmethod
    def wants(cls, ctx: FileContext) -> bool:
        """Only files with a quoted five-character code that is a known SQLSTATE."""
        codes = sqlstate_codes()
        return any(match in codes for match in _FIVE_CHARS.findall(ctx.source))

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        """A string literal."""
        value = node.evaluated_value
        if isinstance(value, str) and value in sqlstate_codes():
            self.report(
                node,
                f'SQLSTATE literal "{value}" outside the errors module: '
                "match on a `DbError` code from `to_db_error` instead",
            )
