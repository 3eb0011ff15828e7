"""The `txlint` command: `check` (TXI invariants), `fence` (import fence), `rules`, `fix`."""

from __future__ import annotations

import argparse
import sys
import traceback
from dataclasses import fields
from pathlib import Path
from typing import Any

from lint_rules.config import ConfigError, Roles

EXIT_CLEAN, EXIT_VIOLATIONS, EXIT_USAGE = 0, 1, 2
_ROLE_OPTIONS = tuple(f.name.replace("_", "-") for f in fields(Roles))
_PATH_OPTIONS = ("row-schemas", "factories", "json-types-module", "retention-defaults-module")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="txlint", description="Static checks that keep a tx-agent-style db package honest."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser(
        "check",
        help="check the project's invariants (TXI codes)",
        description="Check the project's invariants statically. Exit 0 clean, 1 violations, "
        "2 usage or configuration errors. Settings come from [tool.txlint] in ROOT/pyproject.toml; "
        "options given here win.",
    )
    check.add_argument("root", nargs="?", default=".", help="project root (default: .)")
    check.add_argument("--format", choices=("text", "json"), default="text", dest="output_format")
    check.add_argument("--select", help="comma list of codes or prefixes to report (e.g. TXI0)")
    check.add_argument("--ignore", help="comma list of codes or prefixes not to report")
    check.add_argument(
        "--trigger-coverage",
        choices=("statement", "marker"),
        help="statement: a pgTAP statement must name each trigger (default); marker: upstream's "
        "whole-word mention anywhere, comments included",
    )
    check.add_argument(
        "--expect-triggers",
        choices=("true", "false"),
        help="report TXI022 when the migrations define no trigger",
    )
    roles = check.add_argument_group("file roles (paths relative to ROOT)")
    for option in _ROLE_OPTIONS + _PATH_OPTIONS:
        roles.add_argument(f"--{option}", metavar="VALUE", dest=f"role_{option}")
    fence = commands.add_parser(
        "fence",
        help="check that only the db package imports SQLAlchemy and the drivers (import-linter)",
        description="Generate the import fence from [tool.txlint] (db-package, fenced-imports) "
        "and check it with lint-imports. Exit 0 kept, 1 broken, 2 usage or configuration errors.",
    )
    fence.add_argument("root", nargs="?", default=".", help="project root (default: .)")
    fence.add_argument("--db-package", metavar="PATH", help="the db package, relative to ROOT")
    fence.add_argument("--fenced-imports", metavar="A,B", help="comma list of fenced modules")
    commands.add_parser("rules", help="print the TXD rule table")
    fix = commands.add_parser("fix", help="apply the safe TXD autofixes to PATHs")
    fix.add_argument("paths", nargs="+", metavar="PATH")
    fix.add_argument("--root", default=".", help="project root whose [tool.txlint] applies")
    return parser


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for option in _ROLE_OPTIONS + _PATH_OPTIONS:
        value = getattr(args, f"role_{option}")
        if value is not None:
            values[option] = value
    if args.trigger_coverage is not None:
        values["trigger-coverage"] = args.trigger_coverage
    if args.expect_triggers is not None:
        values["expect-triggers"] = args.expect_triggers == "true"
    return values


def _check(args: argparse.Namespace) -> int:
    from lint_rules.invariants.runner import format_messages, run_checks
    from lint_rules.invariants.settings import load_settings, parse_codes, with_filters

    root = Path(args.root)
    try:
        settings = load_settings(root, _overrides(args))
        settings = with_filters(
            settings,
            parse_codes(args.select, "--select") if args.select is not None else None,
            parse_codes(args.ignore, "--ignore") if args.ignore is not None else None,
        )
        messages = run_checks(root, settings)
    except ConfigError as exc:
        print(f"txlint: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception:  # an internal error must not pass for a list of violations
        traceback.print_exc()
        print("txlint: internal error (a bug in txlint, please report it)", file=sys.stderr)
        return EXIT_USAGE
    output = format_messages(messages, args.output_format)
    if output:
        print(output)
    if args.output_format == "text" and messages:
        print(f"txlint: {len(messages)} violation(s)", file=sys.stderr)
    return EXIT_VIOLATIONS if messages else EXIT_CLEAN


def _fence(args: argparse.Namespace) -> int:
    from lint_rules.config import load_pyproject_settings
    from lint_rules.invariants.fence import run_fence
    from lint_rules.invariants.settings import build_settings

    root = Path(args.root)
    values = {"db-package": args.db_package, "fenced-imports": args.fenced_imports}
    try:
        settings = build_settings(
            {**load_pyproject_settings(root), **{k: v for k, v in values.items() if v is not None}}
        )
        return run_fence(root, settings.roles)
    except ConfigError as exc:
        print(f"txlint: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _rules() -> int:
    from lint_rules import docs  # type: ignore[attr-defined, unused-ignore]

    print(docs.render_rules_table())
    return EXIT_CLEAN


def _fix(args: argparse.Namespace) -> int:
    from lint_rules import autofix  # type: ignore[attr-defined, unused-ignore]
    from lint_rules.config import load_roles

    try:
        roles = load_roles(Path(args.root))
    except ConfigError as exc:
        print(f"txlint: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return int(autofix.fix_paths([Path(p) for p in args.paths], roles))


def main(argv: list[str] | None = None) -> int:
    """Run the `txlint` command line and return its exit code."""
    args = _parser().parse_args(argv)
    if args.command == "check":
        return _check(args)
    if args.command == "fence":
        return _fence(args)
    if args.command == "rules":
        return _rules()
    return _fix(args)


if __name__ == "__main__":
    sys.exit(main())
