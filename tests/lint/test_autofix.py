"""Autofixes: each fix example is fixed, re-lints clean, and a second run changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from lint_rules.autofix import fix_paths, fix_source, fixable_rules
from lint_rules.config import Roles
from lint_rules.core.rule import Invalid, Rule
from lint_rules.core.runner import lint_source
from lint_rules.rules import ALL_RULES

ROLES = Roles()
FIX_EXAMPLES = [
    (rule, index, example)
    for rule in ALL_RULES
    for index, example in enumerate(rule.INVALID)
    if example.fixed is not None
]
FIXES = [
    pytest.param(rule, example, id=f"{rule.code}-fix-{index}")
    for rule, index, example in FIX_EXAMPLES
]


def test_the_three_spec_fixes_exist() -> None:
    assert {rule.code for rule in fixable_rules()} == {"TXD101", "TXD201", "TXD304"}
    assert {rule.code for rule, _, _ in FIX_EXAMPLES} == {"TXD101", "TXD201", "TXD304"}


@pytest.mark.parametrize(("rule", "example"), FIXES)
def test_fix_example(rule: type[Rule], example: Invalid) -> None:
    fixed, reports = fix_source(example.source, example.path, ROLES)
    assert fixed == example.fixed_source
    assert [r.code for r in reports] == [rule.code]
    remaining = lint_source(fixed, example.path, ROLES, [rule])
    assert remaining == []
    again, more = fix_source(fixed, example.path, ROLES)
    assert again == fixed
    assert more == []


def test_unsafe_alias_is_reported_but_not_fixed() -> None:
    source = "from sqlalchemy import Table as T\n\n\ndef T2():\n    T = 1\n    return T\n"
    fixed, reports = fix_source(source, "db/x.py", ROLES)
    assert fixed == source
    assert reports == []
    assert [r.code for r in lint_source(source, "db/x.py", ROLES)] == ["TXD101"]


def test_await_is_not_added_outside_async_def() -> None:
    source = "async def f():\n    return 1\n\n\ndef g():\n    f()\n"
    fixed, _ = fix_source(source, "db/x.py", ROLES)
    assert fixed == source
    assert [r.code for r in lint_source(source, "db/x.py", ROLES)] == ["TXD304"]


def test_outbox_fix_keeps_existing_helper_import() -> None:
    source = (
        "from db.client import provide_db\n"
        "from db.repositories.domain_events import insert_domain_event_in_transaction\n"
        "from db.schema import domain_events\n"
        "from sqlalchemy import insert\n\n\n"
        "async def f(kind):\n"
        "    async with provide_db() as conn:\n"
        "        await conn.execute(insert(domain_events).values(event_type=kind))\n"
    )
    fixed, reports = fix_source(source, "db/repositories/users.py", ROLES)
    assert [r.code for r in reports] == ["TXD201"]
    assert fixed.count("import insert_domain_event_in_transaction") == 1
    assert 'await insert_domain_event_in_transaction(conn, {"event_type": kind})' in fixed


def test_outbox_insert_outside_a_transaction_is_not_rewritten() -> None:
    source = (
        "from db.schema import domain_events\n"
        "from sqlalchemy import insert\n\n\n"
        "async def f(conn, kind):\n"
        "    await conn.execute(insert(domain_events).values(event_type=kind))\n"
    )
    fixed, reports = fix_source(source, "db/repositories/users.py", ROLES)
    assert fixed == source
    assert reports == []


def test_fix_paths_rewrites_files_and_is_idempotent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "db" / "runner.py"
    target.parent.mkdir()
    target.write_text("async def step():\n    return 1\n\n\nasync def run():\n    step()\n")
    untouched = tmp_path / "db" / "clean.py"
    untouched.write_text("X = 1\n")
    assert fix_paths([tmp_path / "db"], ROLES) == 0
    assert target.read_text().endswith("    await step()\n")
    assert untouched.read_text() == "X = 1\n"
    out = capsys.readouterr().out
    assert "runner.py:6:5: fixed TXD304" in out
    assert fix_paths([tmp_path / "db"], ROLES) == 0
    assert capsys.readouterr().out == ""


def test_fix_paths_reports_unparsable_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "bad.py"
    bad.write_text("async def f(:\n    f()\n")
    assert fix_paths([bad], ROLES) == 1
