"""AMAP season contracts and what they run on: distributions, contracts and their products,
memberships, subscriptions (shared, with absences, solidarity tiers), their baskets — one `Order` per
subscription and delivery —, payment plans and their cheques, hand-overs to the producer, and
volunteer shifts (any enterprise). See docs/amap.md.

Members are the AMAP's `orders.Customer` rows (one per email address). A basket's order is sold by
the producer (the AMAP is not a payment intermediary): its `Customer` is the producer's record of
the same person, its pickup point the AMAP's.
"""

from __future__ import annotations

import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 12, "decimal_places": 2}


def _feed_token() -> str:
    return secrets.token_urlsafe(24)


class AmapSettings(models.Model):
    """An AMAP's rules that are not a contract's: its membership (adhésion)."""

    amap = models.OneToOneField(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="amap_settings"
    )
    membership_required = models.BooleanField(
        _("adhésion obligatoire avant de souscrire un contrat"), default=True
    )
    membership_minimum = models.DecimalField(_("adhésion minimale"), default=Decimal("0.00"), **MONEY)
    membership_suggested = models.DecimalField(_("adhésion suggérée"), default=Decimal("0.00"), **MONEY)
    membership_payee = models.CharField(_("chèque d'adhésion à l'ordre de"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("réglages de l'AMAP")

    def __str__(self):
        return f"{self.amap}"


class Distribution(models.Model):
    """One handing-over of baskets: a date, a pickup point of the AMAP and a time window."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    amap = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="amap_distributions"
    )
    place = models.ForeignKey(
        "cycles.ShippingMethod",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lieu de distribution"),
    )
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("de"))
    ends_at = models.TimeField(_("à"))
    cancelled_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("message aux adhérents"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "starts_at", "place_id"]
        verbose_name = _("distribution")
        constraints = [
            models.UniqueConstraint(
                fields=["place", "date"],
                condition=Q(cancelled_at=None),
                name="one_distribution_per_place_and_day",
            )
        ]
        indexes = [models.Index(fields=["amap", "date"], name="amap_distribution_day_idx")]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} — {self.place.name}"


class Contract(models.Model):
    """An AMAP + a producer + a season: the same basket each distribution (fixed) or quantities
    chosen per distribution within a window (variable)."""

    class Kind(models.TextChoices):
        FIXED = "fixed", _("Panier fixe")
        VARIABLE = "variable", _("Commande variable")

    class AbsencePolicy(models.TextChoices):
        SOLIDARITY = "solidarity", _("Le panier va au panier solidaire")
        MOVED = "moved", _("Le panier est reporté à une autre distribution")
        SKIPPED = "skipped", _("Le panier n'est ni livré ni payé")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    amap = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="amap_contracts"
    )
    producer = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="amap_contracts_supplied",
        verbose_name=_("producteur"),
    )
    name = models.CharField(_("nom du contrat"), max_length=120, help_text=_("ex. : Légumes, Œufs, Pain"))
    season = models.CharField(_("saison"), max_length=60, help_text=_("ex. : Été 2027"))
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.FIXED)
    description = models.TextField(_("présentation"), blank=True)
    terms = models.TextField(
        _("clauses du contrat"),
        blank=True,
        help_text=_("Engagements du producteur et de l'adhérent, imprimés sur le contrat à signer."),
    )
    signup_opens_on = models.DateField(_("inscriptions à partir du"))
    signup_closes_on = models.DateField(_("inscriptions jusqu'au"))
    capacity = models.PositiveIntegerField(
        _("nombre de paniers maximum"), null=True, blank=True, help_text=_("Vide : sans limite.")
    )
    main_contract = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contrat principal requis"),
        help_text=_("Les adhérents doivent avoir souscrit ce contrat avant celui-ci."),
    )
    referent = models.ForeignKey(
        "orders.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("référent"),
    )
    # Variable contracts: quantities change until N days before the distribution; minimums in euros.
    order_closes_days_before = models.PositiveSmallIntegerField(
        _("commandes modifiables jusqu'à (jours avant la distribution)"), default=2
    )
    minimum_per_distribution = models.DecimalField(
        _("minimum par distribution"), default=Decimal("0.00"), **MONEY
    )
    minimum_per_season = models.DecimalField(_("minimum sur la saison"), default=Decimal("0.00"), **MONEY)
    # Absences
    absence_quota = models.PositiveSmallIntegerField(_("absences permises sur la saison"), default=2)
    absence_deadline_days = models.PositiveSmallIntegerField(
        _("absence à déclarer au plus tard (jours avant)"), default=3
    )
    absence_policy = models.CharField(
        _("panier d'un absent"),
        max_length=10,
        choices=AbsencePolicy.choices,
        default=AbsencePolicy.SOLIDARITY,
    )
    # Payments go to the producer; the AMAP tracks them.
    payee = models.CharField(_("chèques à l'ordre de"), max_length=120, blank=True)
    max_instalments = models.PositiveSmallIntegerField(_("nombre de versements maximum"), default=10)
    sepa_offered = models.BooleanField(_("prélèvement SEPA mensuel proposé par le producteur"), default=False)
    # Solidarity: a donation per distribution funds reduced-price baskets.
    solidarity_donation = models.DecimalField(
        _("don solidaire suggéré par distribution"), default=Decimal("0.00"), **MONEY
    )
    published = models.BooleanField(_("publié"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["amap_id", "-signup_opens_on", "name"]
        verbose_name = _("contrat")

    def __str__(self):
        return f"{self.name} — {self.season}"


class Delivery(models.Model):
    """A contract's basket at one distribution. A postponed delivery points to the distribution it
    was planned for (`planned`) while `distribution` is where it now happens (a double basket there)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="deliveries")
    distribution = models.ForeignKey(Distribution, on_delete=models.PROTECT, related_name="deliveries")
    planned = models.ForeignKey(
        Distribution, on_delete=models.PROTECT, null=True, blank=True, related_name="postponed_deliveries"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["distribution__date", "pk"]
        indexes = [models.Index(fields=["distribution", "contract"], name="amap_delivery_dist_idx")]

    def __str__(self):
        return f"{self.contract} — {self.distribution}"


class ContractProduct(models.Model):
    """A product of a contract at its price per distribution; in a fixed contract the basket holds
    `quantity` of it."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="products")
    variant = models.ForeignKey("catalogue.Variant", on_delete=models.PROTECT, related_name="+")
    price = models.DecimalField(_("prix par distribution"), **MONEY)
    quantity = models.PositiveSmallIntegerField(_("quantité dans le panier"), default=1)
    max_quantity = models.PositiveSmallIntegerField(_("quantité maximum par distribution"), default=20)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["contract_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "variant"], name="one_contract_product_per_variant")
        ]

    def __str__(self):
        return f"{self.contract} — {self.variant_id}"


class PriceTier(models.Model):
    """An income-based price of a contract's baskets, as a percentage of the full price
    (« tarif solidaire » 70 %, « tarif soutien » 120 %)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="tiers")
    name = models.CharField(_("nom du tarif"), max_length=60)
    percent = models.PositiveSmallIntegerField(_("pourcentage du prix"), default=100)

    class Meta:
        ordering = ["contract_id", "percent"]

    def __str__(self):
        return f"{self.name} ({self.percent} %)"


class Membership(models.Model):
    """A member's adhésion to the AMAP for one year (free price above the minimum)."""

    class Method(models.TextChoices):
        CHEQUE = "cheque", _("Chèque")
        TRANSFER = "transfer", _("Virement")
        CASH = "cash", _("Espèces")

    amap = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="amap_memberships"
    )
    customer = models.ForeignKey("orders.Customer", on_delete=models.CASCADE, related_name="amap_memberships")
    year = models.PositiveSmallIntegerField(_("année"))
    amount = models.DecimalField(_("montant"), **MONEY)
    method = models.CharField(_("règlement"), max_length=10, choices=Method.choices, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    household = models.CharField(_("foyer"), max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year", "customer__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["amap", "customer", "year"], name="one_membership_per_year")
        ]

    def __str__(self):
        return f"{self.customer} — {self.year}"


