"""Customer accounts (credit): `ledger` (the append-only entries and balances), `services` (top-ups,
corrections, paying an order from the account) and `views` (back office and customer side)."""
