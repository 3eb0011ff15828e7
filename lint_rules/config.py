"""File roles shared by the flake8 plugin and txlint, read from options or `[tool.txlint]`."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path, PurePosixPath
from typing import Any


class ConfigError(ValueError):
    """A `[tool.txlint]` table or option value that cannot be used."""


def _tuple(*items: str) -> tuple[str, ...]:
    return tuple(items)


@dataclass(frozen=True)
class Roles:
    """Where each role of a db package lives, as paths relative to the project root."""

    db_package: str = "db"
    schema_module: str = "db/schema.py"
    repositories: str = "db/repositories"
    domain_events_module: str = "db/repositories/domain_events.py"
    query_modules: tuple[str, ...] = field(
        default_factory=lambda: _tuple(
            "db/client.py", "db/migrate.py", "db/pgtap.py", "db/testing.py"
        )
    )
    env_module: str = "db/env.py"
    errors_module: str = "db/errors.py"
    literals_module: str = "db/literals.py"
    fenced_imports: tuple[str, ...] = field(
        default_factory=lambda: _tuple(
            "sqlalchemy", "psycopg", "psycopg_pool", "asyncpg", "alembic"
        )
    )
    migrations: str = "migrations"
    pgtap: str = "pgtap"
    schemas: str = "schemas"

    def with_overrides(self, values: dict[str, Any]) -> Roles:
        """Return a copy with the given settings (keys in dash or underscore form) applied."""
        known = {f.name: f for f in fields(self)}
        changes: dict[str, Any] = {}
        for raw_key, value in values.items():
            key = raw_key.replace("-", "_")
            if key not in known:
                continue
            if isinstance(getattr(self, key), tuple):
                changes[key] = _as_tuple(raw_key, value)
            else:
                if not isinstance(value, str) or not value.strip():
                    raise ConfigError(f"[tool.txlint] {raw_key} must be a non-empty string")
                changes[key] = _normalise(value)
        return replace(self, **changes)


def _normalise(path: str) -> str:
    return str(PurePosixPath(path.strip().replace("\\", "/"))).rstrip("/") or "."


def _as_tuple(key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        items = [part for part in value.split(",") if part.strip()]
    elif isinstance(value, list) and all(isinstance(item, str) for item in value):
        items = list(value)
    else:
        raise ConfigError(f"[tool.txlint] {key} must be a list of strings or a comma list")
    return tuple(
        _normalise(item) if "/" in item or item.endswith(".py") else item.strip() for item in items
    )


def load_pyproject_settings(root: Path) -> dict[str, Any]:
    """Return the `[tool.txlint]` table of ROOT/pyproject.toml, or `{}` when there is none."""
    path = root / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot parse: {exc}") from exc
    table = data.get("tool", {}).get("txlint", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.txlint] must be a table")
    return table


def load_roles(root: Path) -> Roles:
    """Return the roles for the project at ROOT: defaults overridden by `[tool.txlint]`."""
    return Roles().with_overrides(load_pyproject_settings(root))
