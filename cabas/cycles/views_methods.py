"""Back-office pickup points and delivery methods of a seller: lists, forms, withdraw and put
back. Managers and owners only."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cabas.core.toggles import active_toggle
from cabas.cycles import services_fees
from cabas.cycles.forms_fees import WEEKDAYS, ShippingMethodForm
from cabas.cycles.models import ShippingMethod
from cabas.cycles.services_fees import FeeError
from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role

WEEKDAY_NAMES = dict(WEEKDAYS)

# --- Pickup points and delivery methods ---------------------------------------------------------


def _shipping_or_404(enterprise, uuid) -> ShippingMethod:
    try:
        return services_fees.shipping_method_for_enterprise(enterprise, uuid)
    except ShippingMethod.DoesNotExist:
        raise Http404


def when_display(method: ShippingMethod) -> str:
    """'mardi, 17:30 – 19:00' (or the part that is known)."""
    parts = []
    if method.weekday is not None:
        parts.append(str(WEEKDAY_NAMES.get(str(method.weekday), "")))
    if method.opens_at and method.closes_at:
        parts.append(f"{method.opens_at:%H:%M} – {method.closes_at:%H:%M}")
    return ", ".join(p for p in parts if p)


@manage_view(min_role=Role.Level.MANAGER)
def shipping_list(request, enterprise):
    methods = list(services_fees.shipping_methods_for_list(enterprise))
    for method in methods:
        method.when = when_display(method)
    context = {
        "enterprise": enterprise,
        "nav": "shipping",
        "pickups": [m for m in methods if m.kind == ShippingMethod.Kind.PICKUP],
        "deliveries": [m for m in methods if m.kind == ShippingMethod.Kind.DELIVERY],
    }
    return render(request, "manage/methods/shipping_list.html", context)


def _shipping_page(request, enterprise, form, kind, method=None):
    context = {"enterprise": enterprise, "nav": "shipping", "form": form, "kind": kind, "method": method}
    return render(request, "manage/methods/shipping_form.html", context)


@manage_view(min_role=Role.Level.MANAGER)
def shipping_create(request, enterprise, kind):
    if kind not in ShippingMethod.Kind.values:
        raise Http404
    form = ShippingMethodForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            method = services_fees.shipping_method_create(
                enterprise=enterprise, kind=kind, values=form.values()
            )
        except FeeError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("« %(name)s » est créé.") % {"name": method.name})
            return redirect("cycles:shipping", enterprise.slug)
    return _shipping_page(request, enterprise, form, kind)


@manage_view(min_role=Role.Level.MANAGER)
def shipping_edit(request, enterprise, method):
    method = _shipping_or_404(enterprise, method)
    form = ShippingMethodForm(request.POST or None, kind=method.kind, method=method)
    if request.method == "POST" and form.is_valid():
        try:
            services_fees.shipping_method_update(method=method, values=form.values())
        except FeeError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("« %(name)s » est enregistré.") % {"name": method.name})
            return redirect("cycles:shipping", enterprise.slug)
    return _shipping_page(request, enterprise, form, method.kind, method)


def _shipping_set_active(request, enterprise, uuid, active):
    method = _shipping_or_404(enterprise, uuid)
    if active:
        text = _("« %(name)s » est de nouveau proposé.") % {"name": method.name}
    else:
        text = _("« %(name)s » n'est plus proposé.") % {"name": method.name}
    return active_toggle(
        request,
        active=active,
        set_active=lambda active: services_fees.shipping_method_set_active(method=method, active=active),
        text=text,
        then=("cycles:shipping", enterprise.slug),
    )


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def shipping_deactivate(request, enterprise, method):
    return _shipping_set_active(request, enterprise, method, active=False)


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def shipping_activate(request, enterprise, method):
    return _shipping_set_active(request, enterprise, method, active=True)
