"""SEPA direct debit: `files` (the EPC text rules, the creditor identifier, the pain.008 file),
`services` (mandates and collections), `forms` and `views`."""
