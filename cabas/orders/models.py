"""Customers and orders. An order is what a customer buys from one seller for one pickup or
delivery, whatever produced it (an order cycle now, an AMAP contract later). Lines and fee lines
are snapshots: later changes to products or fees never change a placed order."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cabas.cycles.models import Fee
from cabas.lib import money, units


class Customer(models.Model):
    """A buyer as known by one selling enterprise (with or without a Cabas account)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="customers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="customers"
    )
    email = models.EmailField(_("adresse e-mail"))
    first_name = models.CharField(_("prénom"), max_length=80, blank=True)
    last_name = models.CharField(_("nom"), max_length=80, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    code = models.CharField(_("code client"), max_length=40, blank=True)
    tags = models.JSONField(_("étiquettes"), default=list, blank=True)
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("commune"), max_length=100, blank=True)
    # The reference a customer gives with a transfer that tops up their account with the seller.
    payment_reference = models.CharField(max_length=35, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        verbose_name = _("client")
        constraints = [models.UniqueConstraint(fields=["enterprise", "email"], name="one_customer_per_email")]

    def __str__(self):
        return self.full_name or self.email

    @property
    def full_name(self) -> str:
        return " ".join(p for p in [self.first_name, self.last_name] if p)


class Order(models.Model):
    class Status(models.TextChoices):
        CART = "cart", _("Panier")
        # Placed with its stock reserved until `payment_due_by`, waiting for the card payment.
        AWAITING = "awaiting", _("En attente de paiement")
        PLACED = "placed", _("Passée")
        FULFILLED = "fulfilled", _("Remise")
        CANCELLED = "cancelled", _("Annulée")

    TRANSITIONS = {
        Status.CART: {Status.PLACED, Status.AWAITING},
        Status.AWAITING: {Status.PLACED, Status.CANCELLED},
        Status.PLACED: {Status.FULFILLED, Status.CANCELLED},
        # Back to placed: a volunteer who marked an order collected by mistake at the
        # distribution undoes it (cabas.orders.changes.order_collected).
        Status.FULFILLED: {Status.PLACED},
        Status.CANCELLED: set(),
    }

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("numéro"), max_length=20, blank=True)
    seller = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="orders")
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="orders"
    )
    cycle = models.ForeignKey(
        "cycles.OrderCycle", on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CART)
    session_key = models.CharField(max_length=64, blank=True, help_text="guest cart owner")
    shipping_method = models.ForeignKey(
        "cycles.ShippingMethod", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payment_method = models.ForeignKey(
        "payments.PaymentMethod", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pickup_at = models.DateTimeField(null=True, blank=True)
    # Contact and delivery address as given at checkout (a snapshot).
    email = models.EmailField(blank=True)
    full_name = models.CharField(max_length=160, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    address = models.CharField(max_length=200, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    city = models.CharField(max_length=100, blank=True)
    note = models.TextField(_("message pour le vendeur"), blank=True)
    # Totals, computed once when the order is placed (VAT included; vat_total is the VAT within).
    items_total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    fees_total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    vat_total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    idempotency_key = models.CharField(max_length=80, blank=True)
    # Card payments: the stock stays reserved until then; a job releases it afterwards.
    payment_due_by = models.DateTimeField(null=True, blank=True)
    # The reference a customer gives with a bank transfer (ISO 11649 "RF" creditor reference).
    payment_reference = models.CharField(max_length=35, blank=True, db_index=True)
    placed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-placed_at", "-created_at"]
        verbose_name = _("commande")
        constraints = [
            models.UniqueConstraint(
                fields=["seller", "number"], condition=~Q(number=""), name="order_number_unique_per_seller"
            ),
            models.UniqueConstraint(
                fields=["seller", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="order_idempotency_key_unique_per_seller",
            ),
        ]
        indexes = [
            models.Index(fields=["seller", "status", "placed_at"], name="order_seller_status_idx"),
            models.Index(fields=["cycle", "status"], name="order_cycle_status_idx"),
            # What is collected at a pickup point on a day (an AMAP's sign-in sheets, the distribution).
            models.Index(fields=["shipping_method", "pickup_at"], name="order_point_pickup_idx"),
        ]

    def __str__(self):
        return self.number or str(self.uuid)

    def transition(self, to: str, *, user=None, detail: dict | None = None) -> "OrderEvent":
        """Change the status along TRANSITIONS and record the event (the caller saves in its
        transaction). Raises ValueError on a transition the table does not allow."""
        if to not in self.TRANSITIONS[self.Status(self.status)]:
            raise ValueError(f"order {self}: {self.status} -> {to} is not allowed")
        event = OrderEvent(
            order=self, kind="status", from_status=self.status, to_status=to, user=user, detail=detail or {}
        )
        self.status = to
        return event


class Line(models.Model):
    """One product in an order, with the price and names as they were when it was ordered."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey("catalogue.Variant", on_delete=models.PROTECT, related_name="+")
    producer = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    product_name = models.CharField(max_length=150)
    variant_name = models.CharField(max_length=150, blank=True)
    size = models.CharField(max_length=60, help_text="unit display, e.g. 500 g")
    unit_price = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="producer price, VAT included"
    )
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    # A variable-weight product: its price per kg (or L) when ordered (`unit_price` is the estimate
    # of one piece), and once weighed the weight of the whole line, which then makes its total.
    weight_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    weight_unit = models.CharField(max_length=2, blank=True)  # "kg" or "L"
    final_weight = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "variant"], name="one_line_per_variant"),
            models.CheckConstraint(condition=Q(final_weight__gt=0), name="line_final_weight_positive"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.product_name}"

    @property
    def name(self) -> str:
        """The product and variant names as ordered, e.g. « Tomates anciennes Cagette »."""
        return " ".join(p for p in [self.product_name, self.variant_name] if p)

    @property
    def estimated(self) -> bool:
        """A variable-weight line not weighed yet: its total is an estimate."""
        return self.weight_price is not None and self.final_weight is None

    @property
    def weight_note(self) -> str:
        """« pesé : 0,612 kg à 24,00 € le kg », or for a line to weigh « prix estimé, 24,00 € le kg,
        pesé à la remise »; "" for a line not sold by weight."""
        if self.weight_price is None:
            return ""
        values = {"price": money.format_eur(self.weight_price), "unit": self.weight_unit or "kg"}
        if self.final_weight is None:
            return _("prix estimé, %(price)s le %(unit)s, pesé à la remise") % values
        weight = units.format_number(self.final_weight)
        return _("pesé : %(weight)s %(unit)s à %(price)s le %(unit)s") % {**values, "weight": weight}

    @property
    def weighed_total(self) -> Decimal | None:
        """The total of a weighed line (price per kg or L × weight), None for any other line."""
        if self.final_weight is None or self.weight_price is None:
            return None
        return money.round_money(self.weight_price * self.final_weight)


class FeeLine(models.Model):
    """A fee charged on an order: who gets it, what for, how much (VAT included). A negative line
    lowers the total: a solidarity price, or a goodwill reduction the seller granted with a refund."""

    # Not a type of Fee (no fee of this type can be set up): written only with a refund, see
    # cabas.payments.goodwill.
    GOODWILL = "goodwill"
    TYPES = [*Fee.Type.choices, (GOODWILL, _("Geste commercial"))]

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="fee_lines")
    fee = models.ForeignKey("cycles.Fee", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    fee_type = models.CharField(max_length=12, choices=TYPES)  # snapshot of the fee's type
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0"))
    # A goodwill line: the refund it came with.
    refund = models.ForeignKey(
        "payments.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="goodwill_lines"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.name}: {self.amount}"


class OrderEvent(models.Model):
    """What happened to an order, when and by whom (status changes, edits, emails)."""

    KIND_LABELS = {
        "edited": _("Modifiée par le client"),
        "adjusted": _("Modifiée par le vendeur"),
        "status": _("Changement d'état"),
        "card_unowed": _("Paiement par carte reçu alors que la commande ne l'attendait plus : remboursé"),
        "confirmation_resent": _("Confirmation renvoyée au client"),
    }
    # The reasons an order awaiting its card payment is released on its own (payments' codes); any
    # other reason was written by the seller who cancelled the order.
    RELEASE_REASONS = {
        "abandoned": _("paiement par carte abandonné"),
        "expired": _("paiement par carte non reçu à temps"),
    }

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.order} {self.kind}"

    @property
    def description(self) -> str:
        """'Passée', 'Annulée : rupture de stock'…: what happened, to a person, with its reason."""
        if self.to_status in Order.Status.values:
            label = str(Order.Status(self.to_status).label)
        else:
            label = str(self.KIND_LABELS.get(self.kind, self.kind))
        reason = self.detail.get("reason") if isinstance(self.detail, dict) else None
        if not reason:
            return label
        reason = str(self.RELEASE_REASONS.get(reason, reason))
        return gettext("%(event)s : %(reason)s") % {"event": label, "reason": reason}


class OrderNumberSequence(models.Model):
    """The next order number of a seller, incremented under a row lock (gap-free, one per seller)."""

    seller = models.OneToOneField("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+")
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.seller_id}: {self.last}"


class VisibilityRule(models.Model):
    """Shows or hides products, shipping methods, payment methods or whole cycles of a selling
    enterprise according to its customers' tags (Open Food Network's "tag rules").

    `customer_tag` "" is the default rule: it applies to every customer for whom no tagged rule
    names the item (customers without tags, guests). The resolution of the rules is in
    cabas.orders.visibility and explained in docs/visibility-rules.md.
    """

    class Subject(models.TextChoices):
        PRODUCTS = "products", _("Produits")
        SHIPPING_METHODS = "shipping_methods", _("Modes de retrait et de livraison")
        PAYMENT_METHODS = "payment_methods", _("Moyens de paiement")
        CYCLES = "cycles", _("Cycles de vente")

    class Action(models.TextChoices):
        SHOW = "show", _("Montrer")
        HIDE = "hide", _("Cacher")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="visibility_rules"
    )
    customer_tag = models.CharField(
        _("étiquette client"),
        max_length=40,
        blank=True,
        help_text=_("vide : la règle par défaut, pour les clients qu'aucune autre règle ne concerne"),
    )
    subject = models.CharField(_("s'applique à"), max_length=20, choices=Subject.choices)
    action = models.CharField(_("action"), max_length=4, choices=Action.choices)
    products = models.ManyToManyField(
        "catalogue.Product", blank=True, related_name="+", verbose_name=_("produits")
    )
    shipping_methods = models.ManyToManyField(
        "cycles.ShippingMethod",
        blank=True,
        related_name="+",
        verbose_name=_("modes de retrait ou de livraison"),
    )
    payment_methods = models.ManyToManyField(
        "payments.PaymentMethod", blank=True, related_name="+", verbose_name=_("moyens de paiement")
    )
    cycles = models.ManyToManyField(
        "cycles.OrderCycle", blank=True, related_name="+", verbose_name=_("cycles de vente")
    )
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "customer_tag", "id"]
        verbose_name = _("règle de visibilité")
        indexes = [models.Index(fields=["enterprise", "position"], name="visibility_rule_enterprise_idx")]

    def __str__(self):
        return f"{self.get_action_display()} {self.get_subject_display()} ({self.customer_tag or '*'})"