class Subscription(models.Model):
    """A member's commitment to a contract, for the whole season or from a date (pro-rated)."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Liste d'attente")
        ACTIVE = "active", _("En cours")
        CANCELLED = "cancelled", _("Annulé")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="subscriptions")
    customer = models.ForeignKey(
        "orders.Customer", on_delete=models.PROTECT, related_name="amap_subscriptions"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    starts_on = models.DateField(_("à partir du"))
    tier = models.ForeignKey(PriceTier, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    donation = models.DecimalField(_("don solidaire par distribution"), default=Decimal("0.00"), **MONEY)
    # The price of the season as subscribed (pro-rated); a variable contract's due follows its baskets.
    amount = models.DecimalField(_("montant"), default=Decimal("0.00"), **MONEY)
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["contract_id", "customer__last_name", "customer__first_name"]
        indexes = [models.Index(fields=["contract", "status"], name="amap_subscription_status_idx")]

    def __str__(self):
        return f"{self.contract} — {self.customer}"


class SubscriptionItem(models.Model):
    """What a fixed basket holds for this subscription (a variable one: the default quantities)."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(ContractProduct, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription", "product"], name="one_item_per_product")
        ]

    def __str__(self):
        return f"{self.subscription} — {self.product_id} × {self.quantity}"


