"""Shapes of the products API (pydantic, via django-ninja).

Money travels as strings with two decimals ("3.20"), never as JSON numbers: a float cannot hold
most cent amounts exactly. Descriptions are in French: they are what readers of /api/v1/docs see.
"""

from decimal import Decimal
from typing import Annotated
from uuid import UUID

from django.conf import settings
from ninja import Field, Schema
from pydantic import BeforeValidator

from cabas.api.schemas import (
    BodyIn,
    Boolean,
    DecimalOut,
    Money,
    MoneyOut,
    Quantity,
    QueryBoolean,
    Rate,
    json_integer,
    text,
)
from cabas.catalogue.models import Unit
from cabas.enterprises.models import VatRegime

FRANCHISE_NOTE = "TVA non applicable, art. 293 B du CGI"


def money_text(value) -> str | None:
    """An amount as the API writes it: "12.50" (None stays None)."""
    return None if value is None else f"{Decimal(value):.2f}"


def rate_text(value: Decimal) -> str:
    """5.50 -> "5.5", 20.00 -> "20"."""
    return quantity_text(value)


def quantity_text(value: Decimal) -> str:
    value = Decimal(value)
    return str(int(value)) if value == value.to_integral() else f"{value.normalize():f}"


# The bounds before the validator: after it, pydantic would write them `ge`/`le` in the JSON Schema.
Stock = Annotated[int, Field(ge=0, le=2_000_000_000), BeforeValidator(json_integer)]
Text150 = text(150)
Name = text(150, blank=False)


# --- Answers ----------------------------------------------------------------------------------


class CategoryOut(Schema):
    slug: str = Field(description="Identifiant de la catégorie (ex. tomates)")
    name: str = Field(description="Nom, dans la langue de la requête")
    parent: str | None = Field(description="Identifiant de la catégorie parente (ex. legumes)")
    dfc_product_type: str = Field(description="Type de produit du Data Food Consortium (URL)")

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.localized_name

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.slug if obj.parent_id else None


class PhotoOut(Schema):
    url: str = Field(description="Adresse absolue de la photo")
    thumbnail_url: str | None = Field(description="Adresse absolue de la vignette")
    alt: str = Field(description="Description de la photo (texte alternatif)")

    @staticmethod
    def resolve_url(obj) -> str:
        return settings.SITE_URL + obj.image.url

    @staticmethod
    def resolve_thumbnail_url(obj) -> str | None:
        return settings.SITE_URL + obj.thumbnail.url if obj.thumbnail else None


class VariantOut(Schema):
    uuid: UUID = Field(description="Identifiant public de la variante")
    name: str = Field(description="Nom de la variante (facultatif)")
    sku: str = Field(description="Référence (SKU)")
    unit: Unit = Field(description="Unité : g, kg, ml, cl, dl, l ou item (à la pièce)")
    quantity: DecimalOut = Field(description="Quantité dans cette unité (ex. « 500 », « 1.5 »)")
    unit_name: str = Field(description="Nom de l'unité pour les pièces (botte, douzaine, bocal...)")
    unit_display: str = Field(description="Taille telle qu'affichée (ex. « 500 g », « 6 œufs »)")
    price: MoneyOut = Field(
        description="Prix TTC en euros (ex. « 3.20 ») ; au kilo ou au litre pour un poids variable"
    )
    price_per_unit: MoneyOut = Field(
        description="Prix par unité de référence (kilo, litre ou pièce), en euros"
    )
    reference_unit: str = Field(description="Unité de référence du prix unitaire (kg, L ou nom de la pièce)")
    estimated_price: MoneyOut = Field(description="Prix estimé d'une pièce (poids variable) ou le prix")
    variable_weight: bool = Field(description="Poids variable : prix au kilo, pesé à la remise")
    tax_rate: DecimalOut = Field(
        description="Taux de TVA en % (ex. « 5.5 »), celui de la catégorie si non fixé"
    )
    on_hand: int = Field(description="Stock")
    on_demand: bool = Field(description="À la demande (stock illimité)")
    in_stock: bool = Field(description="Disponible")
    low_stock_threshold: int | None = Field(description="Seuil de stock bas")
    archived: bool = Field(description="Archivée (plus en vente)")

    @staticmethod
    def resolve_quantity(obj) -> str:
        return quantity_text(obj.quantity)

    @staticmethod
    def resolve_unit_display(obj) -> str:
        return obj.measure.display()

    @staticmethod
    def resolve_price(obj) -> str:
        return money_text(obj.price)

    @staticmethod
    def resolve_price_per_unit(obj) -> str:
        return money_text(obj.reference_price())

    @staticmethod
    def resolve_reference_unit(obj) -> str:
        return obj.measure.reference_label()

    @staticmethod
    def resolve_estimated_price(obj) -> str:
        return money_text(obj.estimated_price())

    @staticmethod
    def resolve_tax_rate(obj) -> str:
        return rate_text(obj.effective_tax_rate().rate)

    @staticmethod
    def resolve_archived(obj) -> bool:
        return obj.archived_at is not None


