"""Forms of the AMAP's contracts: the contract's terms (new: with its producer and its distributions,
picked or generated from a rhythm), a product, a solidarity tier, a member added on a paper contract."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cabas.amap.contracts import CONTRACT_FIELDS
from cabas.amap.forms_distributions import RhythmFieldsMixin
from cabas.amap.models import Contract, Instalment
from cabas.amap.selectors import amap_members, producer_variants, upcoming_distributions
from cabas.catalogue.forms import FrenchDecimalField
from cabas.enterprises.models import Enterprise, Relationship
from cabas.lib.days import DateInput

AMOUNT_ERROR = _("Indiquez un montant positif, ex. 3,50")
PRODUCER_CHOICES_MAX = 30
MODE_RHYTHM, MODE_EXISTING = "rhythm", "existing"


def money_field(label, **kwargs) -> FrenchDecimalField:
    return FrenchDecimalField(
        label=label, error=AMOUNT_ERROR, error_messages={"required": AMOUNT_ERROR}, **kwargs
    )


def producers_for(amap, search: str = ""):
    """The producers offered for a new contract: those the AMAP works with (accepted relationship,
    a contract already), or those whose name matches `search`."""
    accepted = Relationship.Status.ACCEPTED
    producers = Enterprise.objects.filter(is_producer=True)
    if search.strip():
        return producers.filter(name__icontains=search.strip()).order_by("name")[:PRODUCER_CHOICES_MAX]
    related = (
        Q(granted_relationships__grantee=amap, granted_relationships__status=accepted)
        | Q(received_relationships__grantor=amap, received_relationships__status=accepted)
        | Q(amap_contracts_supplied__amap=amap)
    )
    return producers.filter(related).distinct().order_by("name")[:PRODUCER_CHOICES_MAX]


class ContractForm(forms.ModelForm):
    minimum_per_distribution = money_field(_("Minimum par distribution (€)"), required=False)
    minimum_per_season = money_field(_("Minimum sur la saison (€)"), required=False)
    solidarity_donation = money_field(_("Don solidaire suggéré par distribution (€)"), required=False)

    class Meta:
        model = Contract
        fields = list(CONTRACT_FIELDS)
        widgets = {
            "signup_opens_on": DateInput(),
            "signup_closes_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "terms": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, amap, **kwargs):
        super().__init__(*args, **kwargs)
        others = Contract.objects.filter(amap=amap)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["main_contract"].queryset = others.order_by("name")
        self.fields["referent"].queryset = amap_members(amap)

    def clean(self):
        data = super().clean()
        for key in ("minimum_per_distribution", "minimum_per_season", "solidarity_donation"):
            if key in data and data[key] is None:
                data[key] = Decimal("0.00")
        return data

    def contract_data(self) -> dict:
        return {key: self.cleaned_data[key] for key in CONTRACT_FIELDS}


class ProducerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.city})" if obj.city else obj.name


class NewContractForm(RhythmFieldsMixin, ContractForm):
    """A new contract: its producer, its terms and its distributions — generated from a rhythm (the
    season in one go) or picked among the AMAP's distributions to come."""

    def __init__(self, *args, amap, producer_search: str = "", **kwargs):
        super().__init__(*args, amap=amap, **kwargs)
        self.fields["producer"] = ProducerChoice(
            label=_("Producteur"),
            queryset=Enterprise.objects.filter(is_producer=True),
            to_field_name="slug",
            error_messages={
                "required": _("Choisissez un producteur."),
                "invalid_choice": _("Choisissez un producteur."),
            },
        )
        self.fields["producer"].choices = [("", "—")] + [
            (p.slug, ProducerChoice.label_from_instance(None, p))
            for p in producers_for(amap, producer_search)
        ]
        self.fields["mode"] = forms.ChoiceField(
            label=_("Distributions du contrat"),
            choices=[
                (MODE_RHYTHM, _("Les générer d'après un rythme (toute la saison)")),
                (MODE_EXISTING, _("Choisir parmi les distributions déjà prévues")),
            ],
            initial=MODE_RHYTHM,
            widget=forms.RadioSelect,
        )
        self.add_rhythm_fields(amap, required=False)
        self.fields["distributions"] = forms.ModelMultipleChoiceField(
            label=_("Distributions déjà prévues"),
            queryset=upcoming_distributions(amap),
            to_field_name="uuid",
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )

    def clean(self):
        data = super().clean()
        if data.get("mode") == MODE_RHYTHM:
            required = {
                "place": _("Choisissez un lieu de retrait de l'AMAP."),
                "first": _("Indiquez la première distribution."),
                "last": _("Indiquez la dernière distribution."),
                "starts_at": _("Indiquez l'heure de début."),
                "ends_at": _("Indiquez l'heure de fin."),
            }
            for key, message in required.items():
                if not data.get(key) and key not in self.errors:
                    self.add_error(key, message)
        elif data.get("mode") == MODE_EXISTING and not data.get("distributions"):
            self.add_error("distributions", _("Choisissez au moins une distribution."))
        return data


