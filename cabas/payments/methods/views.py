"""Back-office payment methods of a seller: list, the kind to create, form, withdraw and put back.
Managers and owners only."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cabas.core.toggles import active_toggle
from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role
from cabas.payments.exceptions import PaymentMethodError
from cabas.payments.methods import services as payment_services
from cabas.payments.methods.forms import KIND_HELP, PaymentMethodForm
from cabas.payments.models import PaymentMethod


def _payment_or_404(enterprise, uuid) -> PaymentMethod:
    try:
        return payment_services.payment_method_for_enterprise(enterprise, uuid)
    except PaymentMethod.DoesNotExist:
        raise Http404


@manage_view(min_role=Role.Level.MANAGER)
def payment_method_list(request, enterprise):
    context = {
        "enterprise": enterprise,
        "nav": "payment_methods",
        "methods": list(payment_services.payment_methods_for_list(enterprise)),
    }
    return render(request, "manage/methods/payment_list.html", context)


def _payment_page(request, enterprise, form, method=None):
    kind = PaymentMethod.Kind(form.kind)
    context = {
        "enterprise": enterprise,
        "nav": "payment_methods",
        "form": form,
        "method": method,
        "kind": kind,
        "kind_help": KIND_HELP.get(kind, ""),
    }
    return render(request, "manage/methods/payment_form.html", context)


def _payment_kind_page(request, enterprise, error: bool):
    """The first step of a new payment method: which kind (one link each, no JavaScript needed)."""
    kinds = [(kind, kind.label, KIND_HELP.get(kind, "")) for kind in PaymentMethod.Kind]
    context = {"enterprise": enterprise, "nav": "payment_methods", "kinds": kinds, "error": error}
    return render(request, "manage/methods/payment_kind.html", context)


def _save_error(form, error: PaymentMethodError) -> None:
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields and field != "kind" else None, error.message)


@manage_view(min_role=Role.Level.MANAGER)
def payment_method_create(request, enterprise):
    kind = request.POST.get("kind", "") if request.method == "POST" else request.GET.get("kind", "")
    if kind not in PaymentMethod.Kind.values:
        return _payment_kind_page(request, enterprise, error=request.method == "POST" or bool(kind))
    form = PaymentMethodForm(
        request.POST if request.method == "POST" else None, enterprise=enterprise, kind=kind
    )
    if request.method == "POST" and form.is_valid():
        try:
            method = payment_services.payment_method_create(enterprise=enterprise, values=form.cleaned_data)
        except PaymentMethodError as error:
            _save_error(form, error)
        else:
            messages.success(request, _("« %(name)s » est proposé à vos clients.") % {"name": method.name})
            return redirect("payments:payment_methods", enterprise.slug)
    return _payment_page(request, enterprise, form)


@manage_view(min_role=Role.Level.MANAGER)
def payment_method_edit(request, enterprise, method):
    method = _payment_or_404(enterprise, method)
    form = PaymentMethodForm(
        request.POST if request.method == "POST" else None,
        enterprise=enterprise,
        kind=method.kind,
        method=method,
    )
    if request.method == "POST" and form.is_valid():
        try:
            payment_services.payment_method_update(method=method, values=form.cleaned_data)
        except PaymentMethodError as error:
            _save_error(form, error)
        else:
            messages.success(request, _("« %(name)s » est enregistré.") % {"name": method.name})
            return redirect("payments:payment_methods", enterprise.slug)
    return _payment_page(request, enterprise, form, method)


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def payment_method_deactivate(request, enterprise, method):
    method = _payment_or_404(enterprise, method)
    return active_toggle(
        request,
        active=False,
        set_active=lambda active: payment_services.payment_method_set_active(method=method, active=active),
        text=_("« %(name)s » n'est plus proposé.") % {"name": method.name},
        then=("payments:payment_methods", enterprise.slug),
    )


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def payment_method_activate(request, enterprise, method):
    method = _payment_or_404(enterprise, method)
    return active_toggle(
        request,
        active=True,
        set_active=lambda active: payment_services.payment_method_set_active(method=method, active=active),
        text=_("« %(name)s » est de nouveau proposé.") % {"name": method.name},
        then=("payments:payment_methods", enterprise.slug),
    )
