"""Customer accounts (prepaid credit).

Back-office (/manage/<slug>/accounts/, managers): the customers' accounts and balances, a
customer's statement, recording a top-up received and a correction.
Customer side (/payments/accounts/, "Mon compte"): a logged-in person's accounts at each seller,
the statement, and how to top up by transfer.
"""

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role
from cabas.lib.money import format_eur
from cabas.orders.models import Customer
from cabas.payments.accounts import ledger, services
from cabas.payments.bank_details import iban_display
from cabas.payments.exceptions import PaymentError
from cabas.payments.models import PaymentMethod
from cabas.payments.references import display

MANAGER = Role.Level.MANAGER
PAGE_SIZE = 50
STATEMENT_PAGE_SIZE = 50


class AccountFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Nom, e-mail ou code"), required=False, max_length=100)
    sort = forms.ChoiceField(
        label=gettext_lazy("Trier par"),
        required=False,
        choices=[
            ("name", gettext_lazy("nom")),
            ("balance", gettext_lazy("solde, le plus bas d'abord")),
            ("-balance", gettext_lazy("solde, le plus haut d'abord")),
        ],
    )
    everyone = forms.BooleanField(label=gettext_lazy("Tous les clients, même sans compte"), required=False)


class TopUpForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Reçu par"),
        choices=services.top_up_kinds,
        widget=forms.RadioSelect,
    )
    amount = forms.CharField(label=gettext_lazy("Montant (€)"), max_length=20)
    received_on = forms.DateField(
        label=gettext_lazy("Date de réception"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    cheque_number = forms.CharField(label=gettext_lazy("N° de chèque"), max_length=30, required=False)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80, required=False)


class CorrectionForm(forms.Form):
    amount = forms.CharField(
        label=gettext_lazy("Montant (€)"),
        max_length=20,
        help_text=gettext_lazy("positif pour créditer, négatif (ex. -5,00) pour débiter"),
    )
    note = forms.CharField(
        label=gettext_lazy("Raison de la correction"),
        max_length=200,
        help_text=gettext_lazy("elle figure sur le relevé du client"),
    )


def _paged(rows, size, request):
    page = Paginator(rows, size).get_page(request.GET.get("page"))
    page.links = list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    return page


def _customer_or_404(enterprise, customer_uuid) -> Customer:
    return get_object_or_404(
        ledger.with_balance(Customer.objects.filter(enterprise=enterprise)), uuid=customer_uuid
    )


# --- back-office --------------------------------------------------------------------------------


@manage_view(min_role=MANAGER)
def account_list(request, enterprise):
    form = AccountFilterForm(request.GET or None)
    q, sort, everyone = "", "name", False
    if form.is_bound and form.is_valid():
        q = form.cleaned_data["q"]
        sort = form.cleaned_data["sort"] or "name"
        everyone = form.cleaned_data["everyone"]
    accounts = services.accounts_for_list(enterprise, q=q, sort=sort, everyone=everyone)
    page = _paged(accounts, PAGE_SIZE, request)
    context = {
        "enterprise": enterprise,
        "nav": "accounts",
        "form": form,
        "page": page,
        "filtered": bool(q or everyone),
        "total": services.accounts_total(enterprise),
        "method": services.credit_method(enterprise),
    }
    return render(request, "manage/payments/accounts/list.html", context)


def _statement_page(request, enterprise, customer, *, topup=None, correction=None):
    entries = _paged(ledger.account_statement(customer), STATEMENT_PAGE_SIZE, request)
    topup = topup or TopUpForm(
        prefix="topup",
        initial={
            "kind": PaymentMethod.Kind.TRANSFER,
            "received_on": timezone.localdate(),
            "idempotency_key": uuid.uuid4().hex,
        },
    )
    context = {
        "enterprise": enterprise,
        "nav": "accounts",
        "customer": customer,
        "entries": entries,
        "topup": topup,
        "correction": correction or CorrectionForm(prefix="fix"),
        "reference": display(customer.payment_reference),
    }
    return render(request, "manage/payments/accounts/statement.html", context)


@manage_view(min_role=MANAGER)
@require_GET
def account_statement(request, enterprise, customer):
    return _statement_page(request, enterprise, _customer_or_404(enterprise, customer))


def _post_entry(request, enterprise, customer, form, *, slot: str, record, done: str):
    """Write the entry `form` (a top-up or a correction) asks for with `record`, then back to the
    statement with `done` (amount and balance); on an error, the statement again with `form` in
    its `slot` and the French message on its field."""
    customer = _customer_or_404(enterprise, customer)
    if form.is_valid():
        try:
            entry = record(enterprise=enterprise, customer=customer, user=request.user, **form.cleaned_data)
        except PaymentError as error:
            form.add_error(getattr(error, "field", None), error.message)
        else:
            messages.success(
                request,
                done % {"amount": format_eur(entry.amount), "balance": format_eur(entry.balance_after)},
            )
            return redirect("payments:account", enterprise.slug, customer.uuid)
    return _statement_page(request, enterprise, customer, **{slot: form})


@manage_view(min_role=MANAGER)
@require_POST
def account_top_up(request, enterprise, customer):
    return _post_entry(
        request,
        enterprise,
        customer,
        TopUpForm(request.POST, prefix="topup"),
        slot="topup",
        record=services.top_up_record,
        done=_("Approvisionnement de %(amount)s enregistré : le solde est de %(balance)s."),
    )


@manage_view(min_role=MANAGER)
@require_POST
def account_correction(request, enterprise, customer):
    return _post_entry(
        request,
        enterprise,
        customer,
        CorrectionForm(request.POST, prefix="fix"),
        slot="correction",
        record=services.correction_record,
        done=_("Correction de %(amount)s enregistrée : le solde est de %(balance)s."),
    )


# --- customer side ------------------------------------------------------------------------------


@require_GET
@login_required
def my_accounts(request):
    accounts = list(services.accounts_of_user(request.user))
    return render(request, "shop/accounts.html", {"accounts": accounts})


@require_GET
@login_required
def my_account(request, customer):
    account = services.account_of_user(request.user, customer)
    if account is None:
        raise Http404
    entries = _paged(ledger.account_statement(account), STATEMENT_PAGE_SIZE, request)
    transfer = services.transfer_details(account.enterprise)
    context = {
        "account": account,
        "entries": entries,
        "reference": display(services.customer_reference(account)),
        "transfer": transfer,
        "iban": iban_display(transfer.iban) if transfer else "",
        "method": services.credit_method(account.enterprise),
    }
    return render(request, "shop/account.html", context)
