"""Payment reports of a seller: `tables` (payments by method and period, customer balances, SEPA
collections, and their CSV) and `views`."""
