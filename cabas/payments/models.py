import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PaymentMethod(models.Model):
    """A way a seller accepts to be paid. Money goes to the seller: offline methods are tracked,
    not collected (online ones — card, SEPA, credit — come with the payments work)."""

    class Kind(models.TextChoices):
        CASH = "cash", _("Espèces au retrait")
        CHEQUE = "cheque", _("Chèque")
        TRANSFER = "transfer", _("Virement bancaire")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="payment_methods"
    )
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("nom affiché"), max_length=80)
    instructions = models.TextField(
        _("instructions pour le client"),
        blank=True,
        help_text=_("ex. : chèque à l'ordre de la Ferme des Collines, IBAN pour un virement"),
    )
    active = models.BooleanField(_("proposé"), default=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("moyen de paiement")

    def __str__(self):
        return self.name
