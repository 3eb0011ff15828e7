"""The TXD plugin's own code passes its TXD rules, without blanket `noqa`."""

from __future__ import annotations

import re
import tokenize
from pathlib import Path

from lint_rules.config import load_roles
from lint_rules.core.runner import lint_source

ROOT = Path(__file__).resolve().parents[2]
OWN = [
    *(ROOT / "lint_rules" / name for name in ("flake8_plugin.py", "docs.py", "autofix.py")),
    *sorted((ROOT / "lint_rules" / "core").rglob("*.py")),
    *sorted((ROOT / "lint_rules" / "rules").rglob("*.py")),
    *sorted((ROOT / "tests" / "lint").rglob("*.py")),
    ROOT / "bench" / "lint_overhead.py",
]
NOQA = re.compile(r"#\s*noqa\b(?P<codes>:\s*[A-Z]+[0-9]+)?", re.IGNORECASE)


def noqa_comments(path: Path) -> list[str]:
    """Every `# noqa` comment of PATH (comments only, not strings)."""
    with path.open("rb") as handle:
        tokens = list(tokenize.tokenize(handle.readline))
    return [t.string for t in tokens if t.type == tokenize.COMMENT and NOQA.search(t.string)]


def test_own_code_is_clean() -> None:
    roles = load_roles(ROOT)
    found = []
    for path in OWN:
        relative = path.relative_to(ROOT).as_posix()
        for report in lint_source(path.read_text(encoding="utf-8"), relative, roles):
            found.append(f"{relative}:{report.line}:{report.col + 1}: {report.text}")
    assert found == []


def test_own_code_has_no_blanket_noqa_and_silences_no_txd_code() -> None:
    offenders = [
        f"{path.relative_to(ROOT).as_posix()}: {comment}"
        for path in OWN
        for comment in noqa_comments(path)
        if (match := NOQA.search(comment)) is not None
        and (match.group("codes") is None or "TXD" in comment.upper())
    ]
    assert offenders == []
