"""The flake8 entry point of the TXD rules (`TXD = lint_rules.flake8_plugin:TxdChecker`)."""

from __future__ import annotations

import argparse
import ast
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from lint_rules.config import ConfigError, Roles, load_roles
from lint_rules.core.report import Report
from lint_rules.core.roles import relative_posix
from lint_rules.core.rule import Rule
from lint_rules.core.runner import INTERNAL_ERROR, lint_source

__version__ = "0.1.0"

#: flake8 option name -> (Roles field, is a comma-separated list).
OPTIONS: dict[str, tuple[str, bool]] = {
    "--txd-db-package": ("db_package", False),
    "--txd-schema-module": ("schema_module", False),
    "--txd-repositories": ("repositories", False),
    "--txd-domain-events-module": ("domain_events_module", False),
    "--txd-query-modules": ("query_modules", True),
    "--txd-env-module": ("env_module", False),
    "--txd-errors-module": ("errors_module", False),
    "--txd-literals-module": ("literals_module", False),
    "--txd-fenced-imports": ("fenced_imports", True),
}


def _default_text(value: str | tuple[str, ...]) -> str:
    return ",".join(value) if isinstance(value, tuple) else value


def roles_from_options(options: argparse.Namespace, root: str) -> Roles:
    """Roles for ROOT: defaults, then `[tool.txlint]`, then explicit `--txd-*` options."""
    roles = load_roles(Path(root))
    overrides: dict[str, Any] = {}
    for flag, (field, is_list) in OPTIONS.items():
        value = getattr(options, flag[2:].replace("-", "_"), None)
        if value is None or value == [] or value == "":
            continue
        overrides[field] = list(value) if is_list and not isinstance(value, str) else value
    return roles.with_overrides(overrides)


class TxdChecker:
    """flake8 AST plugin: runs every selected TXD rule over one file."""

    name = "txd"
    version = __version__

    roles: ClassVar[Roles] = Roles()
    root: ClassVar[str] = "."
    config_error: ClassVar[str | None] = None
    rules: ClassVar[tuple[type[Rule], ...] | None] = None

    def __init__(self, tree: ast.AST, filename: str, lines: list[str]) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines

    @classmethod
    def add_options(cls, manager: Any) -> None:
        """Register the `--txd-*` role options (also readable from flake8 config files)."""
        defaults = Roles()
        for flag, (field, is_list) in OPTIONS.items():
            default = _default_text(getattr(defaults, field))
            manager.add_option(
                flag,
                default=None,
                parse_from_config=True,
                comma_separated_list=is_list,
                help=f"TXD file role, relative to the project root (default: {default}; "
                f"also `[tool.txlint] {field.replace('_', '-')}`)",
            )

    @classmethod
    def parse_options(cls, options: argparse.Namespace) -> None:
        """Resolve the roles once per run, and which TXD codes flake8 will keep."""
        cls.root = os.getcwd()
        cls.config_error = None
        try:
            cls.roles = roles_from_options(options, cls.root)
        except ConfigError as exc:
            cls.roles = Roles()
            cls.config_error = str(exc)
        cls.rules = _selected_rules(options)

    def run(self) -> Iterator[tuple[int, int, str, type[Any]]]:
        """Yield flake8 results; never raises."""
        try:
            yield from self._run()
        except Exception as exc:  # must never escape into flake8
            yield 1, 0, f"{INTERNAL_ERROR} internal error: {type(exc).__name__}: {exc}", type(self)

    def _run(self) -> Iterator[tuple[int, int, str, type[Any]]]:
        if self.config_error is not None:
            yield 1, 0, f"{INTERNAL_ERROR} bad TXD configuration: {self.config_error}", type(self)
            return
        from lint_rules.rules import ALL_RULES

        rules = ALL_RULES if self.rules is None else self.rules
        if not rules:
            return
        source = "".join(self.lines)
        path = relative_posix(self.filename, self.root)
        report: Report
        for report in lint_source(source, path, self.roles, rules, self.tree):
            yield report.line, report.col, report.text, type(self)


def _selected_rules(options: argparse.Namespace) -> tuple[type[Rule], ...] | None:
    """The rules whose codes flake8 would not ignore; None when that cannot be decided."""
    from lint_rules.rules import ALL_RULES

    try:
        from flake8.style_guide import Decision, DecisionEngine

        engine = DecisionEngine(options)
        return tuple(
            rule for rule in ALL_RULES if engine.decision_for(rule.code) is Decision.Selected
        )
    except Exception:  # an unknown flake8 internals change: run everything
        return None