class ProductForm(forms.Form):
    price = money_field(_("Prix par distribution (€)"), strictly_positive=True)
    quantity = forms.IntegerField(label=_("Quantité dans le panier"), min_value=0, max_value=99, initial=1)
    max_quantity = forms.IntegerField(
        label=_("Quantité maximum par distribution"), min_value=1, max_value=99, initial=20
    )

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["variant"] = forms.ModelChoiceField(
            label=_("Produit du producteur"),
            queryset=producer_variants(contract.producer),
            to_field_name="uuid",
            error_messages={"required": _("Choisissez un produit du producteur du contrat.")},
        )
        self.order_fields(["variant", "price", "quantity", "max_quantity"])


class TierForm(forms.Form):
    name = forms.CharField(
        label=_("Nom du tarif"), max_length=60, required=False, help_text=_("ex. : solidaire, soutien")
    )
    percent = forms.IntegerField(label=_("Pourcentage du prix"), initial=100)


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} <{obj.email}>" if obj.full_name else obj.email


class SubscribeForm(forms.Form):
    """A member added by the AMAP on a paper contract."""

    starts_on = forms.DateField(
        label=_("À partir du"),
        required=False,
        widget=DateInput(),
        help_text=_("Vide : dès la prochaine distribution."),
    )
    method = forms.ChoiceField(
        label=_("Règlement"), choices=Instalment.Method.choices, initial=Instalment.Method.CHEQUE
    )
    waiting_list = forms.BooleanField(
        label=_("Sur la liste d'attente si le contrat est complet"), required=False
    )

    def __init__(self, *args, contract: Contract, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.products = products
        self.fields["customer"] = MemberChoice(
            label=_("Adhérent"),
            queryset=amap_members(contract.amap),
            to_field_name="uuid",
            error_messages={"required": _("Choisissez un adhérent de l'AMAP.")},
        )
        for product in products:
            self.fields[f"qty_{product.pk}"] = forms.IntegerField(
                label=product.variant.full_name,
                min_value=0,
                max_value=product.max_quantity,
                initial=product.quantity,
            )
        self.fields["instalments"] = forms.TypedChoiceField(
            label=_("Nombre de versements"),
            choices=[(n, n) for n in range(1, contract.max_instalments + 1)],
            coerce=int,
        )
        self.fields["tier"] = forms.ModelChoiceField(
            label=_("Tarif"), queryset=contract.tiers.all(), required=False, empty_label=_("Prix plein")
        )
        self.order_fields(
            ["customer", *[f"qty_{p.pk}" for p in products], "starts_on", "instalments", "method", "tier"]
        )

    def quantities(self) -> dict[int, int]:
        return {
            p.pk: self.cleaned_data[f"qty_{p.pk}"]
            for p in self.products
            if self.cleaned_data.get(f"qty_{p.pk}")
        }
