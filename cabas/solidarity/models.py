"""Solidarity: allowances a fund credits each month to its members, spendable only at the sellers
it approved, and solidarity prices (a customer tag gives a reduced price on chosen products).

A fund is any enterprise (a "caisse alimentaire commune", a social grocery, a town's social
services...). Its members are its own customers with a tag; each member's allowance account is the
append-only ledger of `payments.AccountEntry` on that customer row (DESIGN.md §5).
"""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cabas.lib import money

MONEY = {"max_digits": 12, "decimal_places": 2}


class SolidarityFund(models.Model):
    """An enterprise acting as a solidarity fund: how much each member gets a month, who the
    members are (its customers with `member_tag`) and where the allowance may be spent."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enterprise = models.OneToOneField(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="solidarity_fund"
    )
    name = models.CharField(_("nom de la caisse"), max_length=120)
    monthly_amount = models.DecimalField(_("allocation mensuelle"), **MONEY)
    member_tag = models.CharField(
        _("étiquette des bénéficiaires"),
        max_length=40,
        help_text=_("les clients portant cette étiquette reçoivent l'allocation, ex. « allocataire »"),
    )
    approved_sellers = models.ManyToManyField(
        "enterprises.Enterprise",
        blank=True,
        related_name="approving_funds",
        verbose_name=_("vendeurs agréés"),
    )
    active = models.BooleanField(_("allocations versées"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("caisse de solidarité")

    def __str__(self):
        return self.name


class AllowanceGrant(models.Model):
    """The allowances of one fund for one month: claimed once (unique), in the same transaction as
    the credits, so that running the monthly job twice credits nobody twice."""

    fund = models.ForeignKey(SolidarityFund, on_delete=models.PROTECT, related_name="grants")
    month = models.DateField(_("mois"), help_text="the first day of the month")
    amount = models.DecimalField(_("montant par bénéficiaire"), **MONEY)
    members = models.PositiveIntegerField(_("bénéficiaires"), default=0)
    total = models.DecimalField(_("total"), default=0, **MONEY)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("versement mensuel d'allocations")
        constraints = [models.UniqueConstraint(fields=["fund", "month"], name="allowance_grant_once_a_month")]

    def __str__(self):
        return f"{self.fund} {self.month:%Y-%m}"


class SolidarityPrice(models.Model):
    """A seller's reduced price for the customers with a tag on chosen products: `percent_off` of
    the producer price, shown on the order as a negative fee line of type "solidarity" that names
    who funds the difference."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="solidarity_prices"
    )
    customer_tag = models.CharField(_("étiquette client"), max_length=40)
    products = models.ManyToManyField("catalogue.Product", related_name="+", verbose_name=_("produits"))
    percent_off = models.DecimalField(
        _("réduction (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    funded_by = models.CharField(
        _("financé par"),
        max_length=80,
        help_text=_("ex. : la caisse de solidarité, la cotisation solidaire des adhérents"),
    )
    active = models.BooleanField(_("appliqué"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["customer_tag", "id"]
        verbose_name = _("prix solidaire")
        indexes = [models.Index(fields=["enterprise", "active"], name="solidarity_price_seller_idx")]

    def __str__(self):
        return f"{self.customer_tag} −{money.format_percent(self.percent_off)}"
