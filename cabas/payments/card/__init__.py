"""Card payments through Stripe Connect: charged on the seller's own Stripe account, never lost,
never taken twice.

How an order is paid by card:

1. `order_place` places it "awaiting payment" (`card_prepare`, the checkout handler): its stock is
   taken — reserved — until `payment_due_by` (now + the method's reservation minutes).
2. The buyer is sent to a Stripe Checkout Session created on the seller's account for the order's
   total (`card_checkout_url`), recorded as a pending card payment (reference: the session id).
3. Whatever tells us something happened — the buyer coming back (return URL), a webhook, the
   periodic job — calls `card_sync`, which asks Stripe the state of the order's sessions and
   applies it under a lock on the order row: paid → the payment succeeds and the order is placed
   (confirmation emailed); ended unpaid → the payment is cancelled; still open once the
   reservation is over → the session is expired at Stripe first (so that it can no longer be
   paid), then the order is cancelled and its stock given back. Signals may come twice, late or
   shuffled: each one only reads Stripe's state and applies it once.
4. A charge that finds no order waiting for it (the order was cancelled, or paid already) is
   refunded in full, automatically, and the refund recorded: no path leaves a charge without a
   placed order, nor an order paid twice. `card_reconcile` retries what could not be done.

Stripe is never called inside a transaction of ours (no lock is held while waiting on the
network), except by `refund_card` when the refund service calls it under its lock on the payment.

Modules: `connect` (the seller's Stripe account), `checkout` (paying an order and settling it),
`refunds` (card refunds, asked or automatic), `webhooks` (Stripe's events), `reconcile` (the
periodic job), `stripe_client` (the one way to call Stripe), `views` (pages and the webhook).
"""
