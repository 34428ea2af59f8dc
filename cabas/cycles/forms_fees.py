"""Back-office forms of fees, pickup points and delivery methods.

Forms validate and turn input into plain values (French numbers "0,50", tiers typed as lines
"à partir de 10 articles : 0,30 €", postcodes as a list); services_fees.py applies them.
"""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dates import WEEKDAYS as DAY_NAMES
from django.utils.translation import gettext_lazy as _

from cabas.catalogue.forms import FrenchDecimalField
from cabas.catalogue.models import TaxRate
from cabas.cycles.models import Fee, ShippingMethod
from cabas.cycles.pricing import parse_tiers
from cabas.cycles.services_fees import FeeData, fee_type_choices
from cabas.lib import money
from cabas.lib.units import format_number

AMOUNT_ERROR = _("Le montant doit être un nombre positif en euros, ex. 0,50")
RATE_ERROR = _("Le taux doit être un pourcentage entre 0 et 100, ex. 5 ou 2,5")
PER_KG_ERROR = _("Le montant par kilo doit être un nombre positif en euros, ex. 0,40")
POSTCODE_ERROR = _("Un code postal a 5 chiffres, ex. 69004.")

# Which amount field each calculator uses (the form shows only that one when JavaScript runs).
CALCULATOR_FIELDS = {
    "amount": (Fee.Calculator.FLAT_PER_ORDER, Fee.Calculator.FLAT_PER_ITEM),
    "rate": (Fee.Calculator.PERCENT,),
    "amount_per_kg": (Fee.Calculator.PER_KG,),
    "tiers": (Fee.Calculator.TIERED,),
}
CALCULATOR_HELP = {
    Fee.Calculator.FLAT_PER_ORDER: _("Le même montant sur chaque commande, quel que soit son contenu."),
    Fee.Calculator.FLAT_PER_ITEM: _("Un montant ajouté au prix de chaque article."),
    Fee.Calculator.PERCENT: _("Un pourcentage du prix producteur, ajouté au prix de chaque article."),
    Fee.Calculator.PER_KG: _(
        "Un montant par kilo, ajouté au prix de chaque article vendu au poids (rien sur les articles "
        "vendus à la pièce ou au litre)."
    ),
    Fee.Calculator.TIERED: _(
        "Un montant par article qui dépend du nombre d'articles de la ligne de commande."
    ),
}

TIER_LINE = re.compile(
    r"^\s*(?:(?:à|a)\s+partir\s+de\s+|dès\s+|des\s+)?(?P<from>\d+)\s*"
    r"(?:articles?|unités?|unites?|pièces?|pieces?)?\s*[:=→-]+\s*"
    r"(?P<amount>\d+(?:[.,]\d{1,2})?)\s*(?:€|eur|euros?)?\s*$",
    re.IGNORECASE,
)


def format_tiers(tiers) -> str:
    """The tiers of a fee as the lines the form shows: 'à partir de 10 articles : 0,30 €'."""
    lines = []
    for start, amount in parse_tiers(tiers):
        noun = "article" if start == 1 else "articles"
        amount_text = money.format_eur(amount, language="fr").replace("\u00a0", " ")
        lines.append(f"à partir de {start} {noun} : {amount_text}")
    return "\n".join(lines)


def parse_tiers_text(text: str) -> list[dict]:
    """[{"from": 1, "amount": "0.50"}, ...] from lines 'à partir de 1 article : 0,50 €'.

    ValidationError naming each wrong line; tiers must start at distinct quantities.
    """
    errors = []
    tiers = {}
    for number, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        match = TIER_LINE.match(raw)
        if not match:
            errors.append(
                _("Ligne %(n)s : écrivez par exemple « à partir de 10 articles : 0,30 € ».") % {"n": number}
            )
            continue
        start = int(match["from"])
        amount = money.round_money(money.to_decimal(match["amount"]))
        if start < 1:
            errors.append(_("Ligne %(n)s : un palier commence à 1 article au moins.") % {"n": number})
        elif start in tiers:
            errors.append(
                _("Ligne %(n)s : il y a déjà un palier à partir de %(from)s.") % {"n": number, "from": start}
            )
        else:
            tiers[start] = amount
    if errors:
        raise ValidationError(errors)
    return [{"from": start, "amount": f"{tiers[start]:.2f}"} for start in sorted(tiers)]


def tax_rate_field(label) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(
        label=label,
        queryset=TaxRate.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("Pas de TVA (hors champ)"),
    )
    field.label_from_instance = lambda rate: rate.display()
    return field


class FeeForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=120, help_text=_("ex. : Préparation des paniers"))
    fee_type = forms.ChoiceField(
        label=_("Type"), help_text=_("Sert à regrouper les frais sur la page « Où va votre argent »")
    )
    calculator = forms.ChoiceField(
        label=_("Calcul"), choices=Fee.Calculator.choices, widget=forms.RadioSelect, initial="flat_per_item"
    )
    amount = FrenchDecimalField(label=_("Montant TTC (€)"), error=AMOUNT_ERROR, required=False)
    rate = FrenchDecimalField(label=_("Taux (%)"), error=RATE_ERROR, required=False)
    amount_per_kg = FrenchDecimalField(
        label=_("Montant TTC par kilo (€)"), error=PER_KG_ERROR, decimal_places=3, required=False
    )
    tiers = forms.CharField(
        label=_("Paliers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Une ligne par palier, ex. « à partir de 1 article : 0,50 € » puis « à partir de 10 articles : "
            "0,30 € ». Le montant par article est celui du palier atteint par la ligne de commande."
        ),
    )
    tax_rate = tax_rate_field(_("TVA sur ces frais"))
    description = forms.CharField(
        label=_("À quoi servent ces frais"),
        max_length=255,
        required=False,
        help_text=_("montré aux clients avec le détail des prix"),
    )

    def __init__(self, *args, enterprise, fee: Fee | None = None, **kwargs):
        if fee is not None and "initial" not in kwargs:
            kwargs["initial"] = fee_initial(fee)
        super().__init__(*args, **kwargs)
        self.fields["fee_type"].choices = fee_type_choices(enterprise)
        help_items = " ".join(
            f"{label} — {CALCULATOR_HELP[value]}" for value, label in Fee.Calculator.choices
        )
        self.fields["calculator"].help_text = help_items

    def amount_fields(self):
        """The amount fields with the calculators they serve (for the template)."""
        return [(self[name], " ".join(calcs)) for name, calcs in CALCULATOR_FIELDS.items()]

    def clean(self):
        data = super().clean()
        calculator = data.get("calculator")
        if calculator in (Fee.Calculator.FLAT_PER_ORDER, Fee.Calculator.FLAT_PER_ITEM):
            if not data.get("amount"):
                self.add_error("amount", _("Indiquez le montant des frais, ex. 0,50"))
        elif calculator == Fee.Calculator.PERCENT:
            rate = data.get("rate")
            if not rate:
                self.add_error("rate", _("Indiquez le taux, ex. 5"))
            elif rate > 100:
                self.add_error("rate", RATE_ERROR)
        elif calculator == Fee.Calculator.PER_KG:
            if not data.get("amount_per_kg"):
                self.add_error("amount_per_kg", _("Indiquez le montant par kilo, ex. 0,40"))
        elif calculator == Fee.Calculator.TIERED:
            try:
                data["tier_list"] = parse_tiers_text(data.get("tiers", ""))
            except ValidationError as error:
                self.add_error("tiers", error)
            else:
                if not data["tier_list"]:
                    self.add_error(
                        "tiers", _("Indiquez au moins un palier, ex. « à partir de 1 article : 0,50 € ».")
                    )
        return data

    def fee_data(self) -> FeeData:
        data = self.cleaned_data
        calculator = data["calculator"]
        amount = {
            Fee.Calculator.PERCENT: data.get("rate"),
            Fee.Calculator.PER_KG: data.get("amount_per_kg"),
            Fee.Calculator.TIERED: Decimal(0),
        }.get(calculator, data.get("amount"))
        return FeeData(
            name=data["name"],
            fee_type=data["fee_type"],
            calculator=calculator,
            amount=amount,
            tiers=data.get("tier_list", []),
            tax_rate=data.get("tax_rate"),
            description=data.get("description", ""),
        )


def fee_initial(fee: Fee) -> dict:
    initial = {
        "name": fee.name,
        "fee_type": fee.fee_type,
        "calculator": fee.calculator,
        "tax_rate": fee.tax_rate.slug if fee.tax_rate_id else None,
        "description": fee.description,
    }
    amount = Decimal(fee.amount)
    if fee.calculator == Fee.Calculator.PERCENT:
        initial["rate"] = format_number(amount.normalize())
    elif fee.calculator == Fee.Calculator.PER_KG:
        initial["amount_per_kg"] = format_number(amount.normalize())
    elif fee.calculator == Fee.Calculator.TIERED:
        initial["tiers"] = format_tiers(fee.tiers)
    else:
        initial["amount"] = money.round_money(amount)
    return initial


# --- Pickup points and delivery methods ---------------------------------------------------------

