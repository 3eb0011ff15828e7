"""The decoded row of `teams`: static shape and strict runtime decoder."""

from datetime import datetime
from typing import Final, NotRequired
from uuid import UUID

from pydantic import TypeAdapter, with_config
from typing_extensions import TypedDict

from db.json_types import STRICT


@with_config(STRICT)
class BrandSettings(TypedDict):
    """The typed `teams.brand_settings` document; every key is optional."""

    primary_color: NotRequired[str]
    logo_url: NotRequired[str]
    metadata: NotRequired[dict[str, str]]


@with_config(STRICT)
class TeamsRowShape(TypedDict):
    """One row of `teams`, keyed by column name."""

    id: UUID
    organization_id: UUID
    name: str
    website: str | None
    brand_settings: BrandSettings | None
    created_at: datetime
    updated_at: datetime


TeamsRowSchema: Final = TypeAdapter(TeamsRowShape)
"""Strict decoder of one `teams` row."""