class ProductOut(Schema):
    uuid: UUID = Field(description="Identifiant public du produit")
    name: str = Field(description="Nom")
    producer: str = Field(description="Identifiant (slug) du producteur")
    category: CategoryOut
    description: str
    allergens: str = Field(description="Allergènes")
    conservation: str = Field(description="Conservation")
    labels: list[str] = Field(description="Labels (identifiants : ab, nature-et-progres, aop-aoc...)")
    photos: list[PhotoOut]
    vat_note: str | None = Field(
        description="Mention de TVA à afficher avec les prix (producteur en franchise : art. 293 B du CGI)"
    )
    archived: bool = Field(description="Archivé (plus en vente)")
    variants: list[VariantOut] = Field(description="Variantes (tailles, conditionnements) avec leur prix")

    @staticmethod
    def resolve_producer(obj) -> str:
        return obj.producer.slug

    @staticmethod
    def resolve_labels(obj) -> list[str]:
        return [label.slug for label in obj.labels.all()]

    @staticmethod
    def resolve_photos(obj):
        return list(obj.photos.all())

    @staticmethod
    def resolve_vat_note(obj) -> str | None:
        return FRANCHISE_NOTE if obj.producer.vat_regime == VatRegime.FRANCHISE else None

    @staticmethod
    def resolve_archived(obj) -> bool:
        return obj.archived_at is not None

    @staticmethod
    def resolve_variants(obj):
        return obj.api_variants if hasattr(obj, "api_variants") else list(obj.variants.all())


# --- Queries and bodies -----------------------------------------------------------------------


class ProductFilters(Schema):
    category: text(80) = Field(
        "", description="Identifiant d'une catégorie (ses sous-catégories sont incluses)"
    )
    q: text(100) = Field("", description="Recherche dans le nom du produit")
    archived: QueryBoolean = Field(
        False,
        description=(
            "Inclure les produits et variantes archivés (gestionnaires du producteur, ou d'un point "
            "de vente qui gère ses produits, avec un jeton)"
        ),
    )


class VariantFields(BodyIn):
    name: Text150 | None = Field(None, description="Nom de la variante (facultatif)")
    sku: text(64) | None = Field(None, description="Référence (SKU)")
    unit: Unit | None = Field(None, description="g, kg, ml, cl, dl, l ou item")
    quantity: Quantity | None = Field(None, description="Quantité dans l'unité, en texte (ex. « 500 »)")
    unit_name: text(40) | None = Field(None, description="Nom de l'unité pour les pièces (botte, bocal...)")
    price: Money | None = Field(None, description="Prix TTC en euros, en texte (ex. « 3.20 »)")
    tax_rate: Rate | None = Field(
        None, description="Taux de TVA en % (0, 5.5, 10 ou 20) ; absent : celui de la catégorie"
    )
    variable_weight: Boolean | None = Field(
        None, description="Poids variable : prix au kilo, pesé à la remise"
    )
    on_hand: Stock | None = Field(None, description="Stock")
    on_demand: Boolean | None = Field(None, description="À la demande (stock illimité)")
    low_stock_threshold: Stock | None = None


class VariantIn(VariantFields):
    unit: Unit = Field(Unit.ITEM, description="g, kg, ml, cl, dl, l ou item")
    quantity: Quantity = Field(description="Quantité dans l'unité, en texte (ex. « 500 »)")
    price: Money = Field(description="Prix TTC en euros, en texte (ex. « 3.20 »)")


class VariantPatch(VariantFields):
    uuid: UUID | None = Field(None, description="Variante à modifier ; absent : une nouvelle variante")
    archive: Boolean = Field(False, description="Archiver cette variante")


class ProductFields(BodyIn):
    category: text(80) | None = Field(None, description="Identifiant de la catégorie (ex. tomates)")
    description: text(5000, multiline=True, strip=False) | None = Field(None, description="Présentation")
    allergens: text(255) | None = Field(None, description="Allergènes")
    conservation: text(255) | None = Field(None, description="Conservation")
    labels: list[text(80)] | None = Field(None, description="Identifiants des labels (ab, hve...)")


class ProductIn(ProductFields):
    name: Name = Field(description="Nom du produit")
    category: text(80) = Field(description="Identifiant de la catégorie (ex. tomates)")
    variants: list[VariantIn] = Field(min_length=1, description="Au moins une variante")


class ProductPatch(ProductFields):
    name: Name | None = None
    variants: list[VariantPatch] | None = Field(
        None, description="Variantes à modifier (par `uuid`) ou à ajouter (sans `uuid`)"
    )
