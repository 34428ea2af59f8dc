"""Forms of the AMAP's members and subscriptions lists: search and filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cabas.amap.models import Contract, Subscription


class MemberSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("nom ou e-mail")}),
    )


class SubscriptionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Statut"), required=False, choices=[("", _("Tous"))] + list(Subscription.Status.choices)
    )

    def __init__(self, *args, amap, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"] = forms.ModelChoiceField(
            label=_("Contrat"),
            queryset=Contract.objects.filter(amap=amap).order_by("name", "season"),
            to_field_name="uuid",
            required=False,
            empty_label=_("Tous"),
        )
        self.order_fields(["contract", "status"])
