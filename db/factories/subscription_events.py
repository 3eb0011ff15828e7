"""Factory of complete `subscription_events` rows for tests; it never touches the database."""

from __future__ import annotations

from typing import Any

from db.factories._build import build_row, new_id, now, unique
from db.row_schemas.subscription_events import SubscriptionEventsRowShape


def create_subscription_events_factory(**overrides: Any) -> dict[str, Any]:
    """Return an unprocessed `subscription_events` row with a unique Stripe event id."""
    defaults: SubscriptionEventsRowShape = {
        "id": new_id(),
        "stripe_event_id": unique("evt"),
        "event_type": "invoice.payment_succeeded",
        "organization_id": None,
        "payload": {},
        "processed_at": None,
        "created_at": now(),
    }
    return build_row("subscription_events", SubscriptionEventsRowShape, defaults, overrides)
