"""Files that cannot contain a rule's subject are rejected before any libcst parse."""

from __future__ import annotations

import libcst as cst
import pytest

from lint_rules.config import Roles
from lint_rules.core.context import FileContext
from lint_rules.core.runner import active_rules, lint_source
from lint_rules.rules import ALL_RULES

ROLES = Roles()
PLAIN = "import json\n\n\ndef load(text: str) -> dict[str, int]:\n    return json.loads(text)\n"


def _refuse_parse(source: str, *args: object, **kwargs: object) -> cst.Module:
    raise AssertionError("libcst parse was not needed")


def test_plain_code_is_never_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cst, "parse_module", _refuse_parse)
    for path in ("app/services/x.py", "db/pagination.py", "db/repositories/users.py"):
        assert lint_source(PLAIN, path, ROLES) == []


def test_only_rules_whose_subject_appears_are_active() -> None:
    ctx = FileContext("import os\n\nX = os.environ['A']\n", "db/pagination.py", ROLES)
    assert [rule.code for rule in active_rules(ctx, ALL_RULES)] == ["TXD601"]
    service = FileContext("import sqlalchemy\n", "app/x.py", ROLES)
    assert [rule.code for rule in active_rules(service, ALL_RULES)] == ["TXD501"]


def test_rules_without_names_to_trace_build_no_resolver() -> None:
    ctx = FileContext("CODE = '23505'\n", "app/x.py", ROLES)
    rules = active_rules(ctx, ALL_RULES)
    assert [rule.code for rule in rules] == ["TXD602"]
    from lint_rules.core.runner import lint_context

    assert [r.code for r in lint_context(ctx, rules)] == ["TXD602"]
    assert "resolver" not in ctx.__dict__
