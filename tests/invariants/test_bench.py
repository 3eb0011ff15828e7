"""The synthetic projects of bench/invariants_scale.py are clean and exercise every check."""

from __future__ import annotations

from pathlib import Path

from bench.invariants_scale import generate_project
from lint_rules.invariants.project import Project
from lint_rules.invariants.repositories import read_repositories
from lint_rules.invariants.settings import load_settings
from lint_rules.invariants.tables import read_schema
from tests.invariants.helpers import check, codes, replace


def test_synthetic_project_is_clean_and_complete(tmp_path: Path) -> None:
    """30 tables: no message; every table is read, pruned and has a live asserted trigger."""
    files = generate_project(tmp_path, 30)
    assert files > 30 * 3
    assert check(tmp_path) == []
    project = Project(tmp_path, load_settings(tmp_path))
    schema = read_schema(project)
    assert len(schema.tables) == 30
    assert all(len(table.columns) == 8 for table in schema.tables.values())
    prunes = [p for info in read_repositories(project, schema) for p in info.prunes]
    assert len(prunes) == 30


def test_synthetic_project_breaks_like_a_real_one(tmp_path: Path) -> None:
    """A broken synthetic project is reported (the benchmark times real work, not a no-op)."""
    generate_project(tmp_path, 30)
    replace(tmp_path, "pgtap/001_triggers.sql", "'table_00007_touch'", "'other'")
    replace(tmp_path, "db/row_schemas/table_00003.py", "count: int", "count: str")
    assert codes(check(tmp_path)) == {"TXI005", "TXI021"}


def test_rewrite_touches_only_its_section(tmp_path: Path) -> None:
    """The benchmark replaces the text between its markers and nothing else."""
    from bench.invariants_scale import rewrite_section

    doc = tmp_path / "benchmarks.md"
    other = "<!-- bench:other:start -->\nkeep\n<!-- bench:other:end -->\n"
    mine = "<!-- bench:invariants_scale:start -->\nold\n<!-- bench:invariants_scale:end -->\n"
    doc.write_text("# B\n" + other + mine + "tail\n")
    rewrite_section("| new |", doc)
    assert doc.read_text() == "# B\n" + other + mine.replace("old", "| new |") + "tail\n"
