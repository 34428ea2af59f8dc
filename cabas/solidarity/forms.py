"""Back-office forms of solidarity: the fund's settings and a seller's solidarity prices."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cabas.catalogue.forms import FrenchDecimalField
from cabas.catalogue.models import Product
from cabas.enterprises.models import Relationship
from cabas.orders.visibility import TAG_MAX_LENGTH, tag_normalize
from cabas.solidarity.models import SolidarityFund, SolidarityPrice

AMOUNT_ERROR = _("Indiquez un montant positif, par exemple 50,00.")
PERCENT_ERROR = _("Indiquez une réduction entre 0,01 et 100 %, par exemple 30.")
TAG_ERROR = _("Indiquez une étiquette faite de lettres ou de chiffres, par exemple « allocataire ».")


def _tag(value: str) -> str:
    tag = tag_normalize(value or "")
    if not tag:
        raise ValidationError(TAG_ERROR)
    return tag


class FundForm(forms.Form):
    name = forms.CharField(label=_("Nom de la caisse"), max_length=120)
    monthly_amount = FrenchDecimalField(
        label=_("Allocation mensuelle par bénéficiaire (€)"),
        error=AMOUNT_ERROR,
        strictly_positive=True,
        error_messages={"required": AMOUNT_ERROR},
    )
    member_tag = forms.CharField(
        label=_("Étiquette des bénéficiaires"),
        max_length=TAG_MAX_LENGTH,
        help_text=_(
            "vos clients portant cette étiquette reçoivent l'allocation chaque mois "
            "(ajoutez-la depuis « Clients »)"
        ),
    )
    approved_sellers = forms.MultipleChoiceField(
        label=_("Vendeurs agréés"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "l'allocation ne se dépense que chez ces vendeurs ; un vendeur l'accepte en proposant le moyen "
            "de paiement « Allocation solidaire »"
        ),
    )
    active = forms.BooleanField(label=_("Verser les allocations chaque mois"), required=False, initial=True)

    def __init__(self, *args, sellers, fund: SolidarityFund | None = None, **kwargs):
        if fund is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": fund.name,
                "monthly_amount": fund.monthly_amount,
                "member_tag": fund.member_tag,
                "approved_sellers": [s.slug for s in fund.approved_sellers.all()],
                "active": fund.active,
            }
        super().__init__(*args, **kwargs)
        self.sellers = {s.slug: s for s in sellers}
        self.fields["approved_sellers"].choices = [(s.slug, s.name) for s in sellers]

    def clean_member_tag(self):
        return _tag(self.cleaned_data["member_tag"])

    def clean_monthly_amount(self):
        amount = self.cleaned_data["monthly_amount"]
        if amount is not None and amount > Decimal("10000"):
            raise ValidationError(_("L'allocation mensuelle ne peut dépasser 10 000 €."))
        return amount

    def selected_sellers(self) -> list:
        return [self.sellers[slug] for slug in self.cleaned_data["approved_sellers"]]


def product_choices(enterprise, price: SolidarityPrice | None = None) -> list[tuple[str, str]]:
    """The products `enterprise` may sell (its own, those of producers letting it add them to its
    cycles) and those `price` names already, as (uuid, "name — producer") pairs (one query)."""
    suppliers = Relationship.objects.filter(
        grantee=enterprise, status=Relationship.Status.ACCEPTED, add_to_cycles=True
    ).values("grantor")
    kept = Q(pk__in=price.products.values("pk")) if price is not None else Q(pk__in=[])
    products = (
        Product.objects.filter(
            Q(archived_at__isnull=True, producer__in=suppliers)
            | Q(archived_at__isnull=True, producer=enterprise)
            | kept
        )
        .select_related("producer")
        .only("uuid", "name", "producer__name")
        .order_by("producer__name", "name")
    )
    return [(str(p.uuid), f"{p.name} — {p.producer.name}") for p in products]


class SolidarityPriceForm(forms.Form):
    customer_tag = forms.CharField(
        label=_("Clients concernés (étiquette)"),
        max_length=TAG_MAX_LENGTH,
        help_text=_("ex. : solidaire, allocataire"),
    )
    products = forms.MultipleChoiceField(label=_("Produits au prix solidaire"))
    percent_off = FrenchDecimalField(
        label=_("Réduction sur le prix du producteur (%)"),
        error=PERCENT_ERROR,
        strictly_positive=True,
        error_messages={"required": PERCENT_ERROR},
    )
    funded_by = forms.CharField(
        label=_("Financé par"),
        max_length=80,
        initial=_("la caisse de solidarité"),
        help_text=_(
            "affiché sur la commande : « Prix solidaire (financé par …) », ex. la caisse de solidarité, "
            "la cotisation solidaire des adhérents"
        ),
    )
    active = forms.BooleanField(label=_("Appliquer ce prix solidaire"), required=False, initial=True)

    def __init__(self, *args, choices, price: SolidarityPrice | None = None, **kwargs):
        if price is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "customer_tag": price.customer_tag,
                "products": [str(u) for u in price.products.values_list("uuid", flat=True)],
                "percent_off": price.percent_off,
                "funded_by": price.funded_by,
                "active": price.active,
            }
        super().__init__(*args, **kwargs)
        self.fields["products"].choices = choices
        self.fields["products"].widget.attrs["size"] = min(max(len(choices), 3), 12)

    def clean_customer_tag(self):
        return _tag(self.cleaned_data["customer_tag"])

    def clean_percent_off(self):
        value = self.cleaned_data["percent_off"]
        if value is not None and value > 100:
            raise ValidationError(PERCENT_ERROR)
        return value
