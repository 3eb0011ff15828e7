"""Every rule's own VALID and INVALID examples, run through the real runner (Fixit style)."""

from __future__ import annotations

import pytest

from lint_rules.config import Roles
from lint_rules.core.rule import Invalid, Rule, Valid
from lint_rules.core.runner import lint_source
from lint_rules.rules import ALL_RULES

ROLES = Roles()
VALID = [
    pytest.param(rule, example, id=f"{rule.code}-valid-{index}")
    for rule in ALL_RULES
    for index, example in enumerate(rule.VALID)
]
INVALID = [
    pytest.param(rule, example, id=f"{rule.code}-invalid-{index}")
    for rule in ALL_RULES
    for index, example in enumerate(rule.INVALID)
]


def test_every_rule_has_examples() -> None:
    for rule in ALL_RULES:
        assert rule.VALID, rule.code
        assert rule.INVALID, rule.code
        assert rule.summary(), rule.code


@pytest.mark.parametrize(("rule", "example"), VALID)
def test_valid_example_is_clean(rule: type[Rule], example: Valid) -> None:
    reports = lint_source(example.source, example.path, ROLES, [rule])
    assert reports == []


@pytest.mark.parametrize(("rule", "example"), INVALID)
def test_invalid_example_reports_code_and_line(rule: type[Rule], example: Invalid) -> None:
    reports = lint_source(example.source, example.path, ROLES, [rule])
    assert [(r.line, r.code) for r in reports] == [(example.line, rule.code)]
    message = reports[0].text
    assert message.startswith(rule.code + " ")
    assert "\n" not in message


@pytest.mark.parametrize(("rule", "example"), INVALID)
def test_invalid_example_is_found_by_the_full_rule_set(rule: type[Rule], example: Invalid) -> None:
    reports = lint_source(example.source, example.path, ROLES)
    assert (example.line, rule.code) in [(r.line, r.code) for r in reports]
    assert "TXD000" not in [r.code for r in reports]
