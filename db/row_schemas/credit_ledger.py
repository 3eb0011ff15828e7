"""The decoded row of `credit_ledger`: static shape and strict runtime decoder."""

from datetime import datetime
from typing import Final
from uuid import UUID

from pydantic import TypeAdapter, with_config
from typing_extensions import TypedDict

from db.json_types import STRICT, JsonObject
from db.literals import CreditEntryType


@with_config(STRICT)
class CreditLedgerRowShape(TypedDict):
    """One row of `credit_ledger`, keyed by column name."""

    id: UUID
    organization_id: UUID
    amount: int
    entry_type: CreditEntryType
    reason: str
    reference_id: str | None
    balance_after: int
    metadata: JsonObject
    created_at: datetime


CreditLedgerRowSchema: Final = TypeAdapter(CreditLedgerRowShape)
"""Strict decoder of one `credit_ledger` row."""
