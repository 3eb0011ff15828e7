"""Factory of complete `credit_ledger` rows for tests; it never touches the database."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from db.factories._build import build_row, new_id, now, unique
from db.row_schemas.credit_ledger import CreditLedgerRowShape


def create_credit_ledger_factory(*, organization_id: UUID, **overrides: Any) -> dict[str, Any]:
    """Return a `credit_ledger` adjustment of 100 leaving a balance of 100."""
    defaults: CreditLedgerRowShape = {
        "id": new_id(),
        "organization_id": organization_id,
        "amount": 100,
        "entry_type": "adjustment",
        "reason": unique("credit-adjustment"),
        "reference_id": None,
        "balance_after": 100,
        "metadata": {},
        "created_at": now(),
    }
    return build_row("credit_ledger", CreditLedgerRowShape, defaults, overrides)
