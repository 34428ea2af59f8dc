import uuid
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cabas.lib import money
from cabas.lib.units import UNITS, Measure


class Label(models.Model):
    """A quality or origin label (AB, Nature & Progrès, AOP...), shown on enterprises and products."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("nom"), max_length=80)
    name_en = models.CharField(_("nom (anglais)"), max_length=80, blank=True)
    description = models.CharField(_("description"), max_length=255, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("label")

    def __str__(self):
        return self.name


class TaxRate(models.Model):
    """A French VAT rate (0 / 5,5 / 10 / 20 %)."""

    slug = models.SlugField(unique=True)
    rate = models.DecimalField(_("taux (%)"), max_digits=5, decimal_places=2, unique=True)
    name = models.CharField(_("nom"), max_length=80)
    name_en = models.CharField(_("nom (anglais)"), max_length=80, blank=True)

    class Meta:
        ordering = ["rate"]
        verbose_name = _("taux de TVA")

    def __str__(self):
        return self.display()

    def display(self) -> str:
        return money.format_percent(self.rate)


class Category(models.Model):
    """A food category, in a two-level tree, mapped to a Data Food Consortium product type."""

    slug = models.SlugField(unique=True, max_length=80)
    name = models.CharField(_("nom"), max_length=80)
    name_en = models.CharField(_("nom (anglais)"), max_length=80)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    dfc_product_type = models.URLField(_("type de produit DFC"), max_length=200, blank=True)
    default_tax_rate = models.ForeignKey(
        TaxRate, on_delete=models.PROTECT, related_name="+", verbose_name=_("TVA par défaut")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("catégorie")
        verbose_name_plural = _("catégories")

    def __str__(self):
        return self.localized_name

    @property
    def localized_name(self) -> str:
        return self.name_en if (get_language() or "fr").startswith("en") and self.name_en else self.name


class ProductQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)


class Product(models.Model):
    """What a producer makes; sold as one or more variants (sizes, packs)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    producer = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(_("nom"), max_length=150)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    description = models.TextField(_("description"), blank=True)
    labels = models.ManyToManyField(Label, blank=True, related_name="products")
    allergens = models.CharField(_("allergènes"), max_length=255, blank=True)
    conservation = models.CharField(_("conservation"), max_length=255, blank=True)
    # What one case of the supplier holds, in the reference unit of the product's variants (kg, L or
    # items): the bulk co-op reports count the cases to order (cabas.fulfilment.reports.bulk).
    bulk_unit_size = models.DecimalField(
        _("Taille du colis de gros"),
        max_digits=10,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.001"))],
        help_text=_(
            "Pour les achats groupés : ce que contient un colis du fournisseur, en kg, en L ou en "
            "pièces selon les variantes (ex. 25 pour un sac de 25 kg). Vide : pas de commande au colis."
        ),
    )
    archived_at = models.DateTimeField(_("archivé le"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("produit")
        constraints = [
            models.CheckConstraint(
                condition=Q(bulk_unit_size__isnull=True) | Q(bulk_unit_size__gt=0),
                name="product_bulk_unit_size_positive",
            ),
        ]
        indexes = [models.Index(fields=["producer", "archived_at", "name"], name="product_producer_idx")]

    def __str__(self):
        return self.name


class ProductPhoto(models.Model):
    """A photo of a product with its text alternative; thumbnails are made at upload."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="products/%Y/%m/")
    thumbnail = models.ImageField(upload_to="products/%Y/%m/thumbs/", blank=True)
    alt = models.CharField(_("description de la photo"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.alt


class Unit(models.TextChoices):
    G = "g", "g"
    KG = "kg", "kg"
    ML = "ml", "ml"
    CL = "cl", "cl"
    DL = "dl", "dl"
    L = "l", "L"
    ITEM = "item", _("pièce(s)")


assert set(Unit.values) == set(UNITS)  # noqa: S101 — the model and cabas.lib.units agree


class VariantQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True, product__archived_at__isnull=True)


class Variant(models.Model):
    """One way a product is sold: a size with its price, tax rate and stock.

    `price` is what a consumer pays for one variant, VAT included (for producers under the VAT
    franchise it is simply the price). With `variable_weight`, `price` is the price per kg (or L)
    and `quantity` the estimated weight of one piece: the final weight is entered at fulfilment.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    name = models.CharField(_("nom de la variante"), max_length=150, blank=True)
    sku = models.CharField(_("référence (SKU)"), max_length=64, blank=True)
    unit = models.CharField(_("unité"), max_length=4, choices=Unit.choices, default=Unit.ITEM)
    quantity = models.DecimalField(
        _("quantité"), max_digits=10, decimal_places=3, validators=[MinValueValidator(Decimal("0.001"))]
    )
    unit_name = models.CharField(
        _("nom de l'unité"), max_length=40, blank=True, help_text=_("ex. : botte, douzaine, bocal")
    )
    price = models.DecimalField(_("prix TTC"), max_digits=12, decimal_places=2)
    tax_rate = models.ForeignKey(
        TaxRate, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("TVA"), help_text=_("vide : le taux par défaut de la catégorie"),
    )
    variable_weight = models.BooleanField(_("poids variable (prix au kilo, pesé à la remise)"), default=False)
    on_hand = models.IntegerField(_("stock"), default=0)
    on_demand = models.BooleanField(_("à la demande (stock illimité)"), default=False)
    low_stock_threshold = models.PositiveIntegerField(_("seuil de stock bas"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    archived_at = models.DateTimeField(_("archivée le"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VariantQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("variante")
        constraints = [
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="variant_stock_not_negative"),
            models.CheckConstraint(condition=Q(price__gte=0), name="variant_price_not_negative"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="variant_quantity_positive"),
        ]
        indexes = [
            models.Index(fields=["sku"], name="variant_sku_idx"),
            # the products page loads each page's variants by product, active first, in order
            models.Index(fields=["product", "archived_at", "position"], name="variant_product_list_idx"),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        parts = [self.product.name, self.name, self.measure.display()]
        return " — ".join(p for p in parts if p)

    @property
    def measure(self) -> Measure:
        return Measure(quantity=Decimal(self.quantity), unit=self.unit, name=self.unit_name)

    def effective_tax_rate(self) -> TaxRate:
        return self.tax_rate or self.product.category.default_tax_rate

    def reference_price(self) -> Decimal:
        """Price per kg, per L or per item (the variable-weight price is already per kg or L)."""
        if self.variable_weight:
            return money.round_money(self.price)
        return money.unit_price(self.price, self.measure.reference_quantity())

    def estimated_price(self) -> Decimal:
        """What one piece costs: the price, or for variable weight the estimate from its weight."""
        if self.variable_weight:
            return money.round_money(self.price * self.measure.reference_quantity())
        return self.price

    @property
    def in_stock(self) -> bool:
        return self.on_demand or self.on_hand > 0

    @property
    def low_stock(self) -> bool:
        return (
            not self.on_demand
            and self.low_stock_threshold is not None
            and self.on_hand <= self.low_stock_threshold
        )


class InventoryItem(models.Model):
    """A hub's own settings for a producer's variant in its shop: price, stock and visibility.

    Empty fields mean "as the producer set it".
    """

    hub = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="inventory")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="inventory_items")
    price = models.DecimalField(
        _("prix dans ma boutique"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    on_hand = models.IntegerField(_("stock réservé à ma boutique"), null=True, blank=True)
    visible = models.BooleanField(_("visible dans ma boutique"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hub", "variant"], name="one_inventory_item_per_hub_variant"),
            models.CheckConstraint(
                condition=Q(on_hand__isnull=True) | Q(on_hand__gte=0), name="inventory_stock_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.hub} — {self.variant}"


class ImportJob(models.Model):
    """One product-list file uploaded for import: checked first (preview), then imported all at once.

    Big files are checked and imported by background tasks, which record their progress here.
    """

    class Status(models.TextChoices):
        CHECKING = "checking", _("vérification en cours")
        INVALID = "invalid", _("erreurs à corriger")
        READY = "ready", _("prêt à importer")
        IMPORTING = "importing", _("import en cours")
        DONE = "done", _("importé")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="import_jobs"
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file = models.FileField(_("fichier"), upload_to="imports/%Y/%m/", max_length=255, blank=True)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CHECKING)
    row_count = models.PositiveIntegerField(default=0)
    progress = models.PositiveIntegerField(default=0, help_text="rows processed in the current stage")
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import de produits")

    def __str__(self):
        return self.original_name

    @property
    def running(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.IMPORTING)

    @property
    def percent(self) -> int:
        if not self.row_count:
            return 0
        return min(100, round(100 * self.progress / self.row_count))
