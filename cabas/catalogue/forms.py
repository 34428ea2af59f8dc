"""Back-office product forms: the list filters, inline price/stock edit, bulk actions, and the
product form with its variants formset and photo upload.

Forms only validate and turn the input into plain values; the services in services.py apply them.
Numbers are typed the French way ("3,50", "1 200") or the English way ("3.50").
"""

import uuid
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cabas.catalogue import photos
from cabas.catalogue.exceptions import InvalidPhoto
from cabas.catalogue.models import Category, TaxRate, Unit
from cabas.catalogue.services import BulkAction, ProductFilters, StockState
from cabas.lib import money

PRICE_ERROR = _("Le prix doit être un nombre positif, ex. 3,50")
STOCK_ERROR = _("Le stock doit être un nombre entier positif ou nul, ex. 12")
QUANTITY_ERROR = _("La quantité doit être un nombre positif, ex. 500 ou 1,5")
THRESHOLD_ERROR = _("Le seuil doit être un nombre entier positif ou nul, ex. 5")
BULK_SIZE_ERROR = _("La taille du colis doit être un nombre positif, ex. 25 ou 2,5")


class FrenchDecimalField(forms.Field):
    """A positive decimal typed as '3,50', '3.50', '3,50 €' or '1 200,5'."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def __init__(self, *, error: str, decimal_places: int = 2, strictly_positive: bool = False, **kwargs):
        self.error = error
        self.decimal_places = decimal_places
        self.strictly_positive = strictly_positive
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            text = (
                f"{value:.{self.decimal_places}f}" if self.decimal_places == 2 else f"{value.normalize():f}"
            )
            return text.replace(".", ",")
        return value

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        try:
            number = money.to_decimal(value)
        except ValueError:
            raise ValidationError(self.error, code="invalid")
        if number < 0 or (self.strictly_positive and number == 0) or number >= Decimal("10000000"):
            raise ValidationError(self.error, code="invalid")
        if -number.as_tuple().exponent > self.decimal_places:
            raise ValidationError(self.error, code="invalid")
        return number


class FrenchIntegerField(forms.Field):
    """A whole number ≥ 0 typed as '12' or '1 200'."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def __init__(self, *, error: str, **kwargs):
        self.error = error
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, int):
            number = value
        else:
            text = str(value).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
            if not text.isdigit():
                raise ValidationError(self.error, code="invalid")
            number = int(text)
        if number < 0 or number > 2_000_000_000:
            raise ValidationError(self.error, code="invalid")
        return number


def price_field(**kwargs) -> FrenchDecimalField:
    return FrenchDecimalField(
        label=_("Prix TTC (€)"), error=PRICE_ERROR, error_messages={"required": PRICE_ERROR}, **kwargs
    )


def stock_field(**kwargs) -> FrenchIntegerField:
    return FrenchIntegerField(
        label=_("Stock"), error=STOCK_ERROR, error_messages={"required": STOCK_ERROR}, **kwargs
    )


# --- Categories ---------------------------------------------------------------------------------


def category_tree() -> list[Category]:
    """Every category in tree order (each parent followed by its children), in one query."""
    categories = list(Category.objects.select_related("parent", "default_tax_rate"))
    parents = [c for c in categories if c.parent_id is None]
    children: dict[int, list[Category]] = {}
    for category in categories:
        if category.parent_id is not None:
            children.setdefault(category.parent_id, []).append(category)
    ordered = []
    for parent in parents:
        ordered.append(parent)
        ordered.extend(children.get(parent.pk, []))
    return ordered


def category_choices(categories: list[Category], empty: str) -> list[tuple[str, str]]:
    return [("", empty)] + [
        (c.slug, f"— {c.localized_name}" if c.parent_id else c.localized_name) for c in categories
    ]


class CategoryField(forms.ChoiceField):
    """A category chosen by slug from the tree (children indented under their parent)."""

    def __init__(self, *, categories: list[Category], empty: str, **kwargs):
        self.by_slug = {c.slug: c for c in categories}
        super().__init__(choices=category_choices(categories, empty), **kwargs)

    def clean(self, value):
        slug = super().clean(value)
        return self.by_slug.get(slug) if slug else None


# --- List filters ---------------------------------------------------------------------------------


