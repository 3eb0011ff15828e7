"""The real `flake8` command line with the TXD plugin, in throwaway projects."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lint_rules.core.rule import Invalid
from lint_rules.rules import ALL_RULES


def flake8(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run flake8 (this interpreter's) in PROJECT and return the finished process."""
    return subprocess.run(
        [sys.executable, "-m", "flake8", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def write(project: Path, path: str, source: str) -> None:
    """Write SOURCE at PROJECT/PATH, creating directories."""
    target = project / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source, encoding="utf-8")


def _projects() -> list[dict[str, tuple[str, Invalid]]]:
    """Every rule's first invalid example, packed into projects without path clashes."""
    projects: list[dict[str, tuple[str, Invalid]]] = []
    for rule in ALL_RULES:
        example = rule.INVALID[0]
        for project in projects:
            if example.path not in project:
                project[example.path] = (rule.code, example)
                break
        else:
            projects.append({example.path: (rule.code, example)})
    return projects


@pytest.mark.parametrize(
    "layout", _projects(), ids=lambda layout: "-".join(code for code, _ in layout.values())
)
def test_every_rule_reports_through_flake8(
    tmp_path: Path, layout: dict[str, tuple[str, Invalid]]
) -> None:
    for path, (_, example) in layout.items():
        write(tmp_path, path, example.source)
    result = flake8(tmp_path, "--select=TXD", ".")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    for path, (code, example) in layout.items():
        assert any(
            line.startswith(f"./{path}:{example.line}:") and f": {code} " in line for line in lines
        ), (code, result.stdout)
    assert "TXD000" not in result.stdout


SERVICE = "import sqlalchemy\nSTATE = '23505'\n"
DB_ENV = "import os\n\nURL = os.environ['URL']\nSTATE = '40001'\n"


def test_noqa_silences_only_the_named_code(tmp_path: Path) -> None:
    write(
        tmp_path,
        "db/x.py",
        "import os\n\nURL = os.environ['URL']  # noqa: TXD601\n"
        "X = os.getenv('A')  # noqa: TXD602\n",
    )
    result = flake8(tmp_path, "--select=TXD", ".")
    assert result.stdout.splitlines() == [
        "./db/x.py:4:5: TXD601 `os.getenv` read outside the env module: add the setting to "
        "`db/env.py` and import it from there"
    ]


def test_select_and_extend_ignore(tmp_path: Path) -> None:
    write(tmp_path, "app/service.py", SERVICE)
    both = flake8(tmp_path, "--select=TXD", ".").stdout
    assert ": TXD501 " in both
    assert ": TXD602 " in both
    only = flake8(tmp_path, "--select=TXD602", ".").stdout
    assert ": TXD501 " not in only
    assert ": TXD602 " in only
    ignored = flake8(tmp_path, "--extend-ignore=TXD5", ".").stdout
    assert ": TXD501 " not in ignored
    assert ": TXD602 " in ignored
    assert flake8(tmp_path, "--extend-ignore=TXD", ".").stdout.count("TXD") == 0


def test_role_options_on_the_command_line(tmp_path: Path) -> None:
    write(tmp_path, "core/settings.py", DB_ENV)
    write(tmp_path, "core/other.py", DB_ENV)
    default = flake8(tmp_path, "--select=TXD", ".").stdout
    assert ": TXD601 " not in default  # `core` is not the db package by default
    moved = flake8(
        tmp_path,
        "--select=TXD",
        "--txd-db-package=core",
        "--txd-env-module=core/settings.py",
        "--txd-errors-module=core/settings.py",
        ".",
    ).stdout.splitlines()
    assert [line.split(" ")[0] + line.split(" ")[1] for line in moved] == [
        "./core/other.py:3:7:TXD601",
        "./core/other.py:4:9:TXD602",
    ]


def test_role_options_from_flake8_config_and_pyproject(tmp_path: Path) -> None:
    write(tmp_path, "core/other.py", DB_ENV)
    write(tmp_path, "setup.cfg", "[flake8]\ntxd-db-package = core\n")
    from_cfg = flake8(tmp_path, "--select=TXD601", ".").stdout
    assert "./core/other.py:3:7: TXD601" in from_cfg
    (tmp_path / "setup.cfg").unlink()
    write(tmp_path, "pyproject.toml", '[tool.txlint]\ndb-package = "core"\n')
    from_pyproject = flake8(tmp_path, "--select=TXD601", ".").stdout
    assert "./core/other.py:3:7: TXD601" in from_pyproject
    overridden = flake8(tmp_path, "--select=TXD601", "--txd-db-package=elsewhere", ".").stdout
    assert overridden == ""


def test_fenced_imports_option(tmp_path: Path) -> None:
    write(tmp_path, "app/service.py", "import requests\nimport sqlalchemy\n")
    result = flake8(tmp_path, "--select=TXD501", "--txd-fenced-imports=requests", ".")
    assert result.stdout.splitlines() == [
        "./app/service.py:1:1: TXD501 import of `requests` outside the db package: "
        "call a repository of the db package instead"
    ]


def test_syntax_errors_are_left_to_flake8_and_jobs_work(tmp_path: Path) -> None:
    write(tmp_path, "app/broken.py", "def f(:\n    import sqlalchemy\n")
    for index in range(4):
        write(tmp_path, f"app/s{index}.py", SERVICE)
    result = flake8(tmp_path, "--jobs=2", ".")
    broken = [line for line in result.stdout.splitlines() if line.startswith("./app/broken.py")]
    assert len(broken) == 1
    assert ": E999 SyntaxError" in broken[0]
    assert result.stdout.count(": TXD501 ") == 4
    assert "TXD000" not in result.stdout


def test_bad_txlint_configuration_is_one_report_not_a_crash(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[tool.txlint]\ndb-package = 3\n")
    write(tmp_path, "app/s.py", "X = 1\n")
    result = flake8(tmp_path, "--select=TXD", ".")
    assert result.stdout.startswith("./app/s.py:1:1: TXD000 bad TXD configuration")
    assert "Traceback" not in result.stderr
