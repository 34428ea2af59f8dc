"""Finding the cart of the person making a request: one cart (an Order with status `cart`) per
seller, cycle and buyer — the logged-in user, or the browser's session for a guest.

A guest's cart is remembered in the session by its uuid, so that it survives logging in (Django
renews the session key then) and becomes the user's cart.
"""

from cabas.orders.models import Order


def _session_key_name(seller, cycle) -> str:
    return f"cabas_cart_{seller.pk}_{cycle.pk}"


def cart_find(request, *, seller, cycle) -> Order | None:
    """The open cart of this request's buyer at `seller` for `cycle`, or None (no query written).
    The cart comes with `seller` and `cycle` attached (no query to reach them)."""
    cart = _cart_find(request, seller=seller, cycle=cycle)
    if cart is not None:
        cart.seller, cart.cycle = seller, cycle
    return cart


def _cart_find(request, *, seller, cycle) -> Order | None:
    carts = Order.objects.filter(status=Order.Status.CART, seller=seller, cycle=cycle)
    user = request.user if request.user.is_authenticated else None
    guest_uuid = request.session.get(_session_key_name(seller, cycle))
    if user is not None:
        cart = carts.filter(user=user).order_by("created_at", "pk").first()
        if cart is not None:
            return cart
        if guest_uuid:
            # Filled as a guest, then logged in: the cart becomes the user's.
            cart = carts.filter(uuid=guest_uuid, user__isnull=True).first()
            if cart is not None:
                cart.user = user
                cart.save(update_fields=["user", "updated_at"])
            return cart
        return None
    if guest_uuid:
        return carts.filter(uuid=guest_uuid, user__isnull=True).first()
    return None


def cart_for_request(request, *, seller, cycle) -> Order:
    """The buyer's cart, created (and remembered in the session for a guest) when there is none."""
    cart = cart_find(request, seller=seller, cycle=cycle)
    if cart is not None:
        return cart
    if not request.session.session_key:
        request.session.save()
    user = request.user if request.user.is_authenticated else None
    cart = Order.objects.create(
        seller=seller,
        cycle=cycle,
        user=user,
        status=Order.Status.CART,
        session_key="" if user else request.session.session_key,
    )
    request.session[_session_key_name(seller, cycle)] = str(cart.uuid)
    return cart


def cart_forget(request, *, seller, cycle) -> None:
    """Forget the guest cart once it became an order."""
    request.session.pop(_session_key_name(seller, cycle), None)