class ProductFilterForm(forms.Form):
    STOCK_CHOICES = [
        ("", _("Tous les stocks")),
        (StockState.IN_STOCK, _("En stock")),
        (StockState.LOW, _("Stock bas")),
        (StockState.OUT, _("En rupture")),
        (StockState.ON_DEMAND, _("À la demande")),
    ]
    ARCHIVED_CHOICES = [
        ("", _("En vente")),
        ("archived", _("Archivés")),
        ("all", _("Tous")),
    ]

    q = forms.CharField(label=_("Nom ou référence"), required=False, max_length=100)
    stock = forms.ChoiceField(label=_("Stock"), choices=STOCK_CHOICES, required=False)
    archived = forms.ChoiceField(label=_("État"), choices=ARCHIVED_CHOICES, required=False)

    def __init__(self, *args, categories, labels, producers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"] = CategoryField(
            label=_("Catégorie"), categories=categories, empty=_("Toutes les catégories"), required=False
        )
        self.labels = {label.slug: label for label in labels}
        self.fields["label"] = forms.ChoiceField(
            label=_("Label"),
            required=False,
            choices=[("", _("Tous les labels"))] + [(label.slug, label.name) for label in labels],
        )
        self.producers = {p.slug: p for p in producers}
        if len(producers) > 1:
            self.fields["producer"] = forms.ChoiceField(
                label=_("Producteur"),
                required=False,
                choices=[("", _("Tous les producteurs"))] + [(p.slug, p.name) for p in producers],
            )
        self.fields["q"].widget.input_type = "search"
        self.order_fields(["q", "category", "label", "stock", "archived", "producer"])

    def filters(self) -> ProductFilters:
        if not self.is_valid():
            return ProductFilters()
        data = self.cleaned_data
        return ProductFilters(
            q=data.get("q") or "",
            category=data.get("category"),
            label=self.labels.get(data.get("label") or ""),
            stock=data.get("stock") or "",
            archived=data.get("archived") or "",
            producer=self.producers.get(data.get("producer") or ""),
        )


# --- Inline edit ----------------------------------------------------------------------------------


class VariantQuickForm(forms.Form):
    """Price and stock of one variant, edited in its row of the list."""

    def __init__(self, *args, variant, **kwargs):
        kwargs.setdefault("prefix", f"v-{variant.uuid}")
        kwargs.setdefault("initial", {"price": variant.price, "on_hand": variant.on_hand})
        super().__init__(*args, **kwargs)
        self.variant = variant
        self.fields["price"] = price_field()
        if variant.variable_weight:
            self.fields["price"].label = _("Prix au %(unit)s (€)") % {
                "unit": variant.measure.reference_label()
            }
        if not variant.on_demand:
            self.fields["on_hand"] = stock_field()


# --- Bulk actions ---------------------------------------------------------------------------------


class BulkForm(forms.Form):
    ACTION_CHOICES = [
        ("", _("Choisir une action…")),
        (BulkAction.SET_STOCK, _("Mettre le stock à…")),
        (BulkAction.ON_DEMAND_ON, _("Passer à la demande")),
        (BulkAction.ON_DEMAND_OFF, _("Passer en stock limité")),
        (BulkAction.SET_CATEGORY, _("Changer la catégorie du produit")),
        (BulkAction.ARCHIVE, _("Archiver")),
    ]

    variants = forms.Field(required=False, widget=forms.MultipleHiddenInput)
    action = forms.ChoiceField(
        label=_("Action sur les variantes cochées"), choices=ACTION_CHOICES, required=False
    )
    value = FrenchIntegerField(label=_("Nouveau stock"), error=STOCK_ERROR, required=False)

    def __init__(self, *args, categories, **kwargs):
        kwargs.setdefault("auto_id", "bulk-%s")
        super().__init__(*args, **kwargs)
        self.fields["category"] = CategoryField(
            label=_("Nouvelle catégorie"), categories=categories, empty=_("—"), required=False
        )

    def clean_variants(self):
        values = self.cleaned_data.get("variants") or []
        try:
            return [uuid.UUID(str(v)) for v in values]
        except ValueError:
            raise ValidationError(_("Sélection invalide : rechargez la page et réessayez."))

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not data.get("variants"):
            raise ValidationError(_("Cochez au moins une variante."))
        action = data.get("action")
        if not action:
            self.add_error("action", _("Choisissez une action."))
        elif action == BulkAction.SET_STOCK and data.get("value") is None:
            self.add_error("value", _("Indiquez le nouveau stock, ex. 12"))
        elif action == BulkAction.SET_CATEGORY and data.get("category") is None:
            self.add_error("category", _("Choisissez la nouvelle catégorie."))
        return data

    def action_value(self):
        action = self.cleaned_data["action"]
        if action == BulkAction.SET_STOCK:
            return self.cleaned_data["value"]
        if action == BulkAction.SET_CATEGORY:
            return self.cleaned_data["category"]
        return None


