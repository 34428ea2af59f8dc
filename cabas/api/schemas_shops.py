"""Shapes of the shops and orders API (pydantic, via django-ninja).

Money travels as strings with two decimals ("3.20"), rates as strings ("5.5"). Descriptions are
in French: they are what readers of /api/v1/docs see.
"""

from datetime import datetime
from uuid import UUID

from ninja import Field, Schema

from cabas.api.schemas import BodyIn, DecimalOut, ErrorOut, Integer, MoneyOut, PageIn, text


class EnterpriseRef(Schema):
    slug: str = Field(description="Identifiant public de la structure")
    name: str = Field(description="Nom")


class ShippingMethodOut(Schema):
    uuid: UUID = Field(description="Identifiant à envoyer dans `shipping_method` pour commander")
    kind: str = Field(description="pickup (retrait) ou delivery (livraison à domicile)")
    name: str
    address: str = Field(description="Adresse du point de retrait")
    postcode: str
    city: str
    instructions: str
    postcodes: list[str] = Field(description="Codes postaux livrés (livraison)")
    fee: MoneyOut = Field(description="Frais de livraison TTC, en euros")
    minimum_order: MoneyOut | None = Field(description="Commande minimum TTC pour la livraison, en euros")


class PaymentMethodOut(Schema):
    uuid: UUID = Field(description="Identifiant à envoyer dans `payment_method` pour commander")
    kind: str = Field(description="cash (espèces), cheque (chèque) ou transfer (virement)")
    name: str
    instructions: str = Field(description="Instructions de paiement (ordre du chèque, IBAN...)")


class CycleOut(Schema):
    uuid: UUID = Field(description="Identifiant public du cycle de vente")
    name: str
    coordinator: EnterpriseRef = Field(description="Structure qui organise le cycle")
    opens_at: datetime = Field(description="Ouverture des commandes")
    closes_at: datetime = Field(description="Clôture des commandes")
    pickup_at: datetime | None = Field(description="Date de retrait ou de livraison")
    pickup_note: str = Field(description="Précision sur le retrait")
    shipping_methods: list[ShippingMethodOut]
    payment_methods: list[PaymentMethodOut]
    products_url: str = Field(description="Adresse absolue des produits du cycle dans cette boutique")


class FeeShareOut(Schema):
    name: str = Field(description="Nom des frais")
    fee_type: str = Field(description="packing, transport, admin, sales, solidarity ou platform")
    fee_type_label: str = Field(description="Libellé du type de frais")
    enterprise: str = Field(description="Structure qui perçoit ces frais (slug)")
    amount: MoneyOut = Field(description="Montant TTC par unité, en euros")
    tax_rate: DecimalOut = Field(description="Taux de TVA sur ces frais, en %")


class BreakdownOut(Schema):
    producer_price: MoneyOut = Field(description="Prix du producteur TTC, en euros")
    producer_tax_rate: DecimalOut = Field(description="Taux de TVA du produit, en %")
    fees: list[FeeShareOut] = Field(description="Chaque frais, par unité")
    vat: MoneyOut = Field(description="TVA comprise dans le prix, en euros")
    unit_price: MoneyOut = Field(description="Prix affiché : prix du producteur + frais, en euros")


class CycleProductOut(Schema):
    variant: UUID = Field(description="Identifiant de la variante, à envoyer dans `lines[].variant`")
    product: UUID = Field(description="Identifiant du produit")
    name: str = Field(description="Nom du produit")
    variant_name: str = Field(description="Nom de la variante (facultatif)")
    size: str = Field(description="Taille telle qu'affichée (ex. « 500 g »)")
    category: str = Field(description="Identifiant de la catégorie")
    producer: EnterpriseRef
    variable_weight: bool = Field(description="Poids variable : le prix est estimé, ajusté à la pesée")
    available: int | None = Field(description="Unités disponibles (null : à la demande, sans limite)")
    in_stock: bool = Field(description="Disponible")
    price: MoneyOut = Field(description="Prix unitaire affiché TTC (frais compris), en euros")
    breakdown: BreakdownOut = Field(description="Décomposition du prix : producteur, frais, TVA")