WEEKDAYS = [("", _("— pas de jour habituel —")), *((str(day), name) for day, name in DAY_NAMES.items())]
POSTCODE = re.compile(r"^\d{5}$")


def parse_postcodes(text: str) -> list[str]:
    """['69001', '69004'] from '69001, 69004' (commas, semicolons, spaces or lines); each must be
    a French postcode of 5 digits. ValidationError naming the wrong ones."""
    codes = [c for c in re.split(r"[\s,;]+", text or "") if c]
    wrong = [c for c in codes if not POSTCODE.match(c)]
    if wrong:
        raise ValidationError(
            _("Ces codes postaux ne sont pas valides : %(codes)s. %(hint)s")
            % {"codes": ", ".join(wrong), "hint": POSTCODE_ERROR}
        )
    return list(dict.fromkeys(codes))


class ShippingMethodForm(forms.Form):
    """A pickup point (address, day, time window) or a delivery (zone, fee, minimum order)."""

    name = forms.CharField(label=_("Nom"), max_length=120)
    address = forms.CharField(label=_("Adresse"), max_length=200, required=False)
    postcode = forms.CharField(
        label=_("Code postal"),
        max_length=5,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    city = forms.CharField(label=_("Commune"), max_length=100, required=False)
    postcodes = forms.CharField(
        label=_("Codes postaux desservis"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("séparés par des virgules ou des espaces, ex. 69001, 69004, 69005"),
    )
    fee = FrenchDecimalField(
        label=_("Frais de livraison TTC (€)"),
        error=AMOUNT_ERROR,
        required=False,
        help_text=_("0 ou vide : gratuite"),
    )
    fee_tax_rate = tax_rate_field(_("TVA sur les frais de livraison"))
    minimum_order = FrenchDecimalField(
        label=_("Commande minimum TTC (€)"), error=AMOUNT_ERROR, required=False, help_text=_("vide : aucune")
    )
    weekday = forms.ChoiceField(label=_("Jour habituel"), choices=WEEKDAYS, required=False)
    opens_at = forms.TimeField(
        label=_("De"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Indiquez une heure, ex. 17:30")},
    )
    closes_at = forms.TimeField(
        label=_("À"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Indiquez une heure, ex. 19:00")},
    )
    instructions = forms.CharField(
        label=_("Instructions pour les clients"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("ex. : sonnez au portail, apportez vos sacs"),
    )

    PICKUP_ONLY = ("address", "postcode", "city")
    DELIVERY_ONLY = ("postcodes", "fee", "fee_tax_rate", "minimum_order")

    def __init__(self, *args, kind: str, method: ShippingMethod | None = None, **kwargs):
        if method is not None and "initial" not in kwargs:
            kwargs["initial"] = shipping_initial(method)
        super().__init__(*args, **kwargs)
        self.kind = kind
        for name in self.DELIVERY_ONLY if kind == ShippingMethod.Kind.PICKUP else self.PICKUP_ONLY:
            del self.fields[name]
        if kind == ShippingMethod.Kind.PICKUP:
            self.fields["name"].help_text = _("ex. : Retrait à la ferme, Halle de Villeurbanne")
            self.fields["address"].required = True
            self.fields["address"].error_messages["required"] = _("Indiquez l'adresse du point de retrait.")
        else:
            self.fields["name"].help_text = _("ex. : Livraison Lyon 4e")
            self.fields["postcodes"].required = True
            self.fields["postcodes"].error_messages["required"] = _(
                "Indiquez au moins un code postal desservi."
            )

    def clean_postcode(self):
        code = self.cleaned_data.get("postcode", "").strip()
        if code and not POSTCODE.match(code):
            raise ValidationError(POSTCODE_ERROR)
        return code

    def clean_postcodes(self):
        return ", ".join(parse_postcodes(self.cleaned_data.get("postcodes", "")))

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("L'heure de fin doit être après l'heure de début."))
        return data

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["weekday"] = int(data["weekday"]) if data.get("weekday") not in (None, "") else None
        return data


def shipping_initial(method: ShippingMethod) -> dict:
    return {
        "name": method.name,
        "address": method.address,
        "postcode": method.postcode,
        "city": method.city,
        "postcodes": method.postcodes,
        "fee": method.fee if method.fee else None,
        "fee_tax_rate": method.fee_tax_rate.slug if method.fee_tax_rate_id else None,
        "minimum_order": method.minimum_order,
        "weekday": "" if method.weekday is None else str(method.weekday),
        "opens_at": method.opens_at,
        "closes_at": method.closes_at,
        "instructions": method.instructions,
    }
