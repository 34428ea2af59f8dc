"""The payments of orders and customer accounts: `services` (record one, change its state, what an
order received), `refunds` (what a payment can still give back, and where), `forms` and `views`
(the payments part of a back-office order page)."""
