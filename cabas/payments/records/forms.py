"""Back-office forms of an order's payments: a payment recorded by hand, a refund."""

import uuid
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cabas.payments.models import PaymentMethod

Kind = PaymentMethod.Kind

# The ways a manager records a payment received by hand.
RECORD_KINDS = (Kind.CASH, Kind.CHEQUE, Kind.TRANSFER, Kind.CARD)


class PaymentRecordForm(forms.Form):
    """A payment received for an order, recorded by hand (a cheque handed over at pickup...)."""

    kind = forms.ChoiceField(
        label=_("Moyen"),
        choices=[(k.value, k.label) for k in RECORD_KINDS],
        help_text=_("carte : un paiement sur votre terminal au retrait"),
    )
    amount = forms.DecimalField(
        label=_("Montant (€)"), max_digits=11, decimal_places=2, min_value=Decimal("0.01"), localize=True
    )
    received_on = forms.DateField(
        label=_("Date de réception"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    cheque_number = forms.CharField(label=_("N° de chèque"), max_length=30, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=60)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("received_on", timezone.localdate())
        kwargs["initial"].setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["amount"].error_messages["min_value"] = _(
            "Indiquez un montant positif (pour rendre de l'argent, utilisez « Rembourser »)."
        )

    def clean_received_on(self):
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("La date de réception ne peut pas être dans le futur."))
        return day


class PaymentRefundForm(forms.Form):
    """Money given back on one payment: to the customer's account, in cash, by cheque, by transfer
    or to the card it came from."""

    amount = forms.DecimalField(
        label=_("Montant à rembourser (€)"),
        max_digits=11,
        decimal_places=2,
        min_value=Decimal("0.01"),
        localize=True,
    )
    to = forms.ChoiceField(label=_("Rembourser"), widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=60)

    def __init__(self, *args, destinations, prefix=None, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, prefix=prefix, **kwargs)
        self.fields["to"].choices = destinations
        if len(destinations) == 1:
            self.initial.setdefault("to", destinations[0][0])
        self.fields["amount"].error_messages["min_value"] = _("Indiquez un montant positif.")
