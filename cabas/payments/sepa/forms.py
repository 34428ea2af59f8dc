"""Back-office forms of SEPA direct debit: a mandate, a collection."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cabas.orders.models import Customer
from cabas.payments.models import PaymentMethod
from cabas.payments.sepa.services import SepaError, bic_clean, iban_clean


class CustomerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} — {obj.email}" if obj.full_name else obj.email


class MandateForm(forms.Form):
    customer = CustomerChoiceField(
        label=_("Client"),
        queryset=Customer.objects.none(),
        to_field_name="uuid",
        empty_label=_("— choisir —"),
    )
    debtor_name = forms.CharField(
        label=_("Titulaire du compte"), max_length=70, help_text=_("tel qu'il figure sur le RIB")
    )
    iban = forms.CharField(
        label=_("IBAN"),
        max_length=42,
        help_text=_("ex. : FR76 3000 6000 0112 3456 7890 189"),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )
    bic = forms.CharField(
        label=_("BIC"),
        max_length=14,
        required=False,
        help_text=_("ex. : AGRIFRPP ; facultatif pour un compte en France"),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )
    signed_on = forms.DateField(
        label=_("Date de signature"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reference = forms.CharField(
        label=_("Référence unique de mandat (RUM)"),
        max_length=35,
        required=False,
        help_text=_("vide : générée (ex. RUM-FDC-2026-0001) ; sinon celle écrite sur le mandat signé"),
    )

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.filter(enterprise=enterprise).order_by(
            "last_name", "first_name", "email"
        )

    def clean_iban(self):
        try:
            return iban_clean(self.cleaned_data["iban"])
        except SepaError as error:
            raise forms.ValidationError(error.message)

    def clean_bic(self):
        try:
            return bic_clean(self.cleaned_data.get("bic", ""))
        except SepaError as error:
            raise forms.ValidationError(error.message)

    def clean_signed_on(self):
        signed_on = self.cleaned_data["signed_on"]
        if signed_on > timezone.localdate():
            raise forms.ValidationError(_("La date de signature ne peut pas être dans le futur."))
        return signed_on


class MethodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name if obj.active else f"{obj.name} ({_('plus proposé')})"


class OrdersField(forms.MultipleChoiceField):
    """The checked orders (uuids): whether each can still be debited is the service's check, which
    names the orders that cannot."""

    def valid_value(self, value):
        return True


class CollectionForm(forms.Form):
    collection_date = forms.DateField(
        label=_("Date d'échéance"),
        help_text=_("le jour où les comptes des clients sont débités ; votre banque demande un délai"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    method = MethodChoiceField(
        label=_("Compte crédité"),
        queryset=PaymentMethod.objects.none(),
        to_field_name="uuid",
        empty_label=None,
        help_text=_("le moyen de paiement « Prélèvement SEPA » qui porte votre IBAN, BIC et ICS"),
    )
    orders = OrdersField(
        label=_("Commandes à prélever"),
        error_messages={"required": _("Cochez au moins une commande à prélever.")},
    )

    def __init__(self, *args, methods, candidates, **kwargs):
        kwargs.setdefault("initial", {"collection_date": timezone.localdate() + datetime.timedelta(days=5)})
        super().__init__(*args, **kwargs)
        self.fields["method"].queryset = methods
        self.fields["orders"].choices = [(str(c.order.uuid), c.order.number) for c in candidates]

    def clean_collection_date(self):
        value = self.cleaned_data["collection_date"]
        if value < timezone.localdate():
            raise forms.ValidationError(
                _("La date d'échéance est passée : choisissez aujourd'hui ou plus tard.")
            )
        return value
