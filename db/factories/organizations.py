"""Factory of complete `organizations` rows for tests; it never touches the database."""

from __future__ import annotations

from typing import Any

from db.factories._build import build_row, new_id, now, unique
from db.row_schemas.organizations import OrganizationsRowShape


def create_organizations_factory(**overrides: Any) -> dict[str, Any]:
    """Return an unsubscribed `organizations` row with no credits and no Stripe ids."""
    defaults: OrganizationsRowShape = {
        "id": new_id(),
        "name": unique("Organization"),
        "billing_email": None,
        "onboarding_data": None,
        "stripe_customer_id": None,
        "stripe_subscription_id": None,
        "stripe_payment_method_id": None,
        "stripe_metered_subscription_item_id": None,
        "credits_balance": 0,
        "reserved_credits": 0,
        "auto_recharge_enabled": False,
        "auto_recharge_threshold": None,
        "auto_recharge_amount": None,
        "is_subscribed": False,
        "subscription_status": "inactive",
        "subscription_plan": None,
        "subscription_started_at": None,
        "subscription_ends_at": None,
        "subscription_current_period_end": None,
        "created_at": now(),
        "updated_at": now(),
    }
    return build_row("organizations", OrganizationsRowShape, defaults, overrides)
