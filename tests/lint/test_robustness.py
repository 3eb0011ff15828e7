"""The plugin never raises: generated programs and the whole SQLAlchemy source."""

from __future__ import annotations

import ast
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings

from lint_rules.config import Roles
from lint_rules.core.context import FileContext
from lint_rules.core.rule import ROLE_PATHS, Rule
from lint_rules.core.runner import lint_source
from lint_rules.flake8_plugin import TxdChecker
from lint_rules.rules import ALL_RULES

ROLES = Roles()
PATHS = sorted(set(ROLE_PATHS.values()))


def _always(rule: type[Rule]) -> type[Rule]:
    """RULE without its pre-filter, so generated code reaches every visitor."""

    def wants(cls: type[Rule], ctx: FileContext) -> bool:
        return True

    return type(rule.__name__, (rule,), {"wants": classmethod(wants)})


UNFILTERED: tuple[type[Rule], ...] = tuple(_always(rule) for rule in ALL_RULES)
EXAMPLES = int(os.environ.get("TXD_FUZZ_EXAMPLES", "2000"))


def _fuzz(seed_value: int, count: int) -> tuple[int, list[str]]:
    """Lint COUNT generated programs (one process); return how many ran and any problems."""
    seen: list[str] = []
    problems: list[str] = []

    @seed(seed_value)
    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(source=hypothesmith.from_grammar())
    def check(source: str) -> None:
        seen.append(source)
        path = PATHS[len(source) % len(PATHS)]
        try:
            reports = lint_source(source, path, ROLES, UNFILTERED)
        except Exception as exc:  # the test reports it with the program
            problems.append(f"{type(exc).__name__}: {exc} in {source!r}")
            return
        for report in reports:
            if report.code == "TXD000" or report.line < 1 or report.col < 0:
                problems.append(f"{report} in {source!r}")

    check()
    return len(seen), problems


@pytest.mark.slow
def test_generated_programs_never_crash_the_plugin() -> None:
    workers = 2
    with ProcessPoolExecutor(max_workers=workers) as pool:
        outcomes = list(pool.map(_fuzz, range(workers), [-(-EXAMPLES // workers)] * workers))
    assert sum(count for count, _ in outcomes) >= EXAMPLES
    assert [problem for _, found in outcomes for problem in found] == []


def test_checker_turns_internal_errors_into_one_txd000(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(self: Rule, node: object) -> None:
        raise RuntimeError("boom")

    rule = ALL_RULES[0]
    monkeypatch.setattr(rule, "visit_ImportFrom", explode, raising=False)
    source = "from sqlalchemy import Table as T\nimport os\nx = os.environ\n"
    checker = TxdChecker(ast.parse(source), "db/x.py", source.splitlines(keepends=True))
    results = list(checker.run())
    internal = [text for _, _, text, _ in results if text.startswith("TXD000")]
    assert len(internal) == 1
    assert "RuntimeError: boom" in internal[0]
    assert any(text.startswith("TXD601") for _, _, text, _ in results)


SA_ROLES = ("db/repositories/sa.py", "db/schema.py", "db/sa.py", "app/sa.py")


def _lint_files(paths: Sequence[str]) -> list[str]:
    """Lint each file once, in turn as a repository, the schema, a db module and a service."""
    problems = []
    for index, name in enumerate(paths):
        source = Path(name).read_text(encoding="utf-8")
        role_path = SA_ROLES[index % len(SA_ROLES)]
        for report in lint_source(source, role_path, ROLES):
            if report.code == "TXD000":
                problems.append(f"{name} as {role_path}: {report.message}")
    return problems


@pytest.mark.slow
def test_whole_sqlalchemy_source_never_crashes_the_plugin() -> None:
    import importlib.util

    spec = importlib.util.find_spec("sqlalchemy")
    assert spec is not None
    assert spec.origin is not None
    files = sorted(str(p) for p in Path(spec.origin).parent.rglob("*.py"))
    assert len(files) > 200
    chunks = [files[index::2] for index in range(2)]
    with ProcessPoolExecutor(max_workers=2) as pool:
        problems = [p for chunk in pool.map(_lint_files, chunks) for p in chunk]
    assert problems == []
