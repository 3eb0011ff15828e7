"""The `txdb` command: argument parsing and printing around the db package's tools."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

from db.env import EnvError, database_url

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_USAGE: Final = 2

Handler = Callable[[argparse.Namespace], int]


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _url(args: argparse.Namespace) -> str:
    return str(args.url) if args.url else database_url()


def _migrate(args: argparse.Namespace) -> int:
    from db.migrate import apply_migrations

    run = apply_migrations(_url(args), Path(args.migrations_dir), out=print)
    print(f"{len(run.applied)} applied, {len(run.skipped)} already applied")
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    from db.migrate import migration_status

    statuses = migration_status(_url(args), Path(args.migrations_dir))
    for status in statuses:
        when = status.applied_at.isoformat(timespec="seconds") if status.applied_at else ""
        print(f"{status.state:<8} {status.name} {when}".rstrip())
    bad = [s for s in statuses if s.state in ("drifted", "missing")]
    if bad:
        _err(
            f"{len(bad)} migration(s) drifted or missing: applied files must not be edited, "
            "renamed or deleted; restore them and put changes in a new migration"
        )
        return EXIT_FAILED
    return EXIT_OK


def _schemas_apply(args: argparse.Namespace) -> int:
    from db.migrate import apply_desired_state

    schemas_dir = Path(args.schemas_dir)
    for path in apply_desired_state(_url(args), schemas_dir):
        print(f"applied {path.relative_to(schemas_dir).as_posix()}")
    return EXIT_OK


def _schemas_generate(args: argparse.Namespace) -> int:
    from db.desired_state import generate

    schemas_dir = Path(args.schemas_dir)
    for path in generate(schemas_dir):
        print(f"wrote {path.relative_to(schemas_dir).as_posix()}")
    return EXIT_OK


def _schemas_check(args: argparse.Namespace) -> int:
    from db.desired_state import stale_files

    stale = stale_files(Path(args.schemas_dir))
    for name in stale:
        _err(f"{name}: differs from what its generator renders")
    if stale:
        _err("Run `txdb schemas generate` and commit the result (never edit these by hand).")
        return EXIT_FAILED
    print("generated desired-state files are up to date")
    return EXIT_OK


def _check_drift(args: argparse.Namespace) -> int:
    from db.drift import describe, find_drift

    differences = find_drift(_url(args))
    if differences:
        _err(f"{len(differences)} difference(s) between the database and db/schema.py:")
        _err(describe(differences))
        _err("Make migrations/ and db/schema.py agree: add a migration or fix the declaration.")
        return EXIT_FAILED
    print("database matches db/schema.py")
    return EXIT_OK


def _pgtap(args: argparse.Namespace) -> int:
    from db.pgtap import run_cli

    return run_cli(_url(args), Path(args.pgtap_dir))


def _trigger_new(args: argparse.Namespace) -> int:
    from db.trigger_scaffold import run_cli

    return run_cli(Path(args.root), args.name, args.table, args.timing, args.events, args.level)


def _retention_run(args: argparse.Namespace) -> int:
    from db.retention import run_cli

    return run_cli(_url(args), bool(args.dry_run))


def _command(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    help_text: str,
    handler: Handler | None,
) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(name, help=help_text, description=help_text)
    parser.add_argument(
        "--url",
        default=argparse.SUPPRESS,
        help="database URL (default: DATABASE_URL, else the local development database)",
    )
    if handler is not None:
        parser.set_defaults(handler=handler)
    return parser


def _dir_option(parser: argparse.ArgumentParser, option: str, default: str, what: str) -> None:
    parser.add_argument(option, default=default, help=f"{what} (default: ./{default})")


def build_parser() -> argparse.ArgumentParser:
    """Return the `txdb` argument parser."""
    parser = argparse.ArgumentParser(
        prog="txdb", description="Migrations, desired state, drift and pgTAP for the db package."
    )
    parser.add_argument("--url", default=None, help="database URL (default: DATABASE_URL)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    migrate = _command(commands, "migrate", "apply pending migrations", _migrate)
    _dir_option(migrate, "--migrations-dir", "migrations", "migration files")
    status = _command(commands, "status", "list applied, pending and drifted migrations", _status)
    _dir_option(status, "--migrations-dir", "migrations", "migration files")

    schemas = _command(commands, "schemas", "desired-state SQL under schemas/", None)
    actions = schemas.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, help_text, handler in (
        ("apply", "apply every schemas/**.sql in one transaction", _schemas_apply),
        ("generate", "write the generated desired-state files", _schemas_generate),
        ("check", "fail when a generated file differs from its generator", _schemas_check),
    ):
        action = _command(actions, name, help_text, handler)
        _dir_option(action, "--schemas-dir", "schemas", "desired-state files")

    _command(commands, "check-drift", "compare the database with db/schema.py", _check_drift)
    pgtap = _command(commands, "pgtap", "run the pgTAP suites", _pgtap)
    _dir_option(pgtap, "--pgtap-dir", "pgtap", "pgTAP suites")

    trigger = _command(commands, "trigger", "trigger scaffolding", None)
    trigger_actions = trigger.add_subparsers(dest="action", metavar="ACTION", required=True)
    new = _command(
        trigger_actions, "new", "scaffold a trigger migration and its suite", _trigger_new
    )
    new.add_argument("--name", required=True, help="trigger name (slugified)")
    new.add_argument("--table", required=True, help="table or schema.table")
    new.add_argument("--timing", default="BEFORE", help="BEFORE or AFTER (default: BEFORE)")
    new.add_argument("--events", default="INSERT", help="e.g. INSERT,UPDATE (default: INSERT)")
    new.add_argument("--level", default="ROW", help="ROW or STATEMENT (default: ROW)")
    new.add_argument("--root", default=".", help="project root (default: the current directory)")

    retention = _command(commands, "retention", "data retention", None)
    retention_actions = retention.add_subparsers(dest="action", metavar="ACTION", required=True)
    run = _command(retention_actions, "run", "prune rows past their retention", _retention_run)
    run.add_argument("--dry-run", action="store_true", help="count what would be deleted")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run `txdb` with ARGV and return the exit code."""
    from db.errors import DbError
    from db.migrate import ConnectionFailedError, MigrationError

    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except ConnectionFailedError as exc:
        _err(f"error: {exc}")
        return EXIT_USAGE
    except EnvError as exc:
        _err(f"error: {exc}")
        return EXIT_USAGE
    except (MigrationError, DbError) as exc:
        _err(f"error: {exc}")
        return EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
