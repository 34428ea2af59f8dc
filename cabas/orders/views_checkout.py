"""Checkout (/<slug>/shop/checkout/): contact details, pickup point or delivery address, payment
method, the summary with the price breakdown, and the confirmation — one page, no JavaScript needed.

A hidden idempotency key makes a double submit return the order placed the first time. When the
stock ran out meanwhile, the cart is brought down to what is left, the page says which lines
changed and nothing is placed until the customer confirms again.
"""

import uuid

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cabas.cycles.models import ShippingMethod
from cabas.errors import DomainError
from cabas.orders import cart as carts
from cabas.orders import placing, registry
from cabas.orders.cart import cart_lines
from cabas.orders.checkout import Buyer, checkout_offered, order_checkout
from cabas.orders.exceptions import CartEmpty, CheckoutInvalid, InsufficientStock
from cabas.orders.links import order_path
from cabas.orders.views_shop import shop_load

GUEST_ORDERS = "cabas_guest_orders"
BUYER_FIELDS = ("email", "full_name", "phone", "address", "postcode", "city", "note")


class CheckoutForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Adresse e-mail"), max_length=254)
    full_name = forms.CharField(label=gettext_lazy("Nom et prénom"), max_length=160)
    phone = forms.CharField(
        label=gettext_lazy("Téléphone"),
        max_length=30,
        required=False,
        help_text=gettext_lazy("pour vous prévenir en cas d'imprévu"),
    )
    shipping_method = forms.ChoiceField(label=gettext_lazy("Retrait ou livraison"), widget=forms.RadioSelect)
    address = forms.CharField(label=gettext_lazy("Adresse de livraison"), max_length=200, required=False)
    postcode = forms.CharField(label=gettext_lazy("Code postal"), max_length=10, required=False)
    city = forms.CharField(label=gettext_lazy("Commune"), max_length=100, required=False)
    payment_method = forms.ChoiceField(label=gettext_lazy("Paiement"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=gettext_lazy("Message pour le vendeur"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)

    def __init__(self, *args, shipping_methods, payment_methods, **kwargs):
        super().__init__(*args, **kwargs)
        self.methods = {str(m.uuid): m for m in shipping_methods}
        self.payments = {str(p.uuid): p for p in payment_methods}
        self.fields["shipping_method"].choices = [(k, m.name) for k, m in self.methods.items()]
        self.fields["payment_method"].choices = [(k, p.name) for k, p in self.payments.items()]
        self.fields["shipping_method"].error_messages["invalid_choice"] = _(
            "Choisissez un mode de retrait ou de livraison proposé."
        )
        self.fields["payment_method"].error_messages["invalid_choice"] = _(
            "Choisissez un moyen de paiement proposé."
        )

    def clean(self):
        data = super().clean()
        method = self.methods.get(data.get("shipping_method") or "")
        if method is not None and method.kind == ShippingMethod.Kind.DELIVERY:
            for name in ("address", "postcode", "city"):
                if not (data.get(name) or "").strip():
                    self.add_error(name, _("Nécessaire pour une livraison."))
        return data

    def selected_method(self):
        key = (
            self.data.get("shipping_method") if self.is_bound else self.initial.get("shipping_method")
        ) or ""
        return self.methods.get(key)

    def selected_payment(self):
        key = (self.data.get("payment_method") if self.is_bound else self.initial.get("payment_method")) or ""
        return self.payments.get(key)


def remember_guest_order(request, order) -> None:
    """Let this browser open the guest order `order` (its page, editing, cancelling, paying)."""
    orders = [known for known in request.session.get(GUEST_ORDERS, []) if known != str(order.uuid)]
    request.session[GUEST_ORDERS] = [*orders[-19:], str(order.uuid)]


def _order_redirect(request, order):
    """To the order's page: a guest lands on its signed link (bookmarked or copied, it opens the
    order anywhere), but only in the browser that placed it: an idempotency key is no proof."""
    if order.user_id is None and str(order.uuid) not in request.session.get(GUEST_ORDERS, []):
        return redirect("shop:order", order.uuid)
    return redirect(order_path(order))


def _initial(request, form_methods, form_payments) -> dict:
    initial = {"idempotency_key": uuid.uuid4().hex}
    user = request.user
    if user.is_authenticated:
        initial.update(email=user.email, full_name=user.full_name, phone=user.phone)
    if form_methods:
        initial["shipping_method"] = str(form_methods[0].uuid)
    if len(form_payments) == 1:
        initial["payment_method"] = str(form_payments[0].uuid)
    return initial


def _already_placed(request, shop, cart):
    """A second submit of a placed order (its cart is gone): that order's page, else None. A second
    submit while the first one is being placed finds the cart and waits for it in `order_place`,
    which returns that order."""
    if request.method != "POST" or cart is not None:
        return None
    existing = placing.order_by_idempotency_key(
        seller=shop.enterprise, key=request.POST.get("idempotency_key", "")
    )
    return _order_redirect(request, existing) if existing is not None else None


def _closed(request, shop):
    """The page without its form when nothing can be ordered here now or the buyer must log in."""
    context = {"shop": shop, "enterprise": shop.enterprise}
    if not shop.allowed or shop.cycle is None:
        return render(request, "shop/checkout.html", context)
    if not request.user.is_authenticated and not shop.enterprise.guest_checkout:
        context["login_required"] = True
        return render(request, "shop/checkout.html", context)
    return None


def _empty_cart(request, front):
    messages.info(request, _("Votre panier est vide."))
    return redirect(front)


def _place(request, shop, cart, form, offered):
    data = form.cleaned_data
    return order_checkout(
        shop=shop,
        offered=offered,
        cart=cart,
        shipping_method=data["shipping_method"],
        payment_method=data["payment_method"],
        buyer=Buyer(**{name: data[name] for name in BUYER_FIELDS}),
        idempotency_key=data["idempotency_key"],
        user=shop.user,
    )


def _placed(request, shop, cart, order):
    """Where the buyer goes once `order` is placed."""
    if order.pk != cart.pk:  # this key placed another cart already: that order, this cart kept
        return _order_redirect(request, order)
    carts.cart_forget(request, seller=shop.enterprise, cycle=shop.cycle)
    if order.user_id is None:
        remember_guest_order(request, order)
    response = registry.after_place_response(request, order)  # e.g. a card order: pay now
    if response is not None:
        return response
    messages.success(
        request, _("Merci ! Votre commande %(number)s est enregistrée.") % {"number": order.number}
    )
    return _order_redirect(request, order)


def _confirm(request, shop, cart, form, offered, front):
    """Place the order of the valid `form`. Returns `(response, changes, lines)`: the response once
    placed or when the cart is empty, else None and the page is shown again (with the errors on the
    form, or the stock `changes` and the `lines` left, which are None when not read again)."""
    try:
        order = _place(request, shop, cart, form, offered)
    except InsufficientStock as exc:
        carts.cart_apply_changes(cart=cart, changes=exc.changes)
        lines = cart_lines(cart)
        if not lines:
            messages.error(request, exc.message)
            return redirect(front), [], None
        return None, exc.changes, lines
    except CartEmpty:
        return _empty_cart(request, front), [], None
    except CheckoutInvalid as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    except DomainError as exc:  # e.g. a balance too low (a payments error): nothing placed
        form.add_error(None, exc.message)
    else:
        return _placed(request, shop, cart, order), [], None
    return None, [], None


def _page(request, shop, *, form, lines, offered, changes, front):
    view = carts.cart_priced(
        lines=lines,
        cycle=shop.cycle,
        distributor=shop.enterprise,
        shipping_method=form.selected_method(),
        payment_method=form.selected_payment(),  # its fee, if any, is in the summary
        customer=shop.customer,
        user=request.user,
    )
    methods = offered.shipping_methods
    context = {
        "shop": shop,
        "enterprise": shop.enterprise,
        "form": form,
        "view": view,
        "methods": methods,
        "payments": offered.payment_methods,
        "changes": changes,
        "front": front,
        "has_delivery": any(m.kind == ShippingMethod.Kind.DELIVERY for m in methods),
        "here": request.get_full_path(),
    }
    return render(request, "shop/checkout.html", context)


def checkout(request, slug):
    shop = shop_load(request, slug)
    confirming = request.method == "POST" and "confirm" in request.POST
    cart = None
    if shop.allowed and shop.cycle is not None:
        cart = carts.cart_find(request, seller=shop.enterprise, cycle=shop.cycle)
    response = _already_placed(request, shop, cart)
    if response is None:
        response = _closed(request, shop)
    if response is not None:
        return response
    front = reverse("shop:front", args=[slug]) + f"?cycle={shop.cycle.uuid}"
    # Placing reads the lines itself (under the order's lock): the page loads them only to show them.
    lines = None if confirming and cart is not None else cart_lines(cart)
    if cart is None or lines == []:
        return _empty_cart(request, front)
    offered = checkout_offered(shop, shop.distribution, request=request)
    form = CheckoutForm(
        request.POST if request.method == "POST" else None,
        initial=_initial(request, offered.shipping_methods, offered.payment_methods),
        shipping_methods=offered.shipping_methods,
        payment_methods=offered.payment_methods,
    )
    changes = []
    if confirming and form.is_valid():
        response, changes, lines = _confirm(request, shop, cart, form, offered, front)
        if response is not None:
            return response
    if lines is None:
        lines = cart_lines(cart)
        if not lines:
            return _empty_cart(request, front)
    return _page(request, shop, form=form, lines=lines, offered=offered, changes=changes, front=front)
