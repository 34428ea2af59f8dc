"""The forms of the AMAP's payments and memberships pages."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from cabas.amap.models import Instalment, Membership
from cabas.lib.money import to_decimal

DATE_INPUT = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class AmountField(forms.CharField):
    """An amount in euros as people type it (« 12,50 », « 12.5 € »)."""

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        try:
            return to_decimal(value)
        except ValueError:
            raise forms.ValidationError(_("Montant invalide : par exemple 15 ou 12,50."))


class InstalmentFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("État"), required=False)
    month = forms.ChoiceField(label=_("Encaissement en"), required=False)
    contract = forms.ChoiceField(label=_("Contrat"), required=False)

    def __init__(self, data=None, *, months, contracts):
        super().__init__(data)
        self.fields["state"].choices = [("", _("Tous"))] + list(Instalment.State.choices)
        self.fields["month"].choices = [("", _("Tous les mois"))] + [(m.strftime("%Y-%m"), m) for m in months]
        self.contracts = {str(c.uuid): c for c in contracts}
        self.fields["contract"].choices = [("", _("Tous"))] + [
            (key, str(c)) for key, c in self.contracts.items()
        ]

    def filters(self) -> dict:
        """The valid filters (an invalid one is ignored: the whole list)."""
        if not self.is_valid():
            return {}
        month = self.cleaned_data["month"]
        return {
            "state": self.cleaned_data["state"],
            "month": datetime.datetime.strptime(month, "%Y-%m").date() if month else None,
            "contract": self.contracts.get(self.cleaned_data["contract"]),
        }


class ReceiveForm(forms.Form):
    cheque_number = forms.CharField(label=_("N° de chèque"), max_length=20, required=False)
    bank = forms.CharField(label=_("Banque"), max_length=60, required=False)


class HandOverForm(forms.Form):
    instalments = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, data=None):
        super().__init__(data)
        values = data.getlist("instalments") if data is not None else []
        self.fields["instalments"].choices = [(v, v) for v in values if str(v).isdigit()]


class AmapSettingsForm(forms.Form):
    membership_required = forms.BooleanField(
        label=_("Adhésion obligatoire avant de souscrire un contrat"), required=False
    )
    membership_minimum = AmountField(label=_("Adhésion minimale (€)"), max_length=20)
    membership_suggested = AmountField(label=_("Adhésion suggérée (€)"), max_length=20)
    membership_payee = forms.CharField(
        label=_("Chèque d'adhésion à l'ordre de"), max_length=120, required=False
    )


class MembershipForm(forms.Form):
    customer = forms.ChoiceField(label=_("Adhérent"))
    amount = AmountField(label=_("Montant (€)"), max_length=20)
    method = forms.ChoiceField(label=_("Règlement"), required=False)
    paid = forms.BooleanField(label=_("Déjà réglée"), required=False)

    def __init__(self, data=None, *, members, initial=None):
        super().__init__(data, initial=initial)
        self.members = {str(m.uuid): m for m in members}
        self.fields["customer"].choices = [("", "—")] + [
            (key, f"{m} ({m.email})" if m.full_name else m.email) for key, m in self.members.items()
        ]
        self.fields["method"].choices = [("", "—")] + list(Membership.Method.choices)


class MarkPaidForm(forms.Form):
    method = forms.ChoiceField(label=_("Règlement"), choices=Membership.Method.choices)
