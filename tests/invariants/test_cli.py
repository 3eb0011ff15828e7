"""The `txlint` command line: output formats, filters, settings and exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

from lint_rules.cli import main
from tests.invariants.helpers import move_package, replace, write

LINE = re.compile(
    r"^(?P<path>[\w/.-]+):(?P<line>\d+):(?P<col>\d+): (?P<code>TXI\d{3}) .+ \(hint: .+\)$"
)


def _break_email(project: Path) -> None:
    replace(project, "db/row_schemas/users.py", "email: str", "email: int")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_project_exits_zero_silently(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A clean project prints nothing and exits 0."""
    assert _run(capsys, "check", str(project)) == (0, "", "")


def test_violation_lines_name_file_line_and_hint(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Violations exit 1 with `path:line:col: CODE message (hint: ...)` lines."""
    _break_email(project)
    code, out, err = _run(capsys, "check", str(project))
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 1
    match = LINE.match(lines[0])
    assert match is not None, lines[0]
    assert match["path"] == "db/row_schemas/users.py"
    assert match["code"] == "TXI005"
    source = (project / "db/row_schemas/users.py").read_text().splitlines()
    assert source[int(match["line"]) - 1].strip() == "email: int"
    assert "1 violation" in err


def test_json_format(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--format json` prints an array of objects with the same facts."""
    _break_email(project)
    code, out, _ = _run(capsys, "check", str(project), "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert [item["code"] for item in data] == ["TXI005"]
    assert set(data[0]) == {"path", "line", "col", "code", "message", "hint"}
    assert data[0]["path"] == "db/row_schemas/users.py"


def test_json_format_clean(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A clean project in JSON is an empty array."""
    code, out, _ = _run(capsys, "check", str(project), "--format=json")
    assert (code, json.loads(out)) == (0, [])


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--select", "TXI02"], 0),
        (["--select", "TXI005"], 1),
        (["--select", "TXI0"], 1),
        (["--ignore", "TXI005"], 0),
        (["--ignore", "txi00"], 0),
        (["--select", "TXI005", "--ignore", "TXI005"], 0),
    ],
)
def test_select_and_ignore(
    project: Path, capsys: pytest.CaptureFixture[str], argv: list[str], expected: int
) -> None:
    """`--select`/`--ignore` filter by code prefix."""
    _break_email(project)
    assert _run(capsys, "check", str(project), *argv)[0] == expected


def test_pyproject_filters_and_cli_override(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`ignore` in [tool.txlint] applies; `--ignore` on the command line replaces it."""
    _break_email(project)
    replace(
        project, "pyproject.toml", 'schemas = "schemas"', 'schemas = "schemas"\nignore = ["TXI005"]'
    )
    assert _run(capsys, "check", str(project))[0] == 0
    assert _run(capsys, "check", str(project), "--ignore", "TXI9")[0] == 1


@pytest.mark.parametrize(
    ("setting", "needle"),
    [
        ('schema-modul = "db/schema.py"', "schema-modul"),
        ('trigger-coverage = "loose"', "trigger-coverage"),
        ('select = ["E501"]', "E501"),
        ('migrations = ""', "migrations"),
        ("expect-triggers = 1", "expect-triggers"),
        ('schema-module = "db/models.py"', "db/models.py"),
    ],
)
def test_bad_settings_exit_two(
    project: Path, capsys: pytest.CaptureFixture[str], setting: str, needle: str
) -> None:
    """A bad [tool.txlint] value exits 2 with a message naming it."""
    write(project, "pyproject.toml", f"[tool.txlint]\n{setting}\n")
    code, out, err = _run(capsys, "check", str(project))
    assert code == 2
    assert out == ""
    assert needle in err


def test_unparseable_pyproject_exits_two(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A pyproject.toml that is not TOML is a configuration error."""
    write(project, "pyproject.toml", "[tool.txlint\n")
    code, _, err = _run(capsys, "check", str(project))
    assert code == 2
    assert "pyproject.toml" in err


def test_usage_errors_exit_two(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing root, a bad code or a bad option exits 2."""
    assert _run(capsys, "check", str(tmp_path / "missing"))[0] == 2
    assert _run(capsys, "check", str(tmp_path), "--select", "XYZ")[0] == 2
    with pytest.raises(SystemExit) as raised:
        main(["check", "--format", "xml"])
    assert raised.value.code == 2


def test_marker_coverage_accepts_a_comment(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Upstream's marker mode counts a comment; the default statement mode does not."""
    replace(
        project,
        "pgtap/001_triggers.sql",
        "SELECT has_trigger('users', 'normalize_user_email', 'users emails are normalised');",
        "-- normalize_user_email\nSELECT pass();",
    )
    assert _run(capsys, "check", str(project))[0] == 1
    assert _run(capsys, "check", str(project), "--trigger-coverage=marker")[0] == 0
    replace(
        project, "pyproject.toml", "[tool.txlint]\n", '[tool.txlint]\ntrigger-coverage = "marker"\n'
    )
    assert _run(capsys, "check", str(project))[0] == 0


def test_role_options_point_at_another_package(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A project whose db package lives elsewhere passes once the role options say where."""
    move_package(project, "store")
    code, _, err = _run(capsys, "check", str(project))
    assert code == 2
    assert "db/schema.py" in err
    options = [
        "--db-package=store",
        "--schema-module=store/schema.py",
        "--repositories=store/repositories",
        "--literals-module=store/literals.py",
    ]
    assert _run(capsys, "check", str(project), *options) == (0, "", "")
    _break_email_in = project / "store/row_schemas/users.py"
    _break_email_in.write_text(_break_email_in.read_text().replace("email: str", "email: int"))
    code, out, _ = _run(capsys, "check", str(project), *options)
    assert code == 1
    assert out.startswith("store/row_schemas/users.py:")


def test_console_script(project: Path) -> None:
    """The installed `txlint` script runs the checker in a fresh process."""
    script = Path(sys.executable).with_name("txlint")
    clean = subprocess.run([script, "check", str(project)], capture_output=True, text=True)
    assert (clean.returncode, clean.stdout) == (0, "")
    _break_email(project)
    broken = subprocess.run(
        [script, "check", "--format", "json"], capture_output=True, text=True, cwd=project
    )
    assert broken.returncode == 1
    assert json.loads(broken.stdout)[0]["code"] == "TXI005"


def test_rules_and_fix_delegate(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`txlint rules` prints the TXD table; `txlint fix` returns the autofixer's exit code."""
    docs = types.ModuleType("lint_rules.docs")
    docs.render_rules_table = lambda: "| TXD101 | table |"  # type: ignore[attr-defined]
    calls: list[tuple[list[Path], object]] = []
    autofix = types.ModuleType("lint_rules.autofix")

    def fix_paths(paths: list[Path], roles: object) -> int:
        calls.append((paths, roles))
        return 1

    autofix.fix_paths = fix_paths  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "lint_rules.docs", docs)
    monkeypatch.setitem(sys.modules, "lint_rules.autofix", autofix)
    monkeypatch.delattr("lint_rules.docs", raising=False)
    monkeypatch.delattr("lint_rules.autofix", raising=False)
    assert _run(capsys, "rules") == (0, "| TXD101 | table |\n", "")
    assert main(["fix", str(tmp_path / "a.py"), "--root", str(tmp_path)]) == 1
    assert calls[0][0] == [tmp_path / "a.py"]


def test_docs_page_documents_every_code_and_hint() -> None:
    """docs/invariants.md has a section for every TXI code with the hint txlint prints."""
    from lint_rules.invariants.model import CODES
    from tests.invariants.conftest import REPO_ROOT

    page = (REPO_ROOT / "docs" / "invariants.md").read_text(encoding="utf-8")
    for code, info in CODES.items():
        assert f"### {code}\n" in page
        assert f"**Hint:** {info.hint}\n" in page
