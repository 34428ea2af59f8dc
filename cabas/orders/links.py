"""Links to an order's page, and the signed link that lets a guest open their order anywhere.

An order placed without an account has no login to prove who its buyer is: the browser that placed
it remembers it in its session, and every other browser needs the link of the order's emails. That
link carries a token: the HMAC of the order's UUID by `django.core.signing` under a salt of its own
(no other signed value of Cabas is valid here). Whoever holds it is the order's buyer, as with a
receipt: it does not expire, and it is only given to the order's email address (confirmation,
other order emails, « Retrouver ma commande ») and to the browser that placed the order.

A signature rather than a random secret stored on each order: nothing to store or backfill (the
orders placed before these links get theirs too) and one key to rotate for all of them
(SECRET_KEY, with SECRET_KEY_FALLBACKS keeping the old links valid meanwhile). The price is that
one link cannot be revoked alone.

Orders placed with an account keep the plain link: their buyer logs in to see them.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

GUEST_LINK_SALT = "cabas.orders.guest-order-link"


def _signer() -> signing.Signer:
    return signing.Signer(salt=GUEST_LINK_SALT)


def guest_token(order) -> str:
    """The token of the signed link of `order` (URL-safe)."""
    return _signer().signature(str(order.uuid))


def guest_token_valid(order_uuid, token: str) -> bool:
    """True when `token` was made by `guest_token` for the order `order_uuid` (constant time)."""
    value, signer = str(order_uuid), _signer()
    try:
        return signer.unsign(f"{value}{signer.sep}{token}") == value
    except signing.BadSignature:
        return False


def order_path(order) -> str:
    """The path of `order`'s page for its buyer: signed for a guest order, plain otherwise."""
    if order.user_id is None:
        return reverse("shop:order_guest", args=[order.uuid, guest_token(order)])
    return reverse("shop:order", args=[order.uuid])


def order_url(order) -> str:
    """`order_path` as an absolute URL, for emails."""
    return settings.SITE_URL + order_path(order)
