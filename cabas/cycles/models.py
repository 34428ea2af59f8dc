"""Order cycles and what they are made of: how goods reach customers (shipping methods), the fees
that pay for the chain, the cycles themselves with their suppliers and distributors, the schedules
that repeat them, and the co-decision of their prices."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ShippingMethod(models.Model):
    """How an order reaches its customer: collected at a pickup point, or delivered in a zone."""

    class Kind(models.TextChoices):
        PICKUP = "pickup", _("Retrait")
        DELIVERY = "delivery", _("Livraison à domicile")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="shipping_methods"
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.PICKUP)
    name = models.CharField(
        _("nom"), max_length=120, help_text=_("ex. : Retrait à la ferme, Livraison Lyon 4e")
    )
    # Pickup point
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("commune"), max_length=100, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    weekday = models.PositiveSmallIntegerField(
        _("jour habituel"), null=True, blank=True, help_text=_("0 = lundi … 6 = dimanche")
    )
    opens_at = models.TimeField(_("de"), null=True, blank=True)
    closes_at = models.TimeField(_("à"), null=True, blank=True)
    instructions = models.TextField(_("instructions"), blank=True)
    # Delivery
    postcodes = models.TextField(
        _("codes postaux desservis"), blank=True, help_text=_("séparés par des virgules ou des espaces")
    )
    fee = models.DecimalField(_("frais de livraison TTC"), max_digits=12, decimal_places=2, default=0)
    fee_tax_rate = models.ForeignKey(
        "catalogue.TaxRate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("TVA sur les frais"),
    )
    minimum_order = models.DecimalField(
        _("commande minimum TTC"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    active = models.BooleanField(_("proposé"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("mode de retrait ou de livraison")

    def __str__(self):
        return self.name

    def serves(self, postcode: str) -> bool:
        """Whether a delivery method covers `postcode` (a pickup point serves everyone)."""
        if self.kind == self.Kind.PICKUP:
            return True
        codes = {
            c.strip() for c in self.postcodes.replace(";", ",").replace(" ", ",").split(",") if c.strip()
        }
        return postcode.strip() in codes


class Fee(models.Model):
    """A fee an enterprise charges for its part of the chain, shown by name on every price."""

    class Type(models.TextChoices):
        PACKING = "packing", _("Préparation")
        TRANSPORT = "transport", _("Transport")
        ADMIN = "admin", _("Gestion")
        SALES = "sales", _("Vente")
        SOLIDARITY = "solidarity", _("Solidarité")
        PLATFORM = "platform", _("Plateforme")

    class Calculator(models.TextChoices):
        FLAT_PER_ORDER = "flat_per_order", _("Montant fixe par commande")
        FLAT_PER_ITEM = "flat_per_item", _("Montant fixe par article")
        PERCENT = "percent", _("Pourcentage du montant des articles")
        PER_KG = "per_kg", _("Montant par kilo")
        TIERED = "tiered", _("Par palier de quantité")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="fees")
    name = models.CharField(_("nom"), max_length=120)
    fee_type = models.CharField(_("type"), max_length=12, choices=Type.choices)
    calculator = models.CharField(_("calcul"), max_length=16, choices=Calculator.choices)
    # Amount in euros (VAT included) for flat and per-kg fees; a percentage for PERCENT.
    amount = models.DecimalField(_("montant ou taux"), max_digits=12, decimal_places=4, default=0)
    # TIERED: [{"from": 1, "amount": "0.50"}, {"from": 10, "amount": "0.30"}] — amount per item from
    # that quantity of items in the order.
    tiers = models.JSONField(_("paliers"), default=list, blank=True)
    tax_rate = models.ForeignKey(
        "catalogue.TaxRate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("TVA sur ces frais"),
    )
    description = models.CharField(_("à quoi servent ces frais"), max_length=255, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("frais")
        verbose_name_plural = _("frais")

    def __str__(self):
        return self.name


class OrderCycleQuerySet(models.QuerySet):
    def open(self, at=None):
        at = at or timezone.now()
        return self.filter(opens_at__lte=at, closes_at__gt=at)

    def sellable(self, at=None):
        """Open by their dates and with prices approved when that is required — the SQL form of
        cabas.cycles.services.cycle_is_sellable."""
        return self.open(at).filter(approval__in=OrderCycle.SELLING_APPROVALS)


class OrderCycle(models.Model):
    """A window during which customers order from a coordinator's distributors, for a pickup date."""

    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("À venir")
        OPEN = "open", _("Ouvert")
        CLOSED = "closed", _("Fermé")

    class Approval(models.TextChoices):
        NOT_REQUIRED = "not_required", _("Prix sans co-décision")
        DRAFT = "draft", _("Prix en préparation")
        SUBMITTED = "submitted", _("Prix en discussion")
        APPROVED = "approved", _("Prix décidés ensemble")

    # Approval states in which a cycle may take orders.
    SELLING_APPROVALS = (Approval.NOT_REQUIRED, Approval.APPROVED)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    coordinator = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="coordinated_cycles"
    )
    name = models.CharField(_("nom"), max_length=120)
    opens_at = models.DateTimeField(_("ouverture des commandes"))
    closes_at = models.DateTimeField(_("clôture des commandes"))
    coordinator_fees = models.ManyToManyField(
        Fee, blank=True, related_name="+", verbose_name=_("frais du coordinateur")
    )
    schedule = models.ForeignKey(
        "Schedule", on_delete=models.SET_NULL, null=True, blank=True, related_name="cycles"
    )
    approval = models.CharField(max_length=12, choices=Approval.choices, default=Approval.NOT_REQUIRED)
    producers_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrderCycleQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("cycle de vente")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="cycle_closes_after_open"
            )
        ]
        indexes = [models.Index(fields=["coordinator", "opens_at", "closes_at"], name="cycle_dates_idx")]

    def __str__(self):
        return self.name

    def status(self, at=None) -> str:
        at = at or timezone.now()
        if at < self.opens_at:
            return self.Status.UPCOMING
        if at < self.closes_at:
            return self.Status.OPEN
        return self.Status.CLOSED

    def get_status_display(self) -> str:
        return self.Status(self.status()).label


