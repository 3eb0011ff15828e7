"""Factory of complete `system_settings` rows for tests; it never touches the database."""

from __future__ import annotations

from typing import Any

from db.factories._build import build_row, now, unique
from db.row_schemas.system_settings import SystemSettingsRowShape


def create_system_settings_factory(**overrides: Any) -> dict[str, Any]:
    """Return a `system_settings` row with a unique key and value `{"enabled": true}`."""
    defaults: SystemSettingsRowShape = {
        "key": unique("test-setting"),
        "value": {"enabled": True},
        "description": None,
        "updated_at": now(),
    }
    return build_row("system_settings", SystemSettingsRowShape, defaults, overrides)