class CycleProductsPage(Schema):
    count: int = Field(description="Nombre total de variantes")
    items: list[CycleProductOut]


class ProductsFilters(PageIn):
    q: text(100) = Field("", description="Recherche dans le nom du produit")
    category: text(80) = Field("", description="Identifiant d'une catégorie (sous-catégories incluses)")
    producer: text(80) = Field("", description="Identifiant (slug) d'un producteur")


# --- Placing an order -------------------------------------------------------------------------


class LineIn(BodyIn):
    variant: UUID = Field(description="Identifiant de la variante")
    quantity: Integer = Field(ge=1, le=999, description="Nombre d'unités")


Text = text(200)


class OrderIn(BodyIn):
    cycle: UUID | None = Field(
        None, description="Cycle de vente ; facultatif quand un seul cycle est ouvert dans la boutique"
    )
    lines: list[LineIn] = Field(min_length=1, max_length=500, description="Les produits et leurs quantités")
    shipping_method: UUID = Field(description="Mode de retrait ou de livraison (voir les cycles)")
    payment_method: UUID = Field(description="Moyen de paiement (voir les cycles)")
    full_name: Text | None = Field(None, description="Nom ; par défaut celui du compte")
    email: Text | None = Field(None, description="Adresse e-mail ; par défaut celle du compte")
    phone: text(30) = Field("", description="Téléphone ; par défaut celui du compte")
    address: Text = Field("", description="Adresse de livraison (livraison à domicile)")
    postcode: text(10) = Field("", description="Code postal (livraison à domicile)")
    city: text(100) = Field("", description="Commune (livraison à domicile)")
    note: text(2000, multiline=True, strip=False) = Field("", description="Message pour le vendeur")


class LineOut(Schema):
    variant: UUID
    product_name: str
    variant_name: str
    size: str
    producer: str = Field(description="Producteur (slug)")
    quantity: int
    unit_price: MoneyOut = Field(description="Prix du producteur TTC par unité, en euros")
    tax_rate: DecimalOut = Field(description="Taux de TVA, en %")
    total: MoneyOut = Field(description="Quantité × prix du producteur, en euros")


class FeeLineOut(Schema):
    name: str
    fee_type: str
    enterprise: str = Field(description="Structure qui perçoit ces frais (slug)")
    amount: MoneyOut = Field(description="Montant TTC, en euros")
    tax_rate: DecimalOut = Field(description="Taux de TVA, en %")


class OrderOut(Schema):
    number: str = Field(description="Numéro de la commande, unique chez le vendeur")
    seller: EnterpriseRef = Field(description="Le vendeur")
    status: str = Field(description="placed (passée), fulfilled (remise) ou cancelled (annulée)")
    status_label: str
    cycle: UUID | None = Field(description="Cycle de vente")
    placed_at: datetime | None
    pickup_at: datetime | None = Field(description="Date de retrait ou de livraison")
    shipping_method: str = Field(description="Mode de retrait ou de livraison (nom)")
    payment_method: str = Field(description="Moyen de paiement (nom)")
    payment_instructions: str = Field(description="Instructions de paiement")
    full_name: str
    email: str
    phone: str
    address: str
    postcode: str
    city: str
    lines: list[LineOut]
    fee_lines: list[FeeLineOut] = Field(description="Les frais, par nom et par structure")
    items_total: MoneyOut = Field(description="Σ des lignes (prix producteurs), en euros")
    fees_total: MoneyOut = Field(description="Σ des frais, en euros")
    total: MoneyOut = Field(description="Total TTC = items_total + fees_total, en euros")
    vat_total: MoneyOut = Field(description="TVA comprise dans le total, en euros")
    url: str = Field(description="Adresse absolue de la commande dans l'API")


class StockLineOut(Schema):
    variant: str = Field(description="Identifiant de la variante")
    name: str
    requested: int = Field(description="Quantité demandée")
    available: int = Field(description="Quantité encore disponible (0 : épuisé)")
    message: str


class StockErrorOut(ErrorOut):
    lines: list[StockLineOut] = Field(description="Les lignes qui ne peuvent pas être servies")
