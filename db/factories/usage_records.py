"""Factory of complete `usage_records` rows for tests; it never touches the database."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from db.factories._build import build_row, new_id, now
from db.row_schemas.usage_records import UsageRecordsRowShape


def create_usage_records_factory(*, organization_id: UUID, **overrides: Any) -> dict[str, Any]:
    """Return one `api_call` `usage_records` row costing quantity x unit cost; OVERRIDES win."""
    defaults: UsageRecordsRowShape = {
        "id": new_id(),
        "organization_id": organization_id,
        "category": "api_call",
        "quantity": 1,
        "unit_cost_decimillicents": 100_000,
        "total_cost_decimillicents": 0,
        "reference_id": None,
        "stripe_usage_record_id": None,
        "metadata": {},
        "recorded_at": now(),
        "created_at": now(),
    }
    row = build_row("usage_records", UsageRecordsRowShape, defaults, overrides)
    quantity, unit_cost = row["quantity"], row["unit_cost_decimillicents"]
    priced = isinstance(quantity, int) and isinstance(unit_cost, int)
    if "total_cost_decimillicents" not in overrides and priced:
        row["total_cost_decimillicents"] = quantity * unit_cost
    return row
