"""This repository keeps its own invariants."""

from __future__ import annotations

from lint_rules.invariants.runner import run_checks
from lint_rules.invariants.settings import load_settings
from tests.invariants.conftest import REPO_ROOT


def test_repository_passes_txlint_check() -> None:
    """`txlint check` on this repository reports nothing."""
    messages = run_checks(REPO_ROOT, load_settings(REPO_ROOT))
    assert [m.as_text() for m in messages] == []


def test_repository_reads_every_table_and_trigger() -> None:
    """The checker sees the whole db package, not an empty project (a pass means something)."""
    from lint_rules.invariants.check_triggers import live_triggers
    from lint_rules.invariants.project import Project
    from lint_rules.invariants.tables import read_schema

    project = Project(REPO_ROOT, load_settings(REPO_ROOT))
    schema = read_schema(project)
    assert len(schema.tables) == 20
    assert all(column.type.family for t in schema.tables.values() for column in t.columns)
    triggers, problems = live_triggers(project)
    assert problems == []
    assert {t.name for t in triggers} >= {"normalize_user_email", "normalize_invitation_identity"}


def test_repository_prunes_and_repositories_are_seen() -> None:
    """TXI042/TXI051 read the real repositories: every one found, prunes traced to tables."""
    from lint_rules.invariants.project import Project
    from lint_rules.invariants.repositories import read_repositories
    from lint_rules.invariants.tables import read_schema

    project = Project(REPO_ROOT, load_settings(REPO_ROOT))
    infos = read_repositories(project, read_schema(project))
    exported = [info for info in infos if info.repositories]
    assert len(exported) >= 15
    assert all(info.enters_provider and info.imports_row_schema for info in exported)
    pruned = {prune.table for info in infos for prune in info.prunes}
    assert {"invitations", "domain_events", "auth_login_audit_events"} <= pruned
