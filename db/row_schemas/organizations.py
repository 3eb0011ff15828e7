"""The decoded row of `organizations`: static shape and strict runtime decoder."""

from datetime import datetime
from typing import Annotated, Final, Literal, NotRequired
from uuid import UUID

from pydantic import StringConstraints, TypeAdapter, with_config
from typing_extensions import TypedDict

from db.json_types import STRICT
from db.literals import SubscriptionStatus


@with_config(STRICT)
class OrganizationProfile(TypedDict):
    """Onboarding step one: how the organization presents itself."""

    display_name: Annotated[str, StringConstraints(min_length=2, max_length=64)]


@with_config(STRICT)
class WorkspaceProfile(TypedDict):
    """Onboarding step two: the first team and its website."""

    team_name: Annotated[str, StringConstraints(min_length=2, max_length=64)]
    website: str | None


@with_config(STRICT)
class OnboardingGoals(TypedDict):
    """Onboarding step three: what the organization wants to do, and how big it is."""

    primary_goal: Literal["agent_execution", "automation", "analytics", "internal_tools", "other"]
    team_size: Literal["1-5", "6-20", "21-50", "51+"]


@with_config(STRICT)
class OnboardingData(TypedDict):
    """The typed `organizations.onboarding_data` document (version 1)."""

    version: Literal[1]
    status: Literal["in_progress", "completed"]
    current_step: Literal["organization_profile", "workspace_setup", "goals", "completed"]
    completed_steps: list[Literal["organization_profile", "workspace_setup", "goals", "completed"]]
    organization_profile: NotRequired[OrganizationProfile]
    workspace_profile: NotRequired[WorkspaceProfile]
    goals: NotRequired[OnboardingGoals]
    completed_at: NotRequired[str | None]


@with_config(STRICT)
class OrganizationsRowShape(TypedDict):
    """One row of `organizations`, keyed by column name."""

    id: UUID
    name: str
    billing_email: str | None
    onboarding_data: OnboardingData | None
    stripe_customer_id: str | None
    stripe_subscription_id: str | None
    stripe_payment_method_id: str | None
    stripe_metered_subscription_item_id: str | None
    credits_balance: int
    reserved_credits: int
    auto_recharge_enabled: bool
    auto_recharge_threshold: int | None
    auto_recharge_amount: int | None
    is_subscribed: bool
    subscription_status: SubscriptionStatus
    subscription_plan: str | None
    subscription_started_at: datetime | None
    subscription_ends_at: datetime | None
    subscription_current_period_end: datetime | None
    created_at: datetime
    updated_at: datetime


OrganizationsRowSchema: Final = TypeAdapter(OrganizationsRowShape)
"""Strict decoder of one `organizations` row."""
