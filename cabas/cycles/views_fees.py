"""Back-office fees: the list, the form (calculator with its amount field, tiers typed as lines),
withdraw and put back. Managers and owners only."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cabas.core.toggles import active_toggle
from cabas.cycles import services_fees
from cabas.cycles.forms_fees import CALCULATOR_FIELDS, FeeForm, format_tiers
from cabas.cycles.models import Fee
from cabas.cycles.services_fees import FeeError
from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role, VatRegime
from cabas.lib import money
from cabas.lib.units import format_number


def describe_fee(fee: Fee) -> str:
    """'0,50 € par article', '5 % du prix producteur', '0,40 € par kilo', '2,00 € par commande'."""
    calculator = fee.calculator
    if calculator == Fee.Calculator.FLAT_PER_ITEM:
        return _("%(amount)s par article") % {"amount": money.format_eur(fee.amount)}
    if calculator == Fee.Calculator.FLAT_PER_ORDER:
        return _("%(amount)s par commande") % {"amount": money.format_eur(fee.amount)}
    if calculator == Fee.Calculator.PERCENT:
        return _("%(rate)s %% du prix producteur") % {"rate": format_number(fee.amount.normalize())}
    if calculator == Fee.Calculator.PER_KG:
        return _("%(amount)s par kilo") % {"amount": money.format_eur(fee.amount, exact=True)}
    return format_tiers(fee.tiers).replace("\n", "; ") or _("aucun palier")


def _vat_note(enterprise) -> str:
    if enterprise.vat_regime == VatRegime.FRANCHISE:
        return _("Votre structure est en franchise de TVA (art. 293 B du CGI) : vos frais sont sans TVA.")
    return ""


def _fee_or_404(enterprise, uuid) -> Fee:
    try:
        return services_fees.fee_for_enterprise(enterprise, uuid)
    except Fee.DoesNotExist:
        raise Http404


def _reopened_message(request, count: int) -> None:
    if count:
        messages.warning(
            request,
            ngettext(
                "Les prix d'un cycle qui utilise ces frais devront être approuvés à nouveau.",
                "Les prix de %(count)s cycles qui utilisent ces frais devront être approuvés à nouveau.",
                count,
            )
            % {"count": count},
        )


@manage_view(min_role=Role.Level.MANAGER)
def fee_list(request, enterprise):
    fees = list(services_fees.fees_for_list(enterprise))
    for fee in fees:
        fee.summary = describe_fee(fee)
    context = {"enterprise": enterprise, "nav": "fees", "fees": fees, "vat_note": _vat_note(enterprise)}
    return render(request, "manage/fees/list.html", context)


def _form_page(request, enterprise, form, fee=None):
    context = {
        "enterprise": enterprise,
        "nav": "fees",
        "form": form,
        "fee": fee,
        "amount_fields": [(form[name], " ".join(calcs)) for name, calcs in CALCULATOR_FIELDS.items()],
        "vat_note": _vat_note(enterprise),
        "cycles_using": list(services_fees.cycles_using(fee).only("name")[:10]) if fee else [],
    }
    return render(request, "manage/fees/form.html", context)


@manage_view(min_role=Role.Level.MANAGER)
def fee_create(request, enterprise):
    form = FeeForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            fee = services_fees.fee_create(enterprise=enterprise, data=form.fee_data())
        except FeeError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Les frais « %(name)s » sont créés.") % {"name": fee.name})
            return redirect("cycles:fees", enterprise.slug)
    return _form_page(request, enterprise, form)


@manage_view(min_role=Role.Level.MANAGER)
def fee_edit(request, enterprise, fee):
    fee = _fee_or_404(enterprise, fee)
    form = FeeForm(request.POST or None, enterprise=enterprise, fee=fee)
    if request.method == "POST" and form.is_valid():
        try:
            reopened = services_fees.fee_update(fee=fee, data=form.fee_data())
        except FeeError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Les frais « %(name)s » sont enregistrés.") % {"name": fee.name})
            _reopened_message(request, reopened)
            return redirect("cycles:fees", enterprise.slug)
    return _form_page(request, enterprise, form, fee)


def _set_active(request, enterprise, uuid, active: bool):
    fee = _fee_or_404(enterprise, uuid)
    if active:
        text = _("Les frais « %(name)s » sont de nouveau appliqués.") % {"name": fee.name}
    else:
        text = _("Les frais « %(name)s » ne sont plus appliqués.") % {"name": fee.name}
    return active_toggle(
        request,
        active=active,
        set_active=lambda active: services_fees.fee_set_active(fee=fee, active=active),
        text=text,
        then=("cycles:fees", enterprise.slug),
        after=lambda reopened: _reopened_message(request, reopened),
    )


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def fee_deactivate(request, enterprise, fee):
    return _set_active(request, enterprise, fee, active=False)


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def fee_activate(request, enterprise, fee):
    return _set_active(request, enterprise, fee, active=True)