class Share(models.Model):
    """A member sharing a subscription's baskets; they collect in turn by `position`."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="shares")
    customer = models.ForeignKey("orders.Customer", on_delete=models.PROTECT, related_name="amap_shares")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["subscription_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "customer"], name="one_share_per_member")
        ]

    def __str__(self):
        return f"{self.subscription} — {self.customer}"


class Basket(models.Model):
    """A subscription's basket at one delivery, and its order (sold by the producer)."""

    class Absence(models.TextChoices):
        NONE = "", _("Présent")
        SOLIDARITY = "solidarity", _("Absent : panier solidaire")
        MOVED = "moved", _("Absent : panier reporté")
        SKIPPED = "skipped", _("Absent : panier non livré")

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="baskets")
    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="baskets")
    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="amap_basket")
    # Who collects it (a shared basket alternates); None: the subscriber.
    collector = models.ForeignKey(
        "orders.Customer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    absence = models.CharField(max_length=10, choices=Absence.choices, blank=True, default="")
    absence_declared_at = models.DateTimeField(null=True, blank=True)
    moved_to = models.ForeignKey(
        Distribution, on_delete=models.PROTECT, null=True, blank=True, related_name="moved_baskets"
    )

    class Meta:
        ordering = ["delivery__distribution__date"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "delivery"], name="one_basket_per_delivery")
        ]

    def __str__(self):
        return f"{self.subscription} — {self.delivery}"


class Instalment(models.Model):
    """One payment of a subscription's plan, to the producer: a cheque or a transfer goes « à
    fournir » → « reçu par l'AMAP » → « remis au producteur »; a SEPA one is collected by the producer."""

    class Method(models.TextChoices):
        CHEQUE = "cheque", _("Chèque")
        TRANSFER = "transfer", _("Virement")
        SEPA = "sepa", _("Prélèvement SEPA")
        CASH = "cash", _("Espèces")

    class State(models.TextChoices):
        TO_PROVIDE = "to_provide", _("À fournir")
        RECEIVED = "received", _("Reçu par l'AMAP")
        HANDED_OVER = "handed_over", _("Remis au producteur")

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="instalments")
    number = models.PositiveSmallIntegerField()
    amount = models.DecimalField(**MONEY)
    cash_on = models.DateField(_("encaissement prévu le"))
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.CHEQUE)
    state = models.CharField(max_length=12, choices=State.choices, default=State.TO_PROVIDE)
    cheque_number = models.CharField(_("n° de chèque"), max_length=20, blank=True)
    bank = models.CharField(_("banque"), max_length=60, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    handover = models.ForeignKey(
        "HandOver", on_delete=models.PROTECT, null=True, blank=True, related_name="instalments"
    )

    class Meta:
        ordering = ["subscription_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "number"], name="one_instalment_number")
        ]
        indexes = [models.Index(fields=["state", "cash_on"], name="amap_instalment_state_idx")]

    def __str__(self):
        return f"{self.subscription} — {self.number}"


class HandOver(models.Model):
    """Cheques and transfers the AMAP hands over to a producer in one go (the slip, « bordereau »)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    amap = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+")
    producer = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.amap} → {self.producer} ({self.created_at:%d/%m/%Y})"


class MemberFeed(models.Model):
    """The private address of a person's iCal feed (distributions and shifts)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="amap_feed")
    token = models.CharField(max_length=64, unique=True, default=_feed_token)

    def __str__(self):
        return f"{self.user}"


class Shift(models.Model):
    """A volunteer role needed on a day (« permanence »), in any enterprise: at an AMAP distribution,
    at a hub's distribution, in a producer store's opening hours."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="shifts")
    distribution = models.ForeignKey(
        Distribution, on_delete=models.CASCADE, null=True, blank=True, related_name="shifts"
    )
    role = models.CharField(_("rôle"), max_length=80, help_text=_("ex. : accueil, pesée, installation"))
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("de"))
    ends_at = models.TimeField(_("à"))
    min_people = models.PositiveSmallIntegerField(_("personnes minimum"), default=1)
    max_people = models.PositiveSmallIntegerField(_("personnes maximum"), default=2)
    reminded_at = models.DateTimeField(null=True, blank=True)
    vacancy_alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["date", "starts_at", "role"]
        indexes = [models.Index(fields=["enterprise", "date"], name="amap_shift_day_idx")]

    def __str__(self):
        return f"{self.role} — {self.date:%d/%m/%Y}"


class ShiftSignup(models.Model):
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="signups")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shift_signups")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["shift", "user"], name="one_signup_per_shift")]

    def __str__(self):
        return f"{self.shift} — {self.user}"


class ShiftRule(models.Model):
    """How many shifts each member is expected to take per season (from `season_start`)."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="shift_rule"
    )
    per_member = models.PositiveSmallIntegerField(_("permanences par adhérent et par saison"), default=2)
    season_start = models.DateField(_("début de la saison"))

    def __str__(self):
        return f"{self.enterprise}"
