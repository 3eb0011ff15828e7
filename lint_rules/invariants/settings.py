"""txlint settings: the shared file roles plus the checker's own options, from `[tool.txlint]`."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal

from lint_rules.config import ConfigError, Roles, load_pyproject_settings

TriggerCoverage = Literal["statement", "marker"]

CODE_PREFIX = re.compile(r"^TXI\d{0,3}$")


@dataclass(frozen=True)
class Settings:
    """Everything `txlint check` needs to know about a project, paths relative to its root."""

    roles: Roles
    row_schemas: str
    factories: str
    json_types_module: str
    retention_defaults_module: str
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    trigger_coverage: TriggerCoverage = "statement"
    expect_triggers: bool = True

    def wants(self, code: str) -> bool:
        """Return whether CODE passes the `select` and `ignore` filters."""
        if self.select and not any(code.startswith(prefix) for prefix in self.select):
            return False
        return not any(code.startswith(prefix) for prefix in self.ignore)


# Keys of [tool.txlint] that belong to txlint itself (the roles are the other known keys).
_OWN_PATH_KEYS = ("row-schemas", "factories", "json-types-module", "retention-defaults-module")
_OWN_OTHER_KEYS = ("select", "ignore", "trigger-coverage", "expect-triggers")
# Keys other tools of the suite may keep in the same table; accepted without meaning here.
_FOREIGN_KEYS = frozenset({"exclude", "extend-exclude", "per-file-ignores"})


def known_keys() -> tuple[str, ...]:
    """Return every `[tool.txlint]` key txlint accepts, in dash form."""
    role_keys = tuple(f.name.replace("_", "-") for f in fields(Roles))
    return role_keys + _OWN_PATH_KEYS + _OWN_OTHER_KEYS


def parse_codes(raw: Any, origin: str) -> tuple[str, ...]:
    """Parse a list or comma list of TXI code prefixes, raising ConfigError on a bad one."""
    if isinstance(raw, str):
        items = [part.strip() for part in raw.split(",") if part.strip()]
    elif isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        items = [item.strip() for item in raw if item.strip()]
    else:
        raise ConfigError(f"{origin} must be a list of codes or a comma list, got {raw!r}")
    for item in items:
        if not CODE_PREFIX.match(item.upper()):
            raise ConfigError(f"{origin}: {item!r} is not a TXI code or prefix (e.g. TXI005, TXI0)")
    return tuple(item.upper() for item in items)


def _path_value(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"[tool.txlint] {key} must be a non-empty string")
    return value.strip().replace("\\", "/").rstrip("/")


def build_settings(values: dict[str, Any]) -> Settings:
    """Build settings from a `[tool.txlint]`-shaped mapping (dash or underscore keys)."""
    normalised = {key.replace("_", "-"): value for key, value in values.items()}
    unknown = sorted(set(normalised) - set(known_keys()) - _FOREIGN_KEYS)
    if unknown:
        raise ConfigError(
            f"[tool.txlint] unknown key(s) {', '.join(unknown)}; "
            f"known keys: {', '.join(known_keys())}"
        )
    roles = Roles().with_overrides(
        {key: value for key, value in normalised.items() if key not in _OWN_PATH_KEYS}
    )
    db = roles.db_package
    paths = {
        "row-schemas": f"{db}/row_schemas",
        "factories": f"{db}/factories",
        "json-types-module": f"{db}/json_types.py",
        "retention-defaults-module": f"{db}/system_settings_defaults.py",
    }
    for key in _OWN_PATH_KEYS:
        if key in normalised:
            paths[key] = _path_value(key, normalised[key])
    coverage = normalised.get("trigger-coverage", "statement")
    if coverage not in ("statement", "marker"):
        raise ConfigError(
            f"[tool.txlint] trigger-coverage must be 'statement' or 'marker', got {coverage!r}"
        )
    expect = normalised.get("expect-triggers", True)
    if not isinstance(expect, bool):
        raise ConfigError(f"[tool.txlint] expect-triggers must be true or false, got {expect!r}")
    return Settings(
        roles=roles,
        row_schemas=paths["row-schemas"],
        factories=paths["factories"],
        json_types_module=paths["json-types-module"],
        retention_defaults_module=paths["retention-defaults-module"],
        select=parse_codes(normalised.get("select", []), "[tool.txlint] select"),
        ignore=parse_codes(normalised.get("ignore", []), "[tool.txlint] ignore"),
        trigger_coverage="marker" if coverage == "marker" else "statement",
        expect_triggers=expect,
    )


def load_settings(root: Path, overrides: dict[str, Any] | None = None) -> Settings:
    """Return the settings of the project at ROOT: `[tool.txlint]`, then OVERRIDES on top."""
    values = dict(load_pyproject_settings(root))
    values.update(overrides or {})
    return build_settings(values)


def with_filters(
    settings: Settings, select: tuple[str, ...] | None, ignore: tuple[str, ...] | None
) -> Settings:
    """Return SETTINGS with the given `select`/`ignore` replacing the configured ones."""
    changes: dict[str, Any] = {}
    if select is not None:
        changes["select"] = select
    if ignore is not None:
        changes["ignore"] = ignore
    return replace(settings, **changes)
