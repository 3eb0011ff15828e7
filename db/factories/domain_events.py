"""Factory of complete `domain_events` rows for tests; it never touches the database."""

from __future__ import annotations

from typing import Any

from db.factories._build import build_row, new_id, now
from db.row_schemas.domain_events import DomainEventsRowShape


def create_domain_events_factory(**overrides: Any) -> dict[str, Any]:
    """Return a pending `organization.created` `domain_events` row, first of a new aggregate."""
    defaults: DomainEventsRowShape = {
        "id": new_id(),
        "event_type": "organization.created",
        "aggregate_type": "organization",
        "aggregate_id": new_id(),
        "payload": {},
        "correlation_id": None,
        "sequence_number": 1,
        "status": "pending",
        "occurred_at": now(),
        "processing_at": None,
        "published_at": None,
        "failed_at": None,
        "failure_reason": None,
        "created_at": now(),
    }
    return build_row("domain_events", DomainEventsRowShape, defaults, overrides)
