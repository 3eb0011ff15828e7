"""The clean fixture passes; each mutation of it produces exactly the code it is about."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from lint_rules.invariants.generated import generated_header
from tests.invariants.helpers import check, codes, remove, replace, write

Mutation = Callable[[Path], object]

USERS_SHAPE = "db/row_schemas/users.py"
ORGS_SHAPE = "db/row_schemas/organizations.py"
SUITE = "pgtap/001_triggers.sql"
BASELINE = "migrations/0001_baseline.sql"
DEFAULTS = "db/system_settings_defaults.py"
GENERATED = "schemas/system-settings/reconcile_retention_settings.sql"
USERS_COVERAGE = (
    "SELECT has_trigger('users', 'normalize_user_email', 'users emails are normalised');"
)


def _orphan_row_schema(root: Path) -> None:
    write(
        root, "db/row_schemas/teams.py", (root / USERS_SHAPE).read_text().replace("Users", "Teams")
    )


def _no_shape_class(root: Path) -> None:
    replace(root, USERS_SHAPE, "class UsersRowShape(TypedDict)", "class UserShape(TypedDict)")
    replace(root, USERS_SHAPE, "TypeAdapter(UsersRowShape", "TypeAdapter(UserShape")


def _no_triggers(root: Path) -> None:
    write(root, BASELINE, "CREATE TABLE users (id uuid PRIMARY KEY);\n")


def _no_migrations(root: Path) -> None:
    shutil.rmtree(root / "migrations")


def _unreadable_execute(root: Path) -> None:
    write(
        root,
        "migrations/0004_dynamic_trigger.sql",
        "DO $$\nDECLARE t text := 'users';\nBEGIN\n"
        "  EXECUTE 'CREATE TRIGGER trg_' || t || ' BEFORE UPDATE ON ' || t"
        " || ' FOR EACH ROW EXECUTE FUNCTION set_updated_at()';\nEND\n$$;\n",
    )


def _duplicate_prefix(root: Path) -> None:
    write(root, "migrations/0002_other_change.sql", "ALTER TABLE users ADD COLUMN nick text;\n")


def _regenerated_other_input(root: Path) -> None:
    body = b"SELECT 1;\n"
    header = generated_header([("db/gone.py", b"x = 1\n")], body)
    (root / GENERATED).write_bytes(header.encode() + body)


def _weak_metadata(root: Path) -> None:
    replace(
        root,
        ORGS_SHAPE,
        "from typing import Final, TypedDict",
        "from typing import Any, Final, TypedDict",
    )
    replace(root, ORGS_SHAPE, "metadata: JsonObject | None", "metadata: dict[str, Any] | None")


def _helper_prune_without_default(root: Path) -> None:
    write(
        root,
        "db/repositories/batched_delete.py",
        "from sqlalchemy import delete\n\n\n"
        "async def delete_in_batches(table, predicate, *, size=5):\n"
        "    return await _one_batch(None, predicate=predicate, table=table)\n\n\n"
        "async def _one_batch(conn, table, predicate):\n"
        "    return await conn.execute(delete(table).where(predicate))\n",
    )
    write(
        root,
        "db/repositories/org_members.py",
        "from db.client import provide_db\nfrom db.repositories.batched_delete import "
        "delete_in_batches\nfrom db.row_schemas import OrgMembersRowSchema\n"
        "from db.schema import org_members\n\n\nclass _Repo:\n"
        "    async def get(self):\n        async with provide_db() as conn:\n"
        "            return OrgMembersRowSchema.validate_python(await conn.one())\n\n"
        "    async def prune_stale(self, when):\n"
        "        return await delete_in_batches(org_members, org_members.c.id == when)\n\n\n"
        "org_members_repository = _Repo()\n",
    )


def _edit_defaults(old: str, new: str) -> Mutation:
    """Edit the retention defaults and regenerate the desired-state file, as a developer would."""

    def mutate(root: Path) -> None:
        replace(root, DEFAULTS, old, new)
        data = (root / GENERATED).read_bytes()
        body = data.split(b"\n", 2)[2]
        header = generated_header([(DEFAULTS, (root / DEFAULTS).read_bytes())], body)
        (root / GENERATED).write_bytes(header.encode() + body)

    return mutate


MUTATIONS: dict[str, tuple[str, Mutation]] = {
    "row schema missing": ("TXI001", lambda r: remove(r, USERS_SHAPE)),
    "row schema orphan": ("TXI002", _orphan_row_schema),
    "row schema not pydantic": (
        "TXI003",
        lambda r: replace(
            r,
            USERS_SHAPE,
            "from pydantic import ConfigDict, TypeAdapter",
            "from pydantic import ConfigDict\nfrom validators import TypeAdapter",
        ),
    ),
    "row shape missing": ("TXI003", _no_shape_class),
    "row schema not re-exported": (
        "TXI004",
        lambda r: replace(
            r,
            "db/row_schemas/__init__.py",
            "from .users import UsersRowSchema, UsersRowShape\n",
            "",
        ),
    ),
    "field missing": (
        "TXI005",
        lambda r: replace(r, USERS_SHAPE, "    password_hash: str | None\n", ""),
    ),
    "field extra": (
        "TXI005",
        lambda r: replace(
            r, USERS_SHAPE, "    email: str\n", "    email: str\n    nickname: str\n"
        ),
    ),
    "nullable column, field not optional": (
        "TXI005",
        lambda r: replace(r, USERS_SHAPE, "password_hash: str | None", "password_hash: str"),
    ),
    "not-null column, optional field": (
        "TXI005",
        lambda r: replace(r, USERS_SHAPE, "email: str", "email: str | None"),
    ),
    "type family": (
        "TXI005",
        lambda r: replace(r, USERS_SHAPE, "login_count: int", "login_count: str"),
    ),
    "uuid as str": ("TXI005", lambda r: replace(r, USERS_SHAPE, "id: UUID", "id: str")),
    "enum values differ": (
        "TXI005",
        lambda r: replace(r, "db/row_schemas/invitations.py", ', "expired"]', "]"),
    ),
    "enum alias differs": (
        "TXI005",
        lambda r: replace(
            r,
            "db/literals.py",
            'MembershipRole = Literal["owner", "admin", "member"]',
            'MembershipRole = Literal["owner", "member"]',
        ),
    ),
    "json column as str": (
        "TXI005",
        lambda r: replace(r, ORGS_SHAPE, "brand_settings: BrandSettings", "brand_settings: str"),
    ),
    "json dict[str, Any]": ("TXI006", _weak_metadata),
    "json bare dict": (
        "TXI006",
        lambda r: replace(r, ORGS_SHAPE, "brand_settings: BrandSettings", "brand_settings: dict"),
    ),
    "json object": (
        "TXI006",
        lambda r: replace(r, ORGS_SHAPE, "brand_settings: BrandSettings", "brand_settings: object"),
    ),
    "json Mapping[str, Any] via weak alias": (
        "TXI006",
        lambda r: replace(
            r,
            "db/json_types.py",
            "JsonObject: TypeAlias = dict[str, JsonValue]",
            "JsonObject: TypeAlias = Mapping[str, Any]\nfrom typing import Any, Mapping  # noqa",
        ),
    ),
    "field type unreadable": (
        "TXI009",
        lambda r: replace(r, USERS_SHAPE, "login_count: int", "login_count: Counter  # noqa"),
    ),
    "column type unreadable": (
        "TXI009",
        lambda r: replace(
            r,
            "db/schema.py",
            'Column("password_hash", Text)',
            'Column("password_hash", postgresql.ARRAY(Text))',
        ),
    ),
    "column nullability unreadable": (
        "TXI009",
        lambda r: replace(
            r,
            "db/schema.py",
            'Column("password_hash", Text)',
            'Column("password_hash", Text, nullable=OPTIONAL)',
        ),
    ),
    "factory missing": ("TXI011", lambda r: remove(r, "db/factories/users.py")),
    "factory orphan": (
        "TXI012",
        lambda r: write(
            r, "db/factories/teams.py", "def create_teams_factory(**o):\n    return o\n"
        ),
    ),
    "factory function missing": (
        "TXI013",
        lambda r: replace(r, "db/factories/users.py", "def create_users_factory", "def make_user"),
    ),
    "factory not re-exported": (
        "TXI014",
        lambda r: replace(
            r, "db/factories/__init__.py", "from .users import create_users_factory\n", ""
        ),
    ),
    "trigger not asserted": (
        "TXI021",
        lambda r: replace(r, SUITE, USERS_COVERAGE, "SELECT pass();"),
    ),
    "trigger only in a comment": (
        "TXI021",
        lambda r: replace(r, SUITE, USERS_COVERAGE, "-- normalize_user_email\nSELECT pass();"),
    ),
    "trigger only in a test description": (
        "TXI021",
        lambda r: replace(r, SUITE, USERS_COVERAGE, "SELECT pass('normalize_user_email fires');"),
    ),
    "DO-block trigger not asserted": (
        "TXI021",
        lambda r: replace(
            r,
            SUITE,
            "SELECT has_trigger('organizations', 'update_organizations_updated_at');",
            "SELECT pass();",
        ),
    ),
    "EXECUTE format() trigger not asserted": (
        "TXI021",
        lambda r: replace(r, SUITE, "tgname = 'normalize_invitation_email'", "true"),
    ),
    "renamed trigger not asserted": (
        "TXI021",
        lambda r: write(
            r,
            "migrations/0004_rename_trigger.sql",
            "ALTER TRIGGER normalize_user_email ON users RENAME TO users_email_lower;\n",
        ),
    ),
    "trigger created by unreadable EXECUTE": ("TXI021", _unreadable_execute),
    "no pgTAP suites": ("TXI022", lambda r: remove(r, SUITE)),
    "no triggers": ("TXI022", _no_triggers),
    "no migrations": ("TXI022", _no_migrations),
    "suite without plan": ("TXI023", lambda r: replace(r, SUITE, "SELECT plan(3);", "")),
    "suite without finish": ("TXI023", lambda r: replace(r, SUITE, "SELECT * FROM finish();", "")),
    "suite without BEGIN": ("TXI023", lambda r: replace(r, SUITE, "BEGIN;\n", "")),
    "suite commits": ("TXI023", lambda r: replace(r, SUITE, "ROLLBACK;", "COMMIT;")),
    "suite does not parse": (
        "TXI023",
        lambda r: replace(r, SUITE, "SELECT plan(3);", "SELEC plan(3);"),
    ),
    "migration badly named": (
        "TXI031",
        lambda r: (r / "migrations/0003_invitations_email_index.sql").rename(
            r / "migrations/3-InvitationsIndex.sql"
        ),
    ),
    "migration prefix duplicated": ("TXI031", _duplicate_prefix),
    "migration syntax error": (
        "TXI032",
        lambda r: write(r, "migrations/0004_broken.sql", "CREATE TABL broken (id int);\n"),
    ),
    "migration commits": (
        "TXI033",
        lambda r: replace(r, "migrations/0002_drop_legacy_trigger.sql", "DROP", "BEGIN;\nDROP"),
    ),
    "concurrent index without marker": (
        "TXI033",
        lambda r: replace(
            r, "migrations/0003_invitations_email_index.sql", "-- txdb:no-transaction\n", ""
        ),
    ),
    "vacuum without marker": (
        "TXI033",
        lambda r: write(r, "migrations/0004_vacuum.sql", "VACUUM ANALYZE users;\n"),
    ),
    "generated body edited": ("TXI041", lambda r: replace(r, GENERATED, "180", "365")),
    "generator input changed": (
        "TXI041",
        lambda r: replace(r, DEFAULTS, "from dataclasses", "# edited\nfrom dataclasses"),
    ),
    "generator input gone": ("TXI041", _regenerated_other_input),
    "pruned table without default": (
        "TXI042",
        _edit_defaults(
            '    "invitations": RetentionDefault(table="invitations", retention_days=180),\n', ""
        ),
    ),
    "table pruned through a helper without default": ("TXI042", _helper_prune_without_default),
    "default names unknown table": (
        "TXI042",
        _edit_defaults(
            "retention_days=180),",
            'retention_days=180),\n    "audit": RetentionDefault(table="audit_events", '
            "retention_days=90),",
        ),
    ),
    "default names never-pruned table": (
        "TXI042",
        _edit_defaults(
            "retention_days=180),",
            'retention_days=180),\n    "users": RetentionDefault(table="users", '
            "retention_days=90),",
        ),
    ),
    "event type badly named": (
        "TXI043",
        lambda r: replace(
            r, "db/literals.py", '"organization.member_added"', '"OrganizationMemberAdded"'
        ),
    ),
    "repository bypasses provider": (
        "TXI051",
        lambda r: replace(
            r,
            "db/repositories/users.py",
            "async with provide_db() as conn:",
            "async with open_connection() as conn:",
        ),
    ),
    "repository imports no RowSchema": (
        "TXI051",
        lambda r: replace(
            r,
            "db/repositories/users.py",
            "from db.row_schemas import UsersRowSchema",
            "from db.validation import UsersRowSchema",
        ),
    ),
}


def test_clean_fixture_passes(project: Path) -> None:
    """The unmodified fixture produces no message at all."""
    assert check(project) == []


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutation_produces_exactly_its_code(project: Path, name: str) -> None:
    """Each mutation yields its own code and no other."""
    code, mutate = MUTATIONS[name]
    mutate(project)
    messages = check(project)
    assert codes(messages) == {code}, [m.as_text() for m in messages]


def test_every_code_has_a_mutation() -> None:
    """No TXI code of the catalogue goes untested."""
    from lint_rules.invariants.model import CODES

    assert {code for code, _ in MUTATIONS.values()} == set(CODES)


@pytest.mark.parametrize(
    "name", ["field missing", "trigger not asserted", "pruned table without default"]
)
def test_parallel_run_matches_sequential(project: Path, name: str) -> None:
    """Forked check groups (used on large projects) report exactly what one process reports."""
    from lint_rules.invariants.runner import run_checks
    from lint_rules.invariants.settings import load_settings

    MUTATIONS[name][1](project)
    settings = load_settings(project)
    sequential = run_checks(project, settings, jobs=1)
    assert sequential
    assert run_checks(project, settings, jobs=2) == sequential
