"""docs/rules.md and the terminal table are generated from the rules, and kept fresh."""

from __future__ import annotations

from pathlib import Path

import pytest

from lint_rules.docs import main, render_rules_markdown, render_rules_table
from lint_rules.rules import ALL_RULES

ROOT = Path(__file__).resolve().parents[2]


def test_committed_rules_document_is_fresh() -> None:
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == render_rules_markdown(), "run `python -m lint_rules.docs --write`"


def test_markdown_documents_every_rule_and_example() -> None:
    text = render_rules_markdown()
    for rule in ALL_RULES:
        assert f"## {rule.code}" in text
        assert rule.summary() in text
        for example in [*rule.VALID, *rule.INVALID]:
            assert example.source.rstrip("\n") in text


def test_table_lists_every_code_once() -> None:
    table = render_rules_table()
    for rule in ALL_RULES:
        assert table.count(rule.code + " ") == 1
    assert table.splitlines()[2].startswith("TXD101")


def test_check_mode_detects_stale_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "rules.md"
    assert main(["--check", "--output", str(output)]) == 1
    assert main(["--write", "--output", str(output)]) == 0
    assert main(["--check", "--output", str(output)]) == 0
    output.write_text(output.read_text() + "edited\n")
    assert main(["--check", "--output", str(output)]) == 1
    assert "stale" in capsys.readouterr().err
