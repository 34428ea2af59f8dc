"""Back-office order-cycle forms: the cycle itself, clone and schedule, suppliers, the variant list
filters and bulk selection, distributors, the price-approval setting and decisions.

Dates are typed in `datetime-local` inputs, read and shown in Europe/Paris (the site's time zone).
Forms only validate; the services in services.py and services_approval.py apply the changes.
"""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cabas.catalogue.forms import CategoryField
from cabas.cycles.models import Schedule
from cabas.cycles.services import VariantFilters
from cabas.enterprises.models import PriceApproval

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in a `datetime-local` input, in Europe/Paris."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)
    default_error_messages = {"invalid": _("Date invalide : utilisez le format JJ/MM/AAAA HH:MM.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", [DATETIME_FORMAT, "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M"])
        super().__init__(**kwargs)


class FeesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, fee):
        return f"{fee.name} ({fee.get_fee_type_display()})"


class CycleForm(forms.Form):
    name = forms.CharField(label=_("Nom du cycle"), max_length=120, help_text=_("ex. : Panier du jeudi"))
    opens_at = LocalDateTimeField(label=_("Ouverture des commandes"))
    closes_at = LocalDateTimeField(label=_("Clôture des commandes"))

    def __init__(self, *args, fees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator_fees"] = FeesField(
            label=_("Frais du coordinateur"),
            queryset=fees,
            required=False,
            help_text=_("Ajoutés au prix de chaque produit du cycle, et affichés au client."),
        )

    def clean(self):
        data = super().clean()
        opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("La clôture des commandes doit venir après leur ouverture."))
        return data


PERIOD_CHOICES = [
    (Schedule.Frequency.WEEKLY, _("Une semaine plus tard")),
    (Schedule.Frequency.FORTNIGHTLY, _("Deux semaines plus tard")),
    (Schedule.Frequency.MONTHLY, _("Un mois plus tard")),
]


class CloneForm(forms.Form):
    name = forms.CharField(label=_("Nom du nouveau cycle"), max_length=120)
    frequency = forms.ChoiceField(
        label=_("Dates du nouveau cycle"),
        choices=PERIOD_CHOICES,
        widget=forms.RadioSelect,
        initial=Schedule.Frequency.WEEKLY,
    )


class ScheduleForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("Répéter ce cycle"),
        choices=Schedule.Frequency.choices,
        widget=forms.RadioSelect,
        initial=Schedule.Frequency.WEEKLY,
    )


class EnterpriseChoiceForm(forms.Form):
    """One enterprise chosen by slug among `choices` (a supplier or a distributor to add)."""

    def __init__(self, *args, choices, label, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_slug = {e.slug: e for e in choices}
        self.fields["enterprise"] = forms.ChoiceField(
            label=label, choices=[("", _("Choisir…"))] + [(e.slug, e.name) for e in choices]
        )

    def clean_enterprise(self):
        return self.by_slug[self.cleaned_data["enterprise"]]


class FeesForm(forms.Form):
    def __init__(self, *args, fees, label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fees"] = FeesField(label=label, queryset=fees, required=False)


# --- Variants -------------------------------------------------------------------------------------


class VariantFilterForm(forms.Form):
    SELECTED_CHOICES = [
        ("", _("Tous")),
        ("yes", _("Dans le cycle")),
        ("no", _("Pas dans le cycle")),
    ]
    q = forms.CharField(label=_("Produit, variante ou référence"), required=False, max_length=100)
    selected = forms.ChoiceField(label=_("Sélection"), choices=SELECTED_CHOICES, required=False)

    def __init__(self, *args, producers, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.producers = {p.slug: p for p in producers}
        self.fields["producer"] = forms.ChoiceField(
            label=_("Producteur"),
            required=False,
            choices=[("", _("Tous les producteurs"))] + [(p.slug, p.name) for p in producers],
        )
        self.fields["category"] = CategoryField(
            label=_("Catégorie"), categories=categories, empty=_("Toutes les catégories"), required=False
        )
        self.fields["q"].widget.input_type = "search"
        self.order_fields(["q", "producer", "category", "selected"])

    def filters(self) -> VariantFilters:
        if not self.is_bound or not self.is_valid():
            return VariantFilters()
        data = self.cleaned_data
        return VariantFilters(
            q=data.get("q") or "",
            producer=self.producers.get(data.get("producer") or ""),
            category=data.get("category"),
            selected=data.get("selected") or "",
        )


class VariantBulkForm(forms.Form):
    """Add or remove the checked variants — or every variant matching the filters (scope "all") —
    or hide/show them at one distributor."""

    ACTIONS = [
        ("add", _("Ajouter au cycle")),
        ("remove", _("Retirer du cycle")),
        ("exclude", _("Ne pas proposer chez un distributeur")),
        ("include", _("Proposer de nouveau chez un distributeur")),
    ]
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    scope = forms.ChoiceField(choices=[("checked", "checked"), ("all", "all")], required=False)
    variants = forms.CharField(required=False)

    def __init__(self, *args, distributors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.distributors = {d.distributor.slug: d for d in distributors}
        self.fields["distributor"] = forms.ChoiceField(
            label=_("Distributeur"),
            required=False,
            choices=[("", _("—"))] + [(d.distributor.slug, d.distributor.name) for d in distributors],
        )

    def clean(self):
        data = super().clean()
        if data.get("scope") != "all":
            try:
                data["uuids"] = [uuid.UUID(v) for v in self.data.getlist("variants") if v]
            except ValueError:
                raise ValidationError(_("Sélection invalide : rechargez la page.")) from None
            if not data["uuids"]:
                raise ValidationError(_("Cochez au moins une variante, ou choisissez « tout sélectionner »."))
        else:
            data["uuids"] = None
        if data.get("action") in ("exclude", "include"):
            row = self.distributors.get(data.get("distributor") or "")
            if row is None:
                raise ValidationError(_("Choisissez le distributeur concerné."))
            data["row"] = row
        return data


# --- Distributors ---------------------------------------------------------------------------------


class MethodsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class DistributorForm(forms.Form):
    pickup_at = LocalDateTimeField(
        label=_("Date de retrait ou de livraison"),
        required=False,
        help_text=_("Annoncée aux clients et aux producteurs."),
    )
    pickup_note = forms.CharField(
        label=_("Précision sur le retrait"),
        max_length=200,
        required=False,
        help_text=_("ex. : entre 17 h et 19 h, sous le préau"),
    )

    def __init__(self, *args, shipping_methods, payment_methods, fees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shipping_methods"] = MethodsField(
            label=_("Modes de retrait ou de livraison"),
            queryset=shipping_methods,
            error_messages={"required": _("Cochez au moins un mode de retrait ou de livraison.")},
        )
        self.fields["payment_methods"] = MethodsField(
            label=_("Moyens de paiement"),
            queryset=payment_methods,
            error_messages={"required": _("Cochez au moins un moyen de paiement.")},
        )
        self.fields["fees"] = FeesField(label=_("Frais du distributeur"), queryset=fees, required=False)
        self.order_fields(["shipping_methods", "payment_methods", "fees", "pickup_at", "pickup_note"])


# --- Prices ---------------------------------------------------------------------------------------


class PriceApprovalForm(forms.Form):
    price_approval = forms.ChoiceField(
        label=_("Avant l'ouverture d'un cycle, ses prix sont décidés avec"),
        choices=PriceApproval.choices,
        widget=forms.RadioSelect,
    )


class SubmitForm(forms.Form):
    comment = forms.CharField(
        label=_("Message aux producteurs et référents (facultatif)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class MessageForm(forms.Form):
    comment = forms.CharField(
        label=_("Message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