class CycleSupplier(models.Model):
    """A producer bringing products into a cycle (incoming exchange), with its supplier fees."""

    cycle = models.ForeignKey(OrderCycle, on_delete=models.CASCADE, related_name="suppliers")
    supplier = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    fees = models.ManyToManyField(Fee, blank=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "supplier"], name="one_supplier_per_cycle")]

    def __str__(self):
        return f"{self.cycle} ← {self.supplier}"


class CycleVariant(models.Model):
    """A variant offered in a cycle (its producer is one of the cycle's suppliers)."""

    cycle = models.ForeignKey(OrderCycle, on_delete=models.CASCADE, related_name="cycle_variants")
    variant = models.ForeignKey("catalogue.Variant", on_delete=models.PROTECT, related_name="+")
    # The producer price decided together for this cycle only (per kg or L for a variable-weight
    # variant, like Variant.price); None: the catalogue's price, or the hub's own, applies.
    price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "variant"], name="one_variant_per_cycle")]

    def __str__(self):
        return f"{self.cycle} — {self.variant_id}"


class CycleDistributor(models.Model):
    """A selling enterprise of a cycle (outgoing exchange): where and how customers get their order."""

    cycle = models.ForeignKey(OrderCycle, on_delete=models.CASCADE, related_name="distributors")
    distributor = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    shipping_methods = models.ManyToManyField(ShippingMethod, blank=True, related_name="+")
    payment_methods = models.ManyToManyField("payments.PaymentMethod", blank=True, related_name="+")
    fees = models.ManyToManyField(Fee, blank=True, related_name="+")
    pickup_at = models.DateTimeField(_("date de retrait ou de livraison"), null=True, blank=True)
    pickup_note = models.CharField(_("précision sur le retrait"), max_length=200, blank=True)
    excluded_variants = models.ManyToManyField("catalogue.Variant", blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "distributor"], name="one_distributor_per_cycle")
        ]

    def __str__(self):
        return f"{self.cycle} → {self.distributor}"


class Schedule(models.Model):
    """Repeats a cycle: each run clones the last cycle of the schedule forward by the period."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Chaque semaine")
        FORTNIGHTLY = "fortnightly", _("Toutes les deux semaines")
        MONTHLY = "monthly", _("Chaque mois")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    coordinator = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("nom"), max_length=120)
    frequency = models.CharField(_("fréquence"), max_length=12, choices=Frequency.choices)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("programmation")

    def __str__(self):
        return self.name


class PriceDecision(models.Model):
    """One step of the co-decision of a cycle's prices: a submission, an approval, a comment or a
    refusal. The cycle's history is the list of these; none is ever edited."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Prix soumis")
        APPROVED = "approved", _("Prix acceptés")
        COMMENTED = "commented", _("Message")
        CHANGES_REQUESTED = "changes_requested", _("Modifications demandées")
        PROPOSED = "proposed", _("Contre-proposition")
        DECIDED = "decided", _("Prix décidés")

    cycle = models.ForeignKey(OrderCycle, on_delete=models.CASCADE, related_name="price_decisions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        help_text=_("la structure au nom de laquelle la personne décide (un producteur du cycle)"),
    )
    # Whom the author speaks for: "coordinator", "producer" or "referents" ("" before lines existed).
    party = models.CharField(max_length=12, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    # What was decided on: the price list as it stood (producer prices and fees), frozen; for a
    # counter-proposal, the lines it changed ({"changes": [...]}).
    price_list = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.cycle} — {self.get_kind_display()}"


class CycleFee(models.Model):
    """The amount of a fee decided together for one cycle (it replaces `Fee.amount` in that cycle)."""

    cycle = models.ForeignKey(OrderCycle, on_delete=models.CASCADE, related_name="decided_fees")
    fee = models.ForeignKey(Fee, on_delete=models.CASCADE, related_name="+")
    amount = models.DecimalField(max_digits=12, decimal_places=4)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "fee"], name="one_decided_amount_per_fee")]

    def __str__(self):
        return f"{self.cycle} — {self.fee_id}: {self.amount}"


class PriceProposal(models.Model):
    """A number a party puts on one line of a cycle's price list — a variant's producer price or a
    fee's amount — during one round of negotiation (`submission`). Accepting the current number is
    proposing it again; a different number is a counter-proposal. Never edited: the rows of a round,
    in order, are its whole negotiation (`cabas.cycles.services_negotiation`)."""

    cycle = models.ForeignKey(OrderCycle, on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(PriceDecision, on_delete=models.CASCADE, related_name="proposals")
    decision = models.ForeignKey(PriceDecision, on_delete=models.CASCADE, related_name="+", null=True)
    variant = models.ForeignKey("catalogue.Variant", on_delete=models.CASCADE, null=True, related_name="+")
    fee = models.ForeignKey(Fee, on_delete=models.CASCADE, null=True, related_name="+")
    amount = models.DecimalField(max_digits=12, decimal_places=4)
    party = models.CharField(max_length=12)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(variant__isnull=False, fee__isnull=True)
                | Q(variant__isnull=True, fee__isnull=False),
                name="proposal_on_a_variant_or_a_fee",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="proposal_not_negative"),
        ]

    def __str__(self):
        return f"{self.cycle} — {self.party} {self.enterprise_id}: {self.amount}"