# --- Product and variants -------------------------------------------------------------------------


class ProductForm(forms.Form):
    name = forms.CharField(
        label=_("Nom du produit"), max_length=150, error_messages={"required": _("Donnez un nom au produit.")}
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    allergens = forms.CharField(
        label=_("Allergènes"),
        max_length=255,
        required=False,
        help_text=_("ex. : lait, gluten, fruits à coque"),
    )
    conservation = forms.CharField(
        label=_("Conservation"), max_length=255, required=False, help_text=_("ex. : au frais, 5 jours")
    )
    bulk_unit_size = FrenchDecimalField(
        label=_("Taille du colis de gros"),
        error=BULK_SIZE_ERROR,
        decimal_places=3,
        strictly_positive=True,
        required=False,
        help_text=_(
            "Pour les achats groupés : ce que contient un colis du fournisseur, en kg, en L ou en "
            "pièces selon les variantes (ex. 25 pour un sac de 25 kg). Vide : pas de commande au colis."
        ),
    )
    photo = forms.FileField(
        label=_("Ajouter une photo"),
        required=False,
        help_text=_("JPEG, PNG ou WebP, 5 Mo au plus."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    photo_alt = forms.CharField(
        label=_("Description de la photo"),
        max_length=200,
        required=False,
        help_text=_("Ce que montre la photo, pour les personnes qui ne la voient pas."),
    )

    def __init__(self, *args, categories, labels, producers=None, photos_qs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"] = CategoryField(
            label=_("Catégorie"),
            categories=categories,
            empty=_("Choisir une catégorie…"),
            error_messages={"required": _("Choisissez une catégorie.")},
        )
        self.label_objects = {str(label.pk): label for label in labels}
        self.fields["labels"] = forms.MultipleChoiceField(
            label=_("Labels"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            choices=[(str(label.pk), label.name) for label in labels],
        )
        self.producer_objects = {p.slug: p for p in producers or []}
        if producers and len(producers) > 1:
            self.fields["producer"] = forms.ChoiceField(
                label=_("Producteur"),
                choices=[("", _("Choisir…"))] + [(p.slug, p.name) for p in producers],
                error_messages={"required": _("Choisissez le producteur.")},
            )
        self.photo_objects = list(photos_qs or [])
        if self.photo_objects:
            self.fields["remove_photos"] = forms.MultipleChoiceField(
                label=_("Retirer ces photos"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(str(p.pk), p.alt) for p in self.photo_objects],
            )
        self.order_fields(
            [
                "producer",
                "name",
                "category",
                "description",
                "labels",
                "allergens",
                "conservation",
                "bulk_unit_size",
                "photo",
                "photo_alt",
                "remove_photos",
            ]
        )

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if upload:
            try:
                photos.photo_check(upload)
            except InvalidPhoto as error:
                raise ValidationError(error.message)
        return upload

    def clean(self):
        data = super().clean()
        if data.get("photo") and not (data.get("photo_alt") or "").strip():
            self.add_error(
                "photo_alt",
                _("Décrivez la photo en quelques mots (pour les personnes qui ne la voient pas)."),
            )
        return data

    def product_data(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "category": data["category"],
            "description": data.get("description", ""),
            "allergens": data.get("allergens", ""),
            "conservation": data.get("conservation", ""),
            "bulk_unit_size": data.get("bulk_unit_size"),
            "labels": [self.label_objects[pk] for pk in data.get("labels", [])],
        }

    def chosen_producer(self):
        return self.producer_objects.get(self.cleaned_data.get("producer") or "")


UNIT_CHOICES = [
    ("g", _("grammes (g)")),
    ("kg", _("kilos (kg)")),
    ("ml", _("millilitres (ml)")),
    ("cl", _("centilitres (cl)")),
    ("dl", _("décilitres (dl)")),
    ("l", _("litres (L)")),
    (Unit.ITEM.value, _("pièces (botte, douzaine, bocal…)")),
]


class VariantForm(forms.Form):
    uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(
        label=_("Nom de la variante"),
        max_length=150,
        required=False,
        help_text=_("facultatif, ex. : petit pot"),
    )
    quantity = FrenchDecimalField(
        label=_("Quantité"),
        error=QUANTITY_ERROR,
        decimal_places=3,
        strictly_positive=True,
        error_messages={"required": QUANTITY_ERROR},
    )
    unit = forms.ChoiceField(label=_("Unité"), choices=UNIT_CHOICES, initial="g")
    unit_name = forms.CharField(
        label=_("Nom de la pièce"),
        max_length=40,
        required=False,
        help_text=_("pour les pièces : botte, douzaine, œufs, bocal…"),
    )
    price = FrenchDecimalField(
        label=_("Prix TTC (€)"),
        error=PRICE_ERROR,
        error_messages={"required": PRICE_ERROR},
        help_text=_("le prix d'une variante ; au kilo (ou au litre) si le poids est variable"),
    )
    tax_rate = forms.ModelChoiceField(
        label=_("TVA"), queryset=TaxRate.objects.all(), required=False, to_field_name="slug"
    )
    variable_weight = forms.BooleanField(
        label=_(
            "Poids variable : le prix est au kilo (ou au litre), la quantité est le poids estimé d'une pièce"
        ),
        required=False,
    )
    on_demand = forms.BooleanField(label=_("À la demande (stock illimité)"), required=False)
    on_hand = FrenchIntegerField(label=_("Stock"), error=STOCK_ERROR, required=False)
    low_stock_threshold = FrenchIntegerField(
        label=_("Seuil de stock bas"),
        error=THRESHOLD_ERROR,
        required=False,
        help_text=_("alerte quand le stock descend à ce nombre"),
    )
    sku = forms.CharField(label=_("Référence (SKU)"), max_length=64, required=False)
    archive = forms.BooleanField(label=_("Archiver cette variante"), required=False)

    def __init__(self, *args, default_rate: TaxRate | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tax_rate"].empty_label = (
            _("Taux par défaut de la catégorie (%(rate)s)") % {"rate": default_rate.display()}
            if default_rate
            else _("Taux par défaut de la catégorie")
        )
        self.fields["tax_rate"].label_from_instance = lambda rate: rate.display()
        if not self.initial.get("uuid"):
            del self.fields["archive"]

    def clean(self):
        data = super().clean()
        unit = data.get("unit")
        if data.get("variable_weight") and unit == Unit.ITEM:
            self.add_error(
                "unit",
                _("Un produit à poids variable se vend au kilo ou au litre : choisissez g, kg, ml, cl ou L."),
            )
        return data

    def variant_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["on_hand"] = data.get("on_hand") or 0
        data.pop("DELETE", None)
        if not data.get("uuid"):
            data.pop("uuid", None)
        return data


class BaseVariantFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        active = [f for f in self.forms if f.has_changed() or f.initial.get("uuid")]
        active = [f for f in active if not f.cleaned_data.get("archive")]
        if not active:
            raise ValidationError(_("Ajoutez au moins une variante (taille et prix)."))

    def variants_data(self) -> list[dict]:
        return [f.variant_data() for f in self.forms if f.initial.get("uuid") or f.has_changed()]


def variant_formset(extra: int):
    """The variants formset class with `extra` blank forms (a new product gets two)."""
    return forms.formset_factory(
        VariantForm, formset=BaseVariantFormSet, extra=extra, max_num=50, validate_max=True
    )


def variant_initial(variant) -> dict:
    return {
        "uuid": variant.uuid,
        "name": variant.name,
        "quantity": variant.quantity,
        "unit": variant.unit,
        "unit_name": variant.unit_name,
        "price": variant.price,
        "tax_rate": variant.tax_rate,
        "variable_weight": variant.variable_weight,
        "on_demand": variant.on_demand,
        "on_hand": variant.on_hand,
        "low_stock_threshold": variant.low_stock_threshold,
        "sku": variant.sku,
    }
